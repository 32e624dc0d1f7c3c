"""The shared sidebar page in real headless Chromium: inline with
JavaScript, an iframe that shows it all without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.content_index import published
from vietnamese import slugify

pytestmark = pytest.mark.browser

DOCS = sorted(published(), key=lambda d: d.date, reverse=True)
OLDEST = DOCS[-1]
ARTICLE = f"/{slugify(OLDEST.meta['category'])}/{OLDEST.slug}.html"


def url_of(doc):
    return f"/{slugify(doc.meta['category'])}/{doc.slug}.html"


def test_inline_with_javascript_links_work_and_font_size_applies(browser, dev_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(dev_url + ARTICLE)
    latest = page.locator(".sidebar #tin-moi-dang + ul a")
    expect(latest).to_have_count(8)
    expect(page.locator(".sidebar iframe")).to_have_count(0)
    expect(page.locator(".sidebar #chuyen-muc-ben-le")).to_be_visible()
    # The page's styles apply: the latest titles are ink, not link blue.
    assert latest.first.evaluate("a => getComputedStyle(a).color") == "rgb(31, 31, 31)"
    size = lambda: latest.first.evaluate("a => parseFloat(getComputedStyle(a).fontSize)")  # noqa: E731
    before = size()
    page.get_by_role("button", name="A+ (tăng cỡ chữ)").click()
    assert size() > before
    page.get_by_role("button", name="A (cỡ chữ mặc định)").click()
    # Links lead to the articles (made absolute against the shared page).
    assert latest.first.get_attribute("href") == dev_url + url_of(DOCS[0])
    latest.first.click()
    page.wait_for_url(dev_url + url_of(DOCS[0]))
    assert page.locator("h1").inner_text().strip()
    page.locator(".sidebar .widget--categories a", has_text="Dân vận khéo").click()
    page.wait_for_url(dev_url + "/dan-van-kheo/")
    ctx.close()


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_iframe_without_javascript_shows_everything(browser, dev_url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(dev_url + ARTICLE)
    frame_el = page.locator(".sidebar iframe")
    expect(frame_el).to_have_attribute("title", "Tin mới đăng và chuyên mục")
    frame_el.scroll_into_view_if_needed()
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_load_state()
    expect(frame.locator("#tin-moi-dang + ul a")).to_have_count(8)
    # Everything fits at the default font size: no scrolling inside the frame.
    height = frame_el.evaluate("f => f.clientHeight")
    bottom = frame.evaluate("document.querySelector('.sidebar').getBoundingClientRect().bottom")
    assert bottom <= height, (bottom, height)
    assert frame.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # A link opens in the whole window (<base target="_top">).
    frame.locator("#tin-moi-dang + ul a").first.click()
    page.wait_for_url(dev_url + url_of(DOCS[0]))
    ctx.close()
