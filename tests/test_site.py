"""The sample portal, built with the live settings, read back with BeautifulSoup."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SITEURL
from tests.content_index import published
from tests.sitebuild import soup
from vietnamese import collation_key, slugify

WEEKDAY_DATE = re.compile(r"^(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d{2}/\d{2}/\d{4}$")
DOCS = published()


def article_path(site, doc):
    return site / slugify(doc.meta["category"]) / f"{doc.slug}.html"


def test_sample_content_is_big_enough():
    categories = {d.meta["category"] for d in DOCS}
    assert len(DOCS) >= 24
    assert len(categories) >= 6
    assert len({d.date.year for d in DOCS}) >= 3
    assert sum(1 for d in DOCS if d.meta.get("image")) >= 3


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.path.stem)
def test_every_article_has_its_page(site, doc):
    page = soup(article_path(site, doc))
    h1 = page.find_all("h1")
    assert len(h1) == 1
    assert h1[0].get_text(" ", strip=True) == page_title_text(doc.title)
    # Vietnamese date with weekday, from the Date metadata, not the OS locale.
    time = page.select_one(".article-meta time")
    assert WEEKDAY_DATE.match(time.get_text(strip=True)), time
    assert time.get_text(strip=True).endswith(doc.date.strftime("%d/%m/%Y"))
    # Breadcrumb: Trang chủ › category › title.
    crumbs = [li.get_text(strip=True) for li in page.select(".breadcrumb li")]
    assert crumbs[:2] == ["Trang chủ", doc.meta["category"]]
    assert page.html["lang"] == "vi"


def page_title_text(raw: str) -> str:
    """The title as typogrify prints it: curly quotes, otherwise unchanged."""
    text = raw
    while '"' in text:
        text = text.replace('"', "“", 1).replace('"', "”", 1)
    return " ".join(text.split())


def test_weekday_names_are_right(site):
    doc = DOCS[0]
    expected = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"][doc.date.weekday()]
    text = soup(article_path(site, doc)).select_one(".article-meta time").get_text()
    assert text.startswith(expected + ", ")


def test_slugs_are_ascii_and_unique(site):
    urls = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    assert all(u.isascii() for u in urls), [u for u in urls if not u.isascii()]
    slugs = [d.slug for d in DOCS]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)


def test_categories_and_tags_have_pages(site):
    for doc in DOCS:
        assert (site / slugify(doc.meta["category"]) / "index.html").exists()
        for tag in doc.meta.get("tags", "").split(","):
            if tag.strip():
                assert (site / "tu-khoa" / slugify(tag) / "index.html").exists(), tag


def test_category_page_has_vietnamese_breadcrumb(site):
    page = soup(site / "dan-van-kheo" / "index.html")
    crumb = page.select(".breadcrumb li")[-1].get_text(strip=True)
    assert crumb == "Chuyên mục - Dân vận khéo"
    assert page.title.get_text().startswith("Chuyên mục - Dân vận khéo")
    dates = [t.get_text() for t in page.select(".card time")]
    assert dates and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)
    assert "Ngày đăng" in page.select_one(".card .meta").get_text()


def test_tag_and_category_lists_in_vietnamese_order(site):
    for path in ("tu-khoa/index.html", "chuyen-muc/index.html"):
        names = [a.get_text() for a in soup(site / path).select(".taxonomy-list a")]
        assert names == sorted(names, key=collation_key), path
        assert len(names) >= 6


def test_vietnamese_order_differs_from_code_points(site):
    """The sample tags include words starting with "Đ"/"đ": they sort after "d", not after "z"."""
    names = [a.get_text() for a in soup(site / "tu-khoa/index.html").select(".taxonomy-list a")]
    starts = [n[0].lower() for n in names]
    assert "đ" in starts
    assert names != sorted(names)


def test_main_navigation_follows_configured_sections(site):
    from pelicanconf import PORTAL_CATEGORIES

    nav = [a.get_text(strip=True) for a in soup(site / "index.html").select(".site-nav a")]
    assert nav[0] == "Trang chủ"
    assert nav[1 : 1 + len(PORTAL_CATEGORIES)] == PORTAL_CATEGORIES
    assert "Giới thiệu" in nav and "Liên hệ" in nav


def test_home_has_featured_and_sections(site):
    home = soup(site / "index.html")
    assert home.select_one("#tin-noi-bat").get_text(strip=True) == "Tin nổi bật"
    featured = {d.slug for d in DOCS if d.meta.get("featured", "").lower() == "true"}
    linked = {a["href"].rsplit("/", 1)[-1][:-5] for a in home.select(".featured a[href$='.html']")}
    assert featured and featured <= linked
    sections = [h.get_text(strip=True) for h in home.select(".home-section h2")]
    assert len(sections) >= 6
    assert home.select_one("#tin-moi-dang").get_text() == "Tin mới đăng"
    assert home.select_one("#lien-ket-website").get_text() == "Liên kết website"


def test_footer_has_address_and_contacts(site):
    footer = soup(site / "index.html").select_one("footer.site-footer").get_text(" ", strip=True)
    assert "Địa chỉ:" in footer and "Điện thoại:" in footer and "Email:" in footer


def test_archives_use_vietnamese_month_names(site):
    months = [a.get_text() for a in soup(site / "luu-tru/index.html").select(".archive-months a")]
    assert months and all(re.fullmatch(r"Tháng \d{1,2} năm \d{4}", m) for m in months)
    newest = max(DOCS, key=lambda d: d.date).date
    assert months[0] == f"Tháng {newest.month} năm {newest.year}"
    assert (site / f"luu-tru/{newest:%Y}/{newest:%m}/index.html").exists()


def test_pages_and_404(site):
    about = soup(site / "gioi-thieu.html")
    assert about.h1.get_text() == "Giới thiệu"
    assert soup(site / "lien-he.html").h1.get_text() == "Liên hệ"
    notfound = soup(site / "404.html")
    assert notfound.h1.get_text() == "Không tìm thấy trang"
    assert notfound.html["lang"] == "vi"


def test_heading_anchors_are_ascii_and_keep_d(site):
    ids = []
    for doc in DOCS:
        page = soup(article_path(site, doc))
        for h in page.select(".article__body h2[id], .article__body h3[id]"):
            ids.append((h.get_text(), h["id"]))
    assert ids, "sample content should have sub-headings"
    for text, anchor in ids:
        assert anchor.isascii() and anchor == slugify(text), (text, anchor)
    assert any(text.startswith("Đ") and anchor.startswith("d") for text, anchor in ids)


def test_no_markup_leaks_into_titles_and_meta(site):
    for path in site.rglob("*.html"):
        page = soup(path)
        title = page.title.get_text()
        assert "<" not in title and "&#" not in title and "&amp;" not in title, (path, title)
        for meta in page.find_all("meta", attrs={"content": True}):
            assert "<" not in meta["content"] and "&#" not in meta["content"], (path, meta)
        for h in page.select("h1, .card__title"):
            assert not h.select("span.caps, span.dquo, span.amp"), (path, h)


def test_acronyms_are_treated_alike(site):
    """typogrify's caps filter wraps "UBND" but not "HĐND"; ours wraps neither."""
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "HĐND" in html and "UBND" in html
    assert 'class="caps"' not in html


