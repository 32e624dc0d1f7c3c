"""Build speed at portal scale (10,000–50,000 articles).

What it does, without other plugins needing to know about it:

- **Parallel, change-only writing** (``writer.py``): pages are rendered in
  forked worker processes after Pelican has decided what to write, and a
  file is replaced (temp file + rename) only when its bytes changed.
- **Reader cache** (``readcache.py``): what the Markdown reader returns
  (Markdown, and the typography plugin's typeset HTML, since it wraps the
  reader) is stored in ``CACHE_PATH/buildspeed-<fingerprint>.sqlite`` keyed by the
  file's path and SHA-256 of its bytes, and files not in the cache are read
  in forked worker processes before the generators run.
- **Stale outputs removed** instead of ``DELETE_OUTPUT_DIRECTORY``: a
  manifest (``.buildspeed-manifest`` in the output folder) lists what the
  last build produced; what it listed and this build did not produce is
  deleted. A file the build never produced (an upload, ``sitemap.xml``,
  a search index) is never touched.
- **Static files** (theme and content) are copied the same way: only when
  their bytes changed, by rename (Pelican's copy rewrites them in place on
  every build, which would also change a hard-linked previous release).
- **Period archives in linear time**: Pelican's ``_build_period_archives``
  does ``[a for a in articles if a in dates]`` for every year and month
  (quadratic: minutes at 20,000 articles); replaced per generator instance
  by the same grouping with a set lookup.
- **Tag, category and author pages in linear time**: Pelican filters
  ``self.dates`` with ``a in articles`` (a list) per term; the per-term
  lists become lists with a set lookup (``IdentityList``).
- **URLs computed once**: ``Content.url``/``save_as`` are formatted from
  settings on every access (about 40 times per article in our theme); from
  the moment the writer starts (contents are final then) until
  ``finalized`` they are remembered per object.
- **Waits for ``make publish``'s seeding** (``wait_for_seed``): the new
  release folder is filled with hard links to the live one while the build
  starts; the writer waits for it before it first looks at the output.
- **No teardown**: the ``pelican`` command ends with ``os._exit(0)`` after a
  successful build instead of freeing the site object by object (``_FastExit``).

Settings (defaults): ``BUILDSPEED_WORKERS`` (CPU count; 1 = serial),
``BUILDSPEED_READ_CACHE`` (True), ``BUILDSPEED_MANIFEST`` (True),
``BUILDSPEED_RENDER_SKIP`` (True), ``BUILDSPEED_PAUSE_GC`` (True),
``BUILDSPEED_FAST_EXIT`` (True).
"""

from __future__ import annotations

import atexit
import calendar
import datetime
import fnmatch
import functools
import gc
import json
import logging
import marshal
import os
import shutil
import sys
import time
import types
from collections import defaultdict
from itertools import groupby
from operator import attrgetter

from pelican import contents, signals, utils

from . import forked, readcache
from .writer import FastWriter, write_if_changed

logger = logging.getLogger(__name__)

MANIFEST = ".buildspeed-manifest"

_state = {"writer": None, "static": [], "frozen": False}


# --- Writer and flushing ---------------------------------------------------------
class _TrackingWriter(FastWriter):
    def __init__(self, output_path, settings=None):
        wait_for_seed()
        super().__init__(output_path, settings=settings)
        if self.settings.get("BUILDSPEED_MANIFEST", True):
            load_known(self)
        _state["writer"] = self
        _state["frozen"] = True


class FlushGenerator:
    """Last generator before StaticGenerator: renders the recorded pages and
    removes stale outputs, so ``finalized`` handlers see a complete output."""

    def __init__(self, context, settings, path, theme, output_path, *args, **kwargs):
        self.settings, self.output_path = settings, output_path

    def generate_output(self, writer):
        if isinstance(writer, FastWriter):
            writer.flush()
            update_manifest(writer, self.output_path, self.settings)


# --- make publish: the output folder is seeded while the build starts -----------------
SEEDING_ENV = "BUILDSPEED_SEEDING"


