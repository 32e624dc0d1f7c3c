"""Editorial checks on every build, scheduled articles, live reload for previews.

What it does, build by build (every rebuild of ``make devserver`` too):

- runs the content checker (``checks.check_folder``, the same code as
  ``make check``) over ``PATH`` before Pelican reads any file, and logs each
  problem once, ``path:line: what is wrong — how to fix it`` in Vietnamese
  (the English detail at debug level, ``make html DEBUG=1``). The check runs
  in a forked process while Pelican sets up its generators (see
  ``run_checks``), and its report is taken before the articles are read;
- leaves out of the build every file with a fault in its front matter or
  encoding, or whose slug another file already has (``checks.FATAL``):
  Pelican's ``read_file`` hands the generator a skip stub for it without
  reading it, so Pelican neither crashes on it nor logs its own error, and the
  good articles still build;
- filters Pelican's own warnings for faults the checker reports
  ("Empty alt attribute …", "Unable to find … skipping url replacement"),
  through the same filter as Pelican's ``LOG_FILTER`` setting, so each fault
  is reported once;
- ``Status: scheduled`` (the scheduling convention): the article is a draft
  while its ``Date`` is in the future and an ordinary article from the first
  build after it; a future ``Date`` without it is a fault and the article
  stays a draft. Decided again at every build (``article_generator_pretaxonomy``),
  so a cached article or ``WITH_FUTURE_DATES = True`` cannot let it out early.
  Such articles get ``article.scheduled = True``.

Settings (defaults; each may also come from an environment variable of the
same name set to ``1``, which is how the Makefile sets them):

- ``EDITORIAL_STRICT`` (``False``): log problems as errors and stop the build
  with exit status 1 if there is any. ``make publish`` sets it.
- ``EDITORIAL_LIVERELOAD`` (``False``): ``make devserver`` sets it. After
  each build the plugin writes ``EDITORIAL_STAMP``
  (``"dev-build-stamp.txt"``) into the output, and ``base.html`` includes
  ``partials/livereload.html``, a few lines of script that poll that file and
  reload the page when it changes. Ignored in strict (publish) builds, so
  neither the script nor the stamp can reach the live site.

In builds that publish no drafts (``DRAFT_SAVE_AS`` empty, as in
``publishconf.py``), static files used only by drafts or scheduled articles
(their ``Image:`` or ``{static}`` links) are not copied to the output.

Why a stamp file and not a livereload server: no extra dependency, no
websocket, no third-party script on the page; Pelican's own dev server
serves the file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.contents import SkipStub
from pelican.log import LimitFilter
from pelican.utils import order_content

from buildspeed.forked import Forked

from .checks import Report, check_folder

logger = logging.getLogger(__name__)

DEFAULT_STAMP = "dev-build-stamp.txt"
# Pelican messages about faults the checker reports itself (exact templates).
DUPLICATES = {
    (logging.WARNING, "Empty alt attribute for image %s in %s"),
    (logging.WARNING, "Unable to find '%s', skipping url replacement."),
    # The static generator stats every {static} target, missing ones included.
    (logging.WARNING, "Cannot get modification stamp for %s\n\t%s"),
}


class _State:
    skip: set[str] = set()  # real paths Pelican must not read in this build
    logged: set[tuple[int, str]] = set()


_state = _State()


def _flag(settings, name: str) -> bool:
    """A setting, or the environment variable of the same name ("1"/"true").

    The environment is how ``make publish`` and ``make devserver`` pass them:
    Pelican keeps only the last ``-e`` option, so one in ``PELICANOPTS``
    would silently drop theirs.
    """
    return bool(settings.get(name, False)) or os.environ.get(name, "").lower() in ("1", "true", "yes")


def _strict(settings) -> bool:
    return _flag(settings, "EDITORIAL_STRICT")


def _now(settings) -> dt.datetime:
    return dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))


def setup(pelican):
    settings = pelican.settings
    settings.setdefault("EDITORIAL_STAMP", DEFAULT_STAMP)
    settings["EDITORIAL_LIVERELOAD"] = _flag(settings, "EDITORIAL_LIVERELOAD") and not _strict(settings)
    LimitFilter._ignore.update(DUPLICATES)


def _emit(level: int, line: str) -> None:
    try:
        logger.log(level, "%s", line)
    except RuntimeError:
        # `pelican --fatal errors` raises after printing the first error;
        # keep printing the others: the build stops below anyway.
        pass
    _state.logged.add((level, line))


# Where os.fork exists the check runs in a process of its own (``run_checks``);
# bench/bench_caches.py turns this off to time the check itself.
BACKGROUND = hasattr(os, "fork")


class _Checking:
    """The check process of the build under way, until its report is taken."""

    process: Forked | None = None
    settings: dict | None = None


_checking = _Checking()


def run_checks(pelican):
    """`get_generators` fires at the start of every build: start the check.

    The check runs in a forked process (``buildspeed.forked``) while Pelican
    sets up its generators, which is when the buildspeed plugin's reader
    cache reads the files it lacks (in worker processes): a cold
    20,000-article build used to spend ~5-8 s checking on one core before
    any of that started, and a rebuild ~0.8 s. The report is taken
    (``take_report``) when the articles' generator is ready
    (``article_generator_init``), before Pelican reads any file for the
    build: files read ahead only go into the reader cache, and whether a
    file is built is still decided by the report. Strict mode (``make
    publish``) stops there, before any generator has read a file or
    anything is written.
    """
    take_report(report=False)  # a check whose build failed before taking it
    settings = pelican.settings
    _state.skip = set()
    if not BACKGROUND:
        _apply(check_folder(settings["PATH"], settings), settings)
        return None

    def check():
        found = check_folder(settings["PATH"], settings)
        return Report(found.content, [], found.problems)  # not the documents: only problems are used

    _checking.process, _checking.settings = Forked(check), settings
    return None


def take_report(generator=None, report: bool = True) -> None:
    """Wait for the check process and apply its report (``article_generator_init``).

    If the process failed, the folder is checked here instead, so an error
    in the checker is raised by the build, as without the process."""
    process = _checking.process
    if process is None:
        return
    _checking.process = None
    _code, outcome = process.wait(logger)
    if not report:
        return
    settings = _checking.settings
    if outcome is not None and outcome[0]:
        result = outcome[1]
    else:
        logger.debug("editorial: the check process failed; checking here")
        result = check_folder(settings["PATH"], settings)
    _apply(result, settings)


def _apply(report: Report, settings) -> None:
    """Log the report's problems; remember the files that must not be read."""
    _state.skip = {os.path.realpath(p) for p in report.fatal_paths}
    # Pelican prints a message once per process; a rebuild must repeat ours.
    LimitFilter._raised_messages.difference_update(_state.logged)
    _state.logged = set()
    strict = _strict(settings)
    level = logging.ERROR if strict else logging.WARNING
    for problem in report.problems:
        _emit(level, problem.format())
        if problem.detail:
            logger.debug("%s:%s: [%s] %s", problem.path, problem.line, problem.code, problem.detail)
    if report.problems:
        files = len({p.path for p in report.problems})
        summary = f"Kiểm tra nội dung: {len(report.problems)} lỗi trong {files} tệp"
        if _state.skip:
            summary += f"; {len(_state.skip)} tệp có lỗi ở phần đầu bài không được dựng"
        _emit(level, summary + ".")
        if strict:
            _emit(logging.ERROR, "Không dựng bản xuất bản khi nội dung còn lỗi: sửa các lỗi trên rồi chạy lại.")
            raise SystemExit(1)


