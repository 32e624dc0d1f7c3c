"""Site search in real headless Chromium, typed into the real search boxes.

The expected results come from the Markdown sources (tests/content_index.py),
folded with our own Vietnamese rules; the browser only sees the built site.
"""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser import serve
from tests.content_index import Doc, articles, published, read_meta
from tests.sitebuild import ROOT, build, write
from vietnamese import fold, slugify

pytestmark = pytest.mark.browser

STATUS = "[data-search-status]"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SKIP_META = {"date", "modified", "category", "status", "image", "featured", "slug", "title"}


def body_of(path) -> str:
    return path.read_text(encoding="utf-8").split("\n\n", 1)[1]


def indexed() -> dict[str, str]:
    """URL path → the text the index holds for it (title, metadata text, body)."""
    docs = {}
    for doc in published():
        extra = " ".join(v for k, v in doc.meta.items() if k not in SKIP_META)
        docs[f"/{slugify(doc.meta['category'])}/{doc.slug}.html"] = f"{doc.title} {extra} {body_of(doc.path)}"
    for path in sorted((ROOT / "content" / "pages").glob("*.md")):
        page = Doc(path, read_meta(path))
        docs[f"/{page.slug}.html"] = f"{page.title} {body_of(path)}"
    return docs


def words(text: str, folded: bool) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower()
    return re.findall(r"\w+", fold(text) if folded else text)


def has_run(text: str, query: str, folded: bool = True, any_order: bool = False) -> bool:
    terms = words(query, folded)
    seq = words(text, folded)
    runs = {tuple(seq[i:i + len(terms)]) for i in range(len(seq) - len(terms) + 1)}
    if any_order:
        return any(sorted(run) == sorted(terms) for run in runs)
    return tuple(terms) in runs


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(error))
    yield tab
    context.close()
    assert not errors, errors


def search_from_header(page, base, query):
    """Type into the header box of the home page and press Enter."""
    page.goto(base + "/")
    box = page.get_by_role("search", name="Tìm kiếm trên cổng thông tin").get_by_label("Tìm kiếm")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/tim-kiem/\?q="))
    expect(page.locator(STATUS)).to_contain_text("kết quả")


def all_results(page) -> list[dict]:
    """Every result on the page, after pressing "Xem thêm kết quả" while it shows."""
    more = page.get_by_role("button", name="Xem thêm kết quả")
    while more.is_visible():
        before = page.locator(".search-result").count()
        more.click()
        expect(page.locator(".search-result")).not_to_have_count(before)
    return page.evaluate("""() => [...document.querySelectorAll('.search-result')].map(li => ({
        path: new URL(li.querySelector('h2 a').href).pathname,
        title: li.querySelector('h2 a').textContent,
        meta: (li.querySelector('.search-result__meta') || {}).textContent || '',
        category: (li.querySelector('.search-result__category') || {}).textContent || '',
        datetime: li.querySelector('time') ? li.querySelector('time').getAttribute('datetime') : '',
        excerpt: li.querySelector('.search-result__excerpt').textContent,
        marks: [...li.querySelectorAll('.search-result__excerpt mark')].map(m => m.textContent),
        html: li.innerHTML,
    }))""")


def assert_tiers(results, docs, query):
    """Pages holding the query's words side by side (in either order) come before
    pages that hold them apart, and pages with the words in order come first."""
    paths = [r["path"] for r in results]
    in_order = {p for p, text in docs.items() if has_run(text, query)}
    together = {p for p, text in docs.items() if has_run(text, query, any_order=True)}
    assert in_order and in_order <= set(paths), in_order - set(paths)
    last_together = max(i for i, p in enumerate(paths) if p in together)
    first_apart = min((i for i, p in enumerate(paths) if p not in together), default=len(paths))
    assert last_together < first_apart, (query, paths)
    assert paths[0] in in_order
    return in_order


def assert_clean(results):
    for r in results:
        assert not re.search("[\u1e12\u1e13]", r["html"]), r["title"]  # the index's "đ" is decoded
        assert r["marks"], r["title"]