def wait_for_seed(poll: float = 0.01) -> float:
    """Wait until the output folder is seeded; returns the seconds waited.

    ``make publish`` (tools/release.py) starts the build while it fills the
    new release folder with hard links to the live release (~2 s at 20,000
    articles), so the two overlap: the build spends its first seconds reading
    content, and nothing looks at the output folder before the writer reads
    the last build's manifest, here. The file named by ``BUILDSPEED_SEEDING``
    (an environment variable, so a ``-e`` in PELICANOPTS cannot drop it)
    holds the seeding process's id and exists until the seeding is done. If
    that process is gone while the file is still there, the folder will never
    be complete: the build stops.
    """
    flag = os.environ.get(SEEDING_ENV)
    if not flag:
        return 0.0
    start = time.perf_counter()
    while True:
        try:
            with open(flag, encoding="ascii") as f:
                text = f.read().strip()
        except FileNotFoundError:
            break
        if text.isdigit() and not _alive(int(text)):
            raise RuntimeError(f"{flag}: the process seeding the output folder ({text}) is gone")
        time.sleep(poll)
    waited = time.perf_counter() - start
    logger.debug("buildspeed: waited %.2f s for the output folder to be seeded", waited)
    return waited


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def get_writer(_pelican):
    return _TrackingWriter


def get_generators(pelican):
    _pause_gc(pelican.settings)
    return FlushGenerator


# --- The cycle collector, paused for the build -------------------------------------------
def _pause_gc(settings):
    """Pause Python's cycle collector while a build runs (``BUILDSPEED_PAUSE_GC``,
    default True); ``finalized`` resumes it.

    Why: a build makes millions of long-lived objects (the articles, their
    metadata and HTML, the taxonomies, the recorded pages), and the collector
    scans all of them again each time enough new ones have piled up: at
    20,000 articles about 6 s of a 28 s rebuild, with no memory freed (the
    peak was the same, 622 MB, with and without it; the objects are not
    garbage). Forked workers (reading, rendering) freeze what they inherit
    and collect again (``readcache.worker_started``): parsing makes cyclic
    garbage, and a frozen object is never scanned, so never copied
    (copy-on-write). `get_generators` is
    sent at the start of every run, so a development server that rebuilds in
    one process pauses it per build; a run that failed before ``finalized``
    is collected at the start of the next one.

    ``finalized`` resumes it with the build's objects frozen (``gc.freeze``):
    turned on as it was, the collector's first pass scanned the whole site
    (0.3 s at 20,000 articles, while the sitemap and the search index were
    still to be written) just before the process ends. The next build in the
    same process (a development server) unfreezes them and collects what
    the last build left.
    """
    if not settings.get("BUILDSPEED_PAUSE_GC", True):
        return
    if _state.get("gc_frozen"):
        _state["gc_frozen"] = False
        gc.unfreeze()
        gc.collect()  # what the last build left
    if _state.get("gc_paused"):
        gc.collect()  # the last run stopped before finalized
    elif not gc.isenabled():
        return  # paused by someone else: theirs to resume
    gc.disable()
    _state["gc_paused"] = True


def _resume_gc():
    if _state.get("gc_paused"):
        _state["gc_paused"] = False
        gc.freeze()
        _state["gc_frozen"] = True
        gc.enable()


def remember_static(generator):
    _state["static"] = [s.save_as for s in getattr(generator, "staticfiles", [])]


def finalized(pelican):
    writer = _state["writer"]
    if writer is not None and writer._jobs:  # a generator that ran after ours
        writer.flush()
        update_manifest(writer, pelican.output_path, pelican.settings)
    if writer is not None:
        logger.info("buildspeed: %(written)d files written, %(unchanged)d unchanged "
                    "(%(skipped)d of them not rendered: inputs unchanged)", writer.stats)
    _state.update(writer=None, static=[], frozen=False)
    _resume_gc()


def read_manifest(output_path) -> dict:
    """rel path -> [size, mtime_ns, digest] or None, as the last build left it."""
    try:
        with open(os.path.join(output_path, MANIFEST), encoding="utf-8") as f:
            data = json.load(f)
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_known(writer):
    output_path = os.path.abspath(writer.output_path)
    writer.known = {os.path.join(output_path, rel): info
                    for rel, info in read_manifest(output_path).items() if info}


