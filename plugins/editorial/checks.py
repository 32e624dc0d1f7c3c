"""The content checker: every fault in a folder of Markdown, with file and line.

Runs standalone (``python -m editorial check``, ``make check``) and inside
every Pelican build (the ``editorial`` plugin calls :func:`check_folder`
before Pelican reads a single file), so a file that would crash Pelican's
reader (bytes that are not UTF-8, a date it cannot parse) is reported once,
clearly, and left out of the build instead of producing a stack trace.

What is checked (codes in brackets; "fatal" faults keep the file out of
every build, because Pelican would crash on it, skip it with its own message,
misread it or write it over another page; the others are built in previews
and only block ``make publish``):

- the file is UTF-8 [encoding, fatal];
- metadata lines are ``Key: value`` [meta-malformed, fatal] and no key is
  given twice [meta-duplicate, fatal];
- a title that is present and not empty [title-missing, title-empty, fatal];
- ``Status`` is published, draft, hidden or (articles) scheduled
  [status-unknown, fatal];
- articles have a ``Date`` (drafts may leave it out) [date-missing, fatal];
  ``Date``/``Modified`` are ``YYYY-MM-DD[ HH:MM[:SS]]`` [date-invalid, fatal]:
  dateutil, which Pelican uses, reads "05/03/2024" as 3 May, so any other
  form is refused;
- a date in the future needs ``Status: scheduled`` (or ``draft``)
  [date-future; the article is kept out of listings, as a draft];
- the category is one of ``PORTAL_CATEGORIES`` [category-unknown];
- slugs are unique among articles and among pages [slug-duplicate, fatal
  for every file after the first in path order], and an explicit ``Slug`` is
  ASCII [slug-invalid];
- internal links resolve: ``{filename}``/``{static}``/``{attach}`` targets
  exist in the content folder, ``{category}`` names a section, relative and
  root links point at a page or file the site will have, and nobody links to
  a ``.md`` source directly [link-broken, link-source, link-base];
- images exist (``Image:`` and images in the text) [image-missing,
  image-base, cover-missing, cover-not-static] and have alt text
  [image-alt].

Messages are for editors, in Vietnamese: ``path:line: what is wrong — how to
fix it``; ``Problem.detail`` is an English explanation for verbose mode.

Speed: what a file says on its own (decoding, front matter, the checks
above that need only the file, slug, output path, archive pages, links and
images) is kept per file in ``CACHE_PATH/editorial-<fingerprint>.sqlite``
(``cache.py``) and worked out again only for a new or changed file; what
depends on other files or on the time (duplicate slugs, links, images and
covers against the whole site, future dates, today's date in a hint) is
decided at every check from those facts. The report is the same with or
without the cache (``EDITORIAL_CACHE = False`` turns it off).

Why our own parser for the front matter: it mirrors Python-Markdown's
``meta`` extension (the one Pelican uses, same regular expressions) but keeps
line numbers and keeps going after a bad line, which neither Python-Markdown
nor Pelican report. The text itself is tokenised with markdown-it-py, whose
tokens carry source line ranges (Python-Markdown's do not); it only has to
find links and images, where both dialects agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import gc
import html.parser
import logging
import marshal
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt
from pelican.generators import Generator
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import slugify as pelican_slugify

from vietnamese import fold
from vietnamese import slugify as vi_slugify

from .cache import FileCache

logger = logging.getLogger(__name__)

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")

# Python-Markdown's meta extension, verbatim: what Pelican will accept.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")

ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
INTRASITE_RE = re.compile(r"^[{|](?P<what>\w+)[|}](?P<value>.*)$")

# Fields an editor may write (the README's content model plus Pelican's own).
KNOWN_FIELDS = {
    "title": "Title", "date": "Date", "modified": "Modified", "category": "Category",
    "tags": "Tags", "authors": "Authors", "author": "Author", "summary": "Summary",
    "source": "Source", "image": "Image", "imagecaption": "ImageCaption",
    "featured": "Featured", "status": "Status", "slug": "Slug", "lang": "Lang",
    "translation": "Translation", "template": "Template", "save_as": "Save_as",
    "url": "Url", "keywords": "Keywords",
}
# Vietnamese names editors may type instead, folded ("Tiêu đề" -> "tieu de").
VI_FIELDS = {
    "tieu de": "Title", "ten bai": "Title", "ngay": "Date", "ngay dang": "Date",
    "ngay sua": "Modified", "cap nhat": "Modified", "ngay cap nhat": "Modified",
    "chuyen muc": "Category", "tu khoa": "Tags", "tac gia": "Authors",
    "tom tat": "Summary", "sapo": "Summary", "nguon": "Source", "anh": "Image",
    "anh dai dien": "Image", "chu thich anh": "ImageCaption", "noi bat": "Featured",
    "trang thai": "Status", "duong dan": "Slug",
}
ARTICLE_STATUSES = ("published", "draft", "hidden", "scheduled", "skip")
PAGE_STATUSES = ("published", "draft", "hidden", "skip")
# Faults that keep a file out of every build: Pelican would crash on it, skip it
# with its own message, misread it, or write it over another page.
FATAL = {
    "encoding", "meta-malformed", "meta-duplicate", "title-missing", "title-empty",
    "status-unknown", "date-missing", "date-invalid", "slug-duplicate",
}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    code: str
    message: str  # what is wrong (Vietnamese)
    fix: str  # how to fix it (Vietnamese)
    detail: str = ""  # English, for verbose output

    @property
    def fatal(self) -> bool:
        return self.code in FATAL

    def format(self, verbose: bool = False, base: Path | None = None) -> str:
        text = f"{display_path(self.path, base)}:{self.line}: {self.message} — {self.fix}"
        if verbose:
            text += f" [{self.code}: {self.detail}]" if self.detail else f" [{self.code}]"
        return text


def display_path(path: Path, base: Path | None = None) -> str:
    """The path as an editor would type it: relative to the working folder."""
    base = base or Path.cwd()
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass
class Field:
    name: str  # as written
    value: str
    line: int


@dataclass
class Document:
    file: str  # the real path (symbolic links resolved), as a string: see `path`
    rel: str  # posix path inside the content folder
    kind: str  # "article" or "page"
    text: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    body_lines: list[str] = field(default_factory=list)
    body_offset: int = 0  # file line number of body line 0, minus one
    slug: str | None = None
    date: dt.datetime | None = None
    category: str | None = None
    save_as: str | None = None
    archives: tuple[str, ...] = ()  # its year/month/day archive pages (articles)
    refs: list[_Ref] = field(default_factory=list)  # links and images in its text

    @functools.cached_property
    def path(self) -> Path:
        """`file` as a Path, made when asked for (a problem names it): most files
        have none, and 20,000 Path objects take about 0.1 s to make."""
        return Path(self.file)

    def value(self, key: str) -> str | None:
        f = self.fields.get(key)
        return f.value.strip() if f else None

    def line_of(self, key: str, default: int = 1) -> int:
        f = self.fields.get(key)
        return f.line if f else default

    @property
    def status(self) -> str:
        return (self.value("status") or "published").lower()


@dataclass
class Report:
    content: Path
    documents: list[Document]
    problems: list[Problem]

    @property
    def fatal_paths(self) -> set[str]:
        return {str(p.path) for p in self.problems if p.fatal}

    def lines(self, verbose: bool = False) -> list[str]:
        return [p.format(verbose) for p in self.problems]


class _Problems:
    """Collects problems, each (file, line, code, subject) once."""

    def __init__(self):
        self.items: list[Problem] = []
        self._seen: set[tuple] = set()

    def add(self, doc: Document, line: int, code: str, message: str, fix: str, detail: str = "",
            subject: str = ""):
        key = (doc.file, line, code, subject or message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(Problem(doc.path, line, code, message, fix, detail))


# --- Finding and reading files ---------------------------------------------------------

class _FileFinder(Generator):
    """Pelican's own file discovery (paths, excludes, IGNORE_FILES), without a build.

    ``Generator.get_files`` only needs ``path``, ``settings`` and
    ``_include_path``; the heavy constructor (Jinja environment, readers) is
    skipped on purpose so the checker stays fast.
    """

    def __init__(self, path: str, settings: dict):  # noqa: D107 - see class docstring
        self.path = path
        self.settings = settings


def find_documents(content: Path, settings: dict) -> list[Document]:
    finder = _FileFinder(str(content), settings)
    docs = []
    pages = finder.get_files(settings.get("PAGE_PATHS", ["pages"]), exclude=settings.get("PAGE_EXCLUDES", []),
                             extensions=MARKDOWN_EXTENSIONS)
    articles = finder.get_files(settings.get("ARTICLE_PATHS", [""]),
                                exclude=settings.get("ARTICLE_EXCLUDES", []), extensions=MARKDOWN_EXTENSIONS)
    real_dirs: dict[str, tuple[str, set[str]]] = {}
    for kind, files in (("article", articles - pages), ("page", pages)):
        for rel in files:
            rel = posixpath.normpath(rel.replace(os.sep, "/"))
            docs.append(Document(file=_realpath(content, rel, real_dirs), rel=rel, kind=kind))
    docs.sort(key=lambda d: d.rel)
    return docs


def _realpath(content: Path, rel: str, real_dirs: dict[str, tuple[str, set[str]]]) -> str:
    """``str((content / rel).resolve())``, resolving each folder once (a realpath()
    per file stats every folder on its way) and listing its symbolic links."""
    folder, _, name = rel.rpartition("/")
    known = real_dirs.get(folder)
    if known is None:
        real = os.path.realpath(os.path.join(content, folder))
        with os.scandir(real) as entries:
            # the folder with a separator at its end (os.path.join(real, "")): + name
            known = real_dirs[folder] = (os.path.join(real, ""), {e.name for e in entries if e.is_symlink()})
    prefix, links = known
    return os.path.realpath(prefix + name) if name in links else prefix + name


def _decode(doc: Document, problems: _Problems, data: bytes | None = None) -> bool:
    if data is None:
        with open(doc.file, "rb") as f:
            data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        doc.text = data.decode("utf-8")
        return True
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        problems.add(
            doc, line, "encoding",
            f"tệp không phải UTF-8 (byte 0x{data[err.start]:02X} ở cột {column} không đọc được)",
            "mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8 (Save with Encoding → UTF-8)",
            f"invalid UTF-8 byte at offset {err.start}: {err.reason}",
        )
        return False


def _field_alias(line: str) -> tuple[str, str] | None:
    """A field written almost right: no colon ("Title Phát động"), or in Vietnamese."""
    m = re.match(r"^\s{0,3}([^\W\d_][\w ]*?)\s*[:=\-–—]\s*(.*)$", line)
    if m:
        name = VI_FIELDS.get(fold(m.group(1)).strip())
        if name:
            return name, m.group(2)
        if m.group(1).lower() in KNOWN_FIELDS:
            return KNOWN_FIELDS[m.group(1).lower()], m.group(2)
    m = re.match(r"^\s{0,3}([A-Za-z]+)\s+(.*)$", line)
    if m and m.group(1).lower() in KNOWN_FIELDS:
        return KNOWN_FIELDS[m.group(1).lower()], m.group(2)
    return None


def _metadata_follows(lines: list[str], start: int) -> bool:
    """True if a well-formed known field follows before the first blank line."""
    for line in lines[start:]:
        if not line.strip():
            return False
        m = META_RE.match(line)
        if m and m.group("key").lower() in KNOWN_FIELDS:
            return True
    return False


def parse_header(doc: Document, problems: _Problems) -> None:
    """Split the front matter from the body, the way Python-Markdown's meta does."""
    lines = doc.text.splitlines()
    i = 1 if lines and BEGIN_RE.match(lines[0]) else 0
    fenced = i == 1
    key = None

    def add(name: str, value: str, lineno: int):
        lower = name.lower()
        if lower in doc.fields:
            first = doc.fields[lower]
            problems.add(
                doc, lineno, "meta-duplicate",
                f"trường «{name}» khai báo hai lần (lần đầu ở dòng {first.line})",
                "chỉ giữ một dòng, xóa dòng còn lại",
                f"metadata key {name!r} repeated; Pelican would read a list",
            )
            return None
        doc.fields[lower] = Field(name, value, lineno)
        return lower

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            break
        if fenced and END_RE.match(line):
            i += 1
            break
        m = META_RE.match(line)
        if m:
            key = add(m.group("key"), m.group("value"), i + 1)
            i += 1
            continue
        more = META_MORE_RE.match(line)
        if more and key:
            doc.fields[key].value += " " + more.group("value").strip()
            i += 1
            continue
        alias = _field_alias(line)
        if alias or _metadata_follows(lines, i + 1):
            shown = line.strip()
            if alias:
                fix = f"viết «{alias[0]}: {alias[1].strip()}» (tên trường bằng tiếng Anh, theo sau là dấu hai chấm)"
            else:
                fix = ("viết theo dạng «Tên trường: giá trị», ví dụ «Category: Dân vận khéo»; "
                       "nếu đây là nội dung bài thì để một dòng trống trước nó")
            problems.add(
                doc, i + 1, "meta-malformed",
                f"dòng «{shown}» ở phần đầu bài không đúng dạng «Tên trường: giá trị»", fix,
                "not a 'Key: value' metadata line; Python-Markdown would end the metadata here "
                "and print the rest as text",
            )
            if alias:
                key = add(alias[0], alias[1], i + 1)
            else:
                key = None
            i += 1
            continue
        break  # the body starts here, without a blank line: Python-Markdown accepts that
    doc.body_lines = lines[i:]
    doc.body_offset = i


