"""The content checker on tests/broken: one fault per file, each reported once.

`make check` and `make html` are run for real; the expected messages are the
exact lines an editor reads.
"""

from __future__ import annotations

import re
import subprocess

from editorial.checks import check_folder, load_settings
from tests.makerun import make
from tests.sitebuild import ROOT, write

BROKEN = "tests/broken"
NOW = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"  # "now" in Vietnam time, in two hints

# (file inside tests/broken, line, message): one fault per file.
EXPECTED = [
    ("dan-van-kheo/2024/anh-dai-dien-ngoai-thu-muc.md", 4, "ảnh đại diện «dan-van-kheo/2024/anh-rieng.jpg» nằm ngoài thư mục ảnh (content/images/, content/extra/) nên sẽ không có trên trang — chuyển ảnh vào content/images/ và viết «Image: images/anh-rieng.jpg»"),
    ("dan-van-kheo/2024/anh-sai-duong-dan.md", 7, "ảnh «../../images/anh-mau.jpg» sẽ bị hỏng trên trang: đường dẫn tương đối được tính từ địa chỉ của bài, không phải từ thư mục chứa tệp — viết «{static}/images/anh-mau.jpg»"),
    ("dan-van-kheo/2024/lien-ket-tep-nguon.md", 7, "liên kết «bai-tot.md» trỏ vào tệp nguồn, trên trang sẽ bị hỏng — viết «{filename}/dan-van-kheo/2024/bai-tot.md»"),
    ("pages/lien-he.md", 1, "trang thiếu tiêu đề — thêm dòng «Title: …» ở đầu tệp"),
    ("tin-hoat-dong/2024/anh-dai-dien-thieu.md", 4, "ảnh đại diện «images/khong-co-anh.jpg» (Image) không có trong thư mục content — kiểm tra tên tệp, hoặc chép ảnh vào content/images/ và viết «Image: images/ten-anh.jpg»"),
    ("tin-hoat-dong/2024/anh-html-thieu-mo-ta.md", 7, "ảnh «{static}/images/anh-mau.jpg» thiếu mô tả (alt) cho người đọc không xem được ảnh — thêm alt=\"mô tả nội dung ảnh\" vào thẻ <img>"),
    ("tin-hoat-dong/2024/anh-thieu-mo-ta.md", 7, "ảnh «{static}/images/anh-mau.jpg» thiếu mô tả (alt) cho người đọc không xem được ảnh — viết mô tả trong ngoặc vuông: «![Mô tả nội dung ảnh]({static}/images/anh-mau.jpg)»"),
    ("tin-hoat-dong/2024/anh-thieu-tep.md", 7, "ảnh «{static}/images/nha-van-hoa.jpg» trỏ tới tệp không có: images/nha-van-hoa.jpg — kiểm tra tên tệp; đường dẫn sau {static} bắt đầu bằng «/» được tính từ thư mục content, ví dụ «{static}/images/ten-anh.jpg»"),
    ("tin-hoat-dong/2024/chuyen-muc-la.md", 3, "chuyên mục «Thể thao» không có trong danh sách chuyên mục của cổng — dùng một trong: «Tin hoạt động», «Dân vận khéo», «Mô hình điển hình», «Văn bản chỉ đạo», «Dân vận chính quyền», «Các vấn đề chung»"),
    ("tin-hoat-dong/2024/chuyen-muc-sai-dau.md", 3, "chuyên mục «Dân vận khoe» không có trong danh sách chuyên mục của cổng — sửa thành «Category: Dân vận khéo»"),
    ("tin-hoat-dong/2024/dong-thieu-hai-cham.md", 3, "dòng «Category Tin hoạt động» ở phần đầu bài không đúng dạng «Tên trường: giá trị» — viết «Category: Tin hoạt động» (tên trường bằng tiếng Anh, theo sau là dấu hai chấm)"),
    ("tin-hoat-dong/2024/hen-gio-thieu-ngay.md", 3, "bài hẹn giờ nhưng chưa có ngày đăng — thêm dòng «Date: …» là thời điểm muốn đăng"),
    ("tin-hoat-dong/2024/khong-phai-utf8.md", 1, "tệp không phải UTF-8 (byte 0xF4 ở cột 10 không đọc được) — mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8 (Save with Encoding → UTF-8)"),
    ("tin-hoat-dong/2024/lien-ket-filename-hong.md", 7, "liên kết «{filename}/tin-hoat-dong/2024/khong-co-bai-nay.md» trỏ tới tệp không có: tin-hoat-dong/2024/khong-co-bai-nay.md — kiểm tra tên tệp; đường dẫn sau {filename} bắt đầu bằng «/» được tính từ thư mục content, ví dụ «{filename}/chuyen-muc/nam/ten-bai.md»"),
    ("tin-hoat-dong/2024/lien-ket-tham-chieu-hong.md", 9, "liên kết «{filename}/van-ban-chi-dao/bao-cao-khong-co.md» trỏ tới tệp không có: van-ban-chi-dao/bao-cao-khong-co.md — kiểm tra tên tệp; đường dẫn sau {filename} bắt đầu bằng «/» được tính từ thư mục content, ví dụ «{filename}/chuyen-muc/nam/ten-bai.md»"),
    ("tin-hoat-dong/2024/lien-ket-tuong-doi-hong.md", 7, "liên kết «../tin-hoat-dong/bai-khong-ton-tai.html» trỏ tới trang hoặc tệp không có trên cổng — kiểm tra lại địa chỉ; liên kết tới bài khác nên viết «{filename}/chuyen-muc/nam/ten-bai.md»"),
    ("tin-hoat-dong/2024/ngay-cap-nhat-sai.md", 3, "ngày cập nhật «hôm qua» không đúng dạng năm-tháng-ngày giờ:phút — viết «Modified: {now}» (giờ Việt Nam)"),
    ("tin-hoat-dong/2024/ngay-kieu-viet.md", 2, "ngày đăng «05/03/2024 08:30» không đúng dạng năm-tháng-ngày giờ:phút — viết «Date: 2024-03-05 08:30» (giờ Việt Nam)"),
    ("tin-hoat-dong/2024/ngay-sai.md", 2, "ngày đăng «2024-13-45 08:00» không đúng dạng năm-tháng-ngày giờ:phút — viết «Date: {now}» (giờ Việt Nam)"),
    ("tin-hoat-dong/2024/ngay-tuong-lai.md", 2, "ngày đăng 01/01/2099 08:00 ở tương lai nhưng bài không hẹn giờ — muốn hẹn giờ đăng thì thêm dòng «Status: scheduled»; nếu không, sửa lại ngày đăng"),
    ("tin-hoat-dong/2024/slug-co-dau.md", 4, "đường dẫn «hướng-dẫn» (Slug) chỉ được có chữ thường không dấu, số và dấu gạch ngang — sửa thành «Slug: huong-dan»"),
    ("tin-hoat-dong/2024/thieu-ngay.md", 1, "bài thiếu ngày đăng — thêm dòng «Date: {now}» ở phần đầu bài (giờ Việt Nam)"),
    ("tin-hoat-dong/2024/thieu-tieu-de.md", 1, "bài thiếu tiêu đề — thêm dòng «Title: …» ở đầu tệp"),
    ("tin-hoat-dong/2024/tieu-de-trong.md", 1, "tiêu đề để trống — viết tiêu đề sau «Title:»"),
    ("tin-hoat-dong/2024/trang-thai-sai.md", 4, "trạng thái «publish» không hợp lệ — dùng «Status: draft» (bản nháp), «Status: scheduled» (hẹn giờ đăng) hoặc «Status: published» (đăng)"),
    ("tin-hoat-dong/2024/truong-lap.md", 5, "trường «Tags» khai báo hai lần (lần đầu ở dòng 4) — chỉ giữ một dòng, xóa dòng còn lại"),
    ("tin-hoat-dong/2024/truong-tieng-viet.md", 1, "dòng «Tiêu đề: Phụ nữ phường Bến Thủy giữ gìn đường phố sạch» ở phần đầu bài không đúng dạng «Tên trường: giá trị» — viết «Title: Phụ nữ phường Bến Thủy giữ gìn đường phố sạch» (tên trường bằng tiếng Anh, theo sau là dấu hai chấm)"),
    ("van-ban-chi-dao/2024/trung-duong-dan.md", 1, "đường dẫn «hoi-nghi-so-ket-phong-trao-thi-dua» trùng với bài tests/broken/dan-van-kheo/2024/bai-tot.md — đổi tiêu đề hoặc thêm dòng «Slug: hoi-nghi-so-ket-phong-trao-thi-dua-2» để bài có đường dẫn riêng"),
]
GOOD = ["dan-van-kheo/2024/bai-tot.md", "tin-hoat-dong/2024/bai-tot-hai.md", "pages/gioi-thieu.md"]
# Faults in the front matter keep the file out of the build; the others do not.
LEFT_OUT = [
    "pages/lien-he.md", "tin-hoat-dong/2024/dong-thieu-hai-cham.md", "tin-hoat-dong/2024/hen-gio-thieu-ngay.md",
    "tin-hoat-dong/2024/khong-phai-utf8.md", "tin-hoat-dong/2024/ngay-cap-nhat-sai.md",
    "tin-hoat-dong/2024/ngay-kieu-viet.md", "tin-hoat-dong/2024/ngay-sai.md",
    "tin-hoat-dong/2024/thieu-ngay.md", "tin-hoat-dong/2024/thieu-tieu-de.md", "tin-hoat-dong/2024/tieu-de-trong.md",
    "tin-hoat-dong/2024/trang-thai-sai.md", "tin-hoat-dong/2024/truong-lap.md",
    "tin-hoat-dong/2024/truong-tieng-viet.md", "van-ban-chi-dao/2024/trung-duong-dan.md",
]
# What Pelican or the media plugin would print for the same faults.
FOREIGN = ["Empty alt attribute", "Unable to find", "Could not process", "Skipping", "Unknown status",
           "Cannot get modification stamp", "thiếu mô tả (alt) — viết ![mô tả", "không tìm thấy ảnh", "Traceback"]


