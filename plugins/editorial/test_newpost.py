"""`make newpost`: a complete draft in the right place, or a clear refusal."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from pelicanconf import AUTHOR, PORTAL_CATEGORIES
from tests.makerun import make
from tests.sitebuild import soup, write

TITLE = 'Phát động phong trào "Dân vận khéo" năm 2027'


def test_newpost_writes_a_draft_with_complete_front_matter(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    before = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(second=0, microsecond=0)
    # The category may be typed without diacritics; the title keeps its quotes.
    proc = make("newpost", f"INPUTDIR={content}", f"TITLE={TITLE}", "CATEGORY=dan van kheo", "TAGS=thi đua")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    year = before.year
    path = content / "dan-van-kheo" / str(year) / "phat-dong-phong-trao-dan-van-kheo-nam-2027.md"
    assert sorted(p for p in content.rglob("*") if p.is_file()) == [path]
    text = path.read_text(encoding="utf-8")
    date = re.search(r"^Date: (.+)$", text, re.M).group(1)
    assert text == (
        f"Title: {TITLE}\nDate: {date}\nCategory: Dân vận khéo\nTags: thi đua\nAuthors: {AUTHOR}\n"
        "Status: draft\n\n"
    )
    written = dt.datetime.strptime(date, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert before <= written <= dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert "ban-nhap/phat-dong-phong-trao-dan-van-kheo-nam-2027.html" in proc.stdout

    # It passes the checks as it is, and the dev build previews it at the drafts address.
    check = make("check", f"INPUTDIR={content}")
    assert check.returncode == 0, check.stdout
    out = tmp_path / "out"
    assert make("html", f"INPUTDIR={content}", f"OUTPUTDIR={out}").returncode == 0
    page = soup(out / "ban-nhap" / "phat-dong-phong-trao-dan-van-kheo-nam-2027.html")
    assert page.h1.get_text() == TITLE.replace('"Dân vận khéo"', "“Dân vận khéo”")


def test_newpost_refuses_an_unknown_category_and_lists_the_known_ones(tmp_path):
    proc = make("newpost", f"INPUTDIR={tmp_path}", "TITLE=Giải bóng đá thanh niên", "CATEGORY=Thể thao")
    assert proc.returncode != 0
    assert "«Thể thao» không có trong danh sách chuyên mục" in proc.stderr
    for name in PORTAL_CATEGORIES:
        assert f"  - {name}\n" in proc.stderr
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_newpost_refuses_a_slug_that_exists(tmp_path):
    content = tmp_path / "content"
    existing = write(content / "cu" / "bai-cu.md",
                     "Title: Hội nghị tổng kết năm\nDate: 2023-12-30 08:00\nCategory: Tin hoạt động\n\nCũ.\n")
    proc = make("newpost", f"INPUTDIR={content}", "TITLE=Hội nghị tổng kết năm", "CATEGORY=Dân vận khéo")
    assert proc.returncode != 0
    assert "Đã có bài cùng đường dẫn «hoi-nghi-tong-ket-nam»" in proc.stderr
    assert str(existing) in proc.stderr
    assert [p for p in content.rglob("*.md")] == [existing]
    # A slug of one's own is the way out.
    again = make("newpost", f"INPUTDIR={content}", "TITLE=Hội nghị tổng kết năm", "CATEGORY=Dân vận khéo",
                 "SLUG=hoi-nghi-tong-ket-nam-2026")
    assert again.returncode == 0, again.stderr
    assert len(list(content.rglob("*.md"))) == 2


def test_newpost_without_a_title_says_how_to_call_it(tmp_path):
    proc = make("newpost", f"INPUTDIR={tmp_path}", "CATEGORY=Dân vận khéo")
    assert proc.returncode != 0
    assert 'make newpost TITLE="Tiêu đề bài" CATEGORY="Dân vận khéo"' in proc.stderr