# --- Front matter checks -------------------------------------------------------------

def _now(settings: dict) -> dt.datetime:
    return dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))


def _parse_date(value: str, tz: ZoneInfo) -> dt.datetime | None:
    value = " ".join(value.split())
    if not ISO_DATE.match(value):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _guess_iso(value: str) -> str | None:
    """'05/03/2024 08:30' → '2024-03-05 08:30' (Vietnamese day-first order)."""
    m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2})[:hg](\d{2}))?", value.strip())
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if m.group(4):
        text += f" {int(m.group(4)):02d}:{m.group(5)}"
    return text


def _check_dates(doc: Document, settings: dict, problems: _Problems) -> None:
    """Date formats and missing dates. What depends on the time of the check is
    left for later: ``NOW`` in a hint, and the future date (``_check_future``)."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    labels = {"date": "ngày đăng", "modified": "ngày cập nhật"}
    for key, label in labels.items():
        f = doc.fields.get(key)
        if f is None:
            continue
        raw = f.value.strip()
        parsed = _parse_date(raw, tz)
        if parsed is None:
            guess = _guess_iso(raw)
            example = guess or NOW
            problems.add(
                doc, f.line, "date-invalid",
                f"{label} «{raw}» không đúng dạng năm-tháng-ngày giờ:phút",
                f"viết «{f.name}: {example}» (giờ Việt Nam)",
                "dates must be ISO 'YYYY-MM-DD HH:MM'; dateutil would misread or reject this one",
            )
        elif key == "date":
            doc.date = parsed
    if doc.kind != "article":
        return
    status = doc.status
    if "date" not in doc.fields and status not in ("draft",):
        if status == "scheduled":
            message, fix = "bài hẹn giờ nhưng chưa có ngày đăng", "thêm dòng «Date: …» là thời điểm muốn đăng"
            line = doc.line_of("status")
        else:
            message = "bài thiếu ngày đăng"
            fix = f"thêm dòng «Date: {NOW}» ở phần đầu bài (giờ Việt Nam)"
            line = 1
        problems.add(doc, line, "date-missing", message, fix, "articles need a Date")


def _check_future(doc: Document, problems: _Problems, now: dt.datetime) -> None:
    if doc.date and doc.date > now and doc.status in ("published",):
        f = doc.fields["date"]
        problems.add(
            doc, f.line, "date-future",
            f"ngày đăng {doc.date.strftime('%d/%m/%Y %H:%M')} ở tương lai nhưng bài không hẹn giờ",
            "muốn hẹn giờ đăng thì thêm dòng «Status: scheduled»; nếu không, sửa lại ngày đăng",
            "future date without 'Status: scheduled': kept out of listings like a draft",
        )


def _check_title_status(doc: Document, problems: _Problems) -> None:
    f = doc.fields.get("title")
    if f is None:
        noun = "bài" if doc.kind == "article" else "trang"
        problems.add(doc, 1, "title-missing", f"{noun} thiếu tiêu đề",
                     "thêm dòng «Title: …» ở đầu tệp", "no Title metadata")
    elif not f.value.strip():
        problems.add(doc, f.line, "title-empty", "tiêu đề để trống",
                     "viết tiêu đề sau «Title:»", "empty Title")
    s = doc.fields.get("status")
    allowed = ARTICLE_STATUSES if doc.kind == "article" else PAGE_STATUSES
    if s is not None and s.value.strip().lower() not in allowed:
        if doc.kind == "article":
            fix = ("dùng «Status: draft» (bản nháp), «Status: scheduled» (hẹn giờ đăng) "
                   "hoặc «Status: published» (đăng)")
        else:
            fix = "dùng «Status: draft» (bản nháp) hoặc «Status: published» (đăng); trang không hẹn giờ được"
        problems.add(doc, s.line, "status-unknown", f"trạng thái «{s.value.strip()}» không hợp lệ", fix,
                     f"Status must be one of {', '.join(allowed)}")


def _check_category(doc: Document, settings: dict, problems: _Problems) -> None:
    known = list(settings.get("PORTAL_CATEGORIES") or [])
    f = doc.fields.get("category")
    if f is None:
        doc.category = settings.get("DEFAULT_CATEGORY")
        return
    value = f.value.strip()
    doc.category = value or settings.get("DEFAULT_CATEGORY")
    if not known or value in known:
        return
    listing = ", ".join(f"«{c}»" for c in known)
    if not value:
        problems.add(doc, f.line, "category-unknown", "chuyên mục để trống",
                     f"chọn một trong: {listing}", "empty Category")
        return
    by_fold = {fold(c): c for c in known}
    close = by_fold.get(fold(value)) or next(
        iter(difflib.get_close_matches(fold(value), list(by_fold), n=1, cutoff=0.75)), None)
    if close and close in by_fold:
        close = by_fold[close]
    fix = f"sửa thành «Category: {close}»" if close else f"dùng một trong: {listing}"
    problems.add(doc, f.line, "category-unknown",
                 f"chuyên mục «{value}» không có trong danh sách chuyên mục của cổng", fix,
                 "Category not in PORTAL_CATEGORIES (pelicanconf.py)")


def _slug_of(doc: Document, settings: dict, problems: _Problems) -> None:
    explicit = doc.fields.get("slug")
    if explicit is not None:
        value = explicit.value.strip()
        if not SLUG_RE.match(value):
            problems.add(doc, explicit.line, "slug-invalid",
                         f"đường dẫn «{value}» (Slug) chỉ được có chữ thường không dấu, số và dấu gạch ngang",
                         f"sửa thành «Slug: {vi_slugify(value) or 'ten-bai'}»",
                         "Slug must be lowercase ASCII words joined by hyphens")
            return
        doc.slug = value
        return
    if settings.get("SLUGIFY_SOURCE", "title") == "basename":
        source = Path(doc.rel).stem
    else:
        source = doc.value("title")
    if source:
        doc.slug = pelican_slugify(
            source,
            regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )


def _save_as(doc: Document, settings: dict, now: dt.datetime) -> str | None:
    """Where Pelican will write the document (its published location)."""
    return _format_save_as(_save_as_parts(doc, settings), doc.date or now)


def _save_as_parts(doc: Document, settings: dict) -> tuple[str, dict | None] | None:
    """All of ``_save_as`` but the date: (Save_as as written, None) or (template, values)."""
    if not doc.slug:
        return None
    key = "ARTICLE_SAVE_AS" if doc.kind == "article" else "PAGE_SAVE_AS"
    authors = [a.strip() for a in (doc.value("authors") or doc.value("author") or "").split(",") if a.strip()]
    category = _slug(Category, doc.category, settings) if doc.category else ""
    values = {k: f.value.strip() for k, f in doc.fields.items()}
    values.update(
        slug=doc.slug, lang=doc.value("lang") or settings.get("DEFAULT_LANG", "en"),
        category=category, author=_slug(Author, authors[0], settings) if authors else "",
        path=doc.rel,
    )
    values.pop("date", None)  # given by _format_save_as
    if doc.value("save_as"):
        return doc.value("save_as"), None
    return str(settings.get(key, "{slug}.html")), values


def _format_save_as(parts: tuple[str, dict | None] | None, date: dt.datetime) -> str | None:
    if parts is None:
        return None
    template, values = parts
    if values is None:
        return template
    try:
        return template.format(**values, date=date)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None


def _archives(doc: Document, settings: dict) -> tuple[str, ...]:
    """The year, month and day archive pages an article is listed on."""
    if doc.kind != "article" or not doc.date:
        return ()
    found = []
    for key in ("YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS", "DAY_ARCHIVE_SAVE_AS"):
        template = settings.get(key)
        if template:
            try:
                found.append(str(template).format(date=doc.date).lstrip("/"))
            except (KeyError, IndexError, ValueError, AttributeError):
                pass
    return tuple(found)


_SLUGS: dict[tuple, str] = {}


def _slug(cls: type, name: str, settings: dict) -> str:
    """``cls(name, settings).slug``, remembered: a few sections and authors recur in
    every file, and Pelican's slugify (Unidecode, regular expressions) is slow."""
    subs = settings.get(f"{cls.__name__.upper()}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    key = (cls, name, repr(subs), settings.get("SLUGIFY_PRESERVE_CASE", False),
           settings.get("SLUGIFY_USE_UNICODE", False))
    slug = _SLUGS.get(key)
    if slug is None:
        slug = cls(name, settings).slug
        if slug:  # an empty one is not remembered: Pelican warns about it each time
            _SLUGS[key] = slug
    return slug


