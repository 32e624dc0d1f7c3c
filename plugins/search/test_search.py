"""The search plugin on tiny sites built by the real pelican command.

The index is read back from Pagefind's fragments (one gzipped JSON per
indexed page: url, content, meta, filters), i.e. what a browser would get.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from search import encode_d
from tests.content_index import published
from tests.sitebuild import build, write
from vietnamese import fold

D_SMALL, D_CAPITAL = "\u1e13", "\u1e12"  # ḓ, Ḓ: the index's "đ", "Đ"


def fragments(output: Path) -> dict[str, dict]:
    """Every indexed page, by URL."""
    found = {}
    for path in (output / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        data = json.loads(raw[len(b"pagefind_dcd"):])
        found[data["url"]] = data
    return found


def decode(text: str) -> str:
    return text.replace(D_SMALL, "đ").replace(D_CAPITAL, "Đ")


def pagefind_fold(text: str) -> str:
    """What Pagefind ≥ 1.5 compares: lower case, combining marks removed."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- The "đ" spelling ----------------------------------------------------------------

def test_encoding_spells_d_with_stroke_as_a_letter_that_folds_to_d():
    assert encode_d("Đảng bộ đã") == f"{D_CAPITAL}ảng bộ {D_SMALL}ã"
    assert unicodedata.normalize("NFD", D_SMALL)[0] == "d" and unicodedata.normalize("NFD", D_CAPITAL)[0] == "D"
    # Decomposed input (some keyboards) is indexed like precomposed input.
    decomposed = unicodedata.normalize("NFD", "Đồng Nai")
    assert decomposed != "Đồng Nai" and encode_d(decomposed) == f"{D_CAPITAL}ồng Nai"
    # A real "ḓ" in the text cannot come back as a fake "đ".
    assert decode(encode_d(f"{D_SMALL}o {D_CAPITAL}a")) == "do Da"


@pytest.mark.parametrize("doc", published()[:12], ids=lambda d: d.path.stem)
def test_pagefind_folding_of_encoded_text_equals_vietnamese_fold(doc):
    """The whole point: after encoding, Pagefind's own folding gives our fold
    (đ → d included), and decoding gives the text back unchanged."""
    text = unicodedata.normalize("NFC", doc.path.read_text(encoding="utf-8"))
    assert "đ" in text.lower()
    encoded = encode_d(text)
    assert "đ" not in encoded.lower()
    assert pagefind_fold(encoded) == fold(text)
    assert decode(encoded) == text


# --- What gets indexed ------------------------------------------------------------------

ARTICLE = """Title: {title}
Date: {date}
Category: {category}
Tags: Đảng bộ
Authors: Thanh Hà
{extra}

{body}
"""


@pytest.fixture(scope="module")
def tiny_content(tmp_path_factory):
    content = tmp_path_factory.mktemp("content")
    write(content / "a.md", ARTICLE.format(
        title='Đảng bộ xã <img src=x onerror=alert(1)> & "Bình An"', date="2024-03-05 08:30",
        category="Dân vận khéo", extra="Summary: Tóm tắt về kivaluđình.",
        body="Nội dung có từ riêng kivaluđình và &lt;b&gt;chữ&lt;/b&gt;.\n\n## Đẩy mạnh thi đua\n\nĐoạn hai."))
    write(content / "b.md", ARTICLE.format(
        title="Bài năm 2022", date="2022-01-02 09:00", category="Tin hoạt động", extra="",
        body="Bài thứ hai."))
    write(content / "draft.md", ARTICLE.format(
        title="Bản nháp", date="2024-04-01 08:00", category="Tin hoạt động", extra="Status: draft",
        body="Bản nháp có từ zorbaxuân."))
    write(content / "future.md", ARTICLE.format(
        title="Bài hẹn giờ", date="2099-01-01 08:00", category="Tin hoạt động", extra="",
        body="Bài hẹn giờ có từ hengioxa."))
    write(content / "pages" / "gioi-thieu.md", "Title: Giới thiệu\n\nTrang có từ trangriengqua.\n")
    write(content / "pages" / "an.md", "Title: Trang ẩn\nStatus: hidden\n\nTrang ẩn có từ anvaoday.\n")
    (content / "images").mkdir()
    return content


@pytest.mark.parametrize("conf", ["publishconf.py", "pelicanconf.py"])
def test_only_published_articles_and_pages_are_indexed(tiny_content, tmp_path, conf):
    out = tmp_path / "out"
    build(tiny_content, out, conf, {"WITH_FUTURE_DATES": False})
    if conf == "pelicanconf.py":  # the dev build renders drafts, but does not index them
        assert list((out / "ban-nhap").glob("*.html"))
    found = fragments(out)
    assert set(found) == {"/dan-van-kheo/dang-bo-xa-binh-an.html",
                          "/tin-hoat-dong/bai-nam-2022.html", "/gioi-thieu.html"}
    text = " ".join(decode(f["content"]) for f in found.values())
    for word in ("zorbaxuân", "hengioxa", "anvaoday"):  # draft, future, hidden page
        assert word not in text
    assert "kivaluđình" in text and "trangriengqua" in text
    # No leftovers of Pagefind's default UI: the portal has its own.
    assert not list((out / "pagefind").glob("pagefind-*ui*"))
    assert (out / "pagefind" / "pagefind.js").exists()