def update_manifest(writer, output_path, settings):
    if not settings.get("BUILDSPEED_MANIFEST", True):
        return
    output_path = os.path.abspath(output_path)
    # The writer writes into output_path: its paths are cut, not relpath'd.
    produced = {writer._rel(p): writer.file_info.get(p) for p in writer.produced}
    for s in _state["static"]:
        if s:
            produced.setdefault(os.path.normpath(s), None)
    previous = read_manifest(output_path)
    for rel in sorted(previous.keys() - produced.keys()):
        path = os.path.normpath(os.path.join(output_path, rel))
        if os.path.commonpath([path, output_path]) != output_path or not os.path.isfile(path):
            continue
        os.unlink(path)
        logger.info('Removed stale "%s"', path)
        parent = os.path.dirname(path)
        while parent != output_path and not os.listdir(parent):
            os.rmdir(parent)
            parent = os.path.dirname(parent)
    data = json.dumps({k: (list(v) if v else None) for k, v in sorted(produced.items())},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_if_changed(os.path.join(output_path, MANIFEST), data)


# --- Static files: copied only when changed, by rename --------------------------------
def copy_if_changed(source: str, destination: str, ignores=()) -> None:
    """Copy a file or a tree; a file whose bytes are already there is left alone."""
    if os.path.isdir(source):
        for root, dirs, names in os.walk(source):
            dirs[:] = [d for d in dirs if not any(fnmatch.fnmatch(d, i) for i in ignores)]
            for name in names:
                if not any(fnmatch.fnmatch(name, i) for i in ignores):
                    src = os.path.join(root, name)
                    copy_if_changed(src, os.path.join(destination, os.path.relpath(src, source)))
        return
    if not os.path.isfile(source):
        return
    with open(source, "rb") as f:
        data = f.read()
    if write_if_changed(destination, data)[0]:
        shutil.copystat(source, destination)


def _copy_paths(self, paths, source, destination, output_path, final_path=None):
    """StaticGenerator._copy_paths (4.12) with copy_if_changed for Pelican's copy()."""
    for path in paths:
        source_path = os.path.join(source, path)
        if final_path:
            if os.path.isfile(source_path):
                target = os.path.join(output_path, destination, final_path, os.path.basename(path))
            else:
                target = os.path.join(output_path, destination, final_path)
        else:
            target = os.path.join(output_path, destination, path)
        copy_if_changed(source_path, target, self.settings["IGNORE_FILES"])


def _copy_staticfile(self, sc):
    copy_if_changed(os.path.join(self.path, sc.source_path), os.path.join(self.output_path, sc.save_as))


def fix_static_copies(generator):
    generator._copy_paths = types.MethodType(_copy_paths, generator)
    generator._copy_staticfile = types.MethodType(_copy_staticfile, generator)


# --- Period archives -------------------------------------------------------------
def _build_period_archives(self, sorted_articles, articles, settings):
    """Pelican's ArticlesGenerator._build_period_archives (4.12), with the
    per-period filter done by identity set instead of list membership."""
    period_archives = defaultdict(list)
    formats = {
        "year": (settings["YEAR_ARCHIVE_SAVE_AS"], settings["YEAR_ARCHIVE_URL"]),
        "month": (settings["MONTH_ARCHIVE_SAVE_AS"], settings["MONTH_ARCHIVE_URL"]),
        "day": (settings["DAY_ARCHIVE_SAVE_AS"], settings["DAY_ARCHIVE_URL"]),
    }
    key_funcs = {
        "year": attrgetter("date.year"),
        "month": attrgetter("date.year", "date.month"),
        "day": attrgetter("date.year", "date.month", "date.day"),
    }
    for granularity in "year", "month", "day":
        save_as_fmt, url_fmt = formats[granularity]
        if not save_as_fmt:
            continue
        key_func = key_funcs[granularity]
        # Article period -> articles of that period, in `articles` order.
        by_period = defaultdict(list)
        for a in articles:
            by_period[key_func(a)].append(a)
        for period, group in groupby(sorted_articles, key=key_func):
            dates = list(group)
            ids = {id(d) for d in dates}
            archive = {
                "dates": dates,
                "articles": [a for a in by_period.get(period, ()) if id(a) in ids],
            }
            d = dates[0].date
            archive["save_as"] = save_as_fmt.format(date=d)
            archive["url"] = url_fmt.format(date=d)
            if granularity == "year":
                archive["period"] = (period,)
                archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                if granularity == "month":
                    archive["period"] = (period[0], month_name)
                else:
                    archive["period"] = (period[0], month_name, period[2])
                archive["period_num"] = tuple(period)
            period_archives[granularity].append(archive)
    return period_archives


def fix_period_archives(generator):
    generator._build_period_archives = types.MethodType(_build_period_archives, generator)


# --- Taxonomy pages in linear time -----------------------------------------------------
class IdentityList(list):
    """A list whose ``in`` is a set lookup by identity.

    Pelican's generate_tags/categories/authors do
    ``[a for a in self.dates if a in articles]`` per tag, category and author:
    N × (articles of the term) comparisons, ~10^9 at 20,000 articles. Content
    objects compare by identity, so a set of ids gives the same answer. The
    set is rebuilt when the length changes (a plugin appending later)."""

    __slots__ = ("_ids", "_n")

    def __contains__(self, item):
        if getattr(self, "_n", -1) != len(self):
            self._ids = {id(x) for x in self}
            self._n = len(self)
        return id(item) in self._ids


def fast_taxonomies(generator):
    """article_generator_finalized: the per-term lists become IdentityLists."""
    for key, items in list(generator.tags.items()):
        generator.tags[key] = IdentityList(items)
    for attr in ("categories", "authors"):
        pairs = getattr(generator, attr)
        for i, (term, items) in enumerate(pairs):
            pairs[i] = (term, IdentityList(items))


# --- Translations in linear time ---------------------------------------------------------
def process_translations(content_list, translation_id=None):
    """pelican.utils.process_translations (4.12) with its last filter done by
    identity set: ``[x for x in content_list if x not in index]`` compares
    every item with the index list (2·10^8 comparisons, seconds, at 20,000
    articles). Content objects compare by identity, so the answer is the
    same. Installed in pelican.generators, which imported it by name."""
    from pelican.utils import get_original_items  # noqa: PLC0415

    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    index = []
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a"
            " string or a collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {translation_id} as 'translation_id', there "
            "appear to be items without these metadata "
            "attributes"
        ) from None
    for id_vals, items in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (id_vals,) if len(translation_id) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id
        ).format(*id_vals)
        items = list(items)
        original_items = get_original_items(items, with_str)
        index.extend(original_items)
        for a in items:
            a.translations = [x for x in items if x != a]
    in_index = {id(x) for x in index}
    translations = [x for x in content_list if id(x) not in in_index]
    return index, translations


