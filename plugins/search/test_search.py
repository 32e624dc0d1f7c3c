"""The search plugin on tiny sites built by the real pelican command.

The index is read back from Pagefind's fragments (one gzipped JSON per
indexed page: url, content, meta, filters), i.e. what a browser would get.
The index is sharded (a Pagefind bundle per year, one for pages, listed in
pagefind/shards.json): fragments are read from every shard.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import shutil
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from search import search as plugin
from search import encode_d
from tests.content_index import published
from tests.sitebuild import build, write
from vietnamese import fold

D_SMALL, D_CAPITAL = "\u1e13", "\u1e12"  # ḓ, Ḓ: the index's "đ", "Đ"


def fragments(output: Path, shard: str = "*") -> dict[str, dict]:
    """Every indexed page (of one shard, or of all), by URL (its file in "path")."""
    found = {}
    for path in (output / "pagefind").glob(f"{shard}/fragment/*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        data = json.loads(raw[len(b"pagefind_dcd"):])
        assert data["url"] not in found  # in one shard only
        found[data["url"]] = {**data, "path": path}
    return found


def manifest(output: Path) -> list[str]:
    return json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]


def stamps(folder: Path) -> dict[Path, tuple[int, int]]:
    """path -> (inode, mtime): a file rewritten or replaced changes one of them."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


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
    assert not list((out / "pagefind").glob("*/pagefind-*ui*"))
    assert (out / "pagefind" / "pages" / "pagefind.js").exists()


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


def test_shards_and_manifest(tiny_content, tmp_path):
    out = tmp_path / "out"
    build(tiny_content, out, "pelicanconf.py")
    # Pages first (the search page loads Pagefind's runtime from the first
    # shard: the one that changes least), then the newest period first: the
    # newest article's quarter (pelicanconf.py: SEARCH_RECENT_SHARD), years.
    assert manifest(out) == ["pages/", "2024-q1/", "2022/"]
    assert sorted(p.name for p in (out / "pagefind").iterdir()) == ["2022", "2024-q1", "pages", "shards.json"]
    for shard in ("pages", "2024-q1", "2022"):
        bundle = out / "pagefind" / shard
        for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "portal-documents.sha256"):
            assert (bundle / name).is_file(), (shard, name)
    assert set(fragments(out, "2024-q1")) == {"/dan-van-kheo/dang-bo-xa-binh-an.html"}
    assert set(fragments(out, "2022")) == {"/tin-hoat-dong/bai-nam-2022.html"}
    assert set(fragments(out, "pages")) == {"/gioi-thieu.html"}
    # Without the recent shard: one shard per year.
    build(tiny_content, out, "pelicanconf.py", {"SEARCH_RECENT_SHARD": None})
    assert manifest(out) == ["pages/", "2024/", "2022/"]
    assert set(fragments(out, "2024")) == {"/dan-van-kheo/dang-bo-xa-binh-an.html"}


ANOTHER_2022 = ARTICLE.format(title="Bài thứ hai năm 2022", date="2022-06-01 09:00", category="Tin hoạt động",
                              extra="", body="Bài có từ riêng namhaibakhong.")


