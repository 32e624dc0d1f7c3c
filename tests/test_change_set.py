"""One new article into a built portal changes a small set of files.

A generated corpus (60 articles in 3 sections, 5 a page so every listing has
several pages) is built, one newest article is added, and the site is
rebuilt into the same output. Every file that changed or appeared must be
one the new article really touches, derived from the built pages:

- its own page;
- article pages that now link to it: its older neighbour ("Bài mới hơn",
  prev/next in its section) and pages whose "Các tin liên quan" list it;
- the first page of each listing it is in: home, its section, its tags, its
  author (found from the links on its page), and, where a listing reached a
  multiple of the page size, its new numbered page and the previous newest
  one (whose "Mới hơn" link now points at the new page; its list is the same);
- the overviews that count articles (chuyên mục, từ khóa, tác giả);
- feeds, ``sitemap.xml``, the archives (``luu-tru/``), the shared sidebar
  page (``ben-le/``) and the buildspeed manifest (search is off here).

The rebuild must also *render* few pages, not only write few: the buildspeed
render skip renders a page again only when something its template read
changed, so a value that every page reads and that changes with every
article (the sidebar's newest articles, the sections with their articles)
would make it render all of them to the same bytes.

Also allowed, and reported: article pages whose "Các tin liên quan" list was
re-ranked without naming the new article (the related plugin weighs terms
by TF-IDF over the whole corpus, so one more article can reorder near ties
elsewhere); on those pages nothing but that section may differ.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from buildspeed.buildspeed import MANIFEST
from tests.sitebuild import ROOT, build, write

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402

SITEURL = "https://danvan.songlam.example"
SECTIONS = ["Tin hoạt động", "Dân vận khéo", "Mô hình điển hình"]
PER_PAGE = 5
NEW = """Title: Hội nghị giao ban công tác dân vận quý IV năm 2026
Date: 2026-11-02 09:00
Category: Dân vận khéo
Tags: Dân vận khéo, chuyển đổi số
Authors: Thanh Hà
Summary: Ban Dân vận tổ chức hội nghị giao ban công tác dân vận quý IV năm 2026.

Ban Dân vận tổ chức hội nghị giao ban công tác dân vận quý IV năm 2026 về chuyển đổi số.
Qua đó, nhận thức của cán bộ, đảng viên và Nhân dân về công tác dân vận được nâng lên rõ rệt.