def guard_readers(readers):
    """Files the checker refused are never read: a stub tells the generator to skip them.

    Wraps this ``Readers`` instance's ``read_file`` rather than a reader class,
    so the refusal is decided at every build and never lands in a reader cache
    (a duplicate slug depends on other files, not on the file's bytes).
    """
    original = readers.read_file

    def read_file(base_path, path, *args, **kwargs):
        if _checking.process is not None:  # a generator that reads before the articles' one is ready
            take_report()
        # Usually nothing is refused: then no realpath() (an lstat per folder
        # of the path, 20,000 times a build at portal scale).
        if _state.skip:
            source = os.path.realpath(os.path.join(base_path, path))
            if source in _state.skip:
                return SkipStub(content="", source_path=source)
        return original(base_path, path, *args, **kwargs)

    readers.read_file = read_file


def _aware(date: dt.datetime, settings) -> dt.datetime:
    if date.tzinfo is None:
        return date.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    return date


def schedule(generator, metadata):
    """`Status: scheduled` is not a Pelican status: map it before Pelican sees it."""
    if str(metadata.get("status", "")).strip().lower() != "scheduled":
        return
    metadata["scheduled"] = True
    date = metadata.get("date")
    due = date is not None and _aware(date, generator.settings) <= _now(generator.settings)
    metadata["status"] = "published" if due else "draft"


