"""Skip rendering a page when everything its template read is unchanged.

Why: with the reader cache warm, rendering is most of a rebuild (at 20,000
articles about 29,000 pages, ~1.3 ms each), and after one new article or one
edit almost all of those pages come out byte-identical. A generic writer
cannot know which inputs a page has (any plugin may add a field that a
template prints), so the inputs are *recorded* while the page renders:

- every attribute, item and method call a template reads from a content
  object (article, page, static file), a Category/Tag/Author, or a
  paginator page (Jinja routes them through ``Environment.getattr``,
  ``Environment.getitem`` and ``Context.call``), and
- every top-level name it resolves from the page's context,

each with a digest of the value it got. Objects are named by stable keys
(class and source path; class and name; the context name of a paginator
page), so the next build can ask the same questions of its own objects.
A page is skipped when, next build, all its recorded reads give the same
values, its template code, the theme, the settings and the plugins' code
are the same (the fingerprint), and the file on disk is still the one that
build wrote (size and mtime from the buildspeed manifest). Otherwise it is
rendered (and recorded) again.

Values are compared, never assumed: strings, numbers, dates, Markup,
lists, tuples, dicts and sets by content (long ones by a digest); content
objects and taxonomy objects by key, their attributes being reads of their
own. A page that reached a value of any other kind (an object this module
does not know how to compare) is not recorded and always renders: unknown
means "changed". Filters and template globals are assumed to be pure
functions of their arguments (they are code: the fingerprint covers them);
a template must not read the clock or files.

Storage: one SQLite row per output file in
``CACHE_PATH/buildspeed-pages-<fingerprint>.sqlite``: the reads (marshal,
zlib), their digest, and the digest of the bytes that render wrote. A page
is skipped only when the file on disk still has those bytes: the stores of
other fingerprints are kept (previewing with the development settings and
publishing with the live ones alternate two fingerprints; each keeps its
store), so the file may have been written since by a build with other
settings. Unused stores are removed after 30 days (``readcache.prune``).
Verification runs in the render workers, next to rendering, so it is
parallel too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import sys
import zlib
from array import array
from itertools import compress
from operator import not_

from jinja2 import Environment, Undefined
from jinja2.runtime import Context, missing
from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page as PaginatorPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from . import cachedb, readcache
from .readcache import _stable_repr

logger = logging.getLogger(__name__)

_TRACKED = (Content, URLWrapper, PaginatorPage, Paginator)
# Keys of objects that exist once per page (paginators and their pages):
# "J" = the object under a name of the page's context, "JP" = page n of it.
_JOB_KEYS = ("J", "JP")
_SHORT = 96  # strings at most this long are kept as they are, longer ones as a digest
_BIG = 32  # containers longer than this are digested once per object per process

# The kinds of values ``Keys.value`` tells apart, by exact type (``_kind``).
_K_PLAIN, _K_STR, _K_MARKUP, _K_CONTENT, _K_WRAPPER, _K_DATE, _K_CONTAINER, _K_OTHER = range(8)
_KINDS: dict[type, int] = {}


def _kind(t: type) -> int:
    """The kind of values of type `t` (remembered in ``_KINDS``). A subclass
    takes its parent's kind, Markup before str; subclasses of int and float,
    like any type not listed here, go to ``Keys._other``, which tells
    paginators, Undefined and code apart and finds anything else Unknown."""
    if t is type(None) or t is bool or t is int or t is float:
        kind = _K_PLAIN
    elif t is str:
        kind = _K_STR
    elif issubclass(t, Markup):
        kind = _K_MARKUP
    elif issubclass(t, Content):
        kind = _K_CONTENT
    elif issubclass(t, URLWrapper):
        kind = _K_WRAPPER
    elif issubclass(t, (dt.datetime, dt.date, dt.time)):
        kind = _K_DATE
    elif issubclass(t, (list, tuple, dict, set, frozenset)) and not issubclass(t, _TRACKED):
        kind = _K_CONTAINER
    else:
        kind = _K_OTHER
    _KINDS[t] = kind
    return kind


class Unknown(Exception):
    """A value this module cannot compare: the page is not recorded."""


def _h(data: str) -> str:
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _d(text: str) -> str:
    """The digest of a value's repr: short ones as they are (no hashing for
    the many titles, dates and URLs), marked with "=", which a hex digest has not."""
    return "=" + text if len(text) <= 48 else _h(text)


class Keys:
    """Stable keys of tracked objects and digests of values, for one job.

    ``job_objects``: id -> key for the paginator objects of the job's own
    context (they exist once per page). ``memo`` holds digests of big
    containers per process, with a reference so an id is never reused."""

    def __init__(self, memo: dict):
        self.job_objects: dict[int, tuple] = {}
        self.memo = memo
        self.digests: dict = {}  # read of a shared object or name -> digest of its value

    def digest(self, read: tuple, value, localsiteurl) -> str:
        """Digest of the value a read gave. Within one build a read of a shared
        object always gives the same value (contents are final while pages are
        written; Content.content varies only with localsiteurl), so it is
        computed once per process."""
        if read[0] == "n":
            memo_key = ("n", read[1], id(value))
            hit = self.digests.get(memo_key)
            if hit is not None and hit[0] is value:
                return hit[1]
            digest = _d(repr(self.value(value)))
            self.digests[memo_key] = (value, digest)
            return digest
        if read[1][0] in _JOB_KEYS:
            return _d(repr(self.value(value)))
        memo_key = (read, localsiteurl)
        digest = self.digests.get(memo_key)
        if digest is None:
            digest = self.digests[memo_key] = _d(repr(self.value(value)))
        return digest

    def start_job(self, own: dict):
        """`own`: the names the job's context adds to or changes in the shared
        context (the writer's per-page part); paginators are always among them."""
        self.job_objects = {id(v): ("J", k) for k, v in own.items() if isinstance(v, (PaginatorPage, Paginator))}

    def key(self, obj) -> tuple:
        if isinstance(obj, Content):
            return ("C", type(obj).__name__, obj.source_path)
        if isinstance(obj, URLWrapper):
            return ("W", type(obj).__name__, str(obj.name))
        key = self.job_objects.get(id(obj))
        if key is None and isinstance(obj, PaginatorPage):
            # another page of the job's paginator (`articles_paginator.page(1)`)
            owner = self.job_objects.get(id(obj.paginator))
            if owner is not None:
                key = ("JP", owner[1], obj.number)
        if key is None:
            raise Unknown(type(obj).__name__)
        return key

    def value(self, v):
        """A marshal-able, comparable stand-in for a value read by a template.

        Dispatched on the kind of the value's exact type, worked out once per
        type (``_kind``): a page check asks this ~20 times per article."""
        kind = _KINDS.get(type(v))
        if kind is None:
            kind = _kind(type(v))
        if kind == _K_PLAIN:
            return v
        if kind == _K_STR:
            return v if len(v) <= _SHORT else ("h", _h(v))
        if kind == _K_CONTENT:
            return ("o", "C", type(v).__name__, v.source_path)
        if kind == _K_MARKUP:
            return ("m", str(v) if len(v) <= _SHORT else _h(v))
        if kind == _K_CONTAINER:
            if len(v) > _BIG:
                hit = self.memo.get(id(v))
                if hit is not None and hit[0] is v:
                    return hit[1]
                digest = ("H", _h(repr(self._container(v))))
                self.memo[id(v)] = (v, digest)
                return digest
            return self._container(v)
        if kind == _K_DATE:
            return ("d", type(v).__name__, v.isoformat(), str(getattr(v, "tzinfo", None)))
        if kind == _K_WRAPPER:
            return ("o", "W", type(v).__name__, str(v.name))
        return self._other(v)

    def _other(self, v):
        """``value`` of the rarer kinds: other str subclasses, paginators,
        Undefined, bytes, functions and methods; anything else is Unknown."""
        t = type(v)
        if isinstance(v, str):
            return ("s", t.__name__, str(v) if len(v) <= _SHORT else _h(v))
        if isinstance(v, _TRACKED):
            return ("o",) + self.key(v)
        if isinstance(v, Undefined):
            return ("u",)
        if t is bytes:
            return ("b", _h(v.hex()))
        if callable(v):
            owner = getattr(v, "__self__", None)
            if owner is not None and isinstance(owner, _TRACKED):
                return ("M", self.key(owner), getattr(v, "__name__", ""))
            if owner is None or isinstance(owner, (str, int, float, dt.date, dt.time, list, tuple, dict)):
                # a function (filters, globals, macros: code, in the fingerprint)
                # or a method of a plain value already compared
                return ("f", getattr(v, "__module__", "") or "", getattr(v, "__qualname__", type(v).__name__))
            raise Unknown(f"method of {type(owner).__name__}")
        raise Unknown(t.__name__)

    def _container(self, v):
        if isinstance(v, (list, tuple)) and v:
            # Lists of articles (related news, other news, a listing's page)
            # are most of what pages read: their keys in one pass, not a
            # value() and a key() per item.
            cls = type(v[0])
            if issubclass(cls, Content) and all(type(x) is cls for x in v):
                return ("LC" if isinstance(v, list) else "TC", cls.__name__, tuple(x.source_path for x in v))
        if isinstance(v, dict):
            return ("D", type(v).__name__, tuple(sorted((repr(k), self.value(x)) for k, x in v.items())))
        if isinstance(v, (set, frozenset)):
            return ("S", tuple(sorted((self.value(x) for x in v), key=repr)))
        return ("L" if isinstance(v, list) else "T", tuple(self.value(x) for x in v))


# --- Recording while rendering -------------------------------------------------------------
class _Recording:
    """The reads of the page being rendered (one at a time per process)."""

    def __init__(self, keys: Keys, top: dict, env: Environment):
        self.keys, self.top, self.env = keys, top, env
        self.localsiteurl = top.get("localsiteurl")
        self.reads: dict[tuple, str] = {}  # read -> digest of its value
        self.unknown: str | None = None

    def add(self, read: tuple, value) -> None:
        if self.unknown is not None or read in self.reads:
            return
        try:
            self.reads[read] = self.keys.digest(read, value, self.localsiteurl)
        except Unknown as exc:
            self.unknown = f"{read[:3]}: {exc}"


_active: _Recording | None = None
_MISSING = "missing"  # the digest of a name the page's context lacked
_UNSET = object()
_original_getattr = Environment.getattr
_original_getitem = Environment.getitem


def _arg(value):
    """Arguments of recorded item reads and calls must be plain values."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise Unknown(f"argument {type(value).__name__}")


class RecordingContext(Context):
    def resolve_or_missing(self, key):
        value = super().resolve_or_missing(key)
        rec = _active
        if rec is not None and value is not missing:
            top = rec.top
            # Only names of the page's own context: a name an include got from
            # its includer's loop (`item`) is a value reached by recorded reads.
            if key in top and top[key] is value:
                rec.add(("n", key), value)
        elif rec is not None and key not in rec.env.globals and ("n", key) not in rec.reads:
            rec.reads[("n", key)] = _MISSING  # a name the page lacked: it must stay missing
        return value

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        result = Context.call(__self, __obj, *args, **kwargs)
        rec = _active
        if rec is not None and rec.unknown is None:
            owner = getattr(__obj, "__self__", None)
            if owner is not None and isinstance(owner, _TRACKED):
                try:
                    read = ("c", rec.keys.key(owner), __obj.__name__,
                            tuple(_arg(a) for a in args),
                            tuple(sorted((k, _arg(v)) for k, v in kwargs.items()
                                         if k not in ("_loop_vars", "_block_vars"))))
                except Unknown as exc:
                    rec.unknown = str(exc)
                else:
                    rec.add(read, result)
        return result


def _record_read(kind: str, obj, name, value):
    """Record a template's read of `name` on `obj` (attribute "a" or item "i")."""
    rec = _active
    if rec is not None and isinstance(obj, _TRACKED):
        try:
            rec.add((kind, rec.keys.key(obj), _arg(name)), value)
        except Unknown as exc:
            rec.unknown = str(exc)
    return value


def _recording_getattr(env, obj, attribute):
    return _record_read("a", obj, attribute, _original_getattr(env, obj, attribute))


def _recording_getitem(env, obj, argument):
    return _record_read("i", obj, argument, _original_getitem(env, obj, argument))


def instrument(env: Environment) -> None:
    """Make `env`'s templates report their reads (no cost when not recording)."""
    if getattr(env, "_buildspeed_recording", False):
        return
    env.getattr = _recording_getattr.__get__(env)
    env.getitem = _recording_getitem.__get__(env)
    env.context_class = RecordingContext
    env._buildspeed_recording = True


def pack(reads: dict) -> tuple[bytes, str]:
    """A page's reads for the main process (``PageStore.encode``), and their
    digest. Not compressed: they go through a pipe, and the main process
    numbers them as they come (``FastWriter.flush``), then compresses them
    once for the store."""
    digest = _h("\0".join(reads.values()))
    return marshal.dumps((list(reads), digest)), digest


def render_recorded(template, ctx: dict, keys: Keys, own: dict | None = None):
    """Render `template` with `ctx`, returning (output, packed reads or None).
    `own`: the part of `ctx` that is the page's own (default: all of it)."""
    global _active
    env = template.environment
    instrument(env)
    keys.start_job(ctx if own is None else own)
    rec = _Recording(keys, ctx, env)
    _active = rec
    try:
        output = template.render(ctx)
    finally:
        _active = None
    if rec.unknown is not None:
        logger.debug("buildspeed: %s not recorded, it will always render (%s)",
                     ctx.get("output_file"), rec.unknown)
        return output, None
    return output, pack(rec.reads)[0]


# --- Checking next time ------------------------------------------------------------------------
class Registry:
    """Key -> object of this build, for the objects a page's reads start from."""

    def __init__(self, context: dict):
        self.objects: dict[tuple, object] = {}
        seen = set()

        def add_content(obj):
            if id(obj) in seen:
                return
            seen.add(id(obj))
            self.objects.setdefault(("C", type(obj).__name__, obj.source_path), obj)
            for other in getattr(obj, "translations", ()) or ():
                add_content(other)
            for attr in ("category", "author"):
                w = getattr(obj, attr, None)
                if isinstance(w, URLWrapper):
                    self.objects.setdefault(("W", type(w).__name__, str(w.name)), w)
            for attr in ("tags", "authors"):
                for w in getattr(obj, attr, None) or ():
                    if isinstance(w, URLWrapper):
                        self.objects.setdefault(("W", type(w).__name__, str(w.name)), w)

        for name in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages",
                     "staticfiles"):
            for obj in context.get(name) or ():
                if isinstance(obj, Content):
                    add_content(obj)
        for name in ("categories", "tags", "authors"):
            items = context.get(name) or ()
            for pair in (items.items() if isinstance(items, dict) else items):
                w = pair[0] if isinstance(pair, tuple) else pair
                if isinstance(w, URLWrapper):
                    self.objects.setdefault(("W", type(w).__name__, str(w.name)), w)