def _install_linear_translations():
    from pelican import generators  # noqa: PLC0415

    generators.process_translations = process_translations


# --- Slugs computed once per distinct text ---------------------------------------------
class _SlugMemo:
    """pelican.utils.slugify is a pure function of its arguments; Pelican calls
    it ~8 times per article (each Category/Tag/Author object made while reading
    slugifies its name again, and the title once): 170,000 calls, ~5 s, at
    20,000 articles. Remembered per (text, substitutions, case, unicode), in
    every module that imported it by name, and kept across builds in
    ``CACHE_PATH/buildspeed-slugs-<versions>.marshal`` (every title is a
    distinct text: 20,000 transliterations, ~1.5 s, on every build otherwise).
    The file name carries the versions of Pelican and Unidecode, the code that
    makes a slug; entries no build used are dropped when it is saved."""

    def __init__(self):
        self.known: dict = {}  # from the file
        self.used: dict = {}  # this build's

    def get(self, key, make):
        slug = self.used.get(key)
        if slug is None:
            slug = self.known.get(key)
            if slug is None:
                slug = make()
            self.used[key] = slug
        return slug

    @staticmethod
    def path(settings) -> str:
        from importlib.metadata import version  # noqa: PLC0415

        tag = f"{version('pelican')}-{version('unidecode')}"
        return os.path.join(settings.get("CACHE_PATH", "cache"), f"buildspeed-slugs-{tag}.marshal")

    def load(self, pelican):
        self.used = {}
        try:
            with open(self.path(pelican.settings), "rb") as f:
                self.known = dict(marshal.load(f))
        except (OSError, ValueError, EOFError, TypeError):
            self.known = {}

    def save(self, pelican):
        path = self.path(pelican.settings)
        if self.used.keys() == self.known.keys() and os.path.exists(path):
            os.utime(path)  # in use: not stale (readcache.prune)
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump(list(self.used.items()), f)
        os.replace(tmp, path)
        self.known = self.used


_slugs = _SlugMemo()


def _install_slugify_memo():
    from pelican import utils  # noqa: PLC0415

    original = utils.slugify
    if getattr(original, "_buildspeed", False):
        return

    frozen_subs: dict = {}  # id(regex_subs) -> (regex_subs, its tuple form or None)

    def freeze(regex_subs):
        hit = frozen_subs.get(id(regex_subs))
        if hit is not None and hit[0] is regex_subs:
            return hit[1]
        try:
            subs = tuple(tuple(p) for p in regex_subs)
            if not all(type(x) is str for p in subs for x in p):
                subs = None
        except TypeError:
            subs = None
        frozen_subs[id(regex_subs)] = (regex_subs, subs)
        return subs

    @functools.wraps(original)
    def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
        subs = freeze(regex_subs)
        if subs is None or type(value) is not str:  # not worth remembering
            return original(value, regex_subs=regex_subs, preserve_case=preserve_case,
                            use_unicode=use_unicode)
        return _slugs.get((value, subs, bool(preserve_case), bool(use_unicode)),
                          lambda: original(value, regex_subs=regex_subs, preserve_case=preserve_case,
                                           use_unicode=use_unicode))

    slugify._buildspeed = True
    for module in list(sys.modules.values()):
        if getattr(module, "slugify", None) is original:
            module.slugify = slugify