def test_typogrify_curls_quotes_in_bodies(site):
    quoted = [d for d in DOCS if '"' in d.path.read_text(encoding="utf-8").split("\n\n", 1)[1]]
    assert quoted
    body = soup(article_path(site, quoted[0])).select_one(".article__body").get_text()
    assert "“" in body and '"' not in body


def test_titles_with_quotes_and_ampersand_are_escaped_once(site):
    special = [d for d in DOCS if '"' in d.title or "&" in d.title]
    assert special, "sample content should have titles with quotes and &"
    for doc in special:
        page = soup(article_path(site, doc))
        assert page.h1.get_text() == page_title_text(doc.title)
        assert page.title.get_text().startswith(page_title_text(doc.title))


def test_cover_images_have_captions(site):
    with_image = [d for d in DOCS if d.meta.get("image")]
    for doc in with_image:
        figure = soup(article_path(site, doc)).select_one("figure.cover")
        assert figure is not None, doc.path
        assert figure.img["alt"]
        assert (site / doc.meta["image"]).exists()
        if doc.meta.get("imagecaption"):
            assert figure.figcaption.get_text() == page_title_text(doc.meta["imagecaption"])


def test_byline_and_source_at_the_end(site):
    doc = next(d for d in DOCS if d.meta.get("source") and d.meta.get("authors"))
    byline = soup(article_path(site, doc)).select_one(".byline")
    assert doc.meta["authors"].split(",")[0].strip() in byline.get_text()
    assert f"({doc.meta['source']})" in byline.get_text()