def expected_line(path: str, line: int, message: str) -> re.Pattern:
    text = re.escape(f"{BROKEN}/{path}:{line}: {message}").replace(re.escape("{now}"), NOW)
    return re.compile(text + "$")


def test_corpus_has_one_fault_per_file():
    files = [p for p, _line, _msg in EXPECTED]
    assert len(files) >= 20 and len(set(files)) == len(files)
    on_disk = {p.relative_to(ROOT / BROKEN).as_posix() for p in (ROOT / BROKEN).rglob("*.md")}
    assert on_disk == set(files) | set(GOOD)


def test_make_check_reports_each_fault_once_with_file_line_and_wording():
    proc = make("check", f"INPUTDIR={BROKEN}")
    assert proc.returncode != 0
    lines = proc.stdout.splitlines()
    assert len(lines) == len(EXPECTED), proc.stdout
    for got, (path, line, message) in zip(lines, EXPECTED):
        assert expected_line(path, line, message).match(got), (got, message)
    assert f"Có {len(EXPECTED)} lỗi trong {len(EXPECTED)} tệp" in proc.stderr


def test_verbose_mode_adds_code_and_english_detail():
    proc = make("check", f"INPUTDIR={BROKEN}", "V=1")
    lines = proc.stdout.splitlines()
    assert len(lines) == len(EXPECTED)
    codes = [re.search(r" \[([a-z-]+): (.+)\]$", line) for line in lines]
    assert all(codes), lines
    assert {m.group(1) for m in codes} >= {
        "encoding", "meta-malformed", "meta-duplicate", "title-missing", "title-empty", "date-invalid",
        "date-missing", "date-future", "status-unknown", "category-unknown", "slug-duplicate", "slug-invalid",
        "link-broken", "link-source", "image-missing", "image-base", "image-alt", "cover-missing", "cover-not-static",
    }
    assert "future date without 'Status: scheduled'" in proc.stdout


