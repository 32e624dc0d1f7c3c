"""Work done in a forked process while the build goes on; its result comes back
through a pipe, with its log lines.

Used by the ``editorial`` plugin (the content check, while the generators are
set up), the ``related`` plugin (the ranking, while Pelican hands the pages to
the writer) and the ``search`` plugin (the index, while the pages are written).

Why a process, not a thread: the build forks its own workers (reader cache,
writer) meanwhile, and a fork while another thread holds a lock leaves that
lock held forever in the child. Why the log lines are sent back: they reach
the build's log when it takes the result, after the lines of the build
itself, not in the middle of Pelican's status line. The child reads the
build's objects copy-on-write and leaves with ``os._exit`` (it is a copy of
the build: no atexit handler, no teardown).

``in_workers`` runs one function over many items in forked worker processes
(the reader cache's and the writer's workers).

``fresh_consoles_in_children`` is the other half, for every fork of the
build (these processes, the reader cache's and the writer's workers, the
related-news scoring): see there.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

__all__ = ["BrokenProcessPool", "Forked", "fresh_consoles_in_children", "in_workers", "waits_for_background"]

_hooked: list = []  # fresh_consoles_in_children is installed once per process
_not_waiting: list = []  # non-empty while a Forked(..., wait_for_background=False) forks

KEEP_RECORDS = 100  # the last log lines of the child that are sent back
MAX_MESSAGE = 20_000  # characters of a log line or an error sent back


class Forked:
    """``work()`` run in a forked process, from construction on.

    ``wait`` returns ``(exit code, outcome)``: outcome is ``(True, what work
    returned)``, ``(False, the text of what it raised)``, or ``None`` when
    the process sent nothing (it died). The exit code is 0 only if ``work``
    returned. The result must pickle.

    ``wait_for_background=False``: ``work`` reads nothing that another
    plugin computes in the background of the build (the related-news lists),
    so the fork need not wait for it: fork hooks that wait ask
    :func:`waits_for_background` first."""

    def __init__(self, work, wait_for_background: bool = True):
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        if not wait_for_background:
            _not_waiting.append(True)
        try:
            pid = os.fork()
        finally:
            if not wait_for_background:
                _not_waiting.pop()
        if pid == 0:
            status = 1
            try:
                os.close(read)
                kept = _KeptRecords()
                logging.root.handlers[:] = [kept]
                try:
                    outcome = (True, work())
                except BaseException as exc:  # noqa: BLE001 - sent to the build
                    outcome = (False, str(exc)[:MAX_MESSAGE])
                with os.fdopen(write, "wb") as out:
                    pickle.dump((kept.records[-KEEP_RECORDS:], outcome), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0 if outcome[0] else 1
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self.pipe = pid, read

    def wait(self, logger: logging.Logger) -> tuple[int, tuple | None]:
        """Wait for the process; log its lines through `logger`."""
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()  # until the process exits
        _pid, status = os.waitpid(self.pid, 0)
        try:
            records, outcome = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            records, outcome = [], None
        for level, message in records:
            logger.log(level, "%s", message, stacklevel=2)  # shown as logged by the caller
        return os.waitstatus_to_exitcode(status), outcome


def waits_for_background() -> bool:
    """For fork hooks: whether the fork being made needs the results of the
    build's background work (False inside ``Forked(..., wait_for_background=False)``)."""
    return not _not_waiting


def in_workers(fn, items, workers: int, initializer=None, chunksize: int = 1):
    """``fn(item)`` for each of `items`, in order, computed in `workers`
    forked processes; yielded as they come.

    Why ``concurrent.futures``, not ``multiprocessing.Pool``: when a worker
    process dies (the kernel's out-of-memory killer, a crash in C code), Pool
    loses its task and waits for it forever, so a scheduled ``make publish``
    hung holding the release lock and no later publish could run. Here the
    iteration raises ``BrokenProcessPool`` instead, and the caller does the
    rest in its own process. Fork, not spawn: the workers read the build's
    objects copy-on-write; the processes are forked before the executor's
    own thread starts."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


class _KeptRecords(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[tuple[int, str]] = []

    def emit(self, record):
        self.records.append((record.levelno, record.getMessage()[:MAX_MESSAGE]))


def fresh_consoles_in_children() -> None:
    """Give every forked child of this process log consoles of its own
    (``os.register_at_fork``; once per process).

    Why: Pelican logs through rich (``RichHandler``), and while it builds it
    shows a status spinner whose thread takes the console's lock about 12
    times a second. A fork copies that lock as it is: if the spinner held it
    at that moment, a child (which has no spinner thread to release it)
    waited for it forever the first time it logged: the workers run
    Pelican's, Jinja's and every plugin's code, any of which may warn, and
    one such line could hang the build. In the child, each rich handler gets
    a new console on the same output with the same options, without the
    spinner, and ``sys.stdout``/``sys.stderr``, which the spinner replaces by
    proxies that print through its console, are the files they stand for. A
    test forks while the lock is held."""
    if _hooked or not hasattr(os, "register_at_fork"):
        return
    os.register_at_fork(after_in_child=_fresh_consoles)
    _hooked.append(True)


def _fresh_consoles() -> None:
    for name in ("stdout", "stderr"):
        proxied = getattr(getattr(sys, name), "rich_proxied_file", None)  # rich's FileProxy
        if proxied is not None:
            setattr(sys, name, proxied)
    try:
        from rich.console import Console  # noqa: PLC0415 - only where rich is (Pelican's log)
        from rich.logging import RichHandler  # noqa: PLC0415
    except ImportError:
        return
    loggers = [logging.root, *(lg for lg in logging.Logger.manager.loggerDict.values()
                               if isinstance(lg, logging.Logger))]
    made: dict[int, Console] = {}  # one new console for each old one (handlers may share it)
    for lg in loggers:
        for handler in lg.handlers:
            if isinstance(handler, RichHandler):
                old = handler.console
                if id(old) not in made:
                    made[id(old)] = Console(file=old.file, force_terminal=old.is_terminal, width=old.width,
                                            color_system=old.color_system, no_color=old.no_color)
                handler.console = made[id(old)]
