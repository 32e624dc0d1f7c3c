import smartypants
from markupsafe import Markup

from typography import plain_title, typeset_html, typography


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


SAMPLES = [
    "", "Không có gì cần đổi ở đây", "Mặt trận -- nhân dân...", "a - b", "a---b", "'80s", "the '80s",
    "'", '"', '"Dân vận khéo"', "'trích'", "\"'lồng' nhau\"", "'\"ngược\"'", "rock 'n' roll",
    'x"', '"x', "'?", '"?', "&nbsp;'a", "&#8211;\"b", "&mdash;'c", "d's", "e' f", "g'",
    "Nói: \"Được\".", "(\"ngoặc\")", "[\'vuông\']", "don't", "&#x2013;'x", "``trích''", "`a'",
    "Chờ. . . rồi", "Chờ.. rồi", "a\\b", "a\\\"b", "a\\'b", "a\\.b", "a\\-b", "a\\`b", "\\",
]


def test_skipped_passes_give_what_smartypants_gives():
    """Each pass is skipped only on text without what it needs; on every
    sample, with and without it, the output is smartypants' own."""
    for name in typography.NEEDED:
        guarded = getattr(smartypants, name)
        assert guarded.original is not guarded, name
        for text in SAMPLES:
            assert guarded(text) == guarded.original(text), (name, text)
    body = ('<p>Ông nói: "Dân vận khéo" -- và \'hiệu quả\'... Không có gì ở đây. ``Cũ\'\' \\"thô\\"</p>'
            "<pre>\"giữ\" nguyên -- ...</pre><p>HĐND&amp;UBND</p>")
    guarded = {name: getattr(smartypants, name) for name in typography.NEEDED}
    for name, function in guarded.items():
        setattr(smartypants, name, function.original)
    try:
        expected = typeset_html(body, ["pre"])
    finally:
        for name, function in guarded.items():
            setattr(smartypants, name, function)
    assert typeset_html(body, ["pre"]) == expected