def test_build_warns_once_keeps_going_and_leaves_bad_front_matter_out(tmp_path):
    out = tmp_path / "out"
    proc = make("html", f"INPUTDIR={BROKEN}", f"OUTPUTDIR={out}", "PELICANOPTS=--log-handler=plain")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    log = (proc.stdout + proc.stderr).splitlines()
    for path, line, message in EXPECTED:
        pattern = expected_line(path, line, message)
        assert sum(1 for entry in log if pattern.match(entry)) == 1, message
    for foreign in FOREIGN:
        assert not [entry for entry in log if foreign in entry], foreign
    assert f"Kiểm tra nội dung: {len(EXPECTED)} lỗi trong {len(EXPECTED)} tệp; {len(LEFT_OUT)} tệp" in "\n".join(log)

    html = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    assert "dan-van-kheo/hoi-nghi-so-ket-phong-trao-thi-dua.html" in html
    assert "tin-hoat-dong/doi-thoai-voi-thanh-nien-ve-viec-lam.html" in html
    assert "gioi-thieu.html" in html
    everything = "\n".join(html.values())
    for path in LEFT_OUT:
        text = (ROOT / BROKEN / path).read_bytes().decode("utf-8", "replace")
        title = re.search(r"^(?:Title|Tiêu đề): *(.*)$", text, re.M)
        if title and title.group(1) and path != "van-ban-chi-dao/2024/trung-duong-dan.md":
            assert title.group(1) not in everything, path
    assert "Thông báo lịch tiếp công dân" not in everything  # the non-UTF-8 file
    # The duplicate slug stays out: the first article keeps its page, its section has no page.
    assert "Hội nghị đánh giá kết quả nửa đầu năm." in html["dan-van-kheo/hoi-nghi-so-ket-phong-trao-thi-dua.html"]
    assert not any(name.startswith("van-ban-chi-dao/") for name in html)
    # Faults in the text do not stop an article from being previewed.
    assert "tin-hoat-dong/tang-qua-hoc-sinh-vung-lu.html" in html
    assert "the-thao/giai-bong-da-thanh-nien.html" in html  # unknown section: previewed, never published
    assert "tin-hoat-dong/hướng-dẫn.html" in html  # its own Slug, not ASCII: previewed as typed
    assert "dan-van-kheo/van-dong-hien-dat-lam-duong.html" in html
    # A future date without scheduling: a draft (preview only), not listed.
    assert "ban-nhap/tong-ket-nam-hai-nghin-chin-muoi-tam.html" in html
    assert "tong-ket-nam-hai-nghin-chin-muoi-tam" not in html["index.html"]


