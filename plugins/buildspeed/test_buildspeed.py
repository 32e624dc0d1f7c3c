"""buildspeed on real builds: parallel = serial, unchanged rebuild writes
nothing, stale pages go, foreign files stay, period archives as Pelican's."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections import namedtuple
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican.generators import ArticlesGenerator

from buildspeed.buildspeed import MANIFEST, SEEDING_ENV, _build_period_archives, wait_for_seed
from tests.sitebuild import ROOT, build, write

sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402


# Pagefind writes its filter and meta files (and the entry naming them) in an
# order that varies from run to run for the same documents; the search
# plugin's digest of the documents it indexed is compared instead, with the
# page fragments, which are stable.
# (One bundle per shard: pagefind/<shard>/…)
PAGEFIND_UNSTABLE = re.compile(r"^pagefind/[^/]+/(filter/.*\.pf_filter|pagefind\..*\.pf_meta|pagefind-entry\.json)$")


def files(out: Path) -> dict[str, bytes]:
    found = {}
    for p in sorted(out.rglob("*")):
        if PAGEFIND_UNSTABLE.match(p.relative_to(out).as_posix()):
            continue
        if p.is_file() and p.name != MANIFEST:  # the manifest records mtimes
            found[str(p.relative_to(out))] = p.read_bytes()
    return found


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    # Big enough for both worker pools to run (more than 32 files, 64 pages).
    return generate(tmp_path_factory.mktemp("corpus"), 120, seed=7)


def test_parallel_and_serial_builds_are_byte_identical(corpus, tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    # Serial: one process renders and ranks related news (no ranking process).
    build(corpus, serial, settings={"BUILDSPEED_WORKERS": 1, "RELATED_WORKERS": 1, "RELATED_BACKGROUND": False,
                                    "CACHE_PATH": str(tmp_path / "c1")})
    build(corpus, parallel, settings={"BUILDSPEED_WORKERS": 2, "CACHE_PATH": str(tmp_path / "c2")})
    a, b = files(serial), files(parallel)
    assert len(a) > 200
    assert any(k.endswith("/portal-documents.sha256") for k in a) and any(k.endswith(".pf_fragment") for k in a)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    # And from the cache, in parallel, still the same bytes.
    again = tmp_path / "again"
    build(corpus, again, settings={"BUILDSPEED_WORKERS": 2, "CACHE_PATH": str(tmp_path / "c1")})
    c = files(again)
    assert [k for k in a if a[k] != c.get(k)] == []


def test_unchanged_rebuild_writes_nothing_and_removed_article_disappears(corpus, tmp_path):
    content = tmp_path / "content"
    import shutil

    shutil.copytree(corpus, content)
    out, cache = tmp_path / "out", tmp_path / "cache"
    settings = {"CACHE_PATH": str(cache)}
    build(content, out, settings=settings)
    (out / "tai-lieu-tai-len.pdf").write_bytes(b"%PDF- uploaded by hand")
    before = stamps(out)
    assert MANIFEST in before

    build(content, out, settings=settings)
    after = stamps(out)
    assert after == before  # same files, same inodes, same mtimes

    # An edited article: its page is replaced by rename, so a hard link to
    # the old file (a previous release) keeps the old bytes.
    edited = sorted(content.rglob("*.md"))[3]
    page = next(out / k for k in before if k.endswith(f"/{edited.stem}.html"))
    old_release = tmp_path / "old-release.html"
    os.link(page, old_release)
    old_bytes = page.read_bytes()
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("\n\n", "\n\nCâu mới thêm vào bài.\n\n", 1), encoding="utf-8")
    build(content, out, settings=settings)
    assert "Câu mới thêm" in page.read_text(encoding="utf-8")  # typogrify: "vào&nbsp;bài"
    assert old_release.read_bytes() == old_bytes
    assert page.stat().st_ino != old_release.stat().st_ino

    victim = sorted(content.rglob("*.md"))[5]
    slug = victim.stem
    pages = [k for k in before if k.endswith(f"/{slug}.html")]
    assert len(pages) == 1
    victim.unlink()
    build(content, out, settings=settings)
    assert not (out / pages[0]).exists()
    assert (out / "tai-lieu-tai-len.pdf").exists()  # never produced by a build: kept
    # The reader cache holds one row per current Markdown file: the edited
    # article's old version and the removed article were pruned.
    (db,) = (p for p in cache.glob("buildspeed-*.sqlite") if "-pages-" not in p.name)
    with sqlite3.connect(db) as conn:
        (rows,) = conn.execute("SELECT count(*) FROM entries").fetchone()
    assert rows == len(list(content.rglob("*.md")))
    after = stamps(out)
    # Theme files were not copied again.
    kept = [k for k in after if after[k] == before.get(k)]
    assert "theme/css/portal.css" in kept


Art = namedtuple("Art", "date title")


def test_period_archives_match_pelicans():
    start = dt.datetime(2020, 1, 1)
    arts = [Art(start + dt.timedelta(days=17 * i + i % 3), f"t{i}") for i in range(200)]
    sorted_articles = sorted(arts, key=lambda a: a.date, reverse=True)
    articles = sorted(arts, key=lambda a: a.title)
    settings = {
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html", "YEAR_ARCHIVE_URL": "{date:%Y}/",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html", "MONTH_ARCHIVE_URL": "{date:%Y}/{date:%m}/",
        "DAY_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/index.html", "DAY_ARCHIVE_URL": "",
    }
    ours = _build_period_archives(None, sorted_articles, articles, settings)
    theirs = ArticlesGenerator._build_period_archives(None, sorted_articles, articles, settings)
    assert dict(ours) == dict(theirs)
    assert len(ours["month"]) > 50


SKIPPED = re.compile(r"buildspeed: (\d+) files written, (\d+) unchanged \((\d+) of them not rendered")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("conf", ["publishconf.py", "pelicanconf.py"])
def test_render_skip_gives_the_bytes_of_a_full_render(tmp_path, conf):
    """Pages not rendered because their recorded inputs are unchanged: after
    each kind of change the output is exactly what a build that renders
    every page gives, and an unchanged rebuild renders no page at all. With
    the live settings and the development ones (relative URLs: each folder
    has its own `localsiteurl`)."""
    content = generate(tmp_path / "content", 40, seed=11)
    out, cache = tmp_path / "out", tmp_path / "cache"
    fresh_cache = tmp_path / "fresh-cache"
    articles = sorted(p for p in content.rglob("*.md") if "pages" not in p.parts)

    def rebuild(extra=None):
        proc = build(content, out, conf, settings={"CACHE_PATH": str(cache), **(extra or {})}, args=("-v",))
        written, unchanged, skipped = map(int, SKIPPED.search(proc.stdout + proc.stderr).groups())
        fresh = tmp_path / "fresh"
        import shutil

        shutil.rmtree(fresh, ignore_errors=True)
        build(content, fresh, conf, settings={"CACHE_PATH": str(fresh_cache), "BUILDSPEED_RENDER_SKIP": False,
                                              **(extra or {})})
        a, b = files(out), files(fresh)
        assert sorted(a) == sorted(b)
        assert [k for k in a if a[k] != b[k]] == []
        return written, skipped

    rebuild()
    pages = [k for k in files(out) if k.endswith(".html")]
    written, skipped = rebuild()
    assert (written, skipped) == (0, len(pages))  # nothing changed: nothing rendered

    # A title: its page moves, and every listing, neighbour and related list showing it changes.
    _edit(articles[3], "Title: ", "Title: Tin sửa tiêu đề: ")
    written, skipped = rebuild()
    assert 0 < written and skipped > len(pages) // 2
    # Only the text: the article's page (and whatever prints its text).
    _edit(articles[10], "\n\n", "\n\nMột đoạn mới thêm vào giữa bài.\n\n")
    assert rebuild()[0] >= 1
    # Tags and summary.
    _edit(articles[12], "Tags: ", "Tags: Từ khóa mới, ")
    _edit(articles[12], "Summary: ", "Summary: Tóm tắt sửa. ")
    rebuild()
    # A new article, and a removed one.
    (articles[0].parent / "bai-moi-trong-kiem-thu.md").write_text(
        "Title: Bài mới trong kiểm thử bỏ qua dựng trang\nDate: 2026-11-20 08:00\n"
        "Category: Tin hoạt động\nTags: chuyển đổi số\nAuthors: Thanh Hà\n\nNội dung bài mới.\n",
        encoding="utf-8")
    articles[20].unlink()
    rebuild()
    # A page.
    _edit(content / "pages" / "lien-he.md", "Địa chỉ", "Địa chỉ mới")
    rebuild()
    # A setting every page prints: a new fingerprint, every page rendered.
    written, skipped = rebuild({"SITESUBTITLE": "Tiêu đề phụ khác"})
    assert skipped == 0 and written >= len(pages)


def test_render_skip_survives_switching_between_preview_and_live_settings(tmp_path):
    """Previewing (development settings, one folder) and publishing (live
    settings, another) alternate two fingerprints: each keeps its store, so
    going back to either renders nothing. A page whose file a build with
    other settings rewrote since (same folder) is rendered again, giving
    exactly what a full render gives."""
    import shutil

    content = generate(tmp_path / "content", 40, seed=5)
    cache = tmp_path / "cache"
    preview, live = tmp_path / "output", tmp_path / "public"

    def run(conf, out, extra=None):
        proc = build(content, out, conf, settings={"CACHE_PATH": str(cache), **(extra or {})}, args=("-v",))
        written, _unchanged, skipped = map(int, SKIPPED.search(proc.stdout + proc.stderr).groups())
        return written, skipped

    def pages(out):
        return sum(1 for k in files(out) if k.endswith(".html"))

    run("pelicanconf.py", preview)
    run("publishconf.py", live)
    assert run("pelicanconf.py", preview) == (0, pages(preview))
    assert run("publishconf.py", live) == (0, pages(live))
    assert len(list(cache.glob("buildspeed-pages-*.sqlite"))) == 2
    # How a build runs (processes, caches) is not what it gives: same stores.
    assert run("publishconf.py", live, {"BUILDSPEED_WORKERS": 1, "RELATED_WORKERS": 1, "SEARCH_WORKERS": 1,
                                        "RELATED_BACKGROUND": False,
                                        "BUILDSPEED_PAUSE_GC": False, "BUILDSPEED_FAST_EXIT": False}) == (0, pages(live))
    assert len(list(cache.glob("buildspeed-*.sqlite"))) == 4  # a reader cache and a store each

    run("publishconf.py", preview)  # the preview folder now holds live pages
    written, skipped = run("pelicanconf.py", preview)
    assert written >= pages(preview) and skipped == 0
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    build(content, fresh, "pelicanconf.py",
          settings={"CACHE_PATH": str(tmp_path / "fresh-cache"), "BUILDSPEED_RENDER_SKIP": False})
    a, b = files(preview), files(fresh)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_slugs_are_kept_across_builds_and_a_bad_file_is_ignored(tmp_path):
    from buildspeed.buildspeed import _SlugMemo

    pelican = SimpleNamespace(settings={"CACHE_PATH": str(tmp_path)})
    made = []

    def make(text):
        return lambda: made.append(text) or text.lower()

    memo = _SlugMemo()
    memo.load(pelican)
    key = ("Đảng bộ", (("[^\\w\\s-]", ""),), False, False)
    assert memo.get(key, make("A")) == "a" and memo.get(key, make("B")) == "a"
    memo.save(pelican)
    later = _SlugMemo()
    later.load(pelican)
    assert later.get(key, make("C")) == "a" and made == ["A"]  # from the file
    later.save(pelican)  # only what this build used is kept
    other = ("Dân vận", (), False, False)
    third = _SlugMemo()
    third.load(pelican)
    third.get(other, make("D"))
    third.save(pelican)
    fourth = _SlugMemo()
    fourth.load(pelican)
    assert set(fourth.known) == {other}
    Path(_SlugMemo.path(pelican.settings)).write_bytes(b"not marshal")
    broken = _SlugMemo()
    broken.load(pelican)
    assert broken.known == {} and broken.get(key, make("E")) == "e"


def test_cycle_collector_is_paused_for_a_build_and_resumed():
    import gc
    import weakref

    from buildspeed.buildspeed import _pause_gc, _resume_gc, _state

    class Cycle:
        pass

    assert gc.isenabled()
    try:
        _pause_gc({"BUILDSPEED_PAUSE_GC": False})
        assert gc.isenabled()
        _pause_gc({})
        assert not gc.isenabled()
        _pause_gc({})  # the next run after one that failed before finalized
        assert not gc.isenabled()
        left = Cycle()
        left.me = left  # garbage the build leaves, only a collection frees
        ref = weakref.ref(left)
        del left
        _resume_gc()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        gc.collect()
        assert ref() is not None  # frozen with the build's objects: not scanned at its end
        _pause_gc({})  # the next build in this process collects it
        assert ref() is None and gc.get_freeze_count() == 0 and not gc.isenabled()
        _resume_gc()
        assert gc.isenabled()
        gc.unfreeze()
        _state["gc_frozen"] = False
        gc.disable()  # paused by someone else: left to them
        _pause_gc({})
        _resume_gc()
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        _state.update(gc_frozen=False, gc_paused=False)
        gc.enable()


def test_page_store_numbers_reads_and_renumbers_when_pages_go(tmp_path, monkeypatch):
    import marshal
    import zlib
    from array import array

    from buildspeed.renderskip import PageStore, pack

    def reads(name, n):
        key = ("C", "Article", f"/content/{name}.md")
        return {("a", key, f"attr{i}"): f"={name}{i}" for i in range(n)}

    def stored(store, path):
        raw, digest, written = marshal.loads(zlib.decompress(store.rows[path]))
        ids = array("I")
        ids.frombytes(raw)
        return [store.table[i] for i in ids], digest, written

    monkeypatch.setattr(PageStore, "SLACK", 0)
    a, b, c = reads("a", 100), reads("b", 5), reads("c", 250)
    first = PageStore(str(tmp_path), "fp")
    first.load()
    first.save({"a.html": first.encode(pack(a)[0], "bytes-a"), "b.html": first.encode(pack(b)[0], "bytes-b")},
               keep={"a.html", "b.html"})
    second = PageStore(str(tmp_path), "fp")
    second.load()
    assert len(second.table) == 105
    assert stored(second, "b.html") == (list(b), pack(b)[1], "bytes-b")
    # a.html is gone, c.html is new: 355 reads, 255 used, more than twice 105
    second.save({"c.html": second.encode(pack(c)[0], "bytes-c")}, keep={"b.html", "c.html"})
    third = PageStore(str(tmp_path), "fp")
    third.load()
    assert len(third.table) == 255 and set(third.rows) == {"b.html", "c.html"}
    assert stored(third, "b.html") == (list(b), pack(b)[1], "bytes-b")
    assert stored(third, "c.html") == (list(c), pack(c)[1], "bytes-c")


def test_stale_reader_caches_of_other_fingerprints_are_removed(tmp_path):
    import time

    from buildspeed.readcache import STALE_DAYS, prune

    old = time.time() - (STALE_DAYS + 1) * 86400
    names = {
        "buildspeed-0123456789abcdef.sqlite": old,  # another fingerprint, stale: goes
        "buildspeed-0123456789abcdef.sqlite-wal": old,  # and its journal
        "buildspeed-fedcba9876543210.sqlite": time.time(),  # another one, recent: stays
        "buildspeed-aaaaaaaaaaaaaaaa.sqlite": old,  # the current one: stays
        "buildspeed-slugs-4.0-1.0.marshal": old,  # older versions' slugs: go
        "buildspeed-pages-0123456789abcdef.sqlite": old,  # render-skip store, stale: goes
        "buildspeed-pages-fedcba9876543210.sqlite": time.time(),  # recent: stays
        "related-0123456789abcdef.sqlite": old,  # another plugin's
        "notes.txt": old,
    }
    for name, mtime in names.items():
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (mtime, mtime))
    prune(str(tmp_path), keep={"buildspeed-aaaaaaaaaaaaaaaa.sqlite"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        set(names) - {"buildspeed-0123456789abcdef.sqlite", "buildspeed-0123456789abcdef.sqlite-wal",
                      "buildspeed-slugs-4.0-1.0.marshal", "buildspeed-pages-0123456789abcdef.sqlite"})


def test_pelicans_content_cache_stats_nothing_when_off_and_works_when_on(tmp_path):
    from pelican.cache import FileStampDataCacher

    from buildspeed.buildspeed import _install_no_stamps_without_cache

    _install_no_stamps_without_cache()
    settings = {"CACHE_PATH": str(tmp_path), "GZIP_CACHE": False, "CHECK_MODIFIED_METHOD": "mtime"}
    source = tmp_path / "bai.md"
    source.write_text("Title: Bài\n\nNội dung.\n", encoding="utf-8")
    stamps = []

    def stamp(name):
        stamps.append(name)
        return os.path.getmtime(name)

    off = FileStampDataCacher(settings, "off", False, False)
    off._filestamp_func = stamp
    assert off.get_cached_data(str(source), "mặc định") == "mặc định"
    off.cache_data(str(source), "dữ liệu")
    assert off.get_cached_data(str(source), "mặc định") == "mặc định"
    assert stamps == []
    on = FileStampDataCacher(settings, "on", True, False)
    on._filestamp_func = stamp
    on.cache_data(str(source), "dữ liệu")
    assert on.get_cached_data(str(source), "mặc định") == "dữ liệu"
    os.utime(source, (1, 1))  # the file changed: the cached data is stale
    assert on.get_cached_data(str(source), "mặc định") == "mặc định"
    assert len(stamps) == 3


def test_the_pelican_command_leaves_fast_after_a_build_and_keeps_a_failures_status(tmp_path):
    """A finished build ends the process without freeing the site object by
    object; the output is complete and the status 0. A failed build keeps its
    status (and its normal way out). Pelican run inside another program (this
    test runner) never ends that program."""
    content = generate(tmp_path / "content", 12, seed=3)
    ok = build(content, tmp_path / "out", settings={"CACHE_PATH": str(tmp_path / "cache")}, args=("-D",))
    assert "leaving without freeing its objects" in ok.stdout + ok.stderr
    assert "Done: Processed 12 articles" in ok.stdout + ok.stderr  # printed before leaving
    assert (tmp_path / "out" / "index.html").is_file() and (tmp_path / "out" / "feeds" / "all.atom.xml").is_file()
    off = build(content, tmp_path / "out", settings={"CACHE_PATH": str(tmp_path / "cache"),
                                                    "BUILDSPEED_FAST_EXIT": False}, args=("-D",))
    assert "leaving without freeing" not in off.stdout + off.stderr
    first = sorted(content.rglob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("Title:", "Related: khong-co-bai-nay\nTitle:", 1),
                     encoding="utf-8")
    failed = build(content, tmp_path / "out", settings={"CACHE_PATH": str(tmp_path / "cache")}, check=False,
                   args=("-D",))
    assert failed.returncode == 1
    assert "leaving without freeing" not in failed.stdout + failed.stderr
    # A failure after the build finished (a plugin's `finalized` handler after ours): status 1.
    first.write_text(first.read_text(encoding="utf-8").replace("Related: khong-co-bai-nay\n", "", 1),
                     encoding="utf-8")
    (tmp_path / "late_failure.py").write_text(
        "from pelican import signals\n\n\ndef fail(_pelican):\n    raise RuntimeError('hỏng sau khi dựng xong')\n"
        "\n\ndef register():\n    signals.finalized.connect(fail)\n", encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *  # noqa: F403\n"
                    f"PLUGIN_PATHS = [*PLUGIN_PATHS, {str(tmp_path)!r}]\nPLUGINS = [*PLUGINS, 'late_failure']\n",
                    encoding="utf-8")
    late = build(content, tmp_path / "out", str(conf), settings={"CACHE_PATH": str(tmp_path / "cache")},
                 check=False, args=("-D",))
    assert late.returncode == 1 and "hỏng sau khi dựng xong" in late.stdout + late.stderr
    assert "leaving without freeing" not in late.stdout + late.stderr

    from buildspeed.buildspeed import _FastExit

    inside = _FastExit()
    inside.arm(SimpleNamespace(settings={}))
    assert not inside.armed  # __main__ is pytest here


def test_one_markdown_instance_reads_each_file_as_a_new_one_would(tmp_path):
    """The reader keeps one Markdown instance and resets it between files:
    nothing of a file (abbreviations, footnotes, heading ids, metadata
    parsing switched off for its summary) reaches the next one."""
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    from buildspeed.readcache import _OneMarkdownReader

    texts = [
        "Title: Bài một\nSummary: Tóm tắt *có nhấn mạnh* của UBND.\n\n## Kết quả\n\n"
        "UBND tỉnh ghi nhận.[^1]\n\n[^1]: Chú thích một.\n\n*[UBND]: Ủy ban nhân dân\n",
        "Title: Bài hai\nSummary: Title: không phải siêu dữ liệu\nTags: Dân vận khéo\n\n## Kết quả\n\n"
        "UBND xã báo cáo.[^1]\n\n[^1]: Chú thích hai.\n",
        "Title: Bài ba\nDate: 2025-03-02\n\n## Kết quả\n\nKhông có chú thích.\n",
    ]
    paths = []
    for i, text in enumerate(texts):
        paths.append(tmp_path / f"bai-{i}.md")
        paths[-1].write_text(text, encoding="utf-8")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    fresh = [MarkdownReader(settings).read(str(p)) for p in paths]
    assert "<abbr" in fresh[0][0] and "<abbr" not in fresh[1][0]

    kept = _OneMarkdownReader(settings)
    got, instances = [], set()
    for p in paths:
        got.append(kept.read(str(p)))
        instances.add(id(kept._md))
    assert len(instances) == 1  # one instance read them all
    for (content, metadata), (want_content, want_metadata) in zip(got, fresh, strict=True):
        assert content == want_content
        assert {k: str(v) for k, v in metadata.items()} == {k: str(v) for k, v in want_metadata.items()}
    assert str(got[2][1]["title"]) == "Bài ba"  # metadata read again after a summary


def test_the_writer_waits_for_the_seeding_and_not_for_a_dead_seeder(tmp_path, monkeypatch):
    monkeypatch.delenv(SEEDING_ENV, raising=False)
    assert wait_for_seed() == 0.0  # not publishing: no wait
    flag = tmp_path / ".seeding-1"
    flag.write_text(str(os.getpid()), encoding="ascii")
    monkeypatch.setenv(SEEDING_ENV, str(flag))
    timer = threading.Timer(0.3, flag.unlink)
    timer.start()
    try:
        assert wait_for_seed() >= 0.25  # until the seeder removes the file
    finally:
        timer.cancel()
    assert wait_for_seed() < 0.1  # already gone

    gone = subprocess.Popen(["true"])
    gone.wait()
    flag.write_text(str(gone.pid), encoding="ascii")
    with pytest.raises(RuntimeError, match="is gone"):
        wait_for_seed()


def test_relative_source_path_shortcut_agrees_with_relpath():
    from buildspeed.buildspeed import _below

    bases = ["/site/content", "/site/content/", "/site/./content", "/", "content", "/site/nội dung"]
    paths = ["/site/content/tin/bai.md", "/site/content/tin/../bai.md", "/site/content//tin/bai.md",
             "/site/content/.an/bai.md", "/site/content", "/site/content/", "/site/contents/bai.md",
             "/site/other/bai.md", "tin/bai.md", "/site/content/tin/./bai.md", "/site/nội dung/tin/bài.md"]
    shortcut = 0
    for base in bases:
        for path in paths:
            got = _below(base, path)
            if got is not None:
                shortcut += 1
                assert got == os.path.relpath(os.path.abspath(os.path.join(base, path)), os.path.abspath(base)), \
                    (base, path)
    assert shortcut == 2  # the plain paths below a plain base; the rest go to relpath
    assert _below(None, "/x/y") is None


def test_a_list_of_articles_is_valued_by_which_articles_in_which_order():
    from pelican.contents import Article, Page

    from buildspeed.renderskip import Keys

    def content(cls, path):
        obj = object.__new__(cls)
        obj.source_path = path
        return obj

    a, b, c = (content(Article, f"/c/{n}.md") for n in "abc")
    keys = Keys({})
    value = keys.value
    assert value([a, b, c]) == value([a, b, c]) != value([a, c, b])
    assert value([a, b]) != value([a, b, c]) and value([a, b]) != value((a, b))
    assert value([a, b]) != value([a, content(Article, "/c/b2.md")])
    assert value([content(Page, "/c/a.md")]) != value([a])  # a page is not the article of the same file
    mixed = value([a, "chữ"])  # not only articles: item by item, as any list
    assert mixed == ("L", (("o", "C", "Article", "/c/a.md"), "chữ"))
    assert value([]) == ("L", ())


def test_values_are_told_apart_by_kind_and_subclasses_take_their_parents_kind():
    from jinja2 import Undefined
    from markupsafe import Markup
    from pelican.contents import Article
    from pelican.urlwrappers import Category
    from pelican.utils import SafeDatetime

    from buildspeed.renderskip import Keys, Unknown

    class Title(Markup):
        pass

    class Name(str):
        pass

    class Count(int):
        pass

    class Tags(list):
        pass

    article = object.__new__(Article)
    article.source_path = "/c/a.md"
    keys = Keys({})
    value = keys.value
    long = "chữ " * 40
    assert [value(v) for v in (None, True, 0, 1.5, "chữ")] == [None, True, 0, 1.5, "chữ"]
    assert value(long)[0] == "h" and value(long) != value(long + ".")
    assert value(Markup("<b>chữ</b>")) == value(Title("<b>chữ</b>")) == ("m", "<b>chữ</b>") != value("<b>chữ</b>")
    assert value(Name("chữ")) == ("s", "Name", "chữ")
    assert value(article) == ("o", "C", "Article", "/c/a.md")
    assert value(Category("Tin hoạt động", {})) == ("o", "W", "Category", "Tin hoạt động")
    when = dt.datetime(2023, 2, 2, 8, 5)
    assert value(SafeDatetime(2023, 2, 2, 8, 5))[2:] == value(when)[2:] == ("2023-02-02T08:05:00", "None")
    assert value(Tags([article])) == value([article]) and value((1,)) != value([1])
    assert value({"b": 1, "a": [2]}) == value({"a": [2], "b": 1})
    assert value(Undefined()) == ("u",) and value(b"x") == ("b", value(b"x")[1])
    assert value(test_values_are_told_apart_by_kind_and_subclasses_take_their_parents_kind)[0] == "f"  # code
    for unknown in (Count(3), object(), bytearray(b"x")):
        with pytest.raises(Unknown):
            value(unknown)


def test_recording_a_page_touches_no_folder_and_gives_pelican_its_os_back(tmp_path):
    from pelican import writers
    from pelican.writers import FileOverwriteFailedError

    from buildspeed.writer import FastWriter

    class Template:
        name = "article.html"

    writer = FastWriter(str(tmp_path / "out"), settings={"BUILDSPEED_WORKERS": 1})
    writer.write_file("tin/moi/bai.html", Template(), {"SITEURL": ""}, relative_urls=False)
    assert not (tmp_path / "out").exists()  # recorded: its folder is made when it is written
    assert list(writer._jobs) == [str(tmp_path / "out" / "tin" / "moi" / "bai.html")]
    with pytest.raises(FileOverwriteFailedError):  # the same page twice, as Pelican refuses it
        writer.write_file("tin/moi/bai.html", Template(), {"SITEURL": ""}, relative_urls=False)
    assert writers.os is os


def test_plain_date_formats_take_datetimes_strftime_and_give_pelicans_text():
    from zoneinfo import ZoneInfo

    from pelican import utils

    from buildspeed.buildspeed import _install_plain_strftime, _plain_format

    _install_plain_strftime()  # as register() does (a second call changes nothing)
    _install_plain_strftime()
    assert utils.SafeDatetime.strftime._buildspeed
    formats = ["%d/%m/%Y", "%Y-%m-%dT%H:%M:%S%z", "Ngày %d tháng %m năm %Y, %H giờ %M", "%a %A %b %B %j %U %w %y %%",
               "%G-W%V-%u %f %Z", "%-d/%-m/%Y", "%e %k", "100%", "%d %q", "", "%%d", "%d%%%m"]
    dates = [utils.SafeDatetime(2023, 2, 2, 8, 5, 9, 1234, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
             utils.SafeDatetime(2026, 11, 25, 0, 0), utils.SafeDatetime(1999, 12, 31, 23, 59, 59)]
    for fmt in formats:
        for date in dates:
            try:
                expected = utils.strftime(date, fmt)  # Pelican's own function
            except (ValueError, TypeError) as exc:
                with pytest.raises(type(exc)):
                    date.strftime(fmt)
                continue
            assert date.strftime(fmt) == expected, (fmt, date)
        assert utils.SafeDatetime(2023, 2, 2).strftime(fmt, safe=False) == dt.datetime(2023, 2, 2).strftime(fmt)
    assert [f for f in formats if _plain_format(f)] == [
        "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S%z", "Ngày %d tháng %m năm %Y, %H giờ %M", "%a %A %b %B %j %U %w %y %%",
        "%G-W%V-%u %f %Z", "", "%%d", "%d%%%m"]


def test_the_fingerprint_is_the_same_however_pelican_was_started():
    """The `pelican` command imports pelican.__main__, `python -m pelican`
    (make publish) runs it as __main__, a program calling Pelican.run never
    loads it: the three share the render-skip store."""
    import importlib

    from buildspeed.renderskip import fingerprint

    settings = {"PLUGIN_PATHS": [str(ROOT / "plugins")], "SITENAME": "Cổng thông tin"}
    saved = sys.modules.pop("pelican.__main__", None)
    try:
        without = fingerprint(settings, [])
        importlib.import_module("pelican.__main__")
        assert fingerprint(settings, []) == without
        assert fingerprint({**settings, "SITENAME": "Cổng khác"}, []) != without  # settings still count
    finally:
        if saved is not None:
            sys.modules["pelican.__main__"] = saved


def test_how_a_build_runs_changes_no_fingerprint():
    """Where the caches are and how much Pelican logs (``DEBUG``, set by the
    `pelican` command) change neither the reader cache's fingerprint nor the
    render skip's; a setting of what is built changes both."""
    from buildspeed import readcache
    from buildspeed.renderskip import fingerprint

    settings = {"PLUGIN_PATHS": [str(ROOT / "plugins")], "SITENAME": "Cổng thông tin", "CACHE_PATH": "cache"}
    same = [settings, {**settings, "DEBUG": True}, {**settings, "DEBUG": False, "CACHE_PATH": "/tmp/cache"}]
    assert len({fingerprint(s, []) for s in same}) == 1
    reader = object()  # the reader's class counts too: the same here
    assert len({readcache.fingerprint(s, reader) for s in same}) == 1
    other = {**settings, "SITENAME": "Cổng khác"}
    assert fingerprint(other, []) != fingerprint(settings, [])
    assert readcache.fingerprint(other, reader) != readcache.fingerprint(settings, reader)