def test_records_carry_meta_filters_and_only_the_article_text(tiny_content, tmp_path):
    out = tmp_path / "out"
    build(tiny_content, out, "publishconf.py")
    found = fragments(out)
    article = found["/dan-van-kheo/dang-bo-xa-binh-an.html"]
    # The title is plain text in the index, exactly as written (typographic quotes).
    assert article["meta"]["title"] == "Đảng bộ xã <img src=x onerror=alert(1)> & “Bình An”"
    assert article["meta"]["link"] == "dan-van-kheo/dang-bo-xa-binh-an.html"
    assert article["meta"]["category"] == "Dân vận khéo"
    assert article["meta"]["date"] == "05/03/2024"
    assert article["meta"]["datetime"].startswith("2024-03-05T08:30:00")
    assert article["filters"] == {"category": ["Dân vận khéo"], "year": ["2024"]}
    content = article["content"]
    # Indexed text spells "đ" as "ḓ", and still reads right once decoded.
    assert f"{D_CAPITAL}ảng bộ xã" in content and "Đ" not in content and "đ" not in content
    assert decode(content).startswith("Đảng bộ xã <img src=x onerror=alert(1)> & “Bình An” Tóm tắt")
    # Summary, body, heading, byline and tags; "<b>" written as text stays text.
    for part in ("Tóm tắt về kivaluđình", "<b>chữ</b>", "Đẩy mạnh thi đua", "Thanh Hà", "Từ khóa: Đảng bộ"):
        assert part in decode(content), part
    # Nothing from around the article: menu, sidebar, footer, share bar.
    for chrome in ("Trang chủ", "Tin mới đăng", "Chia sẻ", "Cơ quan chủ quản", "Bỏ qua, đến nội dung"):
        assert chrome not in decode(content), chrome
    page = found["/gioi-thieu.html"]
    assert page["filters"] == {} and set(page["meta"]) == {"title", "link"}


def test_rebuild_replaces_the_index_and_can_be_switched_off(tiny_content, tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(tiny_content, content)
    out = tmp_path / "out"
    build(content, out, "pelicanconf.py")
    # Same documents: the index is kept as it is (no file rewritten).
    stamps = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}
    build(content, out, "pelicanconf.py")
    assert {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()} == stamps
    # Changed documents: a new index replaces the old one whole.
    stale = out / "pagefind" / "fragment" / "vi_stale.pf_fragment"
    stale.write_bytes(b"old")
    page = content / "pages" / "gioi-thieu.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    build(content, out, "pelicanconf.py")
    assert not stale.exists()
    assert not (out / "pagefind.new").exists() and not (out / "pagefind.old").exists()
    # The future article has no `Status: scheduled`: the editorial checks keep
    # it out of listings (and so out of the index) even in the dev build.
    assert len(fragments(out)) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    build(empty, out, "pelicanconf.py")  # nothing published any more: no index, no failure
    assert not (out / "pagefind").exists()
    off = tmp_path / "off"
    build(content, off, "pelicanconf.py", {"SEARCH_INDEX": False})
    assert not (off / "pagefind").exists()
    assert (off / "tim-kiem" / "index.html").exists()


def test_search_page_and_box_are_in_the_theme(tiny_content, tmp_path):
    from tests.sitebuild import soup

    out = tmp_path / "out"
    build(tiny_content, out, "publishconf.py")
    page = soup(out / "tim-kiem" / "index.html")
    root = page.select_one("[data-search]")
    assert root["data-pagefind"] == "https://danvan.songlam.example/pagefind/pagefind.js"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # Without JavaScript the page says so and links to sections and archives.
    notice = page.select_one("[data-search-nojs]")
    assert "cần JavaScript" in notice.get_text()
    assert {a["href"] for a in notice.find_all("a")} == {
        "https://danvan.songlam.example/chuyen-muc/", "https://danvan.songlam.example/luu-tru/"}
    assert page.select_one("[data-search-filters]").has_attr("hidden")
    # The header box is a plain GET form to the search page, on every page.
    for html in (out / "index.html", out / "gioi-thieu.html", out / "tim-kiem" / "index.html"):
        form = soup(html).select_one(".site-header form[role=search]")
        assert form["action"] == "https://danvan.songlam.example/tim-kiem/"
        assert form.get("method") == "get"
        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for={field['id']}]").get_text(strip=True) == "Tìm kiếm"

