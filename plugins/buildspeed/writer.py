"""A Pelican writer that renders in parallel and writes only what changed.

Why a writer and not a patch of the generators: every page Pelican (and any
plugin generator) produces goes through ``Writer.write_file``; by taking
over the two places where that method renders and opens a file, we keep all
of Pelican's own logic (pagination, relative URLs, ``output_file``, the
override rules) and change only *when* and *how* the bytes are produced.

How:

1. ``write_file`` runs Pelican's code with a stand-in template. When Pelican
   asks it to render, it records the template and the exact template
   context (as a small difference against a snapshot of the shared context,
   so 20,000 pages do not hold 20,000 copies of it); ``_open_w`` then applies
   Pelican's override rules to the output path and files the job.
2. ``flush()`` (called once every generator has produced its output, before
   ``finalized``) renders the jobs: in ``BUILDSPEED_WORKERS`` forked worker
   processes, which share the built site copy-on-write and need nothing
   pickled but job numbers. Each render rebuilds the same context, sets the
   shared ``localsiteurl`` as Pelican does just before rendering, and writes
   the bytes. Output is the same in any order and any number of workers:
   nothing a render does is seen by another one. If a worker dies (killed
   for memory, crashed), the pages not done yet are rendered in the main
   process, with a warning (``forked.in_workers``).
3. A file is written only when its bytes differ from what is on disk: to a
   temporary file, then renamed over the old one. The manifest of the last
   build holds each file's size, mtime and digest, so an unchanged file is
   recognised with one ``stat()`` instead of being read back. Unchanged files keep their
   mtime (uploads send only changes); a hard-linked copy of the old file (a
   previous release) is never modified.
4. Then ``content_written`` is sent in the main process, in Pelican's order,
   with the same context as Pelican would send it: plugins that collect
   pages (sitemap) or read the written file find both.

Feeds are written at once, with the same compare-then-rename.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from itertools import compress, repeat
from operator import is_not

from pelican import writers
from pelican.writers import FileOverwriteFailedError, Writer

from . import readcache, renderskip
from .forked import BrokenProcessPool, in_workers

logger = logging.getLogger(__name__)
_PELICAN_LOGGER = writers.logger

_MISSING = object()
# The writer being flushed, read by forked workers (inherited, not pickled).
_FLUSHING = None


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_if_changed(path: str, data: bytes, known=None):
    """Write `data` to `path` unless it already holds exactly that.

    `known` is what the last build recorded for the file, ``(size,
    mtime_ns, digest)``: when the file still has that size and mtime and the
    digest matches, it is not read at all. Returns ``(written, info)``, info
    being the new ``(size, mtime_ns, digest)``.
    """
    new_digest = digest(data)
    try:
        st = os.stat(path)
        if st.st_size == len(data):
            if known is not None and tuple(known) == (st.st_size, st.st_mtime_ns, new_digest):
                return False, tuple(known)
            with open(path, "rb") as f:
                if f.read() == data:
                    return False, (st.st_size, st.st_mtime_ns, new_digest)
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    st = os.stat(path)
    return True, (st.st_size, st.st_mtime_ns, new_digest)


class _Recorder:
    """Stands in for a Jinja template: records instead of rendering."""

    def __init__(self, writer, template):
        self.writer, self.template = writer, template

    def render(self, localcontext):
        self.writer._pending = (self.template, localcontext)
        return ""


class _NullFile(io.StringIO):
    pass


class _OsWithoutMakedirs:
    """What ``pelican.writers`` sees as ``os`` while a page is recorded.

    Pelican makes the page's folder before it opens the file; here the file
    is only recorded, and ``write_if_changed`` makes the folder when (if)
    the page is written. The makedirs of every page, a failing ``mkdir`` and
    its exception, cost 0.4 s of a 20,000-article rebuild.
    """

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def makedirs(*_args, **_kwargs):
        pass


_OS_WITHOUT_MAKEDIRS = _OsWithoutMakedirs()


class _LoggerWithoutWriting:
    """What ``pelican.writers`` sees as ``logger`` while a page is recorded.

    Pelican logs ``Writing "<path>"`` (INFO: ``-v``, ``make html DEBUG=1``)
    once it has handed the page (or feed) to the file; here that is when the
    page is recorded, before it is rendered, for every page and feed, written
    or not (a rebuild at 20,000 articles printed 29,000 such lines, over 20 s
    of console output, with no file written). The line is logged, with Pelican's
    logger and words, for each file that is written (``flush``,
    ``_ChangedOnlyFile``)."""

    def __init__(self, logger):
        self._logger = logger

    def __getattr__(self, name):
        return getattr(self._logger, name)

    def info(self, msg, *args, **kwargs):
        if msg != _WRITING:
            self._logger.info(msg, *args, **kwargs)


_WRITING = 'Writing "%s"'  # Pelican's message (pelican/writers.py)
_QUIET_LOGGER = _LoggerWithoutWriting(_PELICAN_LOGGER)


class _ChangedOnlyFile(io.StringIO):
    """A text file buffer that writes itself with write_if_changed on close."""

    def __init__(self, writer, path):
        super().__init__()
        self.writer, self.path = writer, path

    def close(self):
        if not self.closed:
            written, info = write_if_changed(self.path, self.getvalue().encode("utf-8"),
                                             self.writer.known.get(self.path))
            self.writer.file_info[self.path] = info
            self.writer.stats["written" if written else "unchanged"] += 1
            if written:
                _PELICAN_LOGGER.info(_WRITING, self.path)
        super().close()


class FastWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.workers = int(self.settings.get("BUILDSPEED_WORKERS") or os.cpu_count() or 1)
        self._pending = None
        self._base = None
        self._snapshots = {}  # id(shared context) -> (context, shallow copy)
        self._jobs = {}  # output path -> job
        self.produced = set()  # absolute paths this build produced
        self.known = {}  # absolute path -> (size, mtime_ns, digest) from the last build
        self.file_info = {}  # the same, for this build
        self.stats = {"written": 0, "unchanged": 0, "skipped": 0}
        self._skip = None  # (Checker, Keys) while flushing with render skip
        self._prefix = os.path.join(self.output_path, "")

    # --- recording --------------------------------------------------------------
    def write_file(self, name, template, context, *args, **kwargs):
        from pelican.plugins import signals

        self._base = context
        # Pelican sends content_written right after its (here: recorded)
        # write; flush() sends it once the file is really there.
        signals.content_written.send = _no_signal
        writers.os = _OS_WITHOUT_MAKEDIRS
        writers.logger = _QUIET_LOGGER
        try:
            return super().write_file(name, _Recorder(self, template), context, *args, **kwargs)
        finally:
            writers.os = os
            writers.logger = _PELICAN_LOGGER
            del signals.content_written.send
            self._base = None
            self._pending = None

    def write_feed(self, *args, **kwargs):
        # Its file is written on close, when its bytes changed (_ChangedOnlyFile), which logs it.
        writers.logger = _QUIET_LOGGER
        try:
            return super().write_feed(*args, **kwargs)
        finally:
            writers.logger = _PELICAN_LOGGER

    def _snapshot(self, base):
        entry = self._snapshots.get(id(base))
        if entry is None or entry[0] is not base:
            entry = (base, dict(base))
            self._snapshots[id(base)] = entry
        return entry[1]

    def _record(self, path, template, localcontext):
        base = self._base
        snap = self._snapshot(base)
        # The names whose value is not the very object of the shared context
        # (new ones included), found without a Python-level loop over the
        # ~200 names of every page's context.
        keys = list(localcontext)
        changed = list(compress(keys, map(is_not, localcontext.values(), map(snap.get, keys, repeat(_MISSING)))))
        diff = {key: localcontext[key] for key in changed}
        shared = len(keys) - sum(1 for key in changed if key not in snap)
        gone = () if shared == len(snap) else tuple(k for k in snap if k not in localcontext)
        self._jobs.pop(path, None)  # an override replaces the earlier job
        self._jobs[path] = (template, base, snap, gone, diff)

    def _open_w(self, filename, encoding, override=False):
        # Pelican's override rules (Writer._open_w), without opening the file.
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', filename)
            self._pending = None
            return _NullFile()
        if filename in self._written_files:
            if override:
                logger.info('Overwriting "%s"', filename)
            else:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already '
                    "written to it previously (set `override=True` if intended)"
                )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        self.produced.add(filename)
        if self._pending is not None:  # a page from write_file
            template, localcontext = self._pending
            self._pending = None
            self._record(filename, template, localcontext)
            return _NullFile()
        return _ChangedOnlyFile(self, filename)  # a feed

    # --- rendering --------------------------------------------------------------
    @staticmethod
    def _context(job):
        _template, _base, snap, gone, diff = job
        ctx = snap.copy()
        for key in gone:
            del ctx[key]
        ctx.update(diff)
        return ctx

    def _render(self, path, job):
        """Render one page (or find it unchanged); returns (written, info, reads)."""
        template, base = job[0], job[1]
        ctx = self._context(job)
        if ctx.get("localsiteurl"):  # as Writer.write_file does before rendering
            base["localsiteurl"] = ctx["localsiteurl"]
        known = self.known.get(path)
        skip = self._skip
        if skip is None:
            return (*write_if_changed(path, template.render(ctx).encode("utf-8"), known), None)
        checker, keys = skip
        rel = self._rel(path)
        own = job[4]  # what the page adds to the shared context (paginators among it)
        if known is not None and checker.rows.get(rel) is not None and _on_disk(path, known) \
                and checker.unchanged(rel, ctx, template.environment, keys, own, on_disk=known[2]):
            return False, tuple(known), _SKIPPED
        output, reads = renderskip.render_recorded(template, ctx, keys, own)
        return (*write_if_changed(path, output.encode("utf-8"), known), reads)

    def _render_range(self, bounds):
        start, stop = bounds
        items = self._flush_items
        return [self._render(*items[i]) for i in range(start, stop)]

    def _take(self, items, position, part, store, rows) -> int:
        """Note the outcomes of the pages from `position` on; returns the next position."""
        for written, info, reads in part:
            path = items[position][0]
            position += 1
            self.file_info[path] = info
            self.stats["written" if written else "unchanged"] += 1
            if written:
                _PELICAN_LOGGER.info(_WRITING, path)
            if reads == _SKIPPED:
                self.stats["skipped"] += 1
            elif store is not None:
                rows[self._rel(path)] = None if reads is None else store.encode(reads, info[2])
        return position

    def _rel(self, path: str) -> str:
        """Output path relative to the output folder (os.path.relpath is slow)."""
        prefix = self._prefix
        return path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, self.output_path)

    def _start_skipping(self, items):
        """Set up render skipping (renderskip.py) for this flush; returns the store."""
        self._skip = None
        if not self.settings.get("BUILDSPEED_RENDER_SKIP", True):
            return None
        envs = {id(job[0].environment): job[0].environment for _, job in items}
        fp = renderskip.fingerprint(self.settings, envs.values())
        store = renderskip.PageStore(self.settings.get("CACHE_PATH", "cache"), fp)
        rows = store.load() if self.known else {}
        self._skip = (renderskip.Checker(renderskip.Registry(items[0][1][1]), rows, store.table),
                      renderskip.Keys({}))
        return store

    def flush(self):
        """Render and write every recorded page, then send content_written."""
        from pelican.plugins import signals

        items = list(self._jobs.items())
        self._jobs = {}
        if not items:
            return
        self._flush_items = items
        store = self._start_skipping(items)
        chunk = 64
        ranges = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
        rows = {}
        # Each part's outcomes are taken as the workers send them, in order:
        # the pages' reads are numbered for the store (``PageStore.encode``)
        # here while the workers render the next parts, not all at the end
        # (at 20,000 articles ~4.7 s on one core, after every page was written).
        position = taken = 0
        if self.workers > 1 and len(items) > chunk:
            global _FLUSHING
            _FLUSHING = self
            try:
                for part in in_workers(_render_range_in_worker, ranges, self.workers, readcache.worker_started):
                    position = self._take(items, position, part, store, rows)
                    taken += 1
            except BrokenProcessPool as exc:
                # Killed (out of memory?) or crashed: the pages not taken yet are
                # rendered here, as in a serial build (the same bytes).
                logger.warning("buildspeed: a render worker died (%s); rendering the other %d pages here",
                               exc, len(items) - position)
                _remove_temporaries(self.output_path)
            finally:
                _FLUSHING = None
        for bounds in ranges[taken:]:
            position = self._take(items, position, self._render_range(bounds), store, rows)
        self._flush_items = None
        self._skip = None
        if store is not None:
            store.save(rows, keep={self._rel(p) for p, _ in items})
        for path, job in items:
            signals.content_written.send(path, context=self._context(job))


_SKIPPED = "skipped"
_TEMPORARY = re.compile(r"\.(\d+)\.tmp$")  # write_if_changed's name for a file being written


def _remove_temporaries(output_path: str) -> None:
    """Remove the files a dead worker was writing (``<name>.<its pid>.tmp``,
    never renamed into place), which no build would remove otherwise: they are
    in no manifest, and would be published and uploaded."""
    me = str(os.getpid())
    for folder, _dirs, names in os.walk(output_path):
        for name in names:
            found = _TEMPORARY.search(name)
            if found and found.group(1) != me:
                os.unlink(os.path.join(folder, name))


def _on_disk(path, known) -> bool:
    """The file is still the one the last build wrote (size and mtime)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == tuple(known[:2])


def _no_signal(*_args, **_kwargs):
    return []


def _render_range_in_worker(bounds):
    return _FLUSHING._render_range(bounds)
