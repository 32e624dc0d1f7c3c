"""Live reload: the stamp and the script exist only in `make devserver` builds.

The browser test (the page reloads after a save) is tests/test_browser_livereload.py.
"""

from __future__ import annotations

from tests.makerun import make
from tests.sitebuild import write

ARTICLE = "Title: {title}\nDate: 2024-02-01 08:00\nCategory: Dân vận khéo\nSlug: bai-xem-truoc\n\nNội dung.\n"
PAGE = "dan-van-kheo/bai-xem-truoc.html"


def content(tmp_path, title="Bài xem trước"):
    return write(tmp_path / "content" / "a" / "bai.md", ARTICLE.format(title=title))


def test_stamp_and_script_only_in_a_livereload_dev_build(tmp_path):
    article = content(tmp_path)
    dev, plain = tmp_path / "dev", tmp_path / "plain"
    assert make("html", f"INPUTDIR={article.parent.parent}", f"OUTPUTDIR={dev}",
                "PELICANOPTS=-e EDITORIAL_LIVERELOAD=true").returncode == 0
    assert (dev / "dev-build-stamp.txt").read_text().isdigit()
    assert '"../dev-build-stamp.txt"' in (dev / PAGE).read_text(encoding="utf-8")

    assert make("html", f"INPUTDIR={article.parent.parent}", f"OUTPUTDIR={plain}").returncode == 0
    assert not (plain / "dev-build-stamp.txt").exists()

    # Even asked for, a publish build has neither the script nor the stamp.
    live = tmp_path / "public"
    proc = make("publish", f"INPUTDIR={article.parent.parent}", f"PUBLISHDIR={live}",
                f"RELEASESDIR={tmp_path / 'releases'}", "PELICANOPTS=-e EDITORIAL_LIVERELOAD=true",
                env={"EDITORIAL_LIVERELOAD": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for folder in (plain, live):
        text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())
        assert "dev-build-stamp" not in text and "location.reload" not in text
