"""Site search: a Pagefind index of the published articles and pages, in shards.

While the pages of every build are written (``_index_in_background``;
the build waits for it at ``finalized``) this writes Pagefind search
bundles into ``OUTPUT_PATH/<SEARCH_OUTPUT_DIR>/`` (default ``pagefind/``),
one per shard: articles grouped by the year of their date (``2024/``), pages
in ``pages/``. Each bundle holds ``pagefind.js``, its WebAssembly and worker,
and its index split into small chunks, so a browser downloads only the part
of the index a query needs. ``shards.json`` lists the bundles; the theme's
search page (``search.html``, ``js/search.js``) loads Pagefind's runtime from
the first and merges the others into one search with Pagefind's
``mergeIndex``. Nothing is fetched from any other site.

Why shards: one Pagefind run over a whole 20,000-article site takes about
40 s and 4 GB of memory, and any change re-indexes every document. An
article's shard follows from its date, so membership is stable: a new or
edited article changes one shard, and only the shards whose documents
changed are re-indexed (a digest of what each shard's documents are made
from is kept in ``<shard>/portal-documents.sha256``); the others are not
touched at all, so their files keep their mtimes and nothing new is
uploaded. A shard is built in a temporary folder first (in memory, on
``/dev/shm``, where there is room: :func:`_scratch_dir`), so a failed run
leaves the old one in place, then moved in file by file (:func:`_swap`: a
new article rewrites a dozen files of its shard, not all of them); shards
that no longer exist are removed, and ``shards.json`` is rewritten only
when its bytes change. Changed shards are indexed one at a time
(``SEARCH_WORKERS``), largest first; memory is that of the shard being
indexed (about 0.2 MB per article: ~450 MB for a year of
2,200 articles), not of the whole site.

The cost is in the browser: each shard answers a query with at least one
index chunk per word (Pagefind closes a chunk at 20,000 word positions, a
size it does not let us set), so a query downloads more with more shards.
Hence years, not months, and ``SEARCH_RECENT_SHARD`` (pelicanconf.py:
``"quarter"``) for what changes often: the newest quarter's articles in a
small shard of their own, which is all a new article re-indexes.

What is indexed: exactly what Pelican publishes, read from the content
objects, not from the written pages. Articles (``generator.articles``: no
drafts, no hidden articles, no future articles when ``WITH_FUTURE_DATES`` is
off) and pages (``generator.pages``). Each becomes a small HTML document made
here, holding only the article's own text (title, summary, cover caption,
body, author, source, tags), so listing pages, menus and sidebars never reach
the index, whatever the theme prints around an article. Each carries:

- meta ``title`` (plain text), ``link`` (the page's URL from the site root),
  and for articles ``category``, ``date`` (``05/03/2024``) and ``datetime``
  (ISO 8601), shown by the results page;
- filters ``category`` and ``year`` (articles only).

"đ" for people typing without diacritics: Pagefind ≥ 1.5 matches "dan" to
"dân" because it removes combining marks before comparing (Unicode NFD, then
drop marks), but "đ" (U+0111) is a letter of its own with no decomposition,
so "dang bo" would not find "Đảng bộ". The indexed text (never the written
pages) spells "đ"/"Đ" as "ḓ"/"Ḓ" (U+1E13/U+1E12, d with circumflex below;
:func:`encode_d`), letters whose decomposition is "d" + a mark.
Pagefind then folds them to "d" like "â" to "a", while an exact query
(encoded the same way by ``search.js``) still matches them exactly, and
``search.js`` turns them back into "đ" in the excerpts, so people read the
original spelling. Why not the other ways:

- replacing "đ" by "d" in the indexed text: excerpts would print "Dang bo",
  and "Đảng" typed with diacritics could not rank exact spellings first;
- indexing a folded copy of the text next to the original: twice the index,
  and excerpts taken from the copy lose every diacritic;
- expanding the query ("dang" → "dang" or "đang"): Pagefind has no OR query,
  so one search per combination, 2ⁿ for n words starting with "d";
- "d" + a combining mark (U+0335): folds the same, but Pagefind 1.5.2's
  exact-diacritics match loses a combining mark on a word that follows
  punctuation ("“Đảng"); precomposed letters, like every Vietnamese letter
  in NFC, do not have that problem (measured).

A stand-in takes 3 bytes in UTF-8 where "đ" takes 2. "ḓ" is a Venda
letter that Vietnamese text does not use; should one occur, it is indexed as
"d", so decoding never turns a real one into "đ".

Settings (defaults):

- ``SEARCH_INDEX = True``: build the index (``False`` skips it);
- ``SEARCH_OUTPUT_DIR = "pagefind"``: folder inside ``OUTPUT_PATH``, owned by
  this plugin (whatever else is in it is removed);
- ``SEARCH_LANGUAGE``: ``DEFAULT_LANG`` (one language for the whole site);
- ``SEARCH_SHARD_BY = "year"``: one shard per year; ``"half"``,
  ``"quarter"`` or ``"month"`` split each year (``2024-h2``, ``2024-q3``,
  ``2024-m07``: smaller shards, quicker to re-index, but every shard adds
  index chunks to each query); ``None``: one shard (``all/``) for everything;
- ``SEARCH_RECENT_SHARD = None``: a period shorter than ``SEARCH_SHARD_BY``
  (``"quarter"``…) whose newest articles get a shard of their own (see
  :func:`_shards_of`; ignored with one shard);
- ``SEARCH_WORKERS = 1``: Pagefind processes at once while the pages are
  written. Pagefind uses about one core; two at once on the shared 2-core
  machine built 20,000 articles cold in 38 s instead of 37 s, with twice the
  memory (1.0 GB instead of 0.5 GB), so one by default.
- ``SEARCH_WORKERS_AT_END``: Pagefind processes at once when the build has
  nothing else left to do but wait for the index (2 on two or more cores,
  never fewer than ``SEARCH_WORKERS``): the shards still to index after the
  last page is written no longer run one by one with a core idle.
- ``SEARCH_SCRATCH_DIR = None``: where each shard's documents and Pagefind's
  output are written before they are moved into ``OUTPUT_PATH``: ``/dev/shm``
  when it has room, else the system's temporary folder (``False``: always
  that); a path: that folder (see :func:`_scratch_dir`).

The results page itself is a direct template: ``"search"`` in
``DIRECT_TEMPLATES`` with ``SEARCH_URL``/``SEARCH_SAVE_AS`` (``tim-kiem/``).

Why Pagefind: it is maintained, ships as a PyPI wheel (``pagefind[extended]``,
no Node), splits the index so a browser downloads only the chunks a query
needs, and folds diacritics. The documents are written to a temporary folder
and indexed by Pagefind's command line (``python -m pagefind``, same
package), which exits once the bundle is written. Not its Python API: its
``add_html_file`` waits about 0.1 s per document (the wrapper polls its
subprocess), and leaving its context stops the subprocess while a large
bundle is still being written (20,000 articles: an empty WebAssembly file).
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import html
import inspect
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import deque
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup
from pelican import signals

from buildspeed.forked import Forked
from vietnamese import vi_date

logger = logging.getLogger(__name__)

# Indexed stand-ins for "đ"/"Đ": d/D with circumflex below (NFD: "d" + U+032D).
STAND_INS = {"đ": "\u1e13", "Đ": "\u1e12"}
# Pagefind's default UIs: the portal has its own (js/search.js).
_UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
_pending: dict = {"documents": None, "seconds": 0.0, "sources": []}
_background: dict = {}  # "process": the one indexing while the pages are written


def encode_d(text: str) -> str:
    """Spell "đ"/"Đ" as "ḓ"/"Ḓ" so Pagefind folds them to "d".

    ``search.js`` applies the same rule to queries and the reverse to
    excerpts. NFC first, so decomposed input ("a" + U+0302 …) indexes like
    typed input (Pagefind's exact match needs precomposed letters).
    """
    text = unicodedata.normalize("NFC", str(text))
    for letter, stand_in in STAND_INS.items():
        text = text.replace(stand_in, unicodedata.normalize("NFD", stand_in)[0]).replace(letter, stand_in)
    return text


def _plain(value) -> str:
    """Plain text of a title or name (titles are escaped Markup)."""
    return Markup(str(value)).striptags() if value else ""


def _tag(tag: str, text: str, **attrs) -> str:
    attributes = "".join(f' {name.replace("_", "-")}="{html.escape(str(v))}"' for name, v in attrs.items())
    return f"<{tag}{attributes}>{html.escape(text)}</{tag}>"


class Inputs(NamedTuple):
    """Everything the indexed document of an article or page is made from.

    The document is a function of these and of this module's code
    (:func:`make_document`): a shard's digest is taken over its inputs, so
    documents are made only for the shards that changed.
    """

    lang: str
    title: str  # as Pelican holds it: escaped Markup
    link: str
    summary: str  # "" without a Summary
    caption: str
    content: str
    category: str = ""  # the rest: articles only
    date: datetime.datetime | None = None
    authors: str = ""
    source: str = ""
    tags: str = ""


def document_inputs(item, is_article: bool) -> Inputs:
    cover = getattr(item, "cover", None)
    common = {
        "lang": item.settings.get("SEARCH_LANGUAGE") or item.settings.get("DEFAULT_LANG", "vi"),
        "title": str(item.title or ""),
        "link": item.url,
        "summary": str(item.summary) if item.metadata.get("summary") else "",
        "caption": (cover.get("caption") or "") if cover else "",
        "content": str(item.content),
    }
    if not is_article:
        return Inputs(**common)
    return Inputs(
        **common,
        category=item.category.name,
        date=item.date,
        authors=", ".join(a.name for a in getattr(item, "authors", []) or []),
        source=getattr(item, "source", "") or "",
        tags=", ".join(t.name for t in getattr(item, "tags", []) or []),
    )


def make_document(inputs: Inputs) -> str:
    """The HTML document Pagefind indexes for one article or page.

    Meta and filters sit outside ``data-pagefind-body``: Pagefind reads them
    but does not index them as text, and they keep the original spelling.
    Only the body is encoded (see :func:`encode_d`).
    """
    title = _plain(inputs.title)
    head = [
        _tag("p", title, data_pagefind_meta="title"),
        _tag("p", inputs.link, data_pagefind_meta="link"),
    ]
    body = [_tag("h1", title)]
    if inputs.summary:
        body.append(f"<div>{inputs.summary}</div>")
    if inputs.caption:
        body.append(_tag("p", inputs.caption))
    body.append(f"<div>{inputs.content}</div>")
    if inputs.date is not None:
        head += [
            _tag("p", inputs.category, data_pagefind_meta="category"),
            _tag("p", vi_date(inputs.date), data_pagefind_meta="date"),
            _tag("p", inputs.date.isoformat(), data_pagefind_meta="datetime"),
            _tag("p", inputs.category, data_pagefind_filter="category"),
            _tag("p", str(inputs.date.year), data_pagefind_filter="year"),
        ]
        if inputs.authors or inputs.source:
            byline = (inputs.authors, f"({inputs.source})" if inputs.source else "")
            body.append(_tag("p", " ".join(x for x in byline if x)))
        if inputs.tags:
            body.append(_tag("p", f"Từ khóa: {inputs.tags}"))
    return (
        '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title></title></head><body>'
        "{head}<main data-pagefind-body>{body}</main></body></html>"
    ).format(lang=html.escape(inputs.lang), head="".join(head), body=encode_d("".join(body)))


def search_document(item, is_article: bool) -> str:
    """The HTML document Pagefind indexes for one article or page."""
    return make_document(document_inputs(item, is_article))


# Articles per shard: the months of a year one shard covers. An article's
# date fixes its shard, so a new or edited article re-indexes one shard;
# pages have a shard of their own.
PERIODS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
PAGES_SHARD = "pages"
SINGLE_SHARD = "all"
MANIFEST = "shards.json"
DIGEST_FILE = "portal-documents.sha256"


def period(date, by: str) -> str:
    """The shard name of a date's period: ``2024``, ``2024-h2``, ``2024-q3``, ``2024-m07``."""
    months = PERIODS[by]
    if months == 12:
        return str(date.year)
    index = (date.month - 1) // months + 1
    return f"{date.year}-{by[0]}{index:02d}" if by == "month" else f"{date.year}-{by[0]}{index}"


def shard_order(name: str):
    """Pages first, then the newest period first: the first shard is the one
    the search page loads Pagefind's runtime from, so it should be the one
    that changes least (and its URL the same from year to year)."""
    return (name != PAGES_SHARD, [-int("".join(c for c in part if c.isdigit()) or 0) for part in name.split("-")], name)


def start(generators):
    """The content is final: check the settings, start an empty set of shards."""
    settings = generators[0].settings if generators else {}
    _wait(report=False)  # a failed build's index (a development server builds again)
    _pending.update(documents=None, seconds=0.0, sources=[])
    if not settings.get("SEARCH_INDEX", True):
        return
    by = settings.get("SEARCH_SHARD_BY", "year")
    recent = settings.get("SEARCH_RECENT_SHARD")
    if by and by not in PERIODS:
        raise ValueError(f"SEARCH_SHARD_BY: {by!r} is not one of {sorted(PERIODS)} or None")
    if by and recent and (recent not in PERIODS or PERIODS[recent] >= PERIODS[by]):
        raise ValueError(f"SEARCH_RECENT_SHARD: {recent!r} is not a period shorter than SEARCH_SHARD_BY ({by!r})")
    _pending.update(documents={}, by=by, recent=recent if by else None)


def _shards_of(items, is_article: bool) -> list[str]:
    """The shard of each item. With ``SEARCH_RECENT_SHARD``, the articles of
    the newest article's period (its quarter, say) have a shard of their own
    beside the year's: publishing re-indexes that small shard, and the year's
    shard takes them in once, when the first article of the next period comes."""
    by, recent = _pending["by"], _pending["recent"]
    if not by:
        return [SINGLE_SHARD] * len(items)
    if not is_article:
        return [PAGES_SHARD] * len(items)
    newest = period(max(item.date for item in items), recent) if recent and items else None
    return [newest if newest and period(item.date, recent) == newest else period(item.date, by) for item in items]


def _collect(items, is_article: bool) -> None:
    shards = _pending["documents"]
    if shards is None:
        return
    begin = time.perf_counter()
    for item, shard in zip(items, _shards_of(items, is_article)):
        shards.setdefault(shard, {})[item.save_as] = document_inputs(item, is_article)
    _pending["seconds"] += time.perf_counter() - begin


def _collect_all() -> None:
    for items, is_article in _pending["sources"]:
        _collect(items, is_article)
    _pending["sources"] = []


# The inputs are read once the generator has handed its pages to the writer,
# not earlier: Pelican formats ``url`` and ``save_as`` from settings on every
# access (at 20,000 articles, 0.8 s of 1.7 s), and the buildspeed plugin
# remembers them only while its writer runs. They are read by the indexing
# process (``_index_in_background``), not by the build (~0.4 s at 20,000).
def collect_articles(generator, writer=None):
    _pending["sources"].append((generator.articles, True))


def collect_pages(generator, writer=None):
    _pending["sources"].append((generator.pages, False))
    _index_in_background(generator.settings)


def _index_in_background(settings) -> None:
    """Index what was collected in a forked process, while the pages are written.

    Pelican sends ``page_writer_finalized`` after the articles' and pages'
    generators have handed every page to the writer: the documents are all
    known (their inputs are read here, in the child), and they are made
    from the content objects, never from the written pages. Writing the
    pages (the buildspeed writer renders them in worker processes) and
    indexing (mostly Pagefind, about one core) then share the machine
    instead of following each other: a cold
    20,000-article build spent 42 s indexing after the last page, one core
    mostly idle. ``write_index`` (``finalized``) waits for the process and
    raises its error, so a failed index fails the build as before. Why a
    process and how its log lines reach the console: ``buildspeed.forked``."""
    if _pending["documents"] is None or not hasattr(os, "fork"):
        return  # no index, or one made by write_index

    # A byte on this pipe tells the process that the build has nothing left
    # to do but wait for it (``_wait``): it then runs more Pagefind processes.
    at_end_read, at_end_write = os.pipe()

    def index():  # in the process: it has its own copy of _pending
        os.close(at_end_write)
        at_end = threading.Event()

        def listen():
            os.read(at_end_read, 1)
            at_end.set()

        threading.Thread(target=listen, name="search-at-end", daemon=True).start()
        _collect_all()
        build_index(_pending["documents"], settings["OUTPUT_PATH"], settings, _pending["seconds"], at_end)

    # The documents hold no related-news list: no need to wait for its ranking.
    _background["process"] = Forked(index, wait_for_background=False)
    os.close(at_end_read)
    _background["at_end"] = at_end_write
    _pending.update(documents=None, sources=[])


def _wait(report: bool = True) -> None:
    at_end = _background.pop("at_end", None)
    if at_end is not None:
        try:
            os.write(at_end, b"1")
        except OSError:  # the process is gone already
            pass
        os.close(at_end)
    process = _background.pop("process", None)
    if process is None:
        return
    code, outcome = process.wait(logger)
    if code != 0:
        error = outcome[1] if outcome is not None and not outcome[0] else None
        error = RuntimeError(error or f"search: the indexing process ended with status {code}")
        if report:
            raise error
        logger.warning("search: the index of the last (failed) build failed too: %s", error)


def _pagefind_version() -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version("pagefind")


_code: list[str] = []


def _code_version() -> str:
    """The code that turns inputs into documents: this module and the date helper."""
    if not _code:
        digest = hashlib.sha256()
        for source in (__file__, inspect.getfile(vi_date)):
            digest.update(Path(source).read_bytes())
        _code.append(digest.hexdigest())
    return _code[0]


def shard_digest(documents: dict, language: str, pagefind_version: str | None = None) -> str:
    """What a shard's index is made from: each document ({save_as: Inputs, or
    the HTML itself}), the language, Pagefind's version and our code's."""
    digest = hashlib.sha256(f"{language}\0{pagefind_version or _pagefind_version()}\0{_code_version()}\0".encode())
    for save_as in sorted(documents):
        digest.update(save_as.encode("utf-8") + b"\0")
        document = documents[save_as]
        for value in (document,) if isinstance(document, str) else document:
            digest.update(str(value).encode("utf-8", "surrogatepass") + b"\1")
    return digest.hexdigest()


def _run_pagefind(site: Path, output: Path, language: str) -> None:
    """Index ``site`` into ``output`` (Pagefind's command line, same package)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
           "--force-language", language, "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"search: pagefind failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


ENTRY = "pagefind-entry.json"


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` (a file or a folder) to ``target``, across file systems too.

    From scratch space on another file system (:func:`_scratch_dir`) a rename
    fails: the file or folder is copied next to ``target`` first, then renamed
    over it, so ``target`` is never seen half-written.
    """
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        partial = target.with_name(target.name + ".partial")
        if source.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(source, partial)
        else:
            partial.unlink(missing_ok=True)  # a leftover may be hard-linked into a release
            shutil.copyfile(source, partial)
        os.replace(partial, target)


def _swap(staging: Path, target: Path) -> int:
    """Make ``target`` hold what ``staging`` holds; return the files written.

    A new shard is moved into place. An existing one is updated file by
    file: a file with the same bytes as before is kept (inode and mtime: a
    hard-linked previous release shares it, an upload skips it), the others
    are renamed over. Pagefind names its index, filter, meta and fragment
    files by a hash of their content, and ``pagefind-entry.json`` names the
    meta file that names the others; so new files go in first, the entry
    next, obsolete files last, and the shard is whole at every moment.
    """
    if not target.exists():
        count = sum(1 for p in staging.rglob("*") if p.is_file())
        _move(staging, target)
        return count
    (target / DIGEST_FILE).unlink(missing_ok=True)  # an interrupted update is redone
    new = {p.relative_to(staging) for p in staging.rglob("*") if p.is_file()}
    written = 0
    for rel in sorted(new, key=lambda rel: {ENTRY: 1, DIGEST_FILE: 2}.get(rel.as_posix(), 0)):
        if not _same_bytes(staging / rel, target / rel):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            _move(staging / rel, target / rel)
            written += 1
    for path in sorted(target.rglob("*"), reverse=True):  # files before their folders
        rel = path.relative_to(target)
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in new:
            path.unlink()
    return written


# Scratch space for Pagefind: its documents and the bundle it writes.
SCRATCH_CANDIDATES = ("/dev/shm",)


def _scratch_dir(setting, size: int, files: int) -> str | None:
    """Where a shard's documents and Pagefind's bundle are written first.

    Pagefind writes its fragment files (one per document) from dozens of
    threads at once, which on this project's ext4 machines costs more kernel
    time than the files are worth (measured with Pagefind 1.5.2): a year
    shard of 2,200 articles took 3.2-4.2 s of user and 1.9-3.2 s of system
    CPU written to disk, 3.0-3.8 s and 0.6-0.8 s written to memory (tmpfs),
    and copying that bundle onto the disk afterwards, one file after the
    other, 0.15 s; in a cold build of 5,000 articles Pagefind's system CPU
    fell from 5.1-7.4 s to 1.6 s. Its thread count is not a setting. So by
    default a shard is built in ``/dev/shm`` when it is there and has room
    for ``size`` characters of documents in ``files`` files and a bundle
    (Docker gives it 64 MB), then moved into the output; otherwise in the
    system's temporary folder. ``SEARCH_SCRATCH_DIR`` names another folder,
    or ``False`` for the system's temporary folder.
    """
    if setting is False:
        return None
    if setting:
        return str(setting)
    # Up to 3 bytes a character, as much again for the bundle, a page per file.
    need = 6 * size + 2 * 4096 * files + (32 << 20)
    for candidate in SCRATCH_CANDIDATES:
        try:
            stat = os.statvfs(candidate)
        except OSError:
            continue
        if os.access(candidate, os.W_OK | os.X_OK) and stat.f_bavail * stat.f_frsize >= need:
            return candidate
    return None


SCRATCH_PREFIX = "portal-search-"
SCRATCH_MAX_AGE = 24 * 3600  # seconds


def _sweep_scratch(setting) -> None:
    """Remove scratch folders left by an index process that was killed
    (SIGKILL, the out-of-memory killer: no cleanup ran). In ``/dev/shm`` they
    hold memory until the machine restarts, ~25 MB per year shard. Only
    folders untouched for a day: another build may be using a newer one."""
    if setting is False:
        return
    folders = [str(setting)] if setting else SCRATCH_CANDIDATES
    limit = time.time() - SCRATCH_MAX_AGE
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if (entry.name.startswith(SCRATCH_PREFIX) and entry.is_dir(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_mtime < limit):
                    shutil.rmtree(entry.path, ignore_errors=True)
            except OSError:
                continue


def build_shard(name: str, documents: dict, root: Path, language: str, digest: str, scratch=None) -> dict:
    """Index one shard into ``root/<name>/``, through a staging bundle.

    The documents and the staging bundle are in a temporary folder
    (:func:`_scratch_dir`; ``scratch`` is ``SEARCH_SCRATCH_DIR``). A failed
    run raises and leaves the shard that was there in place.
    """
    start = time.perf_counter()
    target = root / name
    texts = {save_as: document if isinstance(document, str) else make_document(document)
             for save_as, document in documents.items()}
    where = _scratch_dir(scratch, sum(map(len, texts.values())), len(texts))
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{name}-", dir=where) as tmp:
        site, staging = Path(tmp) / "site", Path(tmp) / "bundle"
        for save_as, text in texts.items():
            path = site / save_as
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        del texts
        _run_pagefind(site, staging, language)
        count = sum(1 for _ in (staging / "fragment").glob("*.pf_fragment"))
        if count != len(documents):
            raise RuntimeError(f"search: Pagefind indexed {count} of {len(documents)} documents of shard {name}")
        for unused in _UNUSED:
            (staging / unused).unlink(missing_ok=True)
        (staging / DIGEST_FILE).write_text(digest + "\n", encoding="ascii")
        written = _swap(staging, target)
    return {"documents": count, "seconds": time.perf_counter() - start, "written": written}


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _run_all(jobs: list, workers: int, run, more: int = 0, at_end=None) -> tuple[dict, dict]:
    """Run ``run(job)`` for each job, largest first: ``workers`` at a time,
    and ``more`` besides once ``at_end`` (a ``threading.Event``) is set;
    ``at_end=None``: all of them from the start."""
    results, errors = {}, {}
    queue = deque(sorted(jobs, key=lambda job: -len(job[1])))
    if at_end is None:
        workers, more = workers + more, 0
    workers = max(1, min(workers, len(queue)))
    more = max(0, min(more, len(queue) - workers))

    def lane(later: bool) -> None:
        if later:
            at_end.wait()
        while True:
            try:
                job = queue.popleft()
            except IndexError:
                return
            try:
                results[job[0]] = run(job)
            except Exception as error:  # noqa: BLE001 - reported together by the caller
                errors[job[0]] = error

    if workers + more == 1:
        lane(False)
        return results, errors
    # Threads: each one writes its documents and waits for its Pagefind process.
    first = [threading.Thread(target=lane, args=(False,), name=f"search-{i}") for i in range(workers)]
    later = [threading.Thread(target=lane, args=(True,), name=f"search-{workers + i}") for i in range(more)]
    for thread in first + later:
        thread.start()
    for thread in first:
        thread.join()
    if later:
        at_end.set()  # nothing is left for them
    for thread in later:
        thread.join()
    return results, errors


def _default_at_end() -> int:
    """Pagefind runs once the build has nothing else to do: two at once on two
    or more cores. One Pagefind process keeps about 1.2 cores busy; two year
    shards of 2,200 articles took 3.6 s at once against 5.4 s one after the
    other (idle machine), with twice the memory (~0.5 GB each)."""
    return min(2, os.cpu_count() or 1)


def build_index(shards: dict, output_path: str, settings, spent: float = 0.0, at_end=None) -> dict:
    """Index ``shards`` ({shard: {save_as: Inputs or HTML}}) into OUTPUT_PATH/SEARCH_OUTPUT_DIR.

    Each shard is a Pagefind bundle of its own in ``<shard>/``, rebuilt only
    when its documents changed; ``shards.json`` lists them for the search
    page. Folders of shards that no longer exist, and anything else in the
    folder (an index of the one-bundle layout), are removed. ``spent``:
    seconds already spent making the documents, included in the log line.
    ``at_end``: an event set when the build has nothing left to do but wait
    for the index; until then ``SEARCH_WORKERS`` shards are indexed at once,
    then ``SEARCH_WORKERS_AT_END`` (None: the build is done already).
    """
    start = time.perf_counter() - spent
    language = settings.get("SEARCH_LANGUAGE") or settings.get("DEFAULT_LANG", "vi")
    root = Path(output_path) / settings.get("SEARCH_OUTPUT_DIR", "pagefind")
    if Path(output_path).resolve() not in root.resolve().parents:
        # This folder is the plugin's own: whatever is not a shard is removed.
        raise ValueError(f"SEARCH_OUTPUT_DIR must be a folder inside OUTPUT_PATH, not {root}")
    shards = {name: documents for name, documents in shards.items() if documents}
    total = sum(len(documents) for documents in shards.values())
    if not shards:  # Pagefind refuses an empty site; there is nothing to search
        shutil.rmtree(root, ignore_errors=True)
        logger.info("search: nothing published, no index")
        return {"documents": 0, "shards": {}, "indexed": {}, "seconds": time.perf_counter() - start}
    root.mkdir(parents=True, exist_ok=True)
    pagefind_version = _pagefind_version()
    digest_start = time.perf_counter()
    digests = {name: shard_digest(documents, language, pagefind_version) for name, documents in shards.items()}
    digest_seconds = time.perf_counter() - digest_start
    # Same documents as the shard already there: keep it untouched (no
    # rewrite, mtimes kept, nothing new to upload). Pagefind's filter and meta
    # files are not byte-stable from run to run, so re-indexing the same
    # documents would otherwise change files on every build.
    changed = [
        (name, shards[name]) for name in shards
        if not ((stamp := root / name / DIGEST_FILE).is_file()
                and stamp.read_text(encoding="ascii").strip() == digests[name])
    ]
    workers = int(settings.get("SEARCH_WORKERS") or 1)
    at_end_workers = max(workers, int(settings.get("SEARCH_WORKERS_AT_END") or _default_at_end()))
    index_start = time.perf_counter()
    if changed:
        _sweep_scratch(settings.get("SEARCH_SCRATCH_DIR"))
    indexed, errors = _run_all(
        changed, workers,
        lambda job: build_shard(job[0], job[1], root, language, digests[job[0]], settings.get("SEARCH_SCRATCH_DIR")),
        more=at_end_workers - workers, at_end=at_end)
    index_seconds = time.perf_counter() - index_start
    if errors:
        # The shards that failed keep their previous index; the manifest and
        # the other folders are left as they were.
        raise RuntimeError("search: " + "; ".join(f"shard {name}: {error}" for name, error in sorted(errors.items())))
    names = sorted(shards, key=shard_order)
    manifest = json.dumps({"shards": [f"{name}/" for name in names]}, indent=1) + "\n"
    _write_if_changed(root / MANIFEST, manifest.encode("utf-8"))
    for entry in root.iterdir():
        if entry.name not in shards and entry.name != MANIFEST:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    stats = {
        "documents": total, "shards": {name: len(documents) for name, documents in shards.items()},
        "indexed": indexed, "seconds": time.perf_counter() - start,
    }
    steps = f"reading articles {spent:.1f} s, digests {digest_seconds:.1f} s"
    at_once = str(workers if at_end is not None else at_end_workers)
    if at_end is not None and at_end_workers > workers:
        at_once += f", then {at_end_workers}"  # once the build only waited for the index
    if indexed:
        logger.info(
            "search: %d documents in %d shards; re-indexed %s (%d documents, %d files written, %s at once;"
            " %s, indexing %.1f s) in %.1f s",
            total, len(shards), ", ".join(sorted(indexed, key=shard_order)),
            sum(r["documents"] for r in indexed.values()), sum(r["written"] for r in indexed.values()),
            at_once, steps, index_seconds, stats["seconds"],
        )
    else:
        logger.info("search: %d documents in %d shards; none changed, index kept (%s) in %.1f s",
                    total, len(shards), steps, stats["seconds"])
    return stats


def write_index(pelican):
    _wait()
    # Documents still here: no fork, or no page_writer_finalized came (a
    # generator list without Pelican's pages); index them now.
    _collect_all()
    shards, _pending["documents"] = _pending["documents"], None
    if shards is None:
        return
    build_index(shards, pelican.settings["OUTPUT_PATH"], pelican.settings, _pending["seconds"])


def set_defaults(pelican):
    """Templates read SEARCH_OUTPUT_DIR to load pagefind.js."""
    pelican.settings.setdefault("SEARCH_OUTPUT_DIR", "pagefind")


def register():
    signals.initialized.connect(set_defaults)
    signals.all_generators_finalized.connect(start)
    signals.article_writer_finalized.connect(collect_articles)
    signals.page_writer_finalized.connect(collect_pages)
    signals.finalized.connect(write_index)