# --- Links and images in the text ---------------------------------------------------------

def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Keep hrefs exactly as written ({filename}…, Vietnamese file names).
    md.normalizeLink = lambda url: url
    md.normalizeLinkText = lambda text: text
    md.validateLink = lambda url: True
    return md


_MD = _markdown()
# Python-Markdown "extra" footnote and abbreviation definitions look like
# CommonMark link references to markdown-it; blank them (keeping line numbers).
_NOT_REFERENCES = re.compile(r"^\s{0,3}(\[\^[^\]]+\]:|\*\[[^\]]+\]:)")


class _HTMLTags(html.parser.HTMLParser):
    """``<img>`` and ``<a>`` tags with their attributes and line (1-based)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "a"):
            self.found.append((tag, dict(attrs), self.getpos()[0]))

    handle_startendtag = handle_starttag


def _html_tags(fragment: str) -> list[tuple[str, dict, int]]:
    parser = _HTMLTags()
    parser.feed(fragment)
    parser.close()
    return parser.found


class _Ref(NamedTuple):
    kind: str  # "link" or "image"
    url: str
    line: int  # file line
    alt: str | None = None  # images only
    html: bool = False


def extract_refs(doc: Document) -> list[_Ref]:
    """Every link and image in the body, with the file line it is written on."""
    body = doc.body_lines
    text = "\n".join(body)
    if not any(marker in text for marker in ("](", "]:", "][", "<img", "<a ", "<IMG", "<A ")):
        return []
    cleaned = "\n".join("" if _NOT_REFERENCES.match(line) else line for line in body)
    refs: list[_Ref] = []
    claimed: dict[str, set[int]] = {}

    def locate(raw: str, start: int, end: int) -> int:
        """First line in [start, end) (then anywhere) holding `raw`, not yet claimed for it."""
        used = claimed.setdefault(raw, set())
        for rng in (range(start, min(end, len(body))), range(len(body))):
            for n in rng:
                if n not in used and raw in body[n]:
                    used.add(n)
                    return n
        return start

    for token in _MD.parse(cleaned):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "html_block":
            for tag, attrs, line in _html_tags(token.content):
                url = attrs.get("src" if tag == "img" else "href")
                if url is None and tag == "a":
                    continue
                refs.append(_Ref("image" if tag == "img" else "link", url or "", doc.body_offset + start + line,
                                 attrs.get("alt"), html=True))
            continue
        for child in token.children or []:
            if child.type == "image":
                src = child.attrs.get("src", "")
                refs.append(_Ref("image", src, doc.body_offset + locate(src, start, end) + 1, child.content))
            elif child.type == "link_open":
                href = child.attrs.get("href", "")
                refs.append(_Ref("link", href, doc.body_offset + locate(href, start, end) + 1))
            elif child.type == "html_inline":
                for tag, attrs, _line in _html_tags(child.content):
                    url = attrs.get("src" if tag == "img" else "href")
                    if url is None and tag == "a":
                        continue
                    line = doc.body_offset + locate(url or child.content, start, end) + 1
                    refs.append(_Ref("image" if tag == "img" else "link", url or "", line, attrs.get("alt"),
                                     html=True))
    return refs


@dataclass
class _Site:
    """What the built site will contain, to resolve links against."""

    content: Path
    settings: dict
    outputs: set[str]  # output paths (files)
    owned: set[str]  # first path segments that only we write into
    static_dirs: list[str]
    sources: set[str]  # every file inside the content folder (posix, relative)


def _build_site(content: Path, docs: list[Document], settings: dict, now: dt.datetime) -> _Site:
    sources = set()
    for root, _dirs, files in os.walk(content, followlinks=True):
        folder = os.path.relpath(root, content).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        sources.update(prefix + name for name in files)
    static_dirs = [posixpath.normpath(p) for p in settings.get("STATIC_PATHS", []) if p]
    outputs: set[str] = set()
    extra = settings.get("EXTRA_PATH_METADATA", {}) or {}
    in_static = _under_any(static_dirs)
    for rel in sources:
        if in_static(rel):
            outputs.add((extra.get(rel) or {}).get("path", rel))

    def add(template: str | None, **values):
        if not template:
            return
        try:
            outputs.add(str(template).format(**values).lstrip("/"))
        except (KeyError, IndexError, ValueError, AttributeError):
            pass

    categories = set(settings.get("PORTAL_CATEGORIES") or [])
    tags, authors = set(), set()
    for doc in docs:
        if doc.save_as:
            outputs.add(doc.save_as.lstrip("/"))
        if doc.category:
            categories.add(doc.category)
        tags.update(t.strip() for t in (doc.value("tags") or "").split(",") if t.strip())
        authors.update(a.strip() for a in (doc.value("authors") or doc.value("author") or "").split(",") if a.strip())
        outputs.update(doc.archives)
    for name in categories:
        slug = _slug(Category, name, settings)
        add(settings.get("CATEGORY_SAVE_AS"), slug=slug)
        for key in ("CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS"):
            add(settings.get(key), slug=slug)
    for name in tags:
        add(settings.get("TAG_SAVE_AS"), slug=_slug(Tag, name, settings))
    for name in authors:
        add(settings.get("AUTHOR_SAVE_AS"), slug=_slug(Author, name, settings))
    for name in settings.get("DIRECT_TEMPLATES", []):
        add(settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"))
    for key in ("FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ATOM", "FEED_RSS"):
        add(settings.get(key))
    outputs.update({"sitemap.xml", "robots.txt"})

    owned = {d.split("/", 1)[0] for d in static_dirs}
    for path in outputs:
        if "/" in path:
            owned.add(path.split("/", 1)[0])
    return _Site(content, settings, outputs, owned, static_dirs, sources)


def _split_url(url: str) -> str:
    return unquote(url.split("#", 1)[0].split("?", 1)[0])


def _in_static(rel: str, site: _Site) -> bool:
    return _under(rel, site.static_dirs)


def _under(rel: str, folders: list[str]) -> bool:
    return any(d in (".", "") or rel == d or rel.startswith(d.rstrip("/") + "/") for d in folders)


def _under_any(folders: list[str]):
    """``lambda rel: _under(rel, folders)``, for every file of the site."""
    if any(d in (".", "") for d in folders):
        return lambda rel: True
    exact, prefixes = set(folders), tuple(d.rstrip("/") + "/" for d in folders)
    return lambda rel: rel in exact or rel.startswith(prefixes)


def _check_ref(doc: Document, ref: _Ref, site: _Site, problems: _Problems) -> None:
    url = ref.url.strip()
    what = "ảnh" if ref.kind == "image" else "liên kết"
    if ref.kind == "image" and (ref.alt is None or not ref.alt.strip()):
        if ref.html:
            fix = "thêm alt=\"mô tả nội dung ảnh\" vào thẻ <img>"
        else:
            fix = f"viết mô tả trong ngoặc vuông: «![Mô tả nội dung ảnh]({url})»"
        problems.add(doc, ref.line, "image-alt", f"ảnh «{url}» thiếu mô tả (alt) cho người đọc không xem được ảnh",
                     fix, "image without alt text (WCAG 1.1.1)", subject=url)
    if not url or url.startswith("#") or url.startswith("//") or SCHEME_RE.match(url):
        return
    src_dir = posixpath.dirname(doc.rel)
    m = INTRASITE_RE.match(url)
    if m:
        what_kind, value = m.group("what"), m.group("value")
        if what_kind in ("filename", "static", "attach"):
            target = _split_url(value)
            rel = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(src_dir, target))
            if rel.startswith("..") or rel not in site.sources:
                code = "image-missing" if ref.kind == "image" else "link-broken"
                example = "/images/ten-anh.jpg" if ref.kind == "image" else "/chuyen-muc/nam/ten-bai.md"
                fix = ("kiểm tra tên tệp; đường dẫn sau {%s} bắt đầu bằng «/» được tính từ thư mục content, "
                       "ví dụ «{%s}%s»" % (what_kind, what_kind, example))
                problems.add(doc, ref.line, code, f"{what} «{url}» trỏ tới tệp không có: {rel}", fix,
                             f"{{{what_kind}}} target {rel!r} is not in the content folder", subject=url)
        elif what_kind == "category":
            known = site.settings.get("PORTAL_CATEGORIES") or []
            if known and value.strip() not in known:
                problems.add(doc, ref.line, "link-broken", f"liên kết «{url}» trỏ tới chuyên mục không có",
                             "dùng tên chuyên mục đúng như trong danh sách: " + ", ".join(known),
                             "{category} link to an unknown category", subject=url)
        return

    path = _split_url(url)
    if not path:
        return
    from_source = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(src_dir, path))
    if path.lower().endswith(tuple("." + e for e in MARKDOWN_EXTENSIONS)):
        if from_source in site.sources:
            problems.add(doc, ref.line, "link-source", f"liên kết «{url}» trỏ vào tệp nguồn, trên trang sẽ bị hỏng",
                         f"viết «{{filename}}/{from_source}»",
                         "plain links to .md sources are not rewritten by Pelican", subject=url)
        else:
            problems.add(doc, ref.line, "link-broken", f"liên kết «{url}» trỏ tới tệp không có: {from_source}",
                         "kiểm tra tên tệp, rồi viết «{filename}/đường-dẫn-trong-content/ten-bai.md»",
                         "link to a missing .md file", subject=url)
        return

    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/"))
    else:
        base = posixpath.dirname(doc.save_as or doc.rel)
        target = posixpath.normpath(posixpath.join(base, path))
    candidates = {target, posixpath.join(target, "index.html")} if not target.startswith("..") else set()
    if target == ".":
        candidates = {"index.html"}
    if candidates & site.outputs:
        return
    theme_static = site.settings.get("THEME_STATIC_DIR", "theme")
    if target.split("/", 1)[0] == theme_static:
        return
    if from_source not in site.sources and posixpath.normpath(path.lstrip("/")) in site.sources:
        from_source = posixpath.normpath(path.lstrip("/"))  # meant from the content folder
    if from_source in site.sources and not from_source.startswith(".."):
        code = "image-base" if ref.kind == "image" else "link-base"
        marker = "static" if (_in_static(from_source, site) or ref.kind == "image") else "filename"
        problems.add(doc, ref.line, code,
                     f"{what} «{url}» sẽ bị hỏng trên trang: đường dẫn tương đối được tính từ địa chỉ của bài, "
                     "không phải từ thư mục chứa tệp",
                     f"viết «{{{marker}}}/{from_source}»",
                     f"relative URL resolves to {target!r} in the output, not to the source file", subject=url)
        return
    first = target.split("/", 1)[0]
    looks_ours = (
        target.startswith("..")
        or ref.kind == "image"
        or first in site.owned
        or ("/" not in target and target.endswith(".html"))
    )
    if looks_ours:
        code = "image-missing" if ref.kind == "image" else "link-broken"
        fix = ("chép ảnh vào content/images/ rồi viết «![Mô tả ảnh]({static}/images/ten-anh.jpg)»"
               if ref.kind == "image" else
               "kiểm tra lại địa chỉ; liên kết tới bài khác nên viết «{filename}/chuyen-muc/nam/ten-bai.md»")
        problems.add(doc, ref.line, code, f"{what} «{url}» trỏ tới trang hoặc tệp không có trên cổng", fix,
                     f"resolves to {target!r}, which the build will not produce", subject=url)


def _check_cover(doc: Document, site: _Site, problems: _Problems) -> None:
    f = doc.fields.get("image")
    if f is None or not f.value.strip():
        return
    value = f.value.strip()
    if value.startswith("//") or SCHEME_RE.match(value):
        return
    rel = value
    for prefix in ("{static}", "|static|", "{attach}", "|attach|", "/"):
        if rel.startswith(prefix):
            rel = rel[len(prefix):].lstrip("/")
    rel = posixpath.normpath(_split_url(rel))
    if rel not in site.sources:
        problems.add(doc, f.line, "cover-missing", f"ảnh đại diện «{value}» (Image) không có trong thư mục content",
                     "kiểm tra tên tệp, hoặc chép ảnh vào content/images/ và viết «Image: images/ten-anh.jpg»",
                     f"cover image {rel!r} not found")
    elif not _in_static(rel, site):
        folders = ", ".join(f"content/{d}/" for d in site.static_dirs)
        problems.add(doc, f.line, "cover-not-static",
                     f"ảnh đại diện «{value}» nằm ngoài thư mục ảnh ({folders}) nên sẽ không có trên trang",
                     "chuyển ảnh vào content/images/ và viết «Image: images/" + posixpath.basename(rel) + "»",
                     "cover outside STATIC_PATHS is not copied to the output")


# --- The whole folder --------------------------------------------------------------------

def check_folder(content: Path | str, settings: dict, now: dt.datetime | None = None) -> Report:
    """Check every Markdown article and page under `content` with Pelican `settings`.

    Each file's own facts come from ``_examine``, or from the cache
    (``cache.py``) when the file has not changed; then what depends on the
    time and on the other files is worked out for all of them.
    """
    with _no_gc():
        return _check_folder(content, settings, now)


@contextlib.contextmanager
def _no_gc():
    """Pause the cycle collector. A check makes a few hundred thousand small
    objects and no cycles (reference counting frees them); the collector would
    scan them again and again: half of an unchanged folder's check."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_folder(content: Path | str, settings: dict, now: dt.datetime | None) -> Report:
    content = Path(content).resolve()
    now = now or _now(settings)
    stamp = now.strftime("%Y-%m-%d %H:%M")
    problems = _Problems()
    docs = find_documents(content, settings)
    store = FileCache.open(settings, content)
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    complete = False
    examined = 0
    try:
        readable = []
        for doc in docs:
            blob, data = store.get(doc.rel, doc.kind, doc.file) if store else (None, None)
            if blob is None:
                examined += 1
                ok, later, found = _examine(doc, settings, data)
                if store:
                    store.put(doc.rel, _dump_facts(doc, ok, later, found))
            else:
                ok, later, found = _load_facts(doc, blob, tz)
            for entry in found:
                if entry is _FUTURE:
                    _check_future(doc, problems, now)
                else:
                    line, code, message, fix, detail, subject = entry
                    problems.add(doc, line, code, message, fix.replace(NOW, stamp), detail, subject)
            if ok:
                if later is not None:
                    doc.save_as = _format_save_as(later, now)
                readable.append(doc)
        complete = True
    finally:
        if store:
            store.close(prune=complete)
    logger.debug("editorial: %d files, %d examined, %d more read to compare", len(docs), examined,
                 store.hashed - examined if store else 0)

    default_lang = settings.get("DEFAULT_LANG", "en")
    for kind in ("article", "page"):
        # Same slug in another language is a translation (Pelican's default
        # ARTICLE_TRANSLATION_ID is the slug), not a duplicate.
        first: dict[tuple[str, str], Document] = {}
        for doc in readable:
            if doc.kind != kind or not doc.slug:
                continue
            key = (doc.slug, doc.value("lang") or default_lang)
            if key in first:
                other = first[key]
                problems.add(
                    doc, doc.line_of("slug", doc.line_of("title")), "slug-duplicate",
                    f"đường dẫn «{doc.slug}» trùng với {'bài' if kind == 'article' else 'trang'} {display_path(other.path)}",
                    f"đổi tiêu đề hoặc thêm dòng «Slug: {doc.slug}-2» để bài có đường dẫn riêng",
                    "two documents would be written to the same URL",
                )
            else:
                first[key] = doc

    site = _build_site(content, readable, settings, now)
    for doc in readable:
        _check_cover(doc, site, problems)
        for ref in doc.refs:
            _check_ref(doc, ref, site, problems)

    order = {d.rel: i for i, d in enumerate(docs)}
    positions: dict[Path, int] = {}
    for p in problems.items:
        if p.path not in positions:
            positions[p.path] = order.get(_rel(p.path, content), 0)
    items = sorted(problems.items, key=lambda p: (positions[p.path], p.line))
    return Report(content, docs, items)