def reconcile(generator):
    """Final say on what is published in this build, whatever came from a cache."""
    settings = generator.settings
    now = _now(settings)
    articles, drafts, changed = [], [], False
    skip = _state.skip
    for article in generator.articles:
        if skip and os.path.realpath(article.source_path) in skip:
            changed = True
        elif _aware(article.date, settings) > now:
            article.status = "draft"
            drafts.append(article)
            changed = True
        else:
            articles.append(article)
    for draft in generator.drafts:
        if skip and os.path.realpath(draft.source_path) in skip:
            changed = True
        elif getattr(draft, "scheduled", False) and _aware(draft.date, settings) <= now:
            draft.status = "published"
            articles.append(draft)
            changed = True
        else:
            drafts.append(draft)
    if changed:
        order = settings.get("ARTICLE_ORDER_BY", "reversed-date")
        generator.articles = order_content(articles, order)
        generator.drafts = order_content(drafts, order)


_STATIC_REF = re.compile(r"""[{|]static[}|]/?([^"'\s)?#]+)""")


def _static_refs(item) -> set[str]:
    """Content-relative paths an article or page uses: its cover and {static} links."""
    refs = set(_STATIC_REF.findall(getattr(item, "_content", "") or ""))
    image = str(item.metadata.get("image", "") or "").strip()
    for prefix in ("{static}", "|static|", "/"):
        if image.startswith(prefix):
            image = image[len(prefix):]
    if image:
        refs.add(image.lstrip("/"))
    return {os.path.normpath(r) for r in refs}


def withhold_unpublished_media(generator):
    """In a build that publishes no drafts, copy no file only drafts use.

    A photo added for an unfinished or scheduled article would otherwise be
    copied to the live site with every other static file, and its name (or
    the photo itself) would tell what is coming. Dev builds keep them, so
    drafts preview with their photos.
    """
    if generator.settings.get("DRAFT_SAVE_AS"):
        return
    context = generator.context
    # Hidden articles and pages are written (unlisted, reached by their
    # address), so their photos are needed; drafts are not written here.
    unpublished = list(context.get("drafts", [])) + list(context.get("draft_pages", []))
    published = list(context.get("articles", [])) + list(context.get("pages", []))
    published += list(context.get("hidden_articles", [])) + list(context.get("hidden_pages", []))
    withheld = set().union(*map(_static_refs, unpublished)) if unpublished else set()
    if not withheld:
        return
    # A published item can keep a file only if the file's name is in its text
    # (its body or cover field): a substring test, instead of the pattern on
    # every body (0.4 s at 20,000 articles, on every build with a draft's photo).
    names = {os.path.basename(path) for path in withheld}
    for item in published:
        body, image = getattr(item, "_content", "") or "", str(item.metadata.get("image", "") or "")
        if any(name in body or name in image for name in names):
            withheld -= _static_refs(item)
    if not withheld:
        return
    kept = [sf for sf in generator.staticfiles if os.path.normpath(sf.relative_source_path) not in withheld]
    for sf in generator.staticfiles:
        if sf not in kept:
            logger.debug("editorial: %s is used only by unpublished content, not copied", sf.relative_source_path)
    generator.staticfiles[:] = kept


def _reap(pelican):
    take_report(report=False)  # no generator asked for it (a site without articles' generator)


def write_stamp(pelican):
    settings = pelican.settings
    if settings.get("EDITORIAL_LIVERELOAD"):
        stamp = Path(settings["OUTPUT_PATH"]) / settings.get("EDITORIAL_STAMP", DEFAULT_STAMP)
        tmp = stamp.with_name(stamp.name + ".tmp")
        tmp.write_text(str(time.time_ns()), encoding="ascii")
        os.replace(tmp, stamp)


def register():
    signals.initialized.connect(setup)
    signals.get_generators.connect(run_checks)
    signals.article_generator_init.connect(take_report)
    signals.readers_init.connect(guard_readers)
    signals.article_generator_context.connect(schedule)
    signals.article_generator_pretaxonomy.connect(reconcile)
    signals.static_generator_finalized.connect(withhold_unpublished_media)
    signals.finalized.connect(write_stamp)
    signals.finalized.connect(_reap)