class Checker:
    """Answers "is this page's output still what its template would render?".

    A page's reads are numbers into the store's table of distinct reads
    (``PageStore.table``, shared by the forked workers); the digest of a read
    of a shared object is remembered per number, so checking a page is
    mostly list lookups."""

    def __init__(self, registry: Registry, rows: dict[str, bytes], table: list):
        self.registry, self.rows, self.table = registry, rows, table
        self.memo: list = [None] * len(table)  # read number -> digest (shared reads)
        self.memo_siteurl = _UNSET  # the localsiteurl the memo's digests are for

    def unchanged(self, path: str, ctx: dict, env: Environment, keys: Keys, own: dict | None = None,
                  on_disk: str | None = None) -> bool:
        """`on_disk`: the digest of the file's bytes now (the writer's
        manifest); it must be what this page's recorded render wrote."""
        blob = self.rows.get(path)
        if blob is None:
            return False
        raw, digest, written = marshal.loads(zlib.decompress(blob))
        if written != on_disk:
            return False
        ids = array("I")
        ids.frombytes(raw)
        keys.start_job(ctx if own is None else own)
        localsiteurl = ctx.get("localsiteurl")
        if self.memo_siteurl is _UNSET:
            self.memo_siteurl = localsiteurl
        # Relative URLs give each folder its own localsiteurl: then the
        # per-number memo (one value per read) is not used for this page.
        memo = self.memo if localsiteurl == self.memo_siteurl else None
        table, digests = self.table, keys.digests
        try:
            if memo is not None:
                # The digests of shared reads known already, gathered in C; the
                # loop visits only the rest: names, paginator pages, and shared
                # reads no page of this process has asked for yet.
                values = list(map(memo.__getitem__, ids))
                todo = compress(range(len(values)), map(not_, values))
            else:
                values = [None] * len(ids)
                todo = range(len(ids))
            for p in todo:
                i = ids[p]
                read = table[i]
                if read[0] == "n":  # a name: memo by the identity of its value
                    value = ctx.get(read[1], missing)
                    if value is not missing:
                        hit = digests.get(("n", read[1], id(value)))
                        if hit is not None and hit[0] is value:
                            values[p] = hit[1]
                            continue
                elif read[1][0] not in _JOB_KEYS:  # a shared object's attribute
                    if memo is not None:
                        values[p] = memo[i] = self._shared_digest(read, env, keys)
                        continue
                    hit = digests.get((read, localsiteurl))
                    if hit is not None:
                        values[p] = hit
                        continue
                values[p] = self._digest(read, ctx, env, keys, localsiteurl)
        except (Unknown, LookupError, AttributeError, TypeError, ValueError) as exc:
            logger.debug("buildspeed: %s renders: its inputs cannot be read again (%r)", path, exc)
            return False
        return _h("\0".join(values)) == digest

    def _object(self, key: tuple, ctx: dict):
        if key[0] in _JOB_KEYS:
            if key[1] not in ctx:
                raise LookupError(key)
            obj = ctx[key[1]]
            return obj if key[0] == "J" else obj.page(key[2])
        return self.registry.objects[key]

    @staticmethod
    def _read(read: tuple, obj, env: Environment):
        """What an attribute ("a"), item ("i") or call ("c") read gives now."""
        kind = read[0]
        if kind == "a":
            return _original_getattr(env, obj, read[2])
        if kind == "i":
            return _original_getitem(env, obj, read[2])
        return getattr(obj, read[2])(*read[3], **dict(read[4]))

    def _shared_digest(self, read: tuple, env: Environment, keys: Keys) -> str:
        """``_digest`` of a read of a shared object, for the per-number memo
        (all the remembering it needs: not kept in ``keys.digests`` as well)."""
        return _d(repr(keys.value(self._read(read, self.registry.objects[read[1]], env))))

    def _digest(self, read: tuple, ctx: dict, env: Environment, keys: Keys, localsiteurl) -> str:
        kind = read[0]
        if kind == "n":
            value = ctx.get(read[1], missing)
            if value is missing:
                return _MISSING if read[1] not in env.globals else "global"
            return keys.digest(read, value, localsiteurl)
        return keys.digest(read, self._read(read, self._object(read[1], ctx), env), localsiteurl)


