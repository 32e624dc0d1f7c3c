"""Drafts and scheduled articles: previewed in the dev build, absent from the live one."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.makerun import make
from tests.sitebuild import build, soup, write

ARTICLES = {
    "a/da-dang.md": "Title: Hội nghị đã đăng bình thường\nDate: 2024-02-01 08:00\nCategory: Dân vận khéo\n"
                    "Tags: dân vận\n\nBài bình thường.\n",
    # Scheduled for a date that has passed: an ordinary article now.
    "a/hen-gio-da-den.md": "Title: Bài hẹn giờ đã đến giờ\nDate: 2024-03-01 08:00\nCategory: Dân vận khéo\n"
                           "Status: scheduled\n\nHẹn giờ xong rồi.\n",
    # Only drafts and scheduled articles use this section, these tags and this image.
    "a/ban-nhap.md": "Title: Bản nháp chưa duyệt Qzdraft\nDate: 2024-04-01 08:00\nCategory: Mô hình điển hình\n"
                     "Tags: thẻ nháp riêng\nFeatured: true\nImage: images/chi-cho-nhap.jpg\nStatus: draft\n\n"
                     "Đoạn văn nháp Qzdraftbody.\n",
    "a/hen-gio.md": "Title: Bài hẹn giờ năm sau Qzsched\nDate: 2099-05-01 08:00\nCategory: Mô hình điển hình\n"
                    "Tags: thẻ hẹn giờ riêng\nFeatured: true\nStatus: scheduled\n\nĐoạn văn hẹn giờ Qzschedbody.\n",
    "pages/gioi-thieu.md": "Title: Giới thiệu\n\nTrang.\n",
}
HIDDEN = {
    "ban-nhap-chua-duyet-qzdraft": ["Qzdraft", "the-nhap-rieng", "thẻ nháp riêng", "chi-cho-nhap"],
    "bai-hen-gio-nam-sau-qzsched": ["Qzsched", "the-hen-gio-rieng", "thẻ hẹn giờ riêng", "2099-05-01", "01/05/2099"],
}


def corpus(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for rel, text in ARTICLES.items():
        write(content / rel, text)
    (content / "images").mkdir(parents=True)
    Image.new("RGB", (40, 30), (10, 20, 30)).save(content / "images" / "chi-cho-nhap.jpg")
    return content


def every_file(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in out.rglob("*") if p.is_file()}


def test_publish_build_has_no_trace_of_drafts_or_scheduled_articles(tmp_path):
    content = corpus(tmp_path)
    live = tmp_path / "public"
    proc = make("publish", f"INPUTDIR={content}", f"PUBLISHDIR={live}", f"RELEASESDIR={tmp_path / 'releases'}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = every_file(live)
    assert {"index.html", "sitemap.xml", "feeds/all.atom.xml", "feeds/all.rss.xml"} <= set(files)
    # The photo only the draft uses is not copied either (its name is a marker).
    assert not [name for name in files if "chi-cho-nhap" in name]
    for slug, markers in HIDDEN.items():
        for name, text in files.items():
            assert slug not in name and slug not in text, (slug, name)
            for marker in markers:
                assert marker not in text, (marker, name)
    # Their section has no page, feed or menu entry of its own: nothing published is in it.
    assert not any(name.startswith("mo-hinh-dien-hinh/") or "mo-hinh-dien-hinh" in name for name in files)
    # The scheduled article whose time has come is everywhere an article goes.
    for name in ("index.html", "sitemap.xml", "feeds/all.atom.xml", "dan-van-kheo/index.html"):
        assert "bai-hen-gio-da-den-gio" in files[name], name
    assert (live / "dan-van-kheo" / "bai-hen-gio-da-den-gio.html").exists()


def test_dev_build_previews_them_at_the_drafts_address_only(tmp_path):
    content = corpus(tmp_path)
    out = tmp_path / "out"
    build(content, out, "pelicanconf.py")
    for slug, markers in HIDDEN.items():
        preview = soup(out / "ban-nhap" / f"{slug}.html")
        assert markers[0] in preview.h1.get_text()
        for name in ("index.html", "sitemap.xml", "feeds/all.atom.xml", "dan-van-kheo/index.html",
                     "luu-tru/index.html", "dan-van-kheo/hoi-nghi-da-dang-binh-thuong.html"):
            text = (out / name).read_text(encoding="utf-8")
            assert slug not in text and markers[0] not in text, (slug, name)


def test_the_plugin_decides_even_when_pelican_would_publish_future_dates(tmp_path):
    """WITH_FUTURE_DATES = True (Pelican's default) must not let anything out early."""
    content = corpus(tmp_path)
    write(content / "a/tuong-lai.md", "Title: Quên hẹn giờ Qzfuture\nDate: 2099-06-01 08:00\n"
                                       "Category: Dân vận khéo\n\nChưa đến ngày.\n")
    out = tmp_path / "out"
    proc = make("html", f"INPUTDIR={content}", f"OUTPUTDIR={out}", "CONFFILE=publishconf.py",
                "PELICANOPTS=-e WITH_FUTURE_DATES=true --log-handler=plain")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "a/tuong-lai.md:2: ngày đăng 01/06/2099 08:00 ở tương lai nhưng bài không hẹn giờ" in proc.stdout + proc.stderr
    text = "".join(every_file(out).values())
    for marker in ("Qzsched", "Qzfuture", "Qzdraft"):
        assert marker not in text, marker
    assert "bai-hen-gio-da-den-gio" in (out / "index.html").read_text(encoding="utf-8")


def test_a_photo_a_draft_shares_with_a_published_article_is_copied(tmp_path):
    """Withheld are only the files no published item names, by cover or by link."""
    content = corpus(tmp_path)
    for name in ("chung-bia.jpg", "chung-trong-bai.jpg"):
        Image.new("RGB", (40, 30), (10, 20, 30)).save(content / "images" / name)
    write(content / "a" / "nhap-hai.md", "Title: Bản nháp thứ hai\nDate: 2024-04-02 08:00\nCategory: Dân vận khéo\n"
          "Image: {static}/images/chung-bia.jpg\nStatus: draft\n\n![Ảnh]({static}/images/chung-trong-bai.jpg)\n")
    write(content / "a" / "dung-chung.md", "Title: Bài đã đăng dùng chung ảnh\nDate: 2024-02-02 08:00\n"
          "Category: Dân vận khéo\nImage: images/chung-bia.jpg\n\n"
          "![Ảnh trong bài]({static}images/./chung-trong-bai.jpg)\n")
    out = tmp_path / "out"
    build(content, out, "publishconf.py")
    copied = {p.name for p in (out / "images").glob("*.jpg")} if (out / "images").exists() else set()
    assert {"chung-bia.jpg", "chung-trong-bai.jpg"} <= copied
    assert not [name for name in every_file(out) if "chi-cho-nhap" in name]
