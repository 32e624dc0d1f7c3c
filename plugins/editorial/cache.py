"""What the content checker learnt from each file, remembered between checks.

The checker's work on one file — decoding it, parsing its front matter, the
checks that need nothing but the file, its slug, where Pelican will write
it, its archive pages, the links and images in its text — depends only on
the file's bytes, its path in the content folder, whether it is an article
or a page, the settings in ``SETTINGS`` and the checker's code. Those
results ("facts", built and replayed by ``checks.py``) are kept here, one
row per file, in ``CACHE_PATH/editorial-<fingerprint>.sqlite`` (SQLite, like
the buildspeed plugin's reader cache); the fingerprint covers ``SETTINGS``,
the code (``checks.py``, this file, the Vietnamese helpers) and the versions
of Python (the rows are ``marshal`` data), Pelican, markdown-it-py and
Unidecode, so a change to any of them starts a new file.

A file is recognised without being read when its size, mtime, ctime and
inode are the ones recorded, as git's index does: at 20,000 articles (105 MB)
a ``stat()`` each takes 0.05 s, reading and hashing every file 0.3 s when
they are in the page cache and 5.6 s when they are not (measured; another
build or a test run had pushed them out) — that alone would miss the
target of well under a second for an unchanged folder. When they differ
(an edit, a checkout, a copy) the bytes are read and their SHA-256 compared,
so a file touched but not changed is not checked again. The stat match is
trusted only for a file last changed ``RACY_NS`` (2 s) or more before it was
recorded: a file saved again within the same timestamp tick, with the same
size, would otherwise go unseen (git calls it "racy"); such a file is hashed
until it is old enough. ctime cannot be set from user space, so a tool that
restores an old mtime (``touch -d``, ``rsync -t``) still changes it.

Rows are keyed by content folder and relative path. At the end of a check,
rows of files that are gone and of content folders that no longer exist are
deleted; database files of other fingerprints unused for ``STALE_DAYS`` are
removed. If the database cannot be used (read-only folder, corrupt file) the
check runs without it, with a warning.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import sqlite3
import sys
import time
from glob import glob
from pathlib import Path

from buildspeed import cachedb

logger = logging.getLogger(__name__)

# Every setting the per-file part of the checker reads (checks._examine and
# what it calls, Pelican's Category/Author slugs included);
# test_cache.py checks this list against what it really reads.
SETTINGS = (
    "TIMEZONE", "PORTAL_CATEGORIES", "DEFAULT_CATEGORY", "DEFAULT_LANG",
    "SLUGIFY_SOURCE", "SLUG_REGEX_SUBSTITUTIONS", "SLUGIFY_PRESERVE_CASE", "SLUGIFY_USE_UNICODE",
    "CATEGORY_REGEX_SUBSTITUTIONS", "AUTHOR_REGEX_SUBSTITUTIONS",
    "ARTICLE_SAVE_AS", "PAGE_SAVE_AS",
    "YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS", "DAY_ARCHIVE_SAVE_AS",
)
RACY_NS = 2_000_000_000
STALE_DAYS = 30
_VERSIONS = ("pelican", "markdown-it-py", "Unidecode")


def fingerprint(settings) -> str:
    h = hashlib.sha256()
    for key in SETTINGS:
        h.update(f"{key}={settings.get(key)!r}\n".encode())  # strings, lists, tuples: stable reprs
    here = Path(__file__).resolve().parent
    from vietnamese import vietnamese  # the folding and slug rules used in messages

    for path in (here / "checks.py", here / "cache.py", Path(vietnamese.__file__)):
        h.update(path.read_bytes())
    for name in _VERSIONS:
        try:
            h.update(f"{name}={importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=?\n".encode())
    h.update(sys.version.encode())
    return h.hexdigest()[:16]


class FileCache:
    """Per-file facts of one content folder, looked up by stat() or SHA-256."""

    def __init__(self, db_path: str, folder: str):
        self.path = db_path
        self.folder = folder
        self.db = cachedb.connect(db_path, self._setup, "editorial", timeout=cachedb.BUSY_TIMEOUT)
        self.rows = {row[0]: row[1:] for row in self.db.execute(
            "SELECT rel, kind, size, mtime, ctime, ino, checked, digest, facts FROM files WHERE folder=?", (folder,))}
        self.seen: set[str] = set()
        self.started = time.time_ns()  # before any stat(): see RACY_NS
        self.pending: dict[str, tuple] = {}  # rel -> row values awaiting their facts
        self.writes: list[tuple] = []
        self.hashed = 0

    @staticmethod
    def _setup(db):
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS files (folder TEXT, rel TEXT, kind TEXT, size INTEGER, mtime INTEGER, "
            "ctime INTEGER, ino INTEGER, checked INTEGER, digest BLOB, facts BLOB, PRIMARY KEY (folder, rel))"
        )

    @classmethod
    def open(cls, settings, folder: Path) -> FileCache | None:
        cache_path = settings.get("CACHE_PATH")
        if not cache_path or not settings.get("EDITORIAL_CACHE", True):
            return None
        db = os.path.join(cache_path, f"editorial-{fingerprint(settings)}.sqlite")
        try:
            os.makedirs(cache_path, exist_ok=True)
            store = cls(db, str(folder))
        except (OSError, sqlite3.Error) as err:
            logger.warning("editorial: cache %s unusable (%s); checking every file", db, err)
            return None
        try:
            os.utime(db)  # in use: not stale for _remove_stale of another fingerprint
        except OSError:
            pass
        _remove_stale(cache_path, db)
        return store

    def get(self, rel: str, kind: str, path) -> tuple[bytes | None, bytes | None]:
        """(facts, None) when the file is known; (None, its bytes) when it must be checked."""
        self.seen.add(rel)
        checked = self.started
        st = os.stat(path)
        sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        row = self.rows.get(rel)
        if row is not None and row[0] == kind:
            if row[1:5] == sig and max(sig[1], sig[2]) < row[5] - RACY_NS:
                return row[7], None
        with open(path, "rb") as f:
            data = f.read()
        self.hashed += 1
        digest = hashlib.sha256(data).digest()
        if row is not None and row[0] == kind and row[6] == digest:
            self.writes.append((self.folder, rel, kind, *sig, checked, digest, row[7]))
            return row[7], None
        self.pending[rel] = (self.folder, rel, kind, *sig, checked, digest)
        return None, data

    def put(self, rel: str, facts: bytes) -> None:
        self.writes.append((*self.pending.pop(rel), facts))

    def close(self, prune: bool = True) -> None:
        """Write what changed; with `prune` (a complete check), forget the files and
        content folders that are gone."""
        try:
            if self.writes:
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?)", self.writes)
            if prune:
                gone = [(self.folder, rel) for rel in self.rows if rel not in self.seen]
                if gone:
                    self.db.executemany("DELETE FROM files WHERE folder=? AND rel=?", gone)
                for (folder,) in self.db.execute("SELECT DISTINCT folder FROM files").fetchall():
                    if not os.path.isdir(folder):
                        self.db.execute("DELETE FROM files WHERE folder=?", (folder,))
            self.db.commit()
        except sqlite3.Error as err:
            logger.warning("editorial: could not update the cache %s (%s)", self.path, err)
        finally:
            self.db.close()


def _remove_stale(cache_path: str, current: str) -> None:
    """Database files of other fingerprints (older code or settings) unused for STALE_DAYS."""
    limit = time.time() - STALE_DAYS * 86400
    for path in glob(os.path.join(cache_path, "editorial-*.sqlite")):
        if path != current:
            try:
                if os.stat(path).st_mtime < limit:
                    for extra in ("", "-wal", "-shm"):
                        if os.path.exists(path + extra):
                            os.remove(path + extra)
            except OSError:
                pass