def test_dang_bo_without_diacritics_finds_dang_bo(page, dev_url):
    search_from_header(page, dev_url, "dang bo")
    assert page.locator("#search-q").input_value() == "dang bo"
    results = all_results(page)
    docs = indexed()
    expected = assert_tiers(results, docs, "dang bo")
    assert any(has_run(docs[p], "Đảng bộ", folded=False) for p in expected)
    assert_clean(results)
    # The excerpt shows the original spelling, the phrase highlighted as one.
    top = results[0]
    assert "Đảng bộ" in top["marks"], top
    assert "Đảng bộ" in top["excerpt"]
    count = page.locator(STATUS).inner_text()
    assert count.startswith(f"Tìm thấy {len(results)} kết quả cho “dang bo”")
    # A folded "đ" does not match words without it: "dang" is not "đang" only.
    assert len(results) < len(docs)


def test_dan_van_kheo_without_diacritics_finds_dan_van_kheo(page, dev_url):
    search_from_header(page, dev_url, "dan van kheo")
    results = all_results(page)
    expected = assert_tiers(results, indexed(), "dan van kheo")
    assert len(expected) > 10  # more than one screen: "Xem thêm kết quả" was used
    assert_clean(results)
    for r in results:
        if r["path"] in expected:
            assert "Dân vận khéo" in r["marks"], r


def test_phrase_with_diacritics(page, dev_url):
    search_from_header(page, dev_url, "Mái ấm nghĩa tình")
    results = all_results(page)
    docs = indexed()
    assert results[0]["path"] in {p for p, t in docs.items() if has_run(t, "Mái ấm nghĩa tình", folded=False)}
    assert results[0]["title"] == "Mô hình Mái ấm nghĩa tình ở xã Đức Phong"
    assert results[0]["marks"][0] == "Mái ấm nghĩa tình"
    # The excerpt comes from the body (the title is already the heading).
    assert not results[0]["excerpt"].lstrip("… ").startswith("Mô hình Mái ấm")
    assert results[0]["category"] == "Mô hình điển hình"
    assert re.fullmatch(r"Mô hình điển hình\s*\|\s*Ngày đăng \d{2}/\d{2}/2025", results[0]["meta"].strip())


def test_exact_query_with_diacritics_ranks_exact_matches_first(page, dev_url):
    page.goto(dev_url + "/tim-kiem/")
    page.get_by_label("Từ khóa").fill("Đảng bộ")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    expect(page.locator(STATUS)).to_contain_text("“Đảng bộ”")
    results = all_results(page)
    paths = [r["path"] for r in results]
    exact = {p for p, text in indexed().items() if {"đảng", "bộ"} <= set(words(text, folded=False))}
    assert exact and len(paths) > len(exact)  # folded matches ("đang", "bỏ") follow
    assert set(paths[: len(exact)]) == exact
    assert parse_qs(urlparse(page.url).query) == {"q": ["Đảng bộ"]}


def test_drafts_are_not_found(page, dev_url):
    draft = next(d for d in articles() if d.draft)
    # The dev build renders the draft ...
    assert page.goto(dev_url + f"/ban-nhap/{draft.slug}.html").ok
    # ... but searching its title finds other articles, never the draft.
    search_from_header(page, dev_url, draft.title)
    results = all_results(page)
    assert all(not r["path"].startswith("/ban-nhap/") and r["title"] != draft.title for r in results)


