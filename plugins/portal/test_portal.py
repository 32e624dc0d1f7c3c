"""The portal plugin on a tiny site built by the real pelican command."""

from tests.sitebuild import build, soup, write

ARTICLE = """Title: {title}
Date: {date}
Category: {category}
{extra}

Nội dung bài viết.
"""


def make(tmp_path, specs):
    content = tmp_path / "content"
    for i, (title, date, category, extra) in enumerate(specs):
        write(content / f"a{i}.md", ARTICLE.format(title=title, date=date, category=category, extra=extra))
    (content / "images").mkdir()
    out = tmp_path / "out"
    build(content, out, "publishconf.py")
    return out


def test_featured_sections_other_news_and_cover(tmp_path):
    out = make(
        tmp_path,
        [
            ("Bài một", "2024-01-01 08:00", "Dân vận khéo", "Featured: true"),
            ("Bài hai", "2024-02-01 08:00", "Dân vận khéo", ""),
            ("Bài ba", "2024-03-01 08:00", "Tin hoạt động", "Image: images/x.jpg\nImageCaption: Ảnh: Hội nghị"),
            ("Bài bốn", "2024-04-01 08:00", "Dân vận khéo", ""),
        ],
    )
    home = soup(out / "index.html")
    featured = [a.get_text() for a in home.select(".featured .card__title a, .featured__more a")]
    assert featured == ["Bài một"]  # only the marked one
    sections = [h.get_text(strip=True) for h in home.select(".home-section h2")]
    assert sections[:2] == ["Tin hoạt động", "Dân vận khéo"]  # PORTAL_CATEGORIES order
    latest = [a.get_text() for a in home.select("#tin-moi-dang + ul a")]
    assert latest == ["Bài bốn", "Bài ba", "Bài hai", "Bài một"]

    # "Các tin đã đưa": same category, published before it, newest first.
    others = [a.get_text() for a in soup(out / "dan-van-kheo" / "bai-bon.html").select(".other-news a")]
    assert others == ["Bài hai", "Bài một"]
    article = soup(out / "dan-van-kheo" / "bai-hai.html")
    assert article.select_one("#cac-tin-da-dua").get_text() == "Các tin đã đưa"
    assert [a.get_text() for a in article.select(".other-news a")] == ["Bài một"]
    assert soup(out / "dan-van-kheo" / "bai-mot.html").select_one(".other-news") is None  # the oldest

    cover = soup(out / "tin-hoat-dong" / "bai-ba.html").select_one("figure.cover")
    assert cover.img["src"].endswith("/images/x.jpg")
    assert cover.figcaption.get_text() == "Ảnh: Hội nghị"
    assert cover.img["alt"] == "Ảnh: Hội nghị"


def test_newest_fill_in_when_nothing_is_featured(tmp_path):
    out = make(tmp_path, [("Cũ", "2020-01-01", "Dân vận khéo", ""), ("Mới", "2021-01-01", "Dân vận khéo", "")])
    lead = soup(out / "index.html").select_one(".featured__lead a").get_text()
    assert lead == "Mới"


def test_untrusted_title_is_escaped_in_html_and_feeds(tmp_path):
    import feedparser

    out = make(tmp_path, [('<script>alert(1)</script> "Tin" & tức', "2024-01-01", "Dân vận khéo",
                          "Tags: <b>x</b>\nSummary: <script>alert(2)</script> tóm tắt")])
    html = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "<script>alert(1)" not in html and "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html
    feed = feedparser.parse((out / "feeds" / "all.atom.xml").read_bytes())
    assert feed.entries[0].title == "<script>alert(1)</script> “Tin” & tức"


def test_json_ld_escapes_script_in_title(tmp_path):
    import json

    out = make(tmp_path, [("</script><script>alert(1)</script>", "2024-01-01", "Dân vận khéo", "")])
    html = next((out / "dan-van-kheo").glob("*.html")).read_text(encoding="utf-8")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script>"


def test_lead_only_for_a_summary_the_editor_wrote(tmp_path):
    out = make(
        tmp_path,
        [
            ("Có tóm tắt", "2024-01-01 08:00", "Dân vận khéo", "Summary: Tóm tắt <b>do</b> biên tập viên viết."),
            ("Không tóm tắt", "2024-02-01 08:00", "Dân vận khéo", ""),
        ],
    )
    pages = {}
    for path in out.rglob("*.html"):
        page = soup(path)
        title = page.select_one("h1.article__title")
        if title is not None:
            pages[title.get_text()] = page
    lead = pages["Có tóm tắt"].select_one(".article__summary")
    # (typography joins the last two words with a no-break space)
    assert lead is not None and " ".join(lead.get_text().split()) == "Tóm tắt do biên tập viên viết."
    assert pages["Không tóm tắt"].select_one(".article__summary") is None


def test_reading_time_counts_the_typeset_body_and_is_kept_with_the_reader_output(tmp_path):
    content = tmp_path / "content"
    # One paragraph: typogrify's widont joins its last two syllables (no-break space).
    write(content / "ngan.md", "Title: Bài ngắn\nDate: 2024-01-01\nCategory: Dân vận khéo\n\n" + "chữ " * 461 + "\n")
    write(content / "dai.md", "Title: Bài dài\nDate: 2024-01-02\nCategory: Dân vận khéo\n\n" + "chữ " * 700 + "\n")
    out = tmp_path / "out"

    def minutes():
        return {name: soup(out / "dan-van-kheo" / f"{name}.html").select_one(".article-meta").get_text(" ", strip=True)
                for name in ("bai-ngan", "bai-dai")}

    build(content, out, "publishconf.py", settings={"CACHE_PATH": str(tmp_path / "cache")})
    first = minutes()
    assert "Thời gian đọc: 2 phút" in first["bai-ngan"]  # 460 / 230
    assert "Thời gian đọc: 4 phút" in first["bai-dai"]  # 699 / 230 = 3.04
    build(content, out, "publishconf.py", settings={"CACHE_PATH": str(tmp_path / "cache")})  # from the cache
    assert minutes() == first


def test_the_reader_count_is_used_only_for_the_body_it_was_made_from():
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from portal.portal import enrich_content

    body = "<p>" + "chữ " * 10 + "</p>"
    same = Article(body, {"title": "A", "_syllables": (body, 999)}, settings=DEFAULT_CONFIG)
    enrich_content(same)
    assert same.reading_minutes == 5  # 999 / 230: the reader's count, taken as it is
    changed = Article(body + "<p>thêm</p>", {"title": "B", "_syllables": (body, 999)}, settings=DEFAULT_CONFIG)
    enrich_content(changed)
    assert changed.reading_minutes == 1  # 11 syllables, counted again
    assert not hasattr(changed, "_syllables") and "_syllables" not in changed.metadata