# --- Fingerprint and store ------------------------------------------------------------------
_IGNORED = readcache.RUN_SETTINGS


def fingerprint(settings: dict, envs) -> str:
    """Settings, the template sources, and the code of every loaded plugin and
    of Pelican and Jinja: what a page's output depends on besides its reads.

    Not an entry point (``pelican.__main__``): the ``pelican`` command loads
    it, ``python -m pelican`` (``make publish``) runs it as ``__main__`` and
    a program calling ``Pelican.run`` not at all; it only calls Pelican's
    ``main``, and with it counted the three would not share a store (a
    switch rendered all 29,000 pages of a 20,000-article site)."""
    h = hashlib.sha256()
    for key in sorted(settings):
        if key not in _IGNORED:
            h.update(f"{key}={_stable_repr(settings[key])}\n".encode())
    for env in envs:
        for name in sorted(env.list_templates()):
            source = env.loader.get_source(env, name)[0]
            h.update(f"{name}\0{source}\0".encode())
    roots = [os.path.abspath(p) for p in settings.get("PLUGIN_PATHS", [])]
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if name.rpartition(".")[2] == "__main__":
            continue
        if path and (any(path.startswith(r + os.sep) for r in roots) or name.split(".")[0] in
                     ("pelican", "jinja2", "markupsafe")):
            try:
                with open(path, "rb") as f:
                    h.update(name.encode() + b"\0" + f.read())
            except OSError:
                pass
    return h.hexdigest()[:16]