def test_sample_content_is_clean():
    proc = make("check")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout == ""
    assert proc.stderr.startswith("Không có lỗi:")


def _check(tmp_path, files: dict[str, str]) -> list[str]:
    content = tmp_path / "content"
    for rel, text in files.items():
        write(content / rel, text)
    settings = load_settings(ROOT / "pelicanconf.py", content)
    report = check_folder(settings["PATH"], settings)
    return [f"{p.path.relative_to(content.resolve()).as_posix()}:{p.line}:{p.code}" for p in report.problems]


HEAD = "Title: {title}\nDate: 2024-01-02 08:00\nCategory: Dân vận khéo\n"


def test_what_is_not_a_fault(tmp_path):
    """Valid Markdown that a naive checker would flag."""
    files = {
        "images/a.jpg": "",
        "extra/robots.txt": "",
        "pages/gioi-thieu.md": "Title: Giới thiệu\n\nTrang.\n",
        # body right after the metadata (Python-Markdown allows it), YAML-style fences
        "a/mot.md": HEAD.format(title="Một") + "Nội dung ngay sau phần đầu.\n",
        "a/hai.md": "---\n" + HEAD.format(title="Hai") + "---\nNội dung.\n",
        # code is not a link; footnotes and abbreviations are not references
        "a/ba.md": HEAD.format(title="Ba") + "\n```\n![](khong-co.jpg) [x](khong-co.md)\n```\n\n"
                   "    ![](thut-dong.jpg)\n\nCâu có chú thích[^1] và `![](ma.jpg)`.\n\n[^1]: Nguồn\n\n"
                   "*[HĐND]: Hội đồng\n",
        # links that resolve: pages, sections, tags, feeds, static files, external, anchors
        "a/bon.md": HEAD.format(title="Bốn") + "Tags: nông thôn mới\n\n"
                    "[a]({filename}mot.md) [b]({filename}/pages/gioi-thieu.md) [c](../gioi-thieu.html) "
                    "[d](/dan-van-kheo/) [e](../tu-khoa/nong-thon-moi/) [f](/feeds/all.atom.xml) "
                    "[g]({static}/images/a.jpg) [h](https://chinhphu.vn/) [i](#muc-1) [j](mailto:a@b.vn) "
                    "[k](/tim-kiem/) [l]({category}Dân vận khéo) [m](../dan-van-kheo/mot.html)\n\n"
                    "![Ảnh]({static}/images/a.jpg \"Ảnh: chú thích\") <img src=\"/images/a.jpg\" alt=\"Ảnh\">\n",
        # drafts may have no date; scheduled articles may be in the future
        "a/nam.md": "Title: Năm\nCategory: Dân vận khéo\nStatus: draft\n\nNháp.\n",
        "a/sau.md": "Title: Sáu\nDate: 2099-01-01 08:00\nCategory: Dân vận khéo\nStatus: scheduled\n\nHẹn giờ.\n",
    }
    assert _check(tmp_path, files) == []


