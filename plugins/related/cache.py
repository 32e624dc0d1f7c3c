"""Each article's terms, kept between builds so only new or changed text is read.

Reading an article into term counts (``related.article_terms``: NFC,
lower-casing, splitting, pairs, counting) is most of the plugin's time and
depends on nothing but the article itself. What it produces — term ids and
``1 + ln count`` as two arrays, exactly what ``signatures`` keeps in memory —
is stored in ``CACHE_PATH/related-<fingerprint>.sqlite``, one row per
article, keyed by SHA-256 of exactly what the reading looks at (title,
summary, the start of the body it may read, tag and category slugs:
``related.input_key``). That key is taken from the article as the generator
made it rather than from its source file, so whatever changes the text
between the file and this plugin (the reader, the typography plugin, a
Markdown extension) changes the key too, and no other plugin's code needs to
be in the fingerprint. The fingerprint covers the settings the reading uses
(``TERM_SETTINGS``), the plugin's code and the versions of Python (Unicode
tables, array layout) and MarkupSafe (``striptags``).

Everything that depends on the whole collection — document frequencies,
signatures, the ranking — is computed from these rows, so a cached build
gives the same lists as an uncached one. The ranking is a pure function of
the articles' keys in order, which of them may be listed, and the settings:
it is stored (table ``ranked``, one row per content folder) with the digest
of exactly that, and a build whose digest is the same takes it instead of
scoring again (``related.ranking_key``): a rebuild with no article's text
changed, or the publish of what was just previewed, skips ~2.5 s at 20,000
articles.

Terms are numbered in a ``terms`` table shared by all builds (numbering a
new term takes the database's write lock, so two builds at once agree);
a term's id is twice that number, plus one for a single syllable: the one
thing the weighting needs to know about a term, so the vocabulary is never
loaded. Rows of a content folder that its last build did not use, and of
folders that are gone, are deleted; terms are kept (ids must stay stable
for the remaining rows; a new fingerprint starts afresh). Database files of
other fingerprints unused for ``STALE_DAYS`` are removed. If the database
cannot be used, the build reads every article, with a warning.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import marshal
import os
import sqlite3
import sys
import time
import zlib
from array import array
from glob import glob
from pathlib import Path

from buildspeed import cachedb

logger = logging.getLogger(__name__)

# The settings that change an article's term counts (the others only weigh
# and rank them, at every build).
TERM_SETTINGS = ("RELATED_TITLE_WEIGHT", "RELATED_TAG_WEIGHT", "RELATED_CATEGORY_WEIGHT", "RELATED_BODY_WORDS")
STALE_DAYS = 30


def fingerprint(settings) -> str:
    h = hashlib.sha256()
    for key in TERM_SETTINGS:
        h.update(f"{key}={settings[key]!r}\n".encode())
    here = Path(__file__).resolve().parent
    for name in ("related.py", "cache.py"):
        h.update((here / name).read_bytes())
    try:
        markupsafe = importlib.metadata.version("MarkupSafe")
    except importlib.metadata.PackageNotFoundError:
        markupsafe = "?"
    h.update(f"{sys.version}|{sys.byteorder}|{markupsafe}".encode())
    return h.hexdigest()[:16]


def term_id(serial: int, term: str) -> int:
    """Twice the term's number, plus one for a single syllable (not a pair, a
    ``#tag`` or an ``@category``), which weighs ``RELATED_SYLLABLE_WEIGHT``."""
    return 2 * serial + (" " not in term and term[0] not in "#@")


class Vocabulary:
    """Term ids for one build, without a cache: numbered in order of appearance."""

    def __init__(self):
        self.ids: dict[str, int] = {}

    def resolve(self, terms) -> dict[str, int]:
        """Number the new `terms` (distinct), in order of appearance."""
        ids = self.ids
        for term in terms:
            if term not in ids:
                ids[term] = term_id(len(ids), term)
        return ids


def unpack(blob: bytes) -> tuple[array, array]:
    """A stored row: term ids (``array("i")``), then ``1 + ln count`` (``array("f")``)."""
    half = len(blob) // 2
    ids, tfs = array("i"), array("f")
    ids.frombytes(blob[:half])
    tfs.frombytes(blob[half:])
    return ids, tfs