class PageStore:
    """``pages``: output path -> (read numbers, digest of the read values,
    digest of the bytes written);
    ``reads``: one row holding the table of distinct reads the numbers point
    into (marshal, zlib; an object's key is stored once however many reads
    name it). The table only grows with new (object, attribute) pairs, not
    with edits; when it is twice what the pages use (removed articles), it is
    renumbered."""

    SLACK = 10_000  # unused reads tolerated beyond twice the last compacted size

    def __init__(self, cache_path: str, fp: str):
        os.makedirs(cache_path, exist_ok=True)
        path = os.path.join(cache_path, f"buildspeed-pages-{fp}.sqlite")
        self.db = cachedb.connect(path, self._setup, "buildspeed", timeout=cachedb.BUSY_TIMEOUT)
        os.utime(path)  # in use: not stale (readcache.prune)
        self.table: list = []
        self.rows: dict[str, bytes] = {}
        self._loaded = self._compacted = 0
        self._index: dict | None = None
        self._canon: dict = {}

    @staticmethod
    def _setup(db):
        db.execute("CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, reads BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS reads (id INTEGER PRIMARY KEY, compacted INTEGER, data BLOB)")

    def load(self) -> dict[str, bytes]:
        row = self.db.execute("SELECT compacted, data FROM reads WHERE id = 0").fetchone()
        if row is not None:
            self._compacted, self.table = row[0], marshal.loads(zlib.decompress(row[1]))
            self.rows = dict(self.db.execute("SELECT path, reads FROM pages"))
        self._loaded = len(self.table)
        return self.rows

    def _number(self, read: tuple) -> int:
        if self._index is None:
            self._index = {r: i for i, r in enumerate(self.table)}
            for r in self.table:
                if type(r[1]) is tuple:
                    self._canon.setdefault(r[1], r[1])
        i = self._index.get(read)
        if i is None:
            if type(read[1]) is tuple:  # one object for each key: marshal stores it once
                read = (read[0], self._canon.setdefault(read[1], read[1]), *read[2:])
            i = self._index[read] = len(self.table)
            self.table.append(read)
        return i

    def encode(self, packed: bytes, written: str) -> bytes:
        """A page's reads as render_recorded packed them -> as stored (numbers),
        with `written`, the digest of the bytes the render gave."""
        reads, digest = marshal.loads(packed)
        ids = array("I", map(self._number, reads))
        return zlib.compress(marshal.dumps((ids.tobytes(), digest, written)), 1)

    def save(self, rows: dict, keep: set) -> None:
        """Store new rows (path -> a row ``encode`` made, or None for a page
        rendered without a record); drop rows of pages this build did not
        produce."""
        new = {p: r for p, r in rows.items() if r is not None}
        renumbered = False
        if self._loaded == 0:
            self._compacted = len(self.table)  # a fresh table: nothing unused yet
        elif len(self.table) > 2 * self._compacted + self.SLACK:
            live = {p: b for p, b in self.rows.items() if p in keep and rows.get(p, b) is not None}
            new, renumbered = self._renumber({**live, **new}), True
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", new.items())
        gone = [(p,) for p, b in rows.items() if b is None]
        self.db.executemany("DELETE FROM pages WHERE path=?", gone)
        self.db.execute("CREATE TEMP TABLE keep (path TEXT PRIMARY KEY)")
        self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((p,) for p in keep))
        self.db.execute("DELETE FROM pages WHERE path NOT IN (SELECT path FROM keep)")
        if len(self.table) != self._loaded or renumbered:
            self.db.execute("INSERT OR REPLACE INTO reads VALUES (0, ?, ?)",
                            (self._compacted, zlib.compress(marshal.dumps(self.table), 1)))
        self.db.commit()
        self.db.close()

    def _renumber(self, live: dict) -> dict:
        """Keep only the reads live pages use; returns the pages renumbered."""
        decoded = {}
        used = set()
        for path, blob in live.items():
            raw, digest, written = marshal.loads(zlib.decompress(blob))
            ids = array("I")
            ids.frombytes(raw)
            decoded[path] = (ids, digest, written)
            used.update(ids)
        order = sorted(used)
        number = {old: i for i, old in enumerate(order)}
        self.table = [self.table[i] for i in order]
        self._compacted, self._index = len(self.table), None
        return {path: zlib.compress(marshal.dumps((array("I", map(number.__getitem__, ids)).tobytes(), digest,
                                                   written)), 1)
                for path, (ids, digest, written) in decoded.items()}
