"""Opening the plugins' cache databases; a damaged one is started again.

Used by the buildspeed plugin (reader cache, recorded page reads), the
editorial plugin (per-file facts) and the related plugin (term counts).
"""

from __future__ import annotations

import logging
import os
import sqlite3

logger = logging.getLogger(__name__)

# Seconds a build waits for another build that is writing the same cache
# (``make devserver`` rebuilding while ``make publish`` runs share ``cache/``).
# SQLite's default, 5 s, is less than a cold build's write of the reader
# cache can take on a slow disk; then the other build failed with a bare
# "database is locked".
BUSY_TIMEOUT = 60


def connect(path: str, setup, owner: str, **kwargs) -> sqlite3.Connection:
    """``sqlite3.connect(path, **kwargs)``, then ``setup(db)`` (pragmas, tables).

    A cache holds only what a build can make again. A file that is not a
    database, or a damaged one (a disk that filled up, a copy cut short), made
    every build fail with SQLite's bare "file is not a database" (buildspeed's
    caches) or run without its cache at every build (editorial, related:
    slow, and warned about each time). Such a file is now removed with its
    journal and made again, with a warning naming it. Other errors (locked,
    not allowed: ``sqlite3.OperationalError``) are raised as they are: the
    file may be fine, in use by another build."""
    db = sqlite3.connect(path, **kwargs)
    try:
        setup(db)
        return db
    except sqlite3.DatabaseError as err:
        db.close()
        if isinstance(err, sqlite3.OperationalError):
            raise
        logger.warning("%s: cache %s was damaged (%s); it is made again", owner, path, err)
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    db = sqlite3.connect(path, **kwargs)
    setup(db)
    return db