class TermStore:
    """One content folder's rows, and the shared term numbering."""

    WRITE_BATCH = 1000

    def __init__(self, db_path: str, folder: str):
        self.path = db_path
        self.folder = folder
        # transactions made explicit (isolation_level=None)
        self.db = cachedb.connect(db_path, self._setup, "related", timeout=cachedb.BUSY_TIMEOUT,
                                  isolation_level=None)
        # key -> row; taken out by `take` as articles are read from it
        # (loaded when first needed: not when the stored ranking is taken)
        self._rows: dict[bytes, bytes] | None = None
        self.stored_keys: set[bytes] = set()
        self.taken: dict[bytes, tuple[array, array]] = {}
        self.ids: dict[str, int] = {}
        self.new: list[tuple[str, bytes, bytes]] = []
        self.read = 0  # articles read in this build

    @staticmethod
    def _setup(db):
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, term TEXT UNIQUE NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS articles (folder TEXT, key BLOB, terms BLOB, PRIMARY KEY (folder, key))")
        db.execute("CREATE TABLE IF NOT EXISTS ranked (folder TEXT PRIMARY KEY, key BLOB, lists BLOB)")

    @classmethod
    def open(cls, pelican_settings, settings) -> TermStore | None:
        cache_path = pelican_settings.get("CACHE_PATH")
        if not cache_path or not pelican_settings.get("RELATED_CACHE", True):
            return None
        db = os.path.join(cache_path, f"related-{fingerprint(settings)}.sqlite")
        try:
            os.makedirs(cache_path, exist_ok=True)
            store = cls(db, os.path.realpath(pelican_settings.get("PATH") or "."))
            os.utime(db)  # in use: not stale for _remove_stale of another fingerprint
        except (OSError, sqlite3.Error) as err:
            logger.warning("related: cache %s unusable (%s); reading every article", db, err)
            return None
        _remove_stale(cache_path, db)
        return store

    @property
    def rows(self) -> dict[bytes, bytes]:
        if self._rows is None:
            self._rows = dict(self.db.execute("SELECT key, terms FROM articles WHERE folder=?", (self.folder,)))
            self.stored_keys = set(self._rows)
        return self._rows

    @rows.setter
    def rows(self, value) -> None:
        self._rows = value

    def ranked(self, key: bytes) -> list[list[int]] | None:
        """The ranking stored under `key` for this folder, or None."""
        row = self.db.execute("SELECT key, lists FROM ranked WHERE folder=?", (self.folder,)).fetchone()
        if row is None or row[0] != key:
            return None
        try:
            return marshal.loads(zlib.decompress(row[1]))
        except (ValueError, EOFError, TypeError, zlib.error):
            return None

    def keep_ranked(self, key: bytes, lists: list[list[int]]) -> None:
        try:
            self.db.execute("INSERT OR REPLACE INTO ranked VALUES (?, ?, ?)",
                            (self.folder, key, zlib.compress(marshal.dumps(lists), 1)))
        except sqlite3.Error as err:
            logger.warning("related: could not update the cache %s (%s)", self.path, err)

    def resolve(self, terms) -> dict[str, int]:
        """Number the new `terms` (distinct), in order of appearance; another build
        may have numbered some already."""
        missing = [t for t in terms if t not in self.ids]
        if missing:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("INSERT OR IGNORE INTO terms (term) VALUES (?)", ((t,) for t in missing))
                for i in range(0, len(missing), 500):
                    part = missing[i : i + 500]
                    marks = ",".join("?" * len(part))
                    for term, serial in self.db.execute(f"SELECT term, id FROM terms WHERE term IN ({marks})", part):
                        self.ids[term] = term_id(serial, term)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return self.ids

    def take(self, key: bytes) -> tuple[array, array] | None:
        """The stored terms for `key`, or None. A row is unpacked once and then
        dropped (two articles with the same text share the arrays)."""
        blob = self.rows.pop(key, None)
        if blob is not None:
            self.taken[key] = unpack(blob)
        return self.taken.get(key)

    def add(self, key: bytes, ids: array, tfs: array) -> None:
        self.read += 1
        self.new.append((self.folder, key, ids.tobytes() + tfs.tobytes()))
        if len(self.new) >= self.WRITE_BATCH:  # written as they come: a cold build holds no copy of them all
            self._write()

    def _write(self, stale=()) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)", self.new)
            self.db.executemany("DELETE FROM articles WHERE folder=? AND key=?", stale)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.new = []

    def save(self, keys) -> None:
        """Store the new rows; drop this folder's rows that no article used now,
        and the rows of folders that are gone."""
        used = set(keys)
        self.rows  # noqa: B018 (loads the stored keys, if nothing did)
        stale = [(self.folder, key) for key in self.stored_keys if key not in used]
        self.rows, self.taken = {}, {}
        try:
            self._write(stale)
            for (folder,) in self.db.execute("SELECT DISTINCT folder FROM articles").fetchall():
                if not os.path.isdir(folder):
                    self.db.execute("DELETE FROM articles WHERE folder=?", (folder,))
        except sqlite3.Error as err:
            logger.warning("related: could not update the cache %s (%s)", self.path, err)
        self.new = []

    def close(self) -> None:
        self.db.close()


def _remove_stale(cache_path: str, current: str) -> None:
    """Database files of other fingerprints (older code or settings) unused for STALE_DAYS."""
    limit = time.time() - STALE_DAYS * 86400
    for path in glob(os.path.join(cache_path, "related-*.sqlite")):
        try:
            if path != current and os.stat(path).st_mtime < limit:
                for extra in ("", "-wal", "-shm"):
                    if os.path.exists(path + extra):
                        os.remove(path + extra)
        except OSError:
            pass