def test_new_article_reindexes_its_own_shard_only(tiny_content, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(tiny_content, content)
    out = tmp_path / "out"
    build(content, out, "pelicanconf.py")
    index = out / "pagefind"
    before = stamps(index)
    # Nothing changed: nothing rewritten, the manifest included.
    proc = build(content, out, "pelicanconf.py", verbose=True)
    assert stamps(index) == before
    assert "none changed, index kept" in proc.stdout + proc.stderr
    # One new article in 2022: Pagefind runs for shard 2022 only; every file
    # of the other shards keeps its inode and mtime, and so does the manifest.
    old_2022 = fragments(out, "2022")["/tin-hoat-dong/bai-nam-2022.html"]["path"]
    write(content / "c.md", ANOTHER_2022)
    proc = build(content, out, "pelicanconf.py", verbose=True)
    log = " ".join((proc.stdout + proc.stderr).split())
    assert "re-indexed 2022 (2 documents" in log, log
    after = stamps(index)
    assert {p: s for p, s in after.items() if p.relative_to(index).parts[0] != "2022"} == {
        p: s for p, s in before.items() if p.relative_to(index).parts[0] != "2022"}
    found = fragments(out, "2022")
    assert set(found) == {"/tin-hoat-dong/bai-nam-2022.html", "/tin-hoat-dong/bai-thu-hai-nam-2022.html"}
    # In shard 2022 itself only what changed is written: the older article's
    # fragment and Pagefind's runtime keep their inode and mtime; the entry
    # names a new meta file, the old one is gone.
    for kept in (old_2022, index / "2022" / "pagefind.js", index / "2022" / "wasm.unknown.pagefind"):
        assert after[kept] == before[kept], kept
    assert found["/tin-hoat-dong/bai-nam-2022.html"]["path"] == old_2022
    entry = index / "2022" / "pagefind-entry.json"
    assert after[entry] != before[entry]
    metas = [p for p in after if p.parent == index / "2022" and p.suffix == ".pf_meta"]
    assert len(metas) == 1 and metas[0] not in before
    assert metas[0].name.split(".")[1] in entry.read_text(encoding="utf-8")
    assert not list(index.glob("*.new")) and not list(index.glob("*.old"))


def test_shards_come_and_go_with_their_years(tiny_content, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(tiny_content, content)
    out = tmp_path / "out"
    build(content, out, "pelicanconf.py")
    kept = stamps(out / "pagefind" / "2024-q1")
    # An article in a new year: a new shard, listed in the manifest.
    write(content / "d.md", ARTICLE.format(title="Bài năm 2019", date="2019-05-01 09:00",
                                           category="Tin hoạt động", extra="", body="Bài cũ."))
    build(content, out, "pelicanconf.py")
    assert manifest(out) == ["pages/", "2024-q1/", "2022/", "2019/"]
    # The only article of 2022 removed: its shard is removed too.
    (content / "b.md").unlink()
    build(content, out, "pelicanconf.py")
    assert manifest(out) == ["pages/", "2024-q1/", "2019/"]
    assert not (out / "pagefind" / "2022").exists()
    assert stamps(out / "pagefind" / "2024-q1") == kept


def test_one_shard_and_the_old_layout_is_cleared(tiny_content, tmp_path):
    out = tmp_path / "out"
    # What the one-bundle layout left in pagefind/: removed by the next build.
    write(out / "pagefind" / "pagefind.js", "old")
    write(out / "pagefind" / "fragment" / "vi_old.pf_fragment", "old")
    build(tiny_content, out, "pelicanconf.py", {"SEARCH_SHARD_BY": None})
    assert manifest(out) == ["all/"]
    assert sorted(p.name for p in (out / "pagefind").iterdir()) == ["all", "shards.json"]
    assert set(fragments(out, "all")) == {"/dan-van-kheo/dang-bo-xa-binh-an.html",
                                          "/tin-hoat-dong/bai-nam-2022.html", "/gioi-thieu.html"}
    # Half years: 2024-1 (March), 2022-1 (January).
    build(tiny_content, out, "pelicanconf.py", {"SEARCH_SHARD_BY": "half", "SEARCH_RECENT_SHARD": None})
    assert manifest(out) == ["pages/", "2024-h1/", "2022-h1/"]
    proc = build(tiny_content, out, "pelicanconf.py", {"SEARCH_SHARD_BY": "week"}, check=False)
    assert proc.returncode != 0 and "SEARCH_SHARD_BY" in proc.stdout + proc.stderr


def test_the_newest_quarter_has_a_shard_of_its_own(tiny_content, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(tiny_content, content)
    out = tmp_path / "out"
    recent = {"SEARCH_RECENT_SHARD": "quarter"}  # as in pelicanconf.py, said here
    build(content, out, "pelicanconf.py", recent)
    # The newest article (05/03/2024) is in the first quarter of 2024.
    assert manifest(out) == ["pages/", "2024-q1/", "2022/"]
    before = stamps(out / "pagefind")
    # Another article of that quarter: only that small shard is re-indexed.
    write(content / "c.md", ARTICLE.format(title="Bài tháng hai", date="2024-02-10 09:00",
                                           category="Tin hoạt động", extra="", body="Bài tháng hai."))
    build(content, out, "pelicanconf.py", recent)
    after = stamps(out / "pagefind")
    assert {p: s for p, s in after.items() if "2024-q1" not in p.parts} == {
        p: s for p, s in before.items() if "2024-q1" not in p.parts}
    assert len(fragments(out, "2024-q1")) == 2
    # The first article of the next quarter: the first quarter joins its year.
    write(content / "d.md", ARTICLE.format(title="Bài tháng năm", date="2024-05-02 09:00",
                                           category="Tin hoạt động", extra="", body="Bài tháng năm."))
    build(content, out, "pelicanconf.py", recent)
    assert manifest(out) == ["pages/", "2024/", "2024-q2/", "2022/"]
    assert set(fragments(out, "2024-q2")) == {"/tin-hoat-dong/bai-thang-nam.html"}
    assert len(fragments(out, "2024")) == 2 and not (out / "pagefind" / "2024-q1").exists()
    proc = build(content, out, "pelicanconf.py", {"SEARCH_RECENT_SHARD": "year"}, check=False)
    assert proc.returncode != 0 and "SEARCH_RECENT_SHARD" in proc.stdout + proc.stderr


def test_a_failed_pagefind_run_leaves_the_old_shard(tiny_content, tmp_path, monkeypatch):
    settings = {"DEFAULT_LANG": "vi", "SEARCH_OUTPUT_DIR": "pagefind", "SEARCH_WORKERS": 2}
    docs = {"2024": {"a.html": "<html><body><main data-pagefind-body>Một</main></body></html>"},
            "pages": {"p.html": "<html><body><main data-pagefind-body>Trang</main></body></html>"}}
    plugin.build_index(docs, str(tmp_path), settings)
    index = tmp_path / "pagefind"
    before = stamps(index)

    def broken(site, output, language):
        output.mkdir(parents=True)
        (output / "half-written").write_text("")
        raise RuntimeError("pagefind failed (1)")

    monkeypatch.setattr(plugin, "_run_pagefind", broken)
    changed = {**docs, "2024": {"a.html": docs["2024"]["a.html"].replace("Một", "Hai")},
               "2023": {"b.html": "<html><body><main data-pagefind-body>Ba</main></body></html>"}}
    with pytest.raises(RuntimeError, match="shard 2023: .*shard 2024: pagefind failed"):
        plugin.build_index(changed, str(tmp_path), settings)
    # The old shards, the manifest and nothing else: no staging folder left.
    assert stamps(index) == before
    assert sorted(p.name for p in index.iterdir()) == ["2024", "pages", "shards.json"]


def test_shards_are_built_in_scratch_space_and_moved_across_file_systems(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    settings = {"DEFAULT_LANG": "vi", "SEARCH_OUTPUT_DIR": "pagefind", "SEARCH_SCRATCH_DIR": str(scratch)}
    docs = {"2024": {f"a{i}.html": f"<html><body><main data-pagefind-body>Bài {i} Đảng bộ</main></body></html>"
                     for i in range(3)},
            "pages": {"p.html": "<html><body><main data-pagefind-body>Trang</main></body></html>"}}
    # A rename out of the scratch folder fails as it does from /dev/shm to a disk.
    rename, crossed = os.replace, []

    def replace(source, target):
        if Path(source).is_relative_to(scratch):
            crossed.append(Path(target).relative_to(tmp_path).as_posix())
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        rename(source, target)

    monkeypatch.setattr(plugin.os, "replace", replace)
    plugin.build_index(docs, str(tmp_path), settings)
    index = tmp_path / "pagefind"
    assert sorted(crossed) == ["pagefind/2024", "pagefind/pages"]  # new shards: moved whole
    assert set(fragments(tmp_path, "2024")) == {f"/a{i}.html" for i in range(3)}
    assert list(scratch.iterdir()) == []
    before = stamps(index)
    # One document changed: its fragment and the index files are copied in,
    # the rest of the shard keeps its inodes and mtimes.
    crossed.clear()
    changed = {**docs, "2024": {**docs["2024"], "a1.html": docs["2024"]["a1.html"].replace("Bài 1", "Bài một")}}
    plugin.build_index(changed, str(tmp_path), settings)
    after = stamps(index)
    assert "pagefind/2024/pagefind-entry.json" in crossed and "pagefind/pages" not in crossed
    assert after[index / "2024" / "pagefind.js"] == before[index / "2024" / "pagefind.js"]
    assert "Bài một" in decode(fragments(tmp_path, "2024")["/a1.html"]["content"])
    assert len(fragments(tmp_path, "2024")) == 3
    assert list(scratch.iterdir()) == [] and not list(index.rglob("*.partial"))


def test_more_shards_are_indexed_at_once_when_the_build_has_nothing_else_to_do():
    at_end, lock = threading.Event(), threading.Lock()
    running, seen = [0], []

    def run(job):
        with lock:
            running[0] += 1
            seen.append((job[0], at_end.is_set(), running[0]))
        if job[0] == "2024":  # the largest: the build finishes while it is indexed
            at_end.set()
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        if job[0] == "2021":
            raise RuntimeError("pagefind failed (1)")
        return job[0]

    jobs = [(name, [0] * size) for name, size in (("2021", 1), ("2022", 2), ("2023", 3), ("2024", 4))]
    results, errors = plugin._run_all(jobs, 1, run, more=1, at_end=at_end)
    assert sorted(results) == ["2022", "2023", "2024"] and list(errors) == ["2021"]
    assert seen[0] == ("2024", False, 1)  # largest first, alone while pages are written
    assert max(count for _name, _at_end, count in seen) == 2  # then two at once
    assert all(count == 1 for _name, after, count in seen if not after)
    # With no event (the build is done already): both lanes from the start.
    peak = []

    def count(job):
        with lock:
            running[0] += 1
            peak.append(running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1

    plugin._run_all(jobs, 1, count, more=1, at_end=None)
    assert len(peak) == 4 and peak[:2] == [1, 2]
    # One lane: in the calling thread, largest first.
    seen.clear()
    plugin._run_all(jobs, 1, lambda job: seen.append(job[0]))
    assert seen == ["2024", "2023", "2022", "2021"]


def test_scratch_space_is_used_only_with_room_for_the_shard(tmp_path, monkeypatch):
    assert plugin._scratch_dir(False, 10, 1) is None
    assert plugin._scratch_dir(str(tmp_path), 10**15, 1) == str(tmp_path)  # named: used as it is
    monkeypatch.setattr(plugin, "SCRATCH_CANDIDATES", (str(tmp_path / "missing"), str(tmp_path)))
    assert plugin._scratch_dir(None, 10_000, 10) == str(tmp_path)
    # Left by a killed index process a day ago: removed; a build's own, newer one: kept.
    old, fresh, other = (tmp_path / f"{plugin.SCRATCH_PREFIX}2024-x", tmp_path / f"{plugin.SCRATCH_PREFIX}2025-y",
                         tmp_path / "someone-else")
    for folder in (old, fresh, other):
        (folder / "site").mkdir(parents=True)
    day_ago = time.time() - plugin.SCRATCH_MAX_AGE - 60
    for folder in (old, other):
        os.utime(folder, (day_ago, day_ago))
    plugin._sweep_scratch(None)
    assert not old.exists() and fresh.exists() and other.exists()
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    assert plugin._scratch_dir(None, free // 6, 10) is None  # no room: the system's temporary folder
    assert plugin._scratch_dir(None, 10, free // 8192) is None


def test_rebuild_replaces_the_index_and_can_be_switched_off(tiny_content, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(tiny_content, content)
    out = tmp_path / "out"
    build(content, out, "pelicanconf.py")
    # Same documents: the index is kept as it is (no file rewritten).
    before = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}
    build(content, out, "pelicanconf.py")
    assert {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()} == before
    # Changed documents: a new bundle replaces the shard's old one whole.
    stale = out / "pagefind" / "pages" / "fragment" / "vi_stale.pf_fragment"
    stale.write_bytes(b"old")
    page = content / "pages" / "gioi-thieu.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    build(content, out, "pelicanconf.py")
    assert not stale.exists()
    assert not list((out / "pagefind").glob("*.new")) and not list((out / "pagefind").glob("*.old"))
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
    assert root["data-pagefind-shards"] == "https://danvan.songlam.example/pagefind/shards.json"
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



def test_every_input_of_a_document_is_in_its_shard_digest():
    """A shard is re-indexed when anything its documents are made from changes."""
    import datetime

    inputs = plugin.Inputs(lang="vi", title="Tiêu đề", link="a/b.html", summary="Tóm tắt", caption="Ảnh",
                           content="<p>Nội dung</p>", category="Tin", date=datetime.datetime(2024, 3, 5, 8, 30),
                           authors="Thanh Hà", source="Báo", tags="Đảng bộ")
    digest = plugin.shard_digest({"a/b.html": inputs}, "vi", "1.5.2")
    assert plugin.shard_digest({"a/b.html": plugin.Inputs(*inputs)}, "vi", "1.5.2") == digest
    for field in plugin.Inputs._fields:
        value = getattr(inputs, field)
        other = value + datetime.timedelta(minutes=1) if field == "date" else value + "x"
        assert plugin.shard_digest({"a/b.html": inputs._replace(**{field: other})}, "vi", "1.5.2") != digest, field
    assert plugin.shard_digest({"a/c.html": inputs}, "vi", "1.5.2") != digest
    assert plugin.shard_digest({"a/b.html": inputs}, "vi", "1.5.3") != digest
    # The document is made from the inputs alone.
    assert "Nội dung" in plugin.make_document(inputs).replace("\u1e13", "đ")


def test_an_index_failing_while_pages_are_written_fails_the_build(tiny_content, tmp_path):
    """The index is made in a process of its own while the pages are
    written; its failure still fails the build, with its message, and the
    pages are all there."""
    out = tmp_path / "out"
    proc = build(tiny_content, out, "pelicanconf.py", {"SEARCH_OUTPUT_DIR": "../ngoai-thu-muc"}, check=False)
    assert proc.returncode != 0
    assert "SEARCH_OUTPUT_DIR must be a folder inside OUTPUT_PATH" in proc.stdout + proc.stderr
    assert (out / "dan-van-kheo" / "dang-bo-xa-binh-an.html").is_file()
    assert not (tmp_path / "ngoai-thu-muc").exists()
