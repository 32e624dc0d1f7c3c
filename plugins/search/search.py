"""Site search: a Pagefind index of the published articles and pages.

At the end of every build (``finalized``) this writes Pagefind's search
bundle into ``OUTPUT_PATH/<SEARCH_OUTPUT_DIR>/`` (default ``pagefind/``):
``pagefind.js``, its WebAssembly and worker, and the index split into
small chunks, so a browser downloads only the part of the index a query
needs. The theme's search page (``search.html``, ``js/search.js``) queries it
with Pagefind's JavaScript API; nothing is fetched from any other site.

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
- ``SEARCH_OUTPUT_DIR = "pagefind"``: folder inside ``OUTPUT_PATH``;
- ``SEARCH_LANGUAGE``: ``DEFAULT_LANG`` (one index for the whole site).

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

import hashlib
import html
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from markupsafe import Markup
from pelican import signals

from vietnamese import vi_date

logger = logging.getLogger(__name__)

# Indexed stand-ins for "đ"/"Đ": d/D with circumflex below (NFD: "d" + U+032D).
STAND_INS = {"đ": "\u1e13", "Đ": "\u1e12"}
# Pagefind's default UIs: the portal has its own (js/search.js).
_UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
_pending: dict = {"documents": None, "seconds": 0.0}


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


def search_document(item, is_article: bool) -> str:
    """The HTML document Pagefind indexes for one article or page.

    Meta and filters sit outside ``data-pagefind-body``: Pagefind reads them
    but does not index them as text, and they keep the original spelling.
    Only the body is encoded (see :func:`encode_d`).
    """
    title = _plain(item.title)
    head = [
        _tag("p", title, data_pagefind_meta="title"),
        _tag("p", item.url, data_pagefind_meta="link"),
    ]
    body = [_tag("h1", title)]
    if item.metadata.get("summary"):
        body.append(f"<div>{item.summary}</div>")
    cover = getattr(item, "cover", None)
    if cover and cover.get("caption"):
        body.append(_tag("p", cover["caption"]))
    body.append(f"<div>{item.content}</div>")
    if is_article:
        category = item.category.name
        head += [
            _tag("p", category, data_pagefind_meta="category"),
            _tag("p", vi_date(item.date), data_pagefind_meta="date"),
            _tag("p", item.date.isoformat(), data_pagefind_meta="datetime"),
            _tag("p", category, data_pagefind_filter="category"),
            _tag("p", str(item.date.year), data_pagefind_filter="year"),
        ]
        authors = ", ".join(a.name for a in getattr(item, "authors", []) or [])
        source = getattr(item, "source", "")
        if authors or source:
            body.append(_tag("p", " ".join(x for x in (authors, f"({source})" if source else "") if x)))
        tags = ", ".join(t.name for t in getattr(item, "tags", []) or [])
        if tags:
            body.append(_tag("p", f"Từ khóa: {tags}"))
    return (
        '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title></title></head><body>'
        "{head}<main data-pagefind-body>{body}</main></body></html>"
    ).format(
        lang=html.escape(item.settings.get("SEARCH_LANGUAGE") or item.settings.get("DEFAULT_LANG", "vi")),
        head="".join(head),
        body=encode_d("".join(body)),
    )


def collect(generators):
    """Make the documents once the content is final (before writing)."""
    start = time.perf_counter()
    settings = generators[0].settings if generators else {}
    if not settings.get("SEARCH_INDEX", True):
        _pending["documents"] = None
        return
    documents = {}
    for generator in generators:
        for article in getattr(generator, "articles", []):
            documents[article.save_as] = search_document(article, True)
        for page in getattr(generator, "pages", []):
            documents[page.save_as] = search_document(page, False)
    _pending["documents"] = documents
    _pending["seconds"] = time.perf_counter() - start


def _pagefind(site: Path, output: Path, language: str) -> None:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
           "--force-language", language, "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"search: pagefind failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


DIGEST_FILE = "portal-documents.sha256"


def documents_digest(documents: dict, language: str) -> str:
    """What the index is made from: the documents, the language, Pagefind's version."""
    from importlib.metadata import version  # noqa: PLC0415

    digest = hashlib.sha256(f"{language}\0{version('pagefind')}\0".encode())
    for save_as in sorted(documents):
        digest.update(save_as.encode("utf-8") + b"\0" + documents[save_as].encode("utf-8") + b"\0")
    return digest.hexdigest()


def build_index(documents: dict, output_path: str, settings, spent: float = 0.0) -> dict:
    """Index ``documents`` ({save_as: html}) into OUTPUT_PATH/SEARCH_OUTPUT_DIR.

    Written into a staging folder first, then swapped in, so a failed run
    leaves the previous index in place and no stale file survives. ``spent``:
    seconds already spent making the documents, included in the log line.
    """
    start = time.perf_counter() - spent
    language = settings.get("SEARCH_LANGUAGE") or settings.get("DEFAULT_LANG", "vi")
    target = Path(output_path) / settings.get("SEARCH_OUTPUT_DIR", "pagefind")
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    if not documents:  # Pagefind refuses an empty site; there is nothing to search
        shutil.rmtree(target, ignore_errors=True)
        logger.info("search: nothing published, no index")
        return {"documents": 0, "bytes": 0, "seconds": time.perf_counter() - start}
    digest = documents_digest(documents, language)
    stamp = target / DIGEST_FILE
    if stamp.is_file() and stamp.read_text(encoding="ascii").strip() == digest:
        # Same documents as the index already there: keep it untouched (no
        # rewrite, mtimes kept, nothing new to upload). Pagefind's filter and
        # meta files are not byte-stable from run to run, so re-indexing the
        # same documents would otherwise change files on every build.
        logger.info("search: documents unchanged, index kept (%d documents)", len(documents))
        return {"documents": len(documents), "bytes": 0, "seconds": time.perf_counter() - start}
    with tempfile.TemporaryDirectory(prefix="portal-search-") as tmp:
        site = Path(tmp)
        for save_as, document in documents.items():
            path = site / save_as
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(document, encoding="utf-8")
        _pagefind(site, staging.resolve(), language)
    count = sum(1 for _ in (staging / "fragment").glob("*.pf_fragment"))
    if count != len(documents):
        raise RuntimeError(f"search: Pagefind indexed {count} of {len(documents)} documents")
    for name in _UNUSED:
        (staging / name).unlink(missing_ok=True)
    (staging / DIGEST_FILE).write_text(digest + "\n", encoding="ascii")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    stats = {"documents": count, "bytes": size, "seconds": time.perf_counter() - start}
    logger.info(
        "search: indexed %d documents into %s (%.1f MB) in %.1f s",
        count, target, size / 1e6, stats["seconds"],
    )
    return stats


def write_index(pelican):
    documents, _pending["documents"] = _pending["documents"], None
    if documents is None:
        return
    build_index(documents, pelican.settings["OUTPUT_PATH"], pelican.settings, _pending["seconds"])


def set_defaults(pelican):
    """Templates read SEARCH_OUTPUT_DIR to load pagefind.js."""
    pelican.settings.setdefault("SEARCH_OUTPUT_DIR", "pagefind")


def register():
    signals.initialized.connect(set_defaults)
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write_index)