Công tác tuyên truyền được đổi mới, ứng dụng mạng xã hội và các nền tảng số.
"""
NEW_SLUG = "hoi-nghi-giao-ban-cong-tac-dan-van-quy-iv-nam-2026"


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def html(data: bytes) -> BeautifulSoup:
    return BeautifulSoup(data.decode("utf-8"), "html.parser")


def output_path(href: str) -> str:
    """The output file an absolute link of the live build points at."""
    path = urlsplit(href).path.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def without(page: BeautifulSoup, selector: str) -> str:
    for node in page.select(selector):
        node.decompose()
    return str(page)


@pytest.fixture(scope="module")
def rebuild(tmp_path_factory):
    root = tmp_path_factory.mktemp("change-set")
    content = generate(root / "content", 60, seed=11, images=False)
    articles = sorted(p for p in content.rglob("*.md") if "pages" not in p.parts)
    for i, path in enumerate(articles):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^Category: .*$", f"Category: {SECTIONS[i % 3]}", text, count=1, flags=re.M),
                        encoding="utf-8")
    out = root / "out"
    settings = {"DEFAULT_PAGINATION": PER_PAGE, "SEARCH_INDEX": False, "CACHE_PATH": str(root / "cache")}
    build(content, out, settings=settings)
    before = files(out)
    write(content / "dan-van-kheo" / "2026" / f"{NEW_SLUG}.md", NEW)
    log = build(content, out, settings=settings, verbose=True).stdout
    after = files(out)
    shutil.rmtree(root / "cache")
    return before, after, log


def test_one_new_article_changes_only_what_it_touches(rebuild):
    before, after, _log = rebuild
    changed = {k for k in after if before.get(k) != after[k]}
    new_page = f"dan-van-kheo/{NEW_SLUG}.html"
    assert new_page in changed and new_page not in before
    page = html(after[new_page])
    new_href = f"{SITEURL}/{new_page}"

    allowed = {new_page: "its page"}
    # Listings it is in: home, its section, its tags, its author.
    listings = [""]
    for link in page.select(".article__category a, .tags a, .byline__author a"):
        listings.append(output_path(link["href"])[: -len("index.html")])
    assert len(listings) == 1 + 1 + 2 + 1, listings
    for listing in listings:
        allowed[f"{listing}index.html"] = "first page of a listing"
        numbered = {int(m.group(1)) for k in after if (m := re.fullmatch(re.escape(listing) + r"trang-(\d+)/index\.html", k))}
        for s in numbered:
            key = f"{listing}trang-{s}/index.html"
            if key not in before:  # a new numbered page, and the previous newest one
                allowed[key] = "new numbered page"
                older = f"{listing}trang-{s - 1}/index.html"
                if older in before:
                    allowed[older] = "previous newest numbered page"
                    assert without(html(before[older]), ".pagination") == without(html(after[older]), ".pagination")
    for overview in ("chuyen-muc/index.html", "tu-khoa/index.html", "tac-gia/index.html"):
        allowed[overview] = "overview with counts"
    for key in after:
        if key.startswith(("feeds/", "luu-tru/", "ben-le/")) or key in ("sitemap.xml", MANIFEST):
            allowed[key] = "feeds, sitemap, archives, sidebar page, manifest"

    # Article pages: those now linking to it (neighbour, related news), and
    # those whose related list was only re-ranked.
    reranked = []
    for key in sorted(changed - allowed.keys()):
        if key not in before or not key.endswith(".html"):
            continue
        old, new = html(before[key]), html(after[key])
        if new.select_one(f".prev-next a[href='{new_href}']"):
            allowed[key] = "older neighbour"
        elif new.select_one(f".related a[href='{new_href}']"):
            allowed[key] = "related news lists it"
        elif new.select_one(".article") and without(old, ".related") == without(new, ".related"):
            reranked.append(key)
            allowed[key] = "related news re-ranked"

    unexpected = sorted(changed - allowed.keys())
    assert unexpected == [], unexpected
    kinds: dict[str, list[str]] = {}
    for key in changed:
        kinds.setdefault(allowed[key], []).append(key)
    summary = {kind: len(keys) for kind, keys in sorted(kinds.items())}
    assert len(kinds["older neighbour"]) == 1, summary
    assert len(kinds["first page of a listing"]) == len(listings), summary
    # Small: about a quarter of this tiny site, most of it related-news lists
    # (before stable listings, "Các tin đã đưa" and the shared sidebar: all of it).
    assert len(changed) - len(reranked) <= 30, summary
    assert len(changed) <= 0.4 * len(after), (len(changed), len(after), summary)


def test_one_new_article_renders_only_what_it_changes(rebuild):
    before, after, log = rebuild
    stats = re.search(r"buildspeed: (\d+) files written, (\d+) unchanged \((\d+) of them not rendered", log)
    assert stats, log[-2000:]
    written, unchanged, skipped = map(int, stats.groups())
    changed = sum(1 for k in after if before.get(k) != after[k])
    # Rendered or regenerated: pages and feeds. The feeds (site-wide and per
    # section, RSS and Atom) are regenerated on every build, never skipped.
    rendered = written + unchanged - skipped
    feeds = sum(1 for k in after if k.startswith("feeds/"))
    assert skipped > 0.5 * len(after), (written, unchanged, skipped)
    assert rendered <= changed + feeds + 5, (rendered, changed, feeds)