# --- URLs computed once while writing ------------------------------------------------
def _memo_property(name, original):
    slot = f"_buildspeed_{name}"

    def getter(self):
        if not _state["frozen"]:
            return original.fget(self)
        try:
            return self.__dict__[slot]
        except KeyError:
            value = self.__dict__[slot] = original.fget(self)
            return value

    return property(getter, original.fset, original.fdel, original.__doc__)


def _memoize_urls():
    for cls, names in ((contents.Content, ("url", "save_as")),):
        for name in names:
            original = cls.__dict__[name]
            if not getattr(original.fget, "_buildspeed", False):
                prop = _memo_property(name, original)
                prop.fget._buildspeed = True
                setattr(cls, name, prop)


_relative_paths: dict = {}


def _memoize_relative_source_path():
    """Content.get_relative_source_path is a pure function of the source path
    and ``PATH`` (relpath of two abspaths): Pelican asks it ~6 times per
    article while making its URL and save path (120,000 relpath calls, ~1.5 s
    at 20,000 articles). Remembered per (PATH, source path), and the first
    answer cut from the string when the source path is a plain path below
    ``PATH`` (which it is for every file Pelican finds): relpath itself took
    another 0.25 s at 20,000 articles."""
    original = contents.Content.get_relative_source_path
    if getattr(original, "_buildspeed", False):
        return

    @functools.wraps(original)
    def get_relative_source_path(self, source_path=None):
        if not source_path:
            source_path = self.source_path
        if source_path is None:
            return None
        base = self.settings["PATH"]
        key = (base, source_path)
        try:
            return _relative_paths[key]
        except (KeyError, TypeError):
            value = _below(base, source_path) or original(self, source_path)
            try:
                _relative_paths[key] = value
            except TypeError:  # an unhashable path: not remembered
                pass
            return value

    get_relative_source_path._buildspeed = True
    contents.Content.get_relative_source_path = get_relative_source_path


def _below(base, path):
    """``relpath(path, base)`` when `path` is a plain absolute path strictly
    below the plain absolute `base` (no ``.``, ``..`` or doubled slashes:
    then relpath only cuts the prefix); otherwise None."""
    if not (isinstance(base, str) and isinstance(path, str)):
        return None
    plain = _plain_bases.get(base)
    if plain is None:
        plain = _plain_bases[base] = os.path.isabs(base) and os.path.normpath(base) == base and base != "/"
    if not plain or not path.startswith(base + "/") or "//" in path or "/." in path or path.endswith("/"):
        return None
    return path[len(base) + 1:]


_plain_bases: dict[str, bool] = {}


def _install_plain_strftime():
    """Pelican's ``SafeDatetime.strftime`` goes through ``pelican.utils.strftime``,
    which splits the format with regular expressions and formats each directive
    alone, so that ``%-d`` (no zero) works everywhere and unknown directives
    are left as written. ``Content.__init__`` formats every article's
    ``locale_date`` with it (0.3 s at 20,000 articles). For a format in which
    every ``%`` starts a C89 directive (``%d/%m/%Y``), that is exactly what
    ``datetime.strftime`` gives in one call; such formats (decided once per
    format) go that way, the others to Pelican's code."""
    original = utils.SafeDatetime.strftime
    if getattr(original, "_buildspeed", False):
        return
    plain_formats: dict[str, bool] = {}

    @functools.wraps(original)
    def strftime(self, fmt, safe=True):
        plain = plain_formats.get(fmt) if type(fmt) is str else False
        if plain is None:
            plain = plain_formats[fmt] = _plain_format(fmt)
        if plain:
            return datetime.datetime.strftime(self, fmt)
        return original(self, fmt, safe)

    strftime._buildspeed = True
    utils.SafeDatetime.strftime = strftime