def test_no_third_party_requests(site):
    for path in site.rglob("*.html"):
        page = soup(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for el in page.find_all(tag):
                url = el.get(attr, "")
                if tag == "link" and el.get("rel") in (["alternate"], ["canonical"]):
                    continue
                assert not url.startswith(("http:", "https:", "//")) or url.startswith(
                    "https://danvan.songlam.example"
                ), (path, el)


def test_drafts_are_not_published(site):
    from tests.content_index import articles

    drafts = [d for d in articles() if d.draft]
    assert drafts, "the sample content should have a draft"
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    feeds = "".join(p.read_text(encoding="utf-8") for p in (site / "feeds").glob("*.xml"))
    for doc in drafts:
        assert doc.title not in html and doc.slug not in html
        assert doc.slug not in feeds


def test_social_meta_and_json_ld(site):
    import json

    doc = next(d for d in DOCS if d.meta.get("image") and '"' in d.title) if any(
        d.meta.get("image") and '"' in d.title for d in DOCS
    ) else next(d for d in DOCS if d.meta.get("image"))
    page = soup(article_path(site, doc))
    url = f"https://danvan.songlam.example/{slugify(doc.meta['category'])}/{doc.slug}.html"
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:title"] == page_title_text(doc.title)
    assert og["og:url"] == url
    assert og["og:image"] == f"https://danvan.songlam.example/{doc.meta['image']}"
    assert og["og:locale"] == "vi_VN"
    assert page.find("link", rel="canonical")["href"] == url
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == page_title_text(doc.title)
    assert data["datePublished"].startswith(doc.date.strftime("%Y-%m-%dT%H:%M"))


def test_reading_time_prev_next_and_other_news(site):
    newest_first = sorted((d for d in DOCS if d.meta["category"] == "Dân vận khéo"), key=lambda d: d.date, reverse=True)
    middle = newest_first[1]
    page = soup(article_path(site, middle))
    assert re.search(r"Thời gian đọc: \d+ phút", page.select_one(".article-meta").get_text())
    newer = page.select_one(".prev-next__newer a")["href"]
    older = page.select_one(".prev-next__older a")["href"]
    assert newer.endswith(f"/{newest_first[0].slug}.html")
    assert older.endswith(f"/{newest_first[2].slug}.html")
    # "Các tin đã đưa": the earlier articles of the section, newest first.
    assert page.select_one(".other-news h2").get_text() == "Các tin đã đưa"
    others = [a["href"].rsplit("/", 1)[-1] for a in page.select(".other-news a")]
    assert others == [f"{d.slug}.html" for d in newest_first[2:8]]
    assert soup(article_path(site, newest_first[-1])).select_one(".other-news") is None


def test_share_links_carry_the_article_url(site):
    from urllib.parse import parse_qs, unquote, urlsplit

    doc = DOCS[0]
    page = soup(article_path(site, doc))
    url = f"https://danvan.songlam.example/{slugify(doc.meta['category'])}/{doc.slug}.html"
    hrefs = [a["href"] for a in page.select(".share a")]
    facebook = next(h for h in hrefs if h.startswith("https://www.facebook.com/sharer/sharer.php?"))
    assert parse_qs(urlsplit(facebook).query)["u"] == [url]
    mail = next(h for h in hrefs if h.startswith("mailto:"))
    assert parse_qs(urlsplit(mail).query)["body"][0].endswith(url)
    assert unquote(parse_qs(urlsplit(mail).query)["subject"][0]) == page_title_text(doc.title)
    # Controls needing JavaScript are hidden in the HTML.
    assert page.select_one("[data-font-size]").has_attr("hidden")
    assert page.select_one("[data-print]").has_attr("hidden")


def test_sidebar_news_is_one_shared_page(site):
    """"Tin mới đăng" and "Chuyên mục" live in ben-le/, shown in an iframe on
    every page but the home page; "Liên kết website" stays in each page."""
    shared = soup(site / "ben-le" / "index.html")
    assert shared.html["lang"] == "vi"
    assert shared.title.get_text() == "Tin mới đăng và chuyên mục – Ban Dân vận Tỉnh ủy Sông Lam"
    assert shared.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert shared.find("base")["target"] == "_top"
    assert shared.find("link", rel="stylesheet")["href"].endswith("/theme/css/portal.css")
    newest = sorted(DOCS, key=lambda d: d.date, reverse=True)[:8]
    latest = [a["href"].rsplit("/", 1)[-1] for a in shared.select("#tin-moi-dang + ul a")]
    assert latest == [f"{d.slug}.html" for d in newest]
    counts = [li.get_text(" ", strip=True) for li in shared.select(".widget--categories li")]
    assert "Dân vận khéo (5)" in counts

    for path in (article_path(site, DOCS[0]), site / "dan-van-kheo" / "index.html", site / "tac-gia" / "index.html",
                 site / "gioi-thieu.html", site / "404.html"):
        page = soup(path)
        frame = page.select_one(".sidebar iframe")
        assert frame["src"] == "https://danvan.songlam.example/ben-le/", path
        assert frame["title"] == "Tin mới đăng và chuyên mục"
        assert page.select_one("#tin-moi-dang") is None
        assert page.select_one("#lien-ket-website").get_text() == "Liên kết website"
    home = soup(site / "index.html")  # changes with every article anyway: inline
    assert home.select_one(".sidebar iframe") is None
    assert home.select_one(".sidebar #tin-moi-dang") and home.select_one(".sidebar #chuyen-muc-ben-le")


def test_listings_are_numbered_from_the_oldest(site):
    """26 articles, 12 a page: the home page's list holds the newest 14 and
    trang-1 the oldest 12 (stable_pagination plugin); no "page k of N"."""
    oldest_first = sorted(DOCS, key=lambda d: d.date)
    assert not (site / "trang-2").exists()
    page = soup(site / "trang-1" / "index.html")
    listed = [a["href"].rsplit("/", 1)[-1] for a in page.select(".card__title a")]
    assert listed == [f"{d.slug}.html" for d in reversed(oldest_first[:12])]
    assert page.title.get_text() == "Tất cả tin bài – Trang 1 – Cổng thông tin điện tử Ban Dân vận Tỉnh ủy Sông Lam"
    first, last = oldest_first[0].date, oldest_first[11].date
    assert page.select_one(".listing-range").get_text() == f"Tin từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
    newer = page.select_one(".pagination a[rel=prev]")
    assert newer.get_text() == "‹ Mới hơn" and newer["href"] == "https://danvan.songlam.example/"
    assert page.select_one(".pagination a[rel=next]") is None
    assert page.select_one(".pagination [aria-current=page]").get_text() == "Trang 1"
    home = soup(site / "index.html")
    assert home.select_one("p.more a[href$='/trang-1/']").get_text() == "Xem tất cả tin bài"
    for path in site.rglob("*.html"):
        assert not re.search(r"Trang \d+\s*/\s*\d+", path.read_text(encoding="utf-8")), path


def test_sitemap_lists_every_indexable_page_and_nothing_else(site):
    """Every HTML page but the error page is in sitemap.xml unless it tells
    search engines not to index it (the sidebar page, the search page)."""
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = {loc[len(SITEURL) + 1:] for loc in re.findall(r"<loc>([^<]*)</loc>", xml)}
    expected = set()
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith(("ban-nhap/", "theme/", "pagefind/")):
            continue
        robots = soup(path).find("meta", attrs={"name": "robots"})
        if robots is None or "noindex" not in robots["content"]:
            expected.add(re.sub(r"(^|/)index\.html$", r"\1", rel))
    assert listed == expected
    assert {"", "dan-van-kheo/", "gioi-thieu.html"} <= listed
    assert not {"404.html", "ben-le/", "tim-kiem/"} & listed
