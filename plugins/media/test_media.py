"""The media plugin on a tiny site built by the real pelican command."""

from pathlib import Path

from PIL import Image

from tests.sitebuild import build, soup, write


def make_image(path, size=(1600, 900)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (160, 40, 40)).save(path, quality=70)


def site(tmp_path, body, extra=""):
    content = tmp_path / "content"
    make_image(content / "images" / "p.jpg")
    make_image(content / "images" / "small.jpg", (300, 200))
    write(content / "a.md", f"Title: Bài có ảnh\nDate: 2024-01-01\nCategory: Dân vận khéo\n{extra}\n\n{body}\n")
    out = tmp_path / "out"
    proc = build(content, out, "pelicanconf.py")
    return out, proc.stdout + proc.stderr


def test_image_paragraph_becomes_figure_with_following_caption(tmp_path):
    out, _ = site(tmp_path, "Mở đầu.\n\n![Người dân làm đường]({static}/images/p.jpg)\n\n*Ảnh: Ngày công lao động*\n\nKết.")
    body = soup(out / "dan-van-kheo" / "bai-co-anh.html").select_one(".article__body")
    figure = body.find("figure")
    assert figure.img["alt"] == "Người dân làm đường"
    # typogrify's widont joins the last two words with a no-break space.
    assert " ".join(figure.figcaption.get_text().split()) == "Ảnh: Ngày công lao động"
    assert not [p for p in body.find_all("p") if "Ngày công" in p.get_text()]
    img = figure.img
    assert (img["width"], img["height"]) == ("1600", "900")
    assert img["loading"] == "lazy"
    widths = [entry.split()[-1] for entry in img["srcset"].split(", ")]
    assert widths == ["480w", "800w", "1200w", "1600w"]
    for w, h in ((480, 270), (800, 450), (1200, 675)):
        with Image.open(out / "media" / f"w{w}" / "images" / "p.jpg") as variant:
            assert variant.size == (w, h)


def test_title_attribute_is_the_caption_and_small_images_get_no_srcset(tmp_path):
    out, _ = site(tmp_path, '![Hội nghị]({static}/images/small.jpg "Ảnh: Quang cảnh hội nghị")')
    figure = soup(out / "dan-van-kheo" / "bai-co-anh.html").select_one(".article__body figure")
    assert figure.figcaption.get_text() == "Ảnh: Quang cảnh hội nghị"
    assert not figure.img.has_attr("title")
    assert not figure.img.has_attr("srcset")
    assert figure.img["width"] == "300"


def test_inline_image_stays_inline(tmp_path):
    out, _ = site(tmp_path, "Biểu tượng ![cờ]({static}/images/small.jpg) trong câu.")
    body = soup(out / "dan-van-kheo" / "bai-co-anh.html").select_one(".article__body")
    assert body.find("figure") is None and body.find("img")["loading"] == "lazy"


def test_missing_alt_is_a_warning_naming_the_file(tmp_path):
    _, log = site(tmp_path, "![]({static}/images/p.jpg)")
    # Reported once, with file and line, by the editorial checks.
    assert "a.md:6: ảnh «{static}/images/p.jpg» thiếu mô tả (alt)" in log


def test_cover_gets_size_and_srcset_and_stays_eager(tmp_path):
    out, _ = site(tmp_path, "Nội dung.", "Image: images/p.jpg\nImageCaption: Ảnh: Lễ ra quân")
    img = soup(out / "dan-van-kheo" / "bai-co-anh.html").select_one("figure.cover img")
    assert (img["width"], img["height"]) == ("1600", "900")
    assert "480w" in img["srcset"] and not img.has_attr("loading")
    assert img["alt"] == "Ảnh: Lễ ra quân"


def test_unchanged_variants_are_not_rewritten(tmp_path):
    out, _ = site(tmp_path, "![Ảnh]({static}/images/p.jpg)")
    variant = out / "media" / "w480" / "images" / "p.jpg"
    before = variant.stat().st_mtime_ns
    build(tmp_path / "content", out, "pelicanconf.py")
    assert variant.stat().st_mtime_ns == before


def build_dev_and_live(tmp_path, content):
    """The preview (`make html` settings) into dev/, the live site into live/."""
    dev, live = tmp_path / "dev", tmp_path / "live"
    for out, conf in ((live, "publishconf.py"), (dev, "pelicanconf.py")):
        build(content, out, conf, settings={"CACHE_PATH": str(tmp_path / "cache")})
    return dev, live


