from .portal import register  # noqa: F401
