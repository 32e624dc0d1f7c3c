"""Page layout in real headless Chromium: phones to desktops."""

from __future__ import annotations

import pytest

from tests.content_index import published
from vietnamese import slugify

pytestmark = pytest.mark.browser

DOC = published()[0]
PATHS = {
    "home": "/",
    "category": f"/{slugify(DOC.meta['category'])}/",
    "article": f"/{slugify(DOC.meta['category'])}/{DOC.slug}.html",
    "tags": "/tu-khoa/",
    "archives": "/luu-tru/",
    "page": "/gioi-thieu.html",
    "404": "/404.html",
}


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
@pytest.mark.parametrize("kind", PATHS)
def test_no_horizontal_scroll(browser, dev_url, kind, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        response = page.goto(dev_url + PATHS[kind])
        assert response.ok
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{kind} at {width}px scrolls to {scroll}px"
        # The stylesheet loaded (relative URLs resolve in the dev build).
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "block"
    finally:
        page.close()


def test_reads_without_javascript(browser, dev_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(dev_url + PATHS["article"])
    assert page.locator("h1").count() == 1
    assert len(page.locator(".article__body").inner_text()) > 200
    context.close()
