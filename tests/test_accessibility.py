"""axe-core in headless Chromium: zero WCAG 2.2 AA violations on every page type."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.content_index import published
from vietnamese import slugify

pytestmark = pytest.mark.browser

DOC = next(d for d in published() if d.meta.get("image"))
PAGES = {
    "home": "/",
    "home-oldest-page": "/trang-1/",  # listings are numbered from the oldest
    "sidebar-page": "/ben-le/",  # the shared "Tin mới đăng" page in the sidebar iframe
    "article": f"/{slugify(DOC.meta['category'])}/{DOC.slug}.html",
    "category": f"/{slugify(DOC.meta['category'])}/",
    "tag": f"/tu-khoa/{slugify(DOC.meta['tags'].split(',')[0])}/",
    "tags": "/tu-khoa/",
    "categories": "/chuyen-muc/",
    "author": "/tac-gia/",
    "archives": "/luu-tru/",
    "period-archive": f"/luu-tru/{DOC.date:%Y}/{DOC.date:%m}/",
    "page": "/gioi-thieu.html",
    "404": "/404.html",
    "search": "/tim-kiem/?q=dan+van+kheo",
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_reports_no_violations(browser, dev_url, kind, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        assert page.goto(dev_url + PAGES[kind]).ok
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
        violations = results.response["violations"]
        summary = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in violations
        ]
        assert not violations, summary
        # axe really ran: it checked a good number of rules.
        assert len(results.response["passes"]) >= 10
    finally:
        page.close()