def test_each_image_and_link_is_found_on_its_own_line(tmp_path):
    files = {
        "a/mot.md": HEAD.format(title="Một") + "\nĐoạn đầu\ncó ![](x.jpg) ở dòng thứ sáu\n"
                    "và [hỏng](khong-co.md) ở dòng bảy.\n\n<p>\n<img src=\"{static}/y.jpg\" alt=\"y\">\n</p>\n\n"
                    "![](x.jpg)\n",
    }
    assert _check(tmp_path, files) == [
        "a/mot.md:6:image-alt", "a/mot.md:6:image-missing", "a/mot.md:7:link-broken",
        "a/mot.md:10:image-missing", "a/mot.md:13:image-alt", "a/mot.md:13:image-missing",
    ]


def test_a_refused_file_comes_back_when_fixed_even_with_content_caches(tmp_path):
    """A duplicate slug depends on another file: no cache may remember the refusal."""
    import json
    import sys

    content = tmp_path / "content"
    first = write(content / "a" / "mot.md", HEAD.format(title="Trùng tên") + "\nQzmot là bài thứ nhất.\n")
    write(content / "b" / "hai.md", HEAD.format(title="Trùng tên") + "\nQzhai là bài thứ hai.\n")
    for layer in ("reader", "generator"):
        out = tmp_path / f"out-{layer}"
        settings = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": layer,
                    "CACHE_PATH": str(tmp_path / f"cache-{layer}")}
        # One -e with every pair: Pelican keeps only the last -e option.
        cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s", str(ROOT / "pelicanconf.py"),
               "-e", *(f"{k}={json.dumps(v)}" for k, v in settings.items())]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        assert (tmp_path / f"cache-{layer}").is_dir()
        assert "Qzmot" in (out / "dan-van-kheo" / "trung-ten.html").read_text(encoding="utf-8")
        first.rename(first.with_suffix(".txt"))  # the other article is gone: no duplicate any more
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        assert "Qzhai" in (out / "dan-van-kheo" / "trung-ten.html").read_text(encoding="utf-8"), layer
        first.with_suffix(".txt").rename(first)


def test_same_slug_in_another_language_is_a_translation(tmp_path):
    files = {
        "a/vi.md": HEAD.format(title="Giới thiệu Ban") + "\nBản tiếng Việt.\n",
        "a/en.md": HEAD.format(title="Giới thiệu Ban") + "Lang: en\n\nEnglish version.\n",
        "b/vi-2.md": HEAD.format(title="Giới thiệu Ban") + "\nBản trùng.\n",
    }
    assert _check(tmp_path, files) == ["b/vi-2.md:1:slug-duplicate"]