# Pelican's own list (``c89_directives`` in ``pelican.utils.strftime``, the ISO ones
# included): the directives it formats with datetime.strftime, one at a time.
_C89 = "aAbBcdfGHIjmMpSUuVwWxXyYzZ%"


def _plain_format(fmt: str) -> bool:
    """Every ``%`` of `fmt` starts a C89 directive (``%%`` included)."""
    i = fmt.find("%")
    while i != -1:
        if i + 1 >= len(fmt) or fmt[i + 1] not in _C89:
            return False
        i = fmt.find("%", i + 2)
    return True


def _install_no_stamps_without_cache():
    """Pelican's own content cache (``CACHE_CONTENT``; the reader cache here
    does its work) asks for each file's stamp on every lookup and store even
    when it is off and empty: four ``stat()`` per article, 80,000 at 20,000
    articles. An empty cache answers "not cached" whatever the stamp, and a
    store with caching off stores nothing: both return before the stamp."""
    from pelican.cache import FileStampDataCacher  # noqa: PLC0415

    if getattr(FileStampDataCacher.get_cached_data, "_buildspeed", False):
        return
    original_get, original_put = FileStampDataCacher.get_cached_data, FileStampDataCacher.cache_data

    def get_cached_data(self, filename, default=None):
        if not self._cache:
            return default
        return original_get(self, filename, default)

    def cache_data(self, filename, data):
        if self._cache_data_policy:
            original_put(self, filename, data)

    get_cached_data._buildspeed = True
    FileStampDataCacher.get_cached_data = get_cached_data
    FileStampDataCacher.cache_data = cache_data


# --- Leaving without freeing the site object by object -------------------------------
class _FastExit:
    """A finished build holds the whole site in memory (~600 MB of Python
    objects at 20,000 articles), and the interpreter frees them one by one
    when the process ends: ~1.5 s after the last file is written, on every
    build. So the ``pelican`` command (not Pelican run inside another
    program, such as a test runner) ends with ``os._exit(0)`` once the build
    has finished (``finalized``), after flushing logging and the standard
    streams, provided it was going to end with status 0: Pelican reports a
    failure with ``sys.exit(status)`` (watched here), and an exception left
    unhandled sets ``sys.last_value``; either takes the normal way out, with
    its status. (No logging handler is added to watch for errors: with
    ``--log-handler=plain`` the root logger has none, and one would silence
    Python's last-resort printing of every warning.) Every file is closed by
    then (the writer, the caches and the plugins close what they open);
    ``BUILDSPEED_FAST_EXIT = False`` turns it off."""

    def __init__(self):
        self.built = self.failed = self.armed = False

    @staticmethod
    def is_pelican_command() -> bool:
        main = sys.modules.get("__main__")
        spec = getattr(main, "__spec__", None)
        return getattr(spec, "name", None) == "pelican.__main__" or os.path.basename(sys.argv[0]) == "pelican"

    def arm(self, pelican):
        """``initialized``: watch for failures from now on."""
        if self.armed or not pelican.settings.get("BUILDSPEED_FAST_EXIT", True) or not self.is_pelican_command():
            return
        self.armed = True
        original_exit = sys.exit

        def exit_(status=None):
            if status not in (None, 0):
                self.failed = True
            original_exit(status)

        sys.exit = exit_
        atexit.register(self.leave)

    def finished(self, _pelican):
        self.built = True

    def leave(self):
        if not (self.armed and self.built) or self.failed or getattr(sys, "last_value", None) is not None:
            return
        logger.debug("buildspeed: build finished; leaving without freeing its objects")
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(0)


_fast_exit = _FastExit()


def register():
    forked.fresh_consoles_in_children()
    _install_no_stamps_without_cache()
    _memoize_urls()
    _memoize_relative_source_path()
    _install_linear_translations()
    _install_slugify_memo()
    _install_plain_strftime()
    signals.get_writer.connect(get_writer)
    signals.get_generators.connect(get_generators)
    signals.static_generator_finalized.connect(remember_static)
    signals.static_generator_init.connect(fix_static_copies)
    signals.article_generator_init.connect(fix_period_archives)
    signals.article_generator_finalized.connect(fast_taxonomies)
    signals.generator_init.connect(readcache.install)
    signals.initialized.connect(_slugs.load)
    signals.finalized.connect(finalized)
    signals.finalized.connect(readcache.finish)
    signals.finalized.connect(_slugs.save)
    signals.initialized.connect(_fast_exit.arm)
    signals.finalized.connect(_fast_exit.finished)
