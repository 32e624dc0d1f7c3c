"""'Các tin liên quan' on the sample portal: every article has related news that exists."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SITEURL
from tests.content_index import published
from tests.sitebuild import soup
from vietnamese import slugify

DOCS = published()


def article_path(site, doc):
    return site / slugify(doc.meta["category"]) / f"{doc.slug}.html"


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.path.stem)
def test_every_article_has_related_news_to_existing_pages(site, doc):
    page = soup(article_path(site, doc))
    section = page.select_one("section.related")
    assert section is not None, doc.path
    heading = section.find("h2")
    assert heading.get_text(strip=True) == "Các tin liên quan"
    assert section["aria-labelledby"] == heading["id"]
    items = section.select(".related__list > li")
    assert 1 <= len(items) <= 5  # RELATED_COUNT
    own = f"{SITEURL}/{slugify(doc.meta['category'])}/{doc.slug}.html"
    hrefs = [li.a["href"] for li in items]
    assert own not in hrefs and len(set(hrefs)) == len(hrefs)
    for li in items:
        href = li.a["href"]
        assert href.startswith(SITEURL + "/")
        target = site / href[len(SITEURL) + 1 :]
        assert target.is_file(), href
        # The link text is the linked article's title; the date is in Vietnamese order.
        assert li.a.get_text(" ", strip=True) == soup(target).h1.get_text(" ", strip=True)
        time = li.find("time")
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", time.get_text()), time
        assert time["datetime"][:10] == "-".join(reversed(time.get_text().split("/")))


def test_thumbnails_are_small_lazy_and_decorative(site):
    thumbs = [img for doc in DOCS for img in soup(article_path(site, doc)).select("section.related img")]
    assert thumbs, "sample articles with a cover photo should show up as related news"
    for img in thumbs:
        assert img["alt"] == ""  # the link's text names the article
        assert img["loading"] == "lazy"
        assert img.find_parent("a") is not None
        assert (site / img["src"][len(SITEURL) + 1 :]).is_file()
        assert img.get("width") and img.get("height")


def test_related_news_sits_between_the_article_and_prev_next(site):
    page = soup(article_path(site, DOCS[0]))
    main = page.select_one("main")
    order = [el.name + "." + " ".join(el.get("class", [])) for el in main.find_all(recursive=False)]
    assert order.index("article.article") < order.index("section.related") < order.index("nav.prev-next")
