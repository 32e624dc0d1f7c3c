"""The Makefile, as an editor or another agency would call it."""

from __future__ import annotations

import subprocess

from tests.sitebuild import ROOT, soup, write


def test_make_html_builds_any_folder_of_markdown(tmp_path):
    """Content that is not ours: no Category, no images, nested folders, odd titles."""
    src = tmp_path / "bai-viet"
    write(src / "a.md", "Title: Thông báo lịch tiếp công dân\nDate: 2025-03-04 07:30\n\nNội dung **thông báo**.\n")
    write(src / "thang-3" / "b.md", "Title: Họp báo & đối thoại\nDate: 2025-03-05\nTags: họp báo\n\n## Đường dây nóng\n\nGọi 1022.\n")
    write(src / "c.markdown", "Title: Ghi chú\nDate: 2024-12-31\n\nMột dòng.\n")
    out = tmp_path / "cong"
    proc = subprocess.run(
        ["make", "html", f"INPUTDIR={src}", f"OUTPUTDIR={out}"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    category = out / "cac-van-de-chung"  # DEFAULT_CATEGORY for files without one
    page = soup(category / "thong-bao-lich-tiep-cong-dan.html")
    assert page.h1.get_text() == "Thông báo lịch tiếp công dân"
    assert page.select_one(".article-meta time").get_text() == "Thứ Ba, 04/03/2025"
    other = soup(category / "hop-bao-doi-thoai.html")
    assert other.h1.get_text() == "Họp báo & đối thoại"
    assert other.select_one(".article__body h2")["id"] == "duong-day-nong"
    assert (out / "tu-khoa" / "hop-bao" / "index.html").exists()
    assert (out / "index.html").exists() and (out / "404.html").exists()
    assert not (ROOT / "output" / "bai-viet").exists()