# --- One file's facts, and the cache -------------------------------------------------

# Stands for the time of the check ("YYYY-MM-DD HH:MM") in a hint; a file's
# problems are kept without it, and it is written in at every check.
NOW = "\x00now\x00"
# In a file's list of problems: the place of the future-date check, which
# depends on the time too.
_FUTURE = None


class _FileProblems:
    """One file's problems, in the order found, as tuples (what the cache keeps)."""

    def __init__(self):
        self.items: list[tuple | None] = []
        self._seen: set[tuple] = set()

    def add(self, doc: Document, line: int, code: str, message: str, fix: str, detail: str = "",
            subject: str = ""):
        key = (line, code, subject or message)  # _Problems' key without the path
        if key not in self._seen:
            self._seen.add(key)
            self.items.append((line, code, message, fix, detail, subject))


def _examine(doc: Document, settings: dict, data: bytes | None = None) -> tuple[bool, tuple | None, list]:
    """What the file alone tells: fills `doc` and returns (readable, the parts of
    its ``save_as`` when that needs the time, its problems in order)."""
    found = _FileProblems()
    if not _decode(doc, found, data):
        return False, None, found.items
    parse_header(doc, found)
    _check_title_status(doc, found)
    _check_dates(doc, settings, found)
    if doc.kind == "article":
        found.items.append(_FUTURE)
        _check_category(doc, settings, found)
    _slug_of(doc, settings, found)
    later = _save_as_parts(doc, settings)
    if doc.date is not None:
        doc.save_as, later = _format_save_as(later, doc.date), None
    doc.archives = _archives(doc, settings)
    doc.refs = extract_refs(doc)
    return True, later, found.items


