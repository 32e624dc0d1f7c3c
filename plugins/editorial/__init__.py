"""Editorial workflow: content checks on every build, scheduling, new posts, live reload.

See ``editorial.py`` (the Pelican plugin and its settings), ``checks.py``
(the checker shared by builds and ``make check``), ``newpost.py``
(``make newpost``) and ``__main__.py`` (the command line).
"""

from .editorial import register  # noqa: F401
