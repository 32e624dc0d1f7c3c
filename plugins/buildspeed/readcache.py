"""Reader output cached by content hash, and read in parallel when missing.

Why not Pelican's ``CACHE_CONTENT``: it keys on path and mtime (or a hash),
pickles each Category/Tag/Author object together with the whole settings
dict, is read one file at a time, and is loaded whole into memory. Here:

- the key is SHA-256 of the file's path and bytes, in a database per
  fingerprint of the settings and of the reader code (the reader classes'
  source files, e.g. the typography plugin's wrapper), so a change of
  Markdown extensions or of typography invalidates everything at once;
- what is stored is exactly what ``reader.read()`` returned, with
  Category/Tag/Author objects stored by name and rebuilt on load;
- before the generators read, the files not in the cache are read in forked
  worker processes (``BUILDSPEED_WORKERS``), and the results stored;
- the database is SQLite (standard library): looked up row by row, never
  loaded whole, and rows not used by a build are pruned at its end;
- a file is hashed again only when its size, mtime, ctime or inode differ
  from when it was last hashed (``Store.keys_for``), so an unchanged 20,000-article
  folder is not read through on every build.

Only Markdown readers are wrapped; other readers (HTML) are cheap.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import importlib
import io
import logging
import os
import pickle
import re
import sys
import time

from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import Markdown, MarkdownReader
from pelican.utils import pelican_open
from pelican.urlwrappers import URLWrapper

from . import cachedb
from .forked import BrokenProcessPool, in_workers

logger = logging.getLogger(__name__)

# Settings of how a build runs (where it writes, how many processes, which
# caches, how much it logs), not of what it produces: no fingerprint depends
# on them. ``DEBUG``: the ``pelican`` command sets it (``-D``), a program
# calling ``Pelican.run`` need not; Pelican only logs more with it.
RUN_SETTINGS = frozenset({
    "OUTPUT_PATH", "CACHE_PATH", "DEBUG", "BUILDSPEED_WORKERS", "BUILDSPEED_MANIFEST", "BUILDSPEED_PAUSE_GC",
    "BUILDSPEED_FAST_EXIT", "BUILDSPEED_READ_CACHE", "BUILDSPEED_RENDER_SKIP",
    "RELATED_WORKERS", "RELATED_CACHE", "RELATED_BACKGROUND", "SEARCH_WORKERS", "SEARCH_WORKERS_AT_END",
    "SEARCH_SCRATCH_DIR", "EDITORIAL_CACHE",
})
# Settings that do not change what a reader returns either (URLs).
_IGNORED_SETTINGS = RUN_SETTINGS | {"SITEURL", "FEED_DOMAIN", "RELATIVE_URLS", "DELETE_OUTPUT_DIRECTORY"}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

_stores: dict[str, "Store"] = {}
_prefetch_job = None  # (reader, [paths]) read by forked workers


def _stable_repr(value) -> str:
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_stable_repr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return "[" + ",".join(_stable_repr(v) for v in items) + "]"
    return _ADDRESS.sub("", repr(value))


def fingerprint(settings, reader) -> str:
    h = hashlib.sha256()
    for key in sorted(settings):
        if key not in _IGNORED_SETTINGS:
            h.update(f"{key}={_stable_repr(settings[key])}\n".encode())
    for cls in type(reader).__mro__:
        module = sys.modules.get(cls.__module__)
        path = getattr(module, "__file__", None)
        if path and os.path.isfile(path):
            with open(path, "rb") as f:
                h.update(f.read())
    for name in ("markdown", "typogrify", "smartypants", "pelican"):
        module = sys.modules.get(name)
        h.update(f"{name}={getattr(module, '__version__', '')}".encode())
    return h.hexdigest()[:16]


# --- Serialisation: Category/Tag/Author by name ---------------------------------------
class _Pickler(pickle.Pickler):
    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        if isinstance(obj, URLWrapper):
            return ("urlwrapper", type(obj).__module__, type(obj).__qualname__, obj.name)
        if obj is self.settings:
            return ("settings",)
        return None


class _Unpickler(pickle.Unpickler):
    """`wrappers`: persistent id -> the Category/Tag/Author made for it, shared
    by every file loaded with the same dict (one build's reader).

    Why shared: at 20,000 articles a build loads ~100,000 references to 28
    distinct names; making an object for each cost 0.3 s of a 0.55 s load
    (over half of the reader cache's time in a rebuild), and each object then
    slugified its name again on first use. Pelican makes one per file, but
    nothing in it tells them apart: a wrapper is its name and the settings,
    compared and hashed by slug, and its categories/tags/authors dicts keep
    one of them per name anyway. Files the reader reads in this process go
    through the same load (``_CachedReaderMixin.read``), so a cold build and
    a rebuild hold the same objects."""

    def __init__(self, file, settings, wrappers: dict):
        super().__init__(file)
        self.settings, self.wrappers = settings, wrappers

    def persistent_load(self, pid):
        obj = self.wrappers.get(pid)
        if obj is None:
            if pid[0] == "settings":
                return self.settings
            _, module, qualname, name = pid
            obj = self.wrappers[pid] = _wrapper_class(module, qualname)(name, self.settings)
        return obj


@functools.lru_cache(maxsize=None)
def _wrapper_class(module: str, qualname: str):
    """The Category/Tag/Author class named in the cache (looked up once, not
    for each of the ~90,000 references loaded at 20,000 articles)."""
    return getattr(importlib.import_module(module), qualname)


def dumps(value, settings) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, settings).dump(value)
    return buf.getvalue()


def loads(data: bytes, settings, wrappers: dict | None = None):
    return _Unpickler(io.BytesIO(data), settings, {} if wrappers is None else wrappers).load()


# --- The store ---------------------------------------------------------------------------
class Store:
    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.db = cachedb.connect(path, self._setup, "buildspeed", timeout=cachedb.BUSY_TIMEOUT)
        self.stamp = time.time()
        self.used = []
        self.put: set[str] = set()  # keys stored by this build
        self.seen = []  # source paths this build looked at

    @staticmethod
    def _setup(db):
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB, used REAL)")
        db.execute("CREATE TABLE IF NOT EXISTS files "
                   "(path TEXT PRIMARY KEY, size INTEGER, stamp TEXT, checked INTEGER, key TEXT)")

    def keys_for(self, paths) -> dict:
        """path -> cache key, reading (hashing) only files that may have changed.

        A file whose size, mtime, ctime and inode are those recorded when it
        was last hashed is not read again (as git's index), provided its mtime
        was at least 2 s older than that moment (a file rewritten within the same clock tick, same size, would
        otherwise look unchanged)."""
        known = {}
        paths = list(paths)
        for i in range(0, len(paths), 500):
            part = paths[i : i + 500]
            marks = ",".join("?" * len(part))
            for path, size, stamp, checked, key in self.db.execute(
                    f"SELECT path, size, stamp, checked, key FROM files WHERE path IN ({marks})", part):
                known[path] = (size, stamp, checked, key)
        keys, fresh = {}, []
        self.seen.extend(paths)
        for path in paths:
            st = os.stat(path)
            row = known.get(path)
            # ctime cannot be set from user space: a tool restoring an old mtime still changes it
            stamp = f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
            if row and row[:2] == (st.st_size, stamp) and st.st_mtime_ns < row[2] - 2_000_000_000:
                keys[path] = row[3]
                continue
            now = time.time_ns()
            keys[path] = file_key(path)
            fresh.append((path, st.st_size, stamp, now, keys[path]))
        if fresh:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", fresh)
            self.db.commit()
        return keys

    def get(self, key):
        row = self.db.execute("SELECT data FROM entries WHERE key=?", (key,)).fetchone()
        if row is not None:
            self.used.append(key)
        return None if row is None else row[0]

    def get_many(self, keys) -> dict:
        """key -> data for the keys present; one query per 500 keys."""
        found = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            found.update(self.db.execute(f"SELECT key, data FROM entries WHERE key IN ({marks})", part))
        self.used.extend(found)
        return found

    def put_many(self, rows):
        rows = [(k, d, self.stamp) for k, d in rows]
        self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
        self.db.commit()
        self.put.update(k for k, _d, _s in rows)

    def finish(self):
        """Drop the rows this build did not use (a temporary table of the used
        keys: an UPDATE per row would rewrite every stored blob).

        Skipped when there is nothing to drop: every key used or stored by
        this build is a row, so when there are as many rows as such keys,
        every row was used. The usual build (nothing removed or edited) then
        costs two counts instead of ~0.4 s at 20,000 articles (the DELETE
        reads each row's ``used``, stored after its blob)."""
        everything = set(self.used) | self.put
        (rows,) = self.db.execute("SELECT count(*) FROM entries").fetchone()
        if rows != len(everything):
            self.db.execute("CREATE TEMP TABLE used_now (key TEXT PRIMARY KEY)")
            self.db.executemany("INSERT OR IGNORE INTO used_now VALUES (?)", ((k,) for k in everything))
            self.db.execute("DELETE FROM entries WHERE used < ? AND key NOT IN (SELECT key FROM used_now)",
                            (self.stamp,))
        seen = set(self.seen)
        (files,) = self.db.execute("SELECT count(*) FROM files").fetchone()
        if seen and files != len(seen):  # each path seen has a row (keys_for)
            self.db.execute("CREATE TEMP TABLE seen_now (path TEXT PRIMARY KEY)")
            self.db.executemany("INSERT OR IGNORE INTO seen_now VALUES (?)", ((p,) for p in seen))
            self.db.execute("DELETE FROM files WHERE path NOT IN (SELECT path FROM seen_now)")
        self.db.commit()
        self.db.close()


def file_key(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha256(path.encode() + b"\0" + data).hexdigest()


class _CachedReaderMixin:
    """Answers read() from the store; fills it when missing."""

    _buildspeed_store: Store
    _buildspeed_ready: dict

    def read(self, source_path):
        key = self._buildspeed_keys.pop(source_path, None) or file_key(source_path)
        data = self._buildspeed_ready.pop(key, None) or self._buildspeed_store.get(key)
        if data is None:
            data = dumps(super().read(source_path), self.settings)
            self._buildspeed_store.put_many([(key, data)])
            self._buildspeed_store.used.append(key)
        return loads(data, self.settings, self._buildspeed_wrappers)


class _OneMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader with one ``Markdown`` instance per reader,
    reset between files, instead of a new one per file: making one sets up
    every extension again (~0.75 ms, 15 s of CPU for 20,000 articles read
    cold). ``Markdown.reset()`` is the library's way to reuse an instance
    (it resets every extension: footnotes, abbreviations, meta, toc); Pelican
    itself uses it between a file's body and its ``Summary``.

    ``read`` is Pelican's ``MarkdownReader.read`` with the instance kept.
    Pelican's ``_parse_metadata`` deregisters the ``meta`` preprocessor (so a
    summary's lines are not taken as metadata); it is registered again, at
    its own priority, before the next file."""

    _buildspeed_md = None

    def _markdown(self):
        md = self._buildspeed_md
        if md is None:
            md = self._buildspeed_md = Markdown(**self.settings["MARKDOWN"])
            self._buildspeed_meta = next(((md.preprocessors[p.name], p.name, p.priority)
                                          for p in md.preprocessors._priority if p.name == "meta"), None)
            return md
        md.reset()
        if self._buildspeed_meta is not None and self._buildspeed_meta[1] not in md.preprocessors:
            md.preprocessors.register(*self._buildspeed_meta)
        return md

    def read(self, source_path):
        self._source_path = source_path
        self._md = self._markdown()
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        return content, metadata


def worker_started():
    """Initializer of forked worker processes: the cycle collector on again
    (buildspeed pauses it in the main process for the build), with every
    object inherited from the parent frozen: collections in the worker scan
    only what it makes (parsed documents are full of cycles), and never
    touch, so never copy, the parent's pages of memory."""
    gc.freeze()
    gc.enable()


def _read_in_worker(path):
    """A file's reader output, pickled; None if reading it failed.

    A file the reader cannot read (a date that is not a date…) is left to the
    build: the content check reports it with its file and field and Pelican
    skips it, or Pelican's own reading fails and logs it, naming the file.
    Raised here, it stopped the whole build with the bare exception ("ValueError:
    'ngày mai' is not a valid date"), whenever more than 32 files were new."""
    reader = _prefetch_job
    try:
        content, metadata = super(_CachedReaderMixin, reader).read(path)
    except Exception:  # noqa: BLE001 - the build reads it again and reports it
        return None
    return dumps((content, metadata), reader.settings)


def install(generator):
    """generator_init: wrap the Markdown reader, prefetch what the cache lacks."""
    settings = generator.settings
    if not settings.get("BUILDSPEED_READ_CACHE", True):
        return
    if not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        return
    readers = generator.readers.readers
    wrapped = {}
    for fmt, reader in readers.items():
        if not isinstance(reader, MarkdownReader):
            continue
        cls = type(reader)
        if not issubclass(cls, _CachedReaderMixin):
            # _OneMarkdownReader comes right before MarkdownReader in the MRO,
            # under any wrapper of read() (typography's).
            bases = (cls,) if cls is not MarkdownReader else ()
            reader.__class__ = type(cls.__name__, (_CachedReaderMixin, *bases, _OneMarkdownReader),
                                    {"__module__": cls.__module__})
        fp = fingerprint(settings, reader)
        db = os.path.join(settings.get("CACHE_PATH", "cache"), f"buildspeed-{fp}.sqlite")
        if db not in _stores:
            _stores[db] = Store(db)
        reader._buildspeed_store = _stores[db]
        reader._buildspeed_ready = {}
        reader._buildspeed_keys = {}
        reader._buildspeed_wrappers = {}  # one Category/Tag/Author per name (_Unpickler)
        wrapped[fmt] = reader
    if not wrapped:
        return
    if isinstance(generator, ArticlesGenerator):
        paths, excludes = settings["ARTICLE_PATHS"], settings["ARTICLE_EXCLUDES"]
    else:
        paths, excludes = settings["PAGE_PATHS"], settings["PAGE_EXCLUDES"]
    files = generator.get_files(paths, exclude=excludes, extensions=list(wrapped))
    by_reader = {}
    all_paths = [os.path.abspath(os.path.join(generator.path, rel)) for rel in files]
    file_keys = next(iter(wrapped.values()))._buildspeed_store.keys_for(all_paths)
    for path in all_paths:
        reader = wrapped[os.path.splitext(path)[1][1:]]
        key = file_keys[path]
        reader._buildspeed_keys[path] = key
        by_reader.setdefault(id(reader), (reader, []))[1].append((path, key))
    for reader, items in by_reader.values():
        store = reader._buildspeed_store
        known = store.get_many(key for _, key in items)
        reader._buildspeed_ready.update(known)
        missing = [(p, k) for p, k in items if k not in known]
        if not missing:
            continue
        workers = int(settings.get("BUILDSPEED_WORKERS") or os.cpu_count() or 1)
        global _prefetch_job
        if workers > 1 and len(missing) > 32:
            _prefetch_job = reader
            try:
                blobs = list(in_workers(_read_in_worker, [p for p, _ in missing], workers, worker_started, 16))
            except BrokenProcessPool as exc:
                # What was read is lost; Pelican reads every file missing from the cache itself.
                logger.warning("buildspeed: a worker process reading files died (%s); reading them here", exc)
                blobs = []
            finally:
                _prefetch_job = None
            read = [(k, blob) for (_, k), blob in zip(missing, blobs) if blob is not None]
            store.put_many(read)
            reader._buildspeed_ready.update(read)
        logger.debug("buildspeed: %d of %d files read ahead", len(missing), len(items))


STALE_DAYS = 30
_OUR_FILES = re.compile(r"^buildspeed-(?:(?:pages-)?[0-9a-f]{16}\.sqlite|slugs-.+\.marshal)(?:-wal|-shm)?$")


def finish(pelican):
    current = set()
    for path, store in _stores.items():
        store.finish()
        current.add(os.path.basename(path))
    _stores.clear()
    prune(pelican.settings.get("CACHE_PATH", "cache"), current)


def prune(cache_path: str, keep=()) -> None:
    """Remove reader-cache and render-skip databases (and slug files) of
    other fingerprints unused for STALE_DAYS: a reader cache is as large as
    the content's HTML (~140 MB at 20,000 articles), a pages database ~20-60
    MB, and a change of settings or plugin code starts new ones. Recent ones
    stay, so switching between development and live settings does not read
    and render everything again."""
    limit = time.time() - STALE_DAYS * 86400
    try:
        names = os.listdir(cache_path)
    except OSError:
        return
    for name in names:
        if not _OUR_FILES.match(name) or any(name.startswith(k) for k in keep):
            continue
        path = os.path.join(cache_path, name)
        try:
            if os.stat(path).st_mtime < limit:
                os.remove(path)
        except OSError:
            pass