def test_a_photo_only_drafts_use_gets_no_copies_on_the_live_site(tmp_path):
    content = tmp_path / "content"
    make_image(content / "images" / "bi-mat.jpg")
    make_image(content / "images" / "cong-khai.jpg")
    write(content / "nhap.md", "Title: Bài nháp\nDate: 2024-01-01\nCategory: Dân vận khéo\nStatus: draft\n"
                               "Image: images/bi-mat.jpg\n\n![Ảnh chưa công bố]({static}/images/bi-mat.jpg)\n")
    write(content / "a.md", "Title: Bài công khai\nDate: 2024-01-01\nCategory: Dân vận khéo\n"
                            "Image: images/cong-khai.jpg\n\nNội dung.\n")
    dev, live = build_dev_and_live(tmp_path, content)
    copies = {p.relative_to(live).as_posix() for p in (live / "media").rglob("*.jpg")}
    assert copies == {f"media/w{w}/images/cong-khai.jpg" for w in (480, 800, 1200)}
    assert not (live / "images" / "bi-mat.jpg").exists()  # the editorial plugin's part
    assert (dev / "media" / "w480" / "images" / "bi-mat.jpg").exists()  # drafts preview with photos


def test_copies_no_published_content_uses_are_removed(tmp_path):
    out, _ = site(tmp_path, "![Ảnh]({static}/images/p.jpg)")
    assert (out / "media" / "w480" / "images" / "p.jpg").exists()
    (out / "media" / "ghi-chu.txt").write_text("not ours")  # outside media/w<width>/
    write(tmp_path / "content" / "a.md", "Title: Bài có ảnh\nDate: 2024-01-01\nCategory: Dân vận khéo\n\nKhông còn ảnh.\n")
    build(tmp_path / "content", out, "pelicanconf.py")
    assert not (out / "media" / "w480").exists()
    assert (out / "media" / "ghi-chu.txt").read_text() == "not ours"


def test_hidden_article_is_written_with_its_photo_and_copies(tmp_path):
    """Status: hidden = written at its address, not listed: its photo is needed."""
    content = tmp_path / "content"
    make_image(content / "images" / "an.jpg")
    write(content / "an.md", "Title: Bài ẩn có ảnh\nDate: 2024-01-01\nCategory: Dân vận khéo\nStatus: hidden\n"
                             "Image: images/an.jpg\n\nNội dung.\n")
    write(content / "a.md", "Title: Bài công khai\nDate: 2024-01-02\nCategory: Dân vận khéo\n\nNội dung.\n")
    live = tmp_path / "live"
    build(content, live, "publishconf.py", settings={"CACHE_PATH": str(tmp_path / "cache")})
    page = soup(live / "dan-van-kheo" / "bai-an-co-anh.html")
    assert page.select_one("script[type='application/ld+json']") is not None
    assert (live / "images" / "an.jpg").exists()
    assert (live / "media" / "w480" / "images" / "an.jpg").exists()
    home = soup(live / "index.html")
    assert "Bài ẩn có ảnh" not in home.get_text()  # still not listed


def _resolved(page, srcset):
    """Files a srcset's entries name, resolved from `page` as a browser would."""
    from urllib.parse import unquote, urljoin

    base = page.as_uri()
    return [urljoin(base, unquote(entry.split()[0])) for entry in srcset.split(", ")]


def test_srcset_entries_are_found_from_every_page_in_a_preview_and_absolute_live(tmp_path):
    """With relative URLs (the preview, opened from disk or under a sub-path)
    a srcset is relative to its page like `src`; live, it is absolute."""
    content = tmp_path / "content"
    make_image(content / "images" / "ảnh bìa, 1.jpg")
    make_image(content / "images" / "p.jpg")
    write(content / "a.md", "Title: Bài có ảnh\nDate: 2024-01-01\nCategory: Dân vận khéo\nTags: Dân vận khéo\n"
                            "Image: images/ảnh bìa, 1.jpg\n\n![Người dân làm đường]({static}/images/p.jpg)\n")
    write(content / "b.md", "Title: Bài có ảnh khác\nDate: 2024-01-02\nCategory: Dân vận khéo\nTags: Dân vận khéo\n"
                            "Related: bai-co-anh\n\nNội dung.\n")
    dev, live = build_dev_and_live(tmp_path, content)
    page = dev / "dan-van-kheo" / "bai-co-anh.html"
    html = soup(page)
    body_img = html.select_one(".article__body img")
    cover_img = html.select_one("figure.cover img")
    thumb = soup(dev / "dan-van-kheo" / "bai-co-anh-khac.html").select_one(".related__thumb")
    found = 0
    for where, img in ((page, body_img), (page, cover_img), (dev / "dan-van-kheo" / "bai-co-anh-khac.html", thumb)):
        assert not img["srcset"].startswith("/") and "{media-root}" not in img["srcset"]
        for uri in _resolved(where, img["srcset"]):
            assert uri.startswith(dev.as_uri() + "/") and Path(uri[len("file://"):]).is_file(), uri
            found += 1
    assert found == 12  # 3 copies and the original, 3 images

    live_img = soup(live / "dan-van-kheo" / "bai-co-anh.html").select_one(".article__body img")
    assert live_img["srcset"].split(", ")[0] == "https://danvan.songlam.example/media/w480/images/p.jpg 480w"
    cover = soup(live / "dan-van-kheo" / "bai-co-anh.html").select_one("figure.cover img")
    assert cover["srcset"].split(", ")[0] == (
        "https://danvan.songlam.example/media/w480/images/%E1%BA%A3nh%20b%C3%ACa%2C%201.jpg 480w")