def _dump_facts(doc: Document, ok: bool, later: tuple | None, found: list) -> bytes:
    date = doc.date
    if date is not None:  # ZoneInfo does not marshal: the local zone is TIMEZONE
        local = isinstance(date.tzinfo, ZoneInfo)
        date = ((date.replace(tzinfo=None) if local else date).isoformat(), local)
    fields = tuple((key, f.name, f.value, f.line) for key, f in doc.fields.items())
    return marshal.dumps((ok, fields, doc.body_offset, doc.slug, date, doc.category, doc.save_as, later,
                          doc.archives, tuple(map(tuple, doc.refs)), tuple(found)))


def _load_facts(doc: Document, blob: bytes, tz: ZoneInfo) -> tuple[bool, tuple | None, tuple]:
    """``_examine`` from the cache: the same `doc` (but its text) and result."""
    ok, fields, doc.body_offset, doc.slug, date, doc.category, doc.save_as, later, doc.archives, refs, found = (
        marshal.loads(blob))
    doc.fields = {key: Field(name, value, line) for key, name, value, line in fields}
    if date is not None:
        iso, local = date
        date = dt.datetime.fromisoformat(iso)
        doc.date = date.replace(tzinfo=tz) if local else date  # the zone of TIMEZONE
    doc.refs = [_Ref(*ref) for ref in refs]
    return ok, later, found


def _rel(path: Path, content: Path) -> str:
    try:
        return path.relative_to(content).as_posix()
    except ValueError:
        return str(path)


def load_settings(conf: Path | str, content: Path | str | None = None) -> dict:
    """Pelican settings from a configuration file, as `pelican -s` would read them."""
    from pelican.settings import read_settings

    override = {"PATH": str(Path(content).resolve())} if content else None
    return read_settings(str(conf), override=override)


def existing_slugs(content: Path | str, settings: dict) -> dict[str, Path]:
    """Slug → file for every readable article (front matter only: fast)."""
    content = Path(content).resolve()
    slugs: dict[str, Path] = {}
    if not content.is_dir():
        return slugs
    for doc in find_documents(content, settings):
        scratch = _Problems()
        if doc.kind != "article" or not _decode(doc, scratch):
            continue
        parse_header(doc, scratch)
        _slug_of(doc, settings, scratch)
        if doc.slug:
            slugs.setdefault(doc.slug, doc.path)
    return slugs
