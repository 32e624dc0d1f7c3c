"""Atom and RSS feeds, site-wide and per category, read with feedparser."""

from __future__ import annotations

import feedparser
import pytest

from tests.conftest import SITEURL
from tests.content_index import published
from tests.sitebuild import soup
from vietnamese import slugify

DOCS = published()
CATEGORIES = sorted({d.meta["category"] for d in DOCS})


def feed_files(site):
    files = sorted((site / "feeds").glob("*.xml"))
    assert files
    return files


def test_site_wide_and_category_feeds_exist(site):
    names = {p.name for p in feed_files(site)}
    assert {"all.atom.xml", "all.rss.xml"} <= names
    for cat in CATEGORIES:
        assert f"{slugify(cat)}.atom.xml" in names and f"{slugify(cat)}.rss.xml" in names


def test_feeds_parse_with_dates_and_absolute_links(site):
    for path in feed_files(site):
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version in ("atom10", "rss20"), path
        assert feed.entries, path
        for entry in feed.entries:
            # feedparser leaves a bad date as None without setting bozo.
            assert entry.get("published_parsed") or entry.get("updated_parsed"), (path, entry.title)
            assert entry.link.startswith(SITEURL + "/"), entry.link
            assert "<" not in entry.title and "&#" not in entry.title, entry.title


def test_feed_entries_match_articles(site):
    feed = feedparser.parse((site / "feeds" / "all.atom.xml").read_bytes())
    titles = {e.title for e in feed.entries}
    newest = sorted(DOCS, key=lambda d: d.date, reverse=True)[: len(feed.entries)]
    for doc in newest:
        expected = doc.title
        while '"' in expected:
            expected = expected.replace('"', "“", 1).replace('"', "”", 1)
        assert expected in titles
    # Dates carry the Asia/Ho_Chi_Minh offset.
    entry = feed.entries[0]
    doc = newest[0]
    assert entry.published.startswith(doc.date.strftime("%Y-%m-%dT%H:%M"))
    assert entry.published.endswith("+07:00")


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_feed_has_only_its_category(site, category):
    feed = feedparser.parse((site / "feeds" / f"{slugify(category)}.rss.xml").read_bytes())
    expected = sum(1 for d in DOCS if d.meta["category"] == category)
    assert len(feed.entries) == min(expected, 30)
    for entry in feed.entries:
        assert entry.link.startswith(f"{SITEURL}/{slugify(category)}/")


def test_pages_link_their_feeds(site):
    home = soup(site / "index.html")
    alternates = {l["href"] for l in home.find_all("link", rel="alternate")}
    assert f"{SITEURL}/feeds/all.atom.xml" in alternates
    assert f"{SITEURL}/feeds/all.rss.xml" in alternates
    cat = slugify(CATEGORIES[0])
    page = soup(site / cat / "index.html")
    alternates = {l["href"] for l in page.find_all("link", rel="alternate")}
    assert f"{SITEURL}/feeds/{cat}.rss.xml" in alternates
    assert f"{SITEURL}/feeds/{cat}.atom.xml" in alternates