def test_filters_by_category_and_year(page, dev_url):
    search_from_header(page, dev_url, "dan van")
    everything = all_results(page)
    category = page.get_by_role("combobox", name="Chuyên mục")
    options = category.locator("option").all_inner_texts()
    assert options[0] == "Tất cả chuyên mục"
    assert set(options[1:]) == {d.meta["category"] for d in published()}
    category.select_option("Văn bản chỉ đạo")
    expect(page.locator(STATUS)).to_contain_text("trong chuyên mục Văn bản chỉ đạo")
    in_category = all_results(page)
    assert 0 < len(in_category) < len(everything)
    assert {r["category"] for r in in_category} == {"Văn bản chỉ đạo"}
    year = page.get_by_role("combobox", name="Năm")
    years = year.locator("option").all_inner_texts()[1:]
    assert years == sorted({str(d.date.year) for d in published()}, reverse=True)
    wanted = in_category[0]["datetime"][:4]
    year.select_option(wanted)
    expect(page.locator(STATUS)).to_contain_text(f"trong chuyên mục Văn bản chỉ đạo, năm {wanted}")
    both = all_results(page)
    assert both and all(r["datetime"].startswith(wanted) for r in both)
    assert len(both) < len(in_category) or len({r["datetime"][:4] for r in in_category}) == 1
    # The address keeps the state: reloading shows the same filtered results.
    assert parse_qs(urlparse(page.url).query) == {"q": ["dan van"], "chuyen-muc": ["Văn bản chỉ đạo"], "nam": [wanted]}
    page.reload()
    expect(page.locator(STATUS)).to_contain_text(f"năm {wanted}")
    assert category.input_value() == "Văn bản chỉ đạo"
    assert [r["path"] for r in all_results(page)] == [r["path"] for r in both]
    category.select_option("")
    year.select_option("")
    expect(page.locator(STATUS)).to_have_text(re.compile(r"^Tìm thấy \d+ kết quả cho “dan van”\."))


def test_no_results_are_said_so(page, dev_url):
    search_from_header(page, dev_url, "xyzkhongcotu")
    expect(page.locator(STATUS)).to_have_text(
        "Không tìm thấy kết quả cho “xyzkhongcotu”. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.")
    assert page.locator(".search-result").count() == 0
    assert not page.get_by_role("button", name="Xem thêm kết quả").is_visible()


def test_keyboard_and_live_region(page, dev_url):
    page.goto(dev_url + "/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("dan van")
    page.keyboard.press("Enter")
    status = page.locator(STATUS)
    expect(status).to_contain_text("Đang hiển thị 10 kết quả đầu tiên")
    assert status.get_attribute("role") == "status"
    # "Xem thêm kết quả" by keyboard: focus moves to the first new result.
    more = page.get_by_role("button", name="Xem thêm kết quả")
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".search-result")).not_to_have_count(10)
    focused = page.evaluate("document.activeElement.closest('.search-result') && "
                            "[...document.querySelectorAll('.search-result')].indexOf(document.activeElement.closest('.search-result'))")
    assert focused == 10
    # Typing in the page's own box searches as you type (debounced).
    page.get_by_label("Từ khóa").fill("thi dua")
    expect(status).to_contain_text("“thi dua”")


