"""sitemap.xml dates come from the content: a tiny site built by the real
pelican command, listing pages checked against the articles they show."""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from sitemap_dates.sitemap_dates import Listing, newest
from tests.sitebuild import build, soup, write

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ARTICLE = """Title: Bài số {i}
Date: 2024-03-{day:02d} 08:{i:02d}
{modified}Category: {category}
Tags: nông thôn mới
Summary: Tóm tắt bài số {i}.

Nội dung bài số {i} về phong trào thi đua ở xã Đông Hòa.
"""
PAGE = """Title: Giới thiệu

Ban Dân vận là cơ quan tham mưu của Tỉnh ủy về công tác dân vận.
"""
# Two a page: listings get a first page and numbered pages (stable pagination).
SETTINGS = {"DEFAULT_PAGINATION": 2, "SEARCH_INDEX": False}


def add(content: Path, i: int, category: str = "Dân vận khéo", modified: str = ""):
    write(content / f"bai-{i:02d}.md",
          ARTICLE.format(i=i, day=i, category=category, modified=f"Modified: {modified}\n" if modified else ""))


def lastmods(out: Path) -> dict[str, str]:
    """URL path (no leading slash) -> lastmod, from the built sitemap."""
    root = ElementTree.parse(out / "sitemap.xml").getroot()
    return {path(u.findtext("s:loc", namespaces=NS)): u.findtext("s:lastmod", namespaces=NS)
            for u in root.findall("s:url", NS)}


def path(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def listed(out: Path, url: str) -> list[str]:
    """The article URLs a listing page shows in its cards."""
    page = soup(out / (url + "index.html" if url.endswith("/") or not url else url))
    return [path(a["href"]) for a in page.select(".card__title a")]


def build_site(content: Path, out: Path):
    build(content, out, "publishconf.py", settings={**SETTINGS, "CACHE_PATH": str(out.parent / "cache")})


def test_listing_dates_are_the_newest_article_they_show(tmp_path):
    content, out = tmp_path / "content", tmp_path / "out"
    for i in range(1, 8):
        add(content, i, category="Dân vận khéo" if i % 2 else "Tin hoạt động")
    add(content, 8, modified="2024-04-20 09:00")  # edited after the newest was written
    write(content / "pages" / "gioi-thieu.md", PAGE)
    build_site(content, out)
    dates = lastmods(out)

    assert "404.html" not in dates  # the error page is left out (SITEMAP's exclude)
    articles = {url: d for url, d in dates.items() if url.endswith(".html") and url != "gioi-thieu.html"}
    assert len(articles) == 8
    assert articles["dan-van-kheo/bai-so-8.html"] == "2024-04-20T09:00:00+07:00"  # Modified wins
    assert articles["tin-hoat-dong/bai-so-2.html"] == "2024-03-02T08:02:00+07:00"

    site_newest = "2024-04-20T09:00:00+07:00"
    checked = 0
    for url, lastmod in dates.items():
        if url in articles:
            continue
        shown = listed(out, url)
        if shown:  # a listing: the newest article among those it shows
            assert lastmod == max(articles[a] for a in shown), url
            checked += 1
        else:  # the page and listings of names only (tags, categories): the site's newest
            assert lastmod == site_newest, url
    # home, its numbered pages, both categories with theirs, the tag, archives…
    assert checked >= 8
    assert dates["trang-1/"] == "2024-03-02T08:02:00+07:00"  # the oldest two
    assert dates["gioi-thieu.html"] == site_newest


def test_same_content_same_sitemap_and_numbered_pages_keep_their_date(tmp_path):
    """Same content: the same bytes, and the file left alone (uploads skip it).
    A new article: a new file renamed over the old one, so a hard link to the
    old one (the live release) keeps its bytes."""
    content, out = tmp_path / "content", tmp_path / "out"
    for i in range(1, 8):
        add(content, i)
    write(content / "pages" / "gioi-thieu.md", PAGE)
    build_site(content, out)
    sitemap = out / "sitemap.xml"
    first, stamp = sitemap.read_bytes(), (sitemap.stat().st_ino, sitemap.stat().st_mtime_ns)
    before = lastmods(out)
    time.sleep(1.1)  # upstream's build-time stamp would differ now
    build_site(content, out)
    assert sitemap.read_bytes() == first
    assert (sitemap.stat().st_ino, sitemap.stat().st_mtime_ns) == stamp  # not written again

    live = tmp_path / "live-sitemap.xml"
    os.link(sitemap, live)
    add(content, 9)  # a new article, the newest
    build_site(content, out)
    assert live.read_bytes() == first and sitemap.stat().st_ino != live.stat().st_ino
    after = lastmods(out)
    changed = {url for url in before if before[url] != after.get(url)}
    new = "2024-03-09T08:09:00+07:00"
    assert after["dan-van-kheo/bai-so-9.html"] == new
    assert after[""] == after["dan-van-kheo/"] == after["gioi-thieu.html"] == new
    numbered = {url for url in before if "trang-" in url}
    assert numbered and not numbered & changed, numbered & changed
    assert not {url for url in changed if url.endswith(".html") and url != "gioi-thieu.html"}


def test_newest_and_listing_stand_in():
    class Item:
        def __init__(self, date, modified=None):
            self.date, self.modified = date, modified

    assert newest([]) is None
    assert newest([Item(1), Item(3), Item(2)]) == 3
    assert newest([Item(1, modified=5), Item(3)]) == 5
    stand_in = Listing("dan-van-kheo/", 7)
    assert (stand_in.url, stand_in.date, getattr(stand_in, "modified", None)) == ("dan-van-kheo/", 7, None)


def test_format_date_gives_upstreams_text():
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from pelican.plugins.sitemap import sitemap
    from pelican.utils import SafeDatetime

    from sitemap_dates import sitemap_dates
    from sitemap_dates.sitemap_dates import format_date

    # Upstream's own, also when a build in this process has put ours in its place.
    upstream = sitemap_dates._upstream_format_date or sitemap.format_date
    assert upstream.__module__ == "pelican.plugins.sitemap.sitemap"

    dates = [datetime(2024, 3, 2, 8, 2, 59, 999999, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
             SafeDatetime(2026, 11, 25, 23, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
             datetime(1900, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),  # +07:06:40 (local mean time)
             datetime(2024, 3, 31, 2, 30, tzinfo=ZoneInfo("Europe/Paris")),
             datetime(2024, 7, 1, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
             datetime(2024, 7, 1, tzinfo=timezone.utc),
             datetime(2024, 7, 1, 6, 5, 4)]  # naive
    for date in dates:
        assert format_date(date, _upstream=upstream) == upstream(date), date
