import smartypants
from markupsafe import Markup

from typography import plain_title, typeset_html


def test_title_is_plain_text_with_typographic_quotes():
    title = plain_title('Phát động "Dân vận khéo" -- năm 2024')
    assert isinstance(title, Markup)
    assert title.striptags() == "Phát động “Dân vận khéo” — năm 2024"
    assert "<span" not in title


def test_title_markup_is_escaped_not_trusted():
    title = plain_title('<script>alert("x")</script> & HĐND')
    assert "<script>" not in title
    assert "&lt;script&gt;" in title
    # What Pelican's feed writer does with it: the text comes back whole.
    assert Markup(title).striptags() == "<script>alert(“x”)</script> & HĐND"


def test_acronyms_treated_alike_in_bodies():
    html = typeset_html("<p>HĐND, UBND và MTTQ cùng họp &amp; bàn “việc dân”</p>")
    assert "caps" not in html
    assert "HĐND" in html and "UBND" in html and "MTTQ" in html


def test_code_is_left_alone():
    html = typeset_html('<pre><code>x = "a" -- b</code></pre>', ["pre", "code"])
    assert '"a" -- b' in html


def test_content_from_other_readers_is_typeset_too(tmp_path):
    """Only Markdown readers are wrapped; an HTML article is typeset at init."""
    from tests.sitebuild import build, soup, write

    write(tmp_path / "c" / "a.html",
          '<html><head><title>Bài "HTML"</title><meta name="date" content="2024-01-01">'
          '<meta name="category" content="Dân vận khéo"></head>'
          '<body><p>Nội dung "trích dẫn" ở đây.</p></body></html>\n')
    build(tmp_path / "c", tmp_path / "o", "pelicanconf.py")
    page = soup(tmp_path / "o" / "dan-van-kheo" / "bai-html.html")
    assert page.h1.get_text() == "Bài “HTML”"
    assert "“trích dẫn”" in page.select_one(".article__body").get_text()


def test_quote_guard_gives_what_smartypants_gives():
    """The guard only skips text without a straight quote; with one, and
    around it, the output is smartypants' own."""
    guarded = smartypants.convert_quotes
    original = guarded.original
    samples = [
        "", "Không có dấu nháy", "Mặt trận -- nhân dân...", "'80s", "the '80s", "'", '"',
        '"Dân vận khéo"', "'trích'", "\"'lồng' nhau\"", "'\"ngược\"'", "rock 'n' roll",
        'x"', '"x', "'?", '"?', "&nbsp;'a", "&#8211;\"b", "&mdash;'c", "d's", "e' f", "g'",
        "Nói: \"Được\".", "(\"ngoặc\")", "[\'vuông\']", "don't", "&#x2013;'x",
    ]
    for text in samples:
        assert guarded(text) == original(text), text
    assert guarded is not original
    body = ('<p>Ông nói: "Dân vận khéo" -- và \'hiệu quả\'... Không có nháy ở đây.</p>'
            "<pre>\"giữ\" nguyên</pre><p>HĐND&amp;UBND</p>")
    smartypants.convert_quotes = original
    try:
        expected = typeset_html(body, ["pre"])
    finally:
        smartypants.convert_quotes = guarded
    assert typeset_html(body, ["pre"]) == expected