def test_without_javascript_the_form_leads_somewhere_useful(browser, dev_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(dev_url + "/gioi-thieu.html")
    tab.get_by_label("Tìm kiếm", exact=True).fill("dang bo")
    tab.get_by_role("button", name="Tìm", exact=True).click()
    tab.wait_for_url(re.compile(r"/tim-kiem/\?q=dang\+bo$"))
    notice = tab.locator("[data-search-nojs]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Tìm kiếm cần JavaScript")
    assert not tab.locator("[data-search-filters]").is_visible()
    tab.get_by_role("link", name="Chuyên mục", exact=True).first.click()
    assert urlparse(tab.url).path == "/chuyen-muc/"
    tab.go_back()
    notice.get_by_role("link", name="Lưu trữ").click()
    assert urlparse(tab.url).path == "/luu-tru/"
    context.close()


def test_everything_comes_from_the_site_itself(page, dev_url):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    search_from_header(page, dev_url, "dan van kheo")
    all_results(page)
    assert hosts == {urlparse(dev_url).netloc}


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_results_page_is_accessible_and_fits(browser, dev_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    for query in ("dan van kheo", "xyzkhongcotu"):
        tab.goto(dev_url + "/tim-kiem/?q=" + query.replace(" ", "+"))
        expect(tab.locator(STATUS)).to_contain_text(query)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
        assert not violations, violations
    context.close()


# --- Untrusted titles and a draft's unique word, on a tiny site ----------------------------

TINY = """Title: {title}
Date: {date}
Category: Tin hoạt động
{extra}

{body}
"""


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory):
    content = tmp_path_factory.mktemp("tiny")
    write(content / "xss.md", TINY.format(
        title="<img src=x onerror=window.__xss=1> <b>đậm</b> & “Đảng bộ”", date="2024-03-05 08:30",
        extra="", body="Bài có từ kivaluđình và &lt;i&gt;nghiêng&lt;/i&gt; viết như chữ."))
    write(content / "nhap.md", TINY.format(
        title="Bản nháp riêng", date="2024-04-01 08:00", extra="Status: draft",
        body="Bản nháp có từ zorbaxuân."))
    write(content / "bo-phieu.md", TINY.format(
        title="Cử tri đang bỏ phiếu", date="2024-05-01 08:00", extra="",
        body="Người dân đang bỏ phiếu ở xã. Cử tri đang bỏ phiếu từ sáng. Nhiều người đang bỏ phiếu."))
    write(content / "dang-uy.md", TINY.format(
        title="Ban thường vụ Đảng ủy xã họp", date="2024-06-01 08:00", extra="",
        body="Đảng ủy xã họp thường kỳ. " + "Các đại biểu bàn nhiều việc của xã. " * 12
             + "Hội nghị bàn việc sắp xếp tổ chức bộ máy tinh gọn."))
    (content / "images").mkdir()
    out = tmp_path_factory.mktemp("tiny-out")
    build(content, out, "pelicanconf.py")  # the dev build: drafts rendered at ban-nhap/
    assert (out / "ban-nhap" / "ban-nhap-rieng.html").exists()
    with serve(out) as url:
        yield url


def test_draft_unique_word_finds_nothing(page, tiny_url):
    search_from_header(page, tiny_url, "zorbaxuân")
    expect(page.locator(STATUS)).to_contain_text("Không tìm thấy kết quả cho “zorbaxuân”")
    # The same search finds a published article's own word (the index works).
    page.get_by_label("Từ khóa").fill("kivaludinh")
    page.get_by_label("Từ khóa").press("Enter")
    expect(page.locator(STATUS)).to_have_text("Tìm thấy 1 kết quả cho “kivaludinh”.")


def test_untrusted_title_and_text_stay_text(page, tiny_url):
    search_from_header(page, tiny_url, "kivaludinh")
    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    link = result.get_by_role("link")
    expect(link).to_have_text("<img src=x onerror=window.__xss=1> <b>đậm</b> & “Đảng bộ”")
    assert result.locator("img, b, i, script").count() == 0
    assert page.evaluate("window.__xss") is None
    excerpt = result.locator(".search-result__excerpt")
    expect(excerpt).to_contain_text("<i>nghiêng</i> viết như chữ")
    expect(excerpt.locator("mark")).to_have_text("kivaluđình")


def result_titles(page, query):
    box = page.get_by_label("Từ khóa")
    box.fill(query)
    box.press("Enter")
    expect(page.locator(STATUS)).to_contain_text(f"“{query}”")
    return page.locator(".search-result h2").all_inner_texts()


def test_exact_spelling_first_then_words_side_by_side(page, tiny_url):
    page.goto(tiny_url + "/tim-kiem/")
    xss = "<img src=x onerror=window.__xss=1> <b>đậm</b> & “Đảng bộ”"
    # Typed with diacritics: exact spellings first (side by side before apart),
    # then "đang bỏ", which only matches once folded.
    assert result_titles(page, "Đảng bộ") == [xss, "Ban thường vụ Đảng ủy xã họp", "Cử tri đang bỏ phiếu"]
    # Typed without: the words side by side first, whatever their diacritics.
    assert result_titles(page, "dang bo") == [xss, "Cử tri đang bỏ phiếu", "Ban thường vụ Đảng ủy xã họp"]
    assert page.locator(".search-result mark").all_inner_texts()[:2] == ["Đảng bộ", "đang bỏ"]


# --- Shards: one result list across years, ranked across shards ---------------------------

FILLER = "Nội dung thường kỳ của xã được cập nhật trên cổng thông tin".split()


def body_with(word: str, times: int, extra: str = "", length: int = 40) -> str:
    """`length` words, `times` of them `word`: pages of one length, so only the
    term frequency tells them apart (and each shard's average page length is
    the same)."""
    words = [word] * times + extra.split()
    words += [FILLER[i % len(FILLER)] for i in range(length - len(words))]
    return " ".join(words) + "."


@pytest.fixture(scope="module")
def years_url(tmp_path_factory):
    content = tmp_path_factory.mktemp("years")
    # Two articles a year in 2023 and 2022, each with "kivalunam": each
    # shard has the same number of pages holding it (same IDF), so the
    # relevance order is the order of term frequency: 6, 4, 2, 1, which
    # alternates between the two years' shards.
    for title, date, times in (("Bài một", "2023-03-01 08:00", 6), ("Bài hai", "2022-03-01 08:00", 4),
                               ("Bài ba", "2023-05-01 08:00", 2), ("Bài bốn", "2022-05-01 08:00", 1)):
        write(content / f"{slugify(title)}.md", TINY.format(
            title=title, date=date, extra="", body=body_with("kivalunam", times)))
    # "Đảng bộ" once in 2021 and in 2020, "đang bỏ" four times in 2021 (a
    # higher score when folded); none in a title (Pagefind weights headings).
    for title, date, text in (("Tin năm 2021", "2021-03-01 08:00", "Đảng bộ"),
                              ("Tin năm 2020", "2020-03-01 08:00", "Đảng bộ"),
                              ("Người dân năm 2021", "2021-05-01 08:00", "đang bỏ phiếu " * 4)):
        write(content / f"{slugify(title)}.md", TINY.format(
            title=title, date=date, extra="", body=body_with("", 0, text)))
    write(content / "pages" / "gioi-thieu.md", "Title: Giới thiệu\n\nTrang giới thiệu của cơ quan.\n")
    (content / "images").mkdir()
    out = tmp_path_factory.mktemp("years-out")
    # One shard per year, nothing else: the IDF argument above needs whole years.
    build(content, out, "pelicanconf.py", {"SEARCH_RECENT_SHARD": None})
    shards = json.loads((out / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert shards == ["pages/", "2023/", "2022/", "2021/", "2020/"]
    with serve(out) as url:
        yield url


def test_results_from_several_years_are_ranked_across_shards(page, years_url):
    requests = []
    page.on("request", lambda request: requests.append(urlparse(request.url).path))
    search_from_header(page, years_url, "kivalunam")
    results = all_results(page)
    assert [r["title"] for r in results] == ["Bài một", "Bài hai", "Bài ba", "Bài bốn"]
    assert [r["datetime"][:4] for r in results] == ["2023", "2022", "2023", "2022"]
    assert page.locator(STATUS).inner_text() == "Tìm thấy 4 kết quả cho “kivalunam”."
    # Pagefind's runtime comes from the first shard only; the others give
    # their index (metadata, chunks, fragments).
    runtime = [p for p in requests if re.search(r"/(pagefind\.js|pagefind-worker\.js|wasm\.[^/]*)$", p)]
    assert runtime and all(p.startswith("/pagefind/pages/") for p in runtime), runtime
    assert {p.split("/")[2] for p in requests if p.startswith("/pagefind/") and "/fragment/" in p} == {"2023", "2022"}
    # The year filter narrows the same merged search.
    page.get_by_role("combobox", name="Năm").select_option("2022")
    expect(page.locator(STATUS)).to_contain_text("trong năm 2022")
    assert [r["title"] for r in all_results(page)] == ["Bài hai", "Bài bốn"]
    assert page.get_by_role("combobox", name="Năm").locator("option").all_inner_texts()[1:] == [
        "2023", "2022", "2021", "2020"]


def test_exact_spellings_first_in_every_shard(page, years_url):
    page.goto(years_url + "/tim-kiem/")
    # Without diacritics, Pagefind's folded score decides: "đang bỏ" first.
    assert result_titles(page, "dang bo")[0] == "Người dân năm 2021"
    # Typed with diacritics: the exact spelling from 2021 and from 2020 first
    # (each shard searched with exactDiacritics, not only the first one),
    # then "đang bỏ". (Other pages may follow: Pagefind matches the last
    # word as a prefix, "bộ" → "bốn".)
    titles = result_titles(page, "Đảng bộ")
    assert sorted(titles[:2]) == ["Tin năm 2020", "Tin năm 2021"], titles
    assert titles[2] == "Người dân năm 2021", titles
