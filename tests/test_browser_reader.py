"""The article page in real headless Chromium: font size, print, share, keyboard, no-JS."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.content_index import published
from vietnamese import slugify

pytestmark = pytest.mark.browser

DOCS = sorted(published(), key=lambda d: d.date, reverse=True)


def url_of(doc):
    return f"/{slugify(doc.meta['category'])}/{doc.slug}.html"


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def body_font_px(page):
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('.article__body p')).fontSize)")


def test_font_size_grows_and_survives_navigation(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    before = body_font_px(page)
    page.get_by_role("button", name="A+ (tăng cỡ chữ)").click()
    bigger = body_font_px(page)
    assert bigger > before
    assert "Cỡ chữ: 113%" in page.locator("[data-font-status]").inner_text()
    # Another article, then a new visit: the choice persists (localStorage).
    page.goto(dev_url + url_of(DOCS[1]))
    assert body_font_px(page) == pytest.approx(bigger, abs=0.5)
    again = context.new_page()
    again.goto(dev_url + url_of(DOCS[2]))
    assert body_font_px(again) == pytest.approx(bigger, abs=0.5)
    again.get_by_role("button", name="A (cỡ chữ mặc định)").click()
    assert body_font_px(again) == pytest.approx(before, abs=0.5)


def test_font_steps_have_bounds(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    sizes = {body_font_px(page)}
    plus = page.get_by_role("button", name="A+ (tăng cỡ chữ)")
    minus = page.get_by_role("button", name="A- (giảm cỡ chữ)")
    for _ in range(10):
        if plus.get_attribute("aria-disabled") == "true":
            break
        plus.click()
        sizes.add(body_font_px(page))
    assert plus.get_attribute("aria-disabled") == "true"
    for _ in range(10):
        if minus.get_attribute("aria-disabled") == "true":
            break
        minus.click()
        sizes.add(body_font_px(page))
    assert minus.get_attribute("aria-disabled") == "true"
    assert len(sizes) >= 4


@pytest.mark.parametrize("path", ["article", "page"])
def test_no_horizontal_scroll_at_320px_largest_step(browser, dev_url, path):
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    target = url_of(DOCS[0]) if path == "article" else "/gioi-thieu.html"
    page.goto(dev_url + target)
    plus = page.get_by_role("button", name="A+ (tăng cỡ chữ)")
    while plus.get_attribute("aria-disabled") != "true":
        plus.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    ctx.close()


def test_keyboard_reaches_every_control(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    wanted = {"‹ Quay lại", "A- (giảm cỡ chữ)", "A (cỡ chữ mặc định)", "A+ (tăng cỡ chữ)", "In bài viết",
              "Facebook", "Zalo", "Gửi cho bạn bè", "Sao chép liên kết"}
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
        reached.add(" ".join((name or "").split()))
        if wanted <= reached:
            break
    assert wanted <= reached, wanted - reached
    # The skip link is the first stop and moves focus to the main content.
    page.goto(dev_url + url_of(DOCS[0]))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#noi-dung"


def test_keyboard_activates_font_size(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    before = body_font_px(page)
    page.get_by_role("button", name="A+ (tăng cỡ chữ)").focus()
    page.keyboard.press("Enter")
    assert body_font_px(page) > before


def test_print_media_hides_navigation_and_shows_url(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    page.emulate_media(media="print")
    for selector in (".site-nav", ".sidebar", ".site-footer", ".article-tools", ".share", ".breadcrumb"):
        assert not page.locator(selector).first.is_visible(), selector
    for selector in (".article__title", ".article-meta", ".article__body", ".print-url"):
        assert page.locator(selector).first.is_visible(), selector
    assert url_of(DOCS[0]) in page.locator(".print-url").inner_text()


def test_copy_link_and_web_share_fallback(browser, dev_url):
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    page.get_by_role("button", name="Sao chép liên kết").click()
    expect(page.locator("[data-share-status]")).to_have_text("Đã sao chép liên kết bài viết.")
    assert page.evaluate("navigator.clipboard.readText()").endswith(url_of(DOCS[0]))
    # Desktop Chromium headless has no navigator.share: the button stays hidden.
    has_share = page.evaluate("'share' in navigator")
    assert page.locator("[data-share-native-item]").is_visible() == has_share
    ctx.close()


def test_back_link_goes_to_category_without_history(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    page.get_by_role("link", name="‹ Quay lại").click()
    page.wait_for_load_state()
    assert page.url == dev_url + f"/{slugify(DOCS[0].meta['category'])}/"


def test_back_link_uses_history_when_coming_from_the_site(context, dev_url):
    page = context.new_page()
    page.goto(dev_url + "/luu-tru/")
    page.goto(dev_url + url_of(DOCS[0]), referer=dev_url + "/luu-tru/")
    page.get_by_role("link", name="‹ Quay lại").click()
    page.wait_for_url(dev_url + "/luu-tru/")


def test_article_works_without_javascript(browser, dev_url):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(dev_url + url_of(DOCS[0]))
    assert not page.locator("[data-font-size]").is_visible()
    assert not page.locator("[data-print]").is_visible()
    assert not page.get_by_role("button", name="Sao chép liên kết").is_visible()
    assert page.get_by_role("link", name="Facebook").is_visible()
    assert page.get_by_role("link", name="Gửi cho bạn bè").is_visible()
    assert len(page.locator(".article__body").inner_text()) > 300
    href = page.get_by_role("link", name="‹ Quay lại").get_attribute("href")
    assert href.endswith(f"{slugify(DOCS[0].meta['category'])}/")
    ctx.close()