def test_writing_is_logged_for_the_files_written_and_only_those(tmp_path):
    """Pelican's `Writing "…"` line (-v) names each file the build writes, page
    or feed, and no file it leaves alone: a rebuild with nothing changed logs none."""
    content = generate(tmp_path / "content", 12, seed=5)
    out, cache = tmp_path / "out", tmp_path / "cache"
    writing = re.compile(r'Writing "([^"]+)"')
    for expect_all in (True, False):
        proc = build(content, out, settings={"CACHE_PATH": str(cache)}, verbose=True)
        log = proc.stdout + proc.stderr
        written = int(SKIPPED.search(log).group(1))
        named = writing.findall(log)
        assert len(named) == len(set(named)) == written
        assert all(Path(p).is_file() and Path(p).is_relative_to(out) for p in named)
        if expect_all:
            assert written > 40 and any(p.endswith(".xml") for p in named)  # pages and feeds
        else:
            assert named == []


def test_cached_files_share_one_category_tag_and_author_per_name(tmp_path):
    """From the reader cache, the articles of a build share one Category, Tag
    and Author object per name (made once, slugified once), whether a file
    was read ahead by the workers, read in this process, or loaded from the
    cache; and Pelican sorts them into its categories and tags as before."""
    from pelican.settings import read_settings

    from buildspeed import readcache

    content = tmp_path / "content"
    content.mkdir()

    def article(i):
        category = "Tin hoạt động" if i % 2 else "Dân vận khéo"
        tag = "chuyển đổi số" if i % 3 else "nông thôn mới"
        return write(content / f"bai-{i}.md", f"Title: Bài số {i}\nDate: 2025-01-{i % 28 + 1:02d}\n"
                     f"Category: {category}\nTags: Đảng bộ, {tag}\nAuthors: Thanh Hà\n\nNội dung {i}.\n")

    for i in range(40):  # more than 32 missing files: read ahead by forked workers
        article(i)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), "BUILDSPEED_WORKERS": 2})

    def articles():
        context = {**settings, "static_links": set(), "static_content": {}, "generated_content": {}}  # as Pelican.run
        generator = ArticlesGenerator(context=context, settings=settings, path=str(content),
                                      theme=settings["THEME"], output_path=str(tmp_path / "out"))
        readcache.install(generator)
        generator.generate_context()
        readcache.finish(SimpleNamespace(settings=settings))
        return generator

    def distinct(gen):
        found = {}
        for a in gen.articles:
            for w in [a.category, *a.tags, *a.authors]:
                found.setdefault((type(w).__name__, w.name), set()).add(id(w))
        return found

    for step in ("cold", "warm", "two new files"):  # the last two read in this process
        if step == "two new files":
            article(40), article(41)
        gen = articles()
        found = distinct(gen)
        assert len(gen.articles) == (42 if step == "two new files" else 40)
        assert {k: len(v) for k, v in found.items()} == dict.fromkeys(found, 1), step
        assert set(found) == {("Category", "Tin hoạt động"), ("Category", "Dân vận khéo"), ("Tag", "Đảng bộ"),
                              ("Tag", "chuyển đổi số"), ("Tag", "nông thôn mới"), ("Author", "Thanh Hà")}
        assert sorted((c.name, len(arts)) for c, arts in gen.categories) == [
            ("Dân vận khéo", len(gen.articles) // 2), ("Tin hoạt động", len(gen.articles) // 2)]


def test_a_forked_child_can_log_while_the_spinner_holds_the_console():
    """Pelican logs through rich, and its status spinner's thread takes the
    console's lock ~12 times a second. A child forked while the lock was
    held waited for it forever the first time it logged (one warning in a
    render worker would hang the build); with the fork hook (installed by
    the plugin's register()) it logs to a console of its own."""
    import io
    import logging
    import time

    from rich.console import Console
    from rich.file_proxy import FileProxy
    from rich.logging import RichHandler

    from buildspeed.forked import fresh_consoles_in_children

    fresh_consoles_in_children()
    out, printed = io.StringIO(), io.StringIO()
    console = Console(file=out, width=200)
    handler = RichHandler(console=console)
    logging.root.addHandler(handler)
    stdout, sys.stdout = sys.stdout, FileProxy(console, printed)  # as the spinner redirects it
    held, release = threading.Event(), threading.Event()

    def spinner():
        with console._lock:  # as rich's refresh thread does while it draws
            held.set()
            release.wait()

    thread = threading.Thread(target=spinner)
    thread.start()
    try:
        held.wait()
        pid = os.fork()
        if pid == 0:
            logging.getLogger("pelican.contents").warning("Unable to find 'bai-cu.md', skipping url replacement.")
            print("in sys.stdout", flush=True)
            os._exit(0 if "bai-cu.md" in handler.console.file.getvalue() and printed.getvalue() else 3)
    finally:
        sys.stdout = stdout
        release.set()
        thread.join()
        logging.root.removeHandler(handler)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError("the child hung on the console's lock")
    assert os.waitstatus_to_exitcode(status) == 0  # it logged, to its own console
    assert out.getvalue() == printed.getvalue() == ""  # nothing reached the parent's


def test_a_file_the_reader_cannot_read_is_reported_by_name_when_read_ahead(corpus, tmp_path):
    """More than 32 new files (a first build) are read ahead by forked
    workers. One the reader cannot read (a date that is not a date) stopped
    the whole build there, with the bare exception and no file named; now the
    build goes on, the content check names the file, line and field, and the
    file is left out."""
    import shutil

    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(corpus, content)
    write(content / "tin-hoat-dong" / "bai-ngay-sai.md",
          "Title: Bài ngày sai\nDate: ngày mai\nCategory: Tin hoạt động\n\nNội dung bài.\n")
    proc = build(content, out, "pelicanconf.py", check=False,
                 settings={"CACHE_PATH": str(tmp_path / "cache"), "BUILDSPEED_WORKERS": 2})
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "is not a valid date" not in log
    assert re.search(r"bai-ngay-sai\.md:2: ngày đăng «ngày mai»", log), log[-3000:]
    assert not list(out.rglob("bai-ngay-sai*"))
    built = {p.stem for p in out.rglob("*.html")}
    articles = {p.stem for p in corpus.rglob("*.md") if "pages" not in p.parts}
    assert len(articles) == 120 and articles <= built  # every other article is there


KILLER = '''"""Test plugin: SIGKILL the first worker that reads or renders a file."""
import os
import signal
from pathlib import Path

from buildspeed import readcache, writer

MARKS = Path(os.environ["BUILDSPEED_TEST_MARKS"])
MAIN = os.getpid()


def _die_once(name):
    mark = MARKS / name
    if os.getpid() != MAIN and not mark.exists():
        mark.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)


_read, _render = readcache._read_in_worker, writer.FastWriter._render


def read_or_die(path):
    _die_once("read")
    return _read(path)


def render_or_die(self, path, job):
    if path.endswith("index.html") and os.getpid() != MAIN:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(f"{path}.{os.getpid()}.tmp").write_bytes(b"half written")  # as write_if_changed names it
        _die_once("render")
    return _render(self, path, job)


readcache._read_in_worker = read_or_die
writer.FastWriter._render = render_or_die


def register():
    pass
'''


def test_a_worker_that_dies_does_not_hang_the_build(corpus, tmp_path, monkeypatch):
    """A worker process killed mid-build (the out-of-memory killer, a crash):
    multiprocessing.Pool waited for its task forever, so a scheduled
    `make publish` hung holding the release lock. Now the build logs it, does
    the rest in its own process, leaves no half-written file, and gives the
    bytes of a serial build."""
    (tmp_path / "plugin" / "killer.py").parent.mkdir()
    (tmp_path / "plugin" / "killer.py").write_text(KILLER, encoding="utf-8")
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("BUILDSPEED_TEST_MARKS", str(marks))
    conf = tmp_path / "conf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *  # noqa: F403\n"
                    f"PLUGIN_PATHS = [*PLUGIN_PATHS, {str(tmp_path / 'plugin')!r}]\nPLUGINS = [*PLUGINS, 'killer']\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    proc = build(corpus, out, str(conf), check=False,
                 settings={"CACHE_PATH": str(tmp_path / "cache"), "BUILDSPEED_WORKERS": 2})
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert sorted(p.name for p in marks.iterdir()) == ["read", "render"]  # a worker of each pool was killed
    assert "a worker process reading files died" in log and "a render worker died" in log
    assert not [p for p in out.rglob("*.tmp")]
    serial = tmp_path / "serial"
    build(corpus, serial, settings={"BUILDSPEED_WORKERS": 1, "RELATED_WORKERS": 1, "RELATED_BACKGROUND": False,
                                    "CACHE_PATH": str(tmp_path / "c2")})
    a, b = files(serial), files(out)
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []


def test_a_damaged_cache_file_is_made_again(corpus, tmp_path):
    """Cache files that are not databases (a disk that filled up, a copy cut
    short): buildspeed's two failed every build with SQLite's bare "file is
    not a database", the editorial and related ones were skipped, with a
    warning, at every build. Now each is made again, once, with a warning
    naming it, and the site comes out the same."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    settings = {"CACHE_PATH": str(cache)}
    build(corpus, out, settings=settings)
    first = files(out)
    damaged = sorted(cache.glob("*.sqlite"))
    assert sorted(p.name.split("-")[1] if p.name.startswith("buildspeed-pages") else p.name.split("-")[0]
                  for p in damaged) == ["buildspeed", "editorial", "pages", "related"]
    for p in damaged:
        p.write_bytes(b"not a database " * 100)
        for suffix in ("-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    proc = build(corpus, out, settings=settings, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert [p.name for p in damaged if f"cache {p} was damaged" not in log] == []
    assert files(out) == first
    again = build(corpus, out, settings=settings)
    assert "damaged" not in again.stdout + again.stderr and "unusable" not in again.stdout + again.stderr


def test_a_build_waits_for_another_that_is_writing_the_cache(tmp_path):
    """Two builds share `cache/` (`make devserver` rebuilding while `make
    publish` runs). One that held the reader cache's write lock for more than
    SQLite's default 5 s (a cold build's write on a slow disk) made the other
    fail with a bare "database is locked"; now it waits."""
    import shutil
    import time

    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(content, out, "pelicanconf.py", settings={"CACHE_PATH": str(cache)})
    write(content / "tin-hoat-dong" / "bai-moi-khi-khoa.md",
          "Title: Bài mới khi bộ nhớ đệm đang khóa\nDate: 2025-05-05 08:00\nCategory: Tin hoạt động\n\nNội dung.\n")
    (db,) = (p for p in cache.glob("buildspeed-*.sqlite") if "-pages-" not in p.name)
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the other build, writing
    release = threading.Timer(7, other.execute, ("ROLLBACK",))
    release.start()
    try:
        started = time.monotonic()
        proc = build(content, out, "pelicanconf.py", settings={"CACHE_PATH": str(cache)}, check=False)
    finally:
        release.join()
        other.close()
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert time.monotonic() - started > 6  # it did wait for the lock
    assert list(out.rglob("bai-moi-khi-bo-nho-dem-dang-khoa.html"))
