"""``make newpost``: start an article with complete front matter.

Writes ``<content>/<category slug>/<year>/<slug>.md`` with ``Title``,
``Date`` (now, in the site's ``TIMEZONE``), ``Category``, ``Tags`` (when
given), ``Authors`` (``AUTHOR`` from the configuration unless given) and
``Status: draft``: a new article is a draft until the editor says otherwise,
so ``make publish`` run by a colleague cannot put a half-written text online.

Refuses a category outside ``PORTAL_CATEGORIES`` (listing them; the category
may also be typed without diacritics or as its slug, "dan-van-kheo") and a
slug that an article already has, the same rule the checker applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.urlwrappers import Category
from pelican.utils import slugify as pelican_slugify

from vietnamese import fold

from .checks import SLUG_RE, display_path, existing_slugs


class NewPostError(Exception):
    """A refusal, in Vietnamese, for the editor."""


@dataclass
class NewPost:
    path: Path
    slug: str
    category: str
    draft_url: str


def resolve_category(value: str, settings: dict) -> str:
    known = list(settings.get("PORTAL_CATEGORIES") or [])
    value = " ".join((value or "").split())
    if not known:
        if not value:
            raise NewPostError("Thiếu chuyên mục: thêm CATEGORY=\"…\".")
        return value
    for name in known:
        if value == name or fold(value) == fold(name) or value.lower() == Category(name, settings).slug:
            return name
    listing = "\n".join(f"  - {name}" for name in known)
    shown = f"«{value}» không có trong danh sách chuyên mục" if value else "Thiếu chuyên mục"
    raise NewPostError(f"{shown}. Chọn một trong các chuyên mục (PORTAL_CATEGORIES trong pelicanconf.py):\n{listing}")


def front_matter(title: str, date: dt.datetime, category: str, authors: str, tags: str = "",
                 slug: str = "") -> str:
    lines = [f"Title: {title}", f"Date: {date:%Y-%m-%d %H:%M}", f"Category: {category}"]
    if tags:
        lines.append(f"Tags: {tags}")
    if authors:
        lines.append(f"Authors: {authors}")
    if slug:
        lines.append(f"Slug: {slug}")
    lines.append("Status: draft")
    return "\n".join(lines) + "\n\n"


def new_post(content: Path, settings: dict, title: str, category: str, *, tags: str = "", authors: str = "",
             slug: str = "", now: dt.datetime | None = None) -> NewPost:
    title = " ".join((title or "").split())
    if not title:
        raise NewPostError('Thiếu tiêu đề. Cách dùng: make newpost TITLE="Tiêu đề bài" CATEGORY="Dân vận khéo"')
    category = resolve_category(category, settings)
    now = now or dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    slug = (slug or "").strip()
    if slug and not SLUG_RE.match(slug):
        raise NewPostError(f"SLUG «{slug}» chỉ được có chữ thường không dấu, số và dấu gạch ngang.")
    final_slug = slug or pelican_slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
    if not final_slug:
        raise NewPostError("Tiêu đề không tạo được đường dẫn (slug): thêm SLUG=\"ten-bai\".")
    taken = existing_slugs(content, settings)
    if final_slug in taken:
        raise NewPostError(
            f"Đã có bài cùng đường dẫn «{final_slug}»: {display_path(taken[final_slug])}. "
            "Đặt tiêu đề khác, hoặc thêm SLUG=\"…\" để chọn đường dẫn riêng."
        )
    path = Path(content) / Category(category, settings).slug / f"{now:%Y}" / f"{final_slug}.md"
    if path.exists():
        raise NewPostError(f"Tệp {display_path(path)} đã có.")
    authors = " ".join((authors or settings.get("AUTHOR") or "").split())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite
        fh.write(front_matter(title, now, category, authors, tags.strip(), slug))
    draft_url = str(settings.get("DRAFT_URL", "drafts/{slug}.html")).format(slug=final_slug)
    return NewPost(path, final_slug, category, draft_url)
