"""The checker's per-file cache: the same report as without it, and no stale fact."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from editorial import cache, checks
from editorial.checks import check_folder, find_documents, load_settings
from tests.sitebuild import ROOT, write

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 24, 16, 30, tzinfo=TZ)
HEAD = "Title: {title}\nDate: 2024-01-02 08:00\nCategory: Dân vận khéo\n"


def settings_for(content: Path, cache_path: Path, **extra) -> dict:
    settings = load_settings(ROOT / "pelicanconf.py", content)
    settings.update(CACHE_PATH=str(cache_path), **extra)
    return settings


def everything(report) -> tuple[list, list]:
    """All a report says: its problems and what it learnt about each file."""
    problems = [(str(p.path), p.line, p.code, p.message, p.fix, p.detail) for p in report.problems]
    docs = [(d.file, d.rel, d.kind, d.slug, d.date, d.category, d.save_as, d.archives, d.refs, d.body_offset,
             {key: (f.name, f.value, f.line) for key, f in d.fields.items()}) for d in report.documents]
    return problems, docs


class Spy:
    """Counts the files examined (checked from their bytes) and read (hashed)."""

    def __init__(self, monkeypatch):
        self.examined: list[str] = []
        self.hashed = 0
        examine, close = checks._examine, cache.FileCache.close

        def counting_examine(doc, *args, **kwargs):
            self.examined.append(doc.rel)
            return examine(doc, *args, **kwargs)

        def counting_close(store, *args, **kwargs):
            self.hashed += store.hashed
            return close(store, *args, **kwargs)

        monkeypatch.setattr(checks, "_examine", counting_examine)
        monkeypatch.setattr(cache.FileCache, "close", counting_close)

    def reset(self):
        self.examined, self.hashed = [], 0


@pytest.mark.parametrize("folder", ["tests/broken", "content"])
def test_cached_report_is_the_uncached_report(folder, tmp_path, monkeypatch):
    """Every fault of the broken corpus, and the sample portal's links and images."""
    monkeypatch.setattr(cache, "RACY_NS", 0)  # files are old enough to trust their stat()
    spy = Spy(monkeypatch)
    content = ROOT / folder
    plain = everything(check_folder(content, settings_for(content, tmp_path, EDITORIAL_CACHE=False), NOW))
    assert not list(tmp_path.iterdir())
    settings = settings_for(content, tmp_path)
    spy.reset()
    assert everything(check_folder(content, settings, NOW)) == plain  # fills the cache
    files = len(find_documents(content.resolve(), settings))
    assert len(spy.examined) == files
    spy.reset()
    assert everything(check_folder(content, settings, NOW)) == plain  # from the cache
    assert spy.examined == [] and spy.hashed == 0


def test_what_depends_on_the_time_is_decided_at_each_check(tmp_path):
    """A future date, a hint with today's date, and a dateless draft's address."""
    content = tmp_path / "content"
    files = {
        "a/tuong-lai.md": "Title: Tương lai\nDate: 2030-06-01 08:00\nCategory: Dân vận khéo\n\nBài.\n",
        "a/ngay-sai.md": "Title: Ngày sai\nDate: hôm qua\nCategory: Dân vận khéo\n\nBài.\n",
        "a/nhap.md": "Title: Nháp\nCategory: Dân vận khéo\nStatus: draft\n\nChưa có ngày.\n",
        # The draft is written at nhap-<this year>.html: the link holds in 2029 only.
        "a/lien-ket.md": HEAD.format(title="Liên kết") + "\n[nháp](nhap-2029.html)\n",
    }
    for rel, text in files.items():
        write(content / rel, text)
    extra = {"ARTICLE_SAVE_AS": "{slug}-{date:%Y}.html"}
    for year in (2029, 2031, 2029):
        now = dt.datetime(year, 1, 1, 9, 15, tzinfo=TZ)
        plain = everything(check_folder(content, settings_for(content, tmp_path, EDITORIAL_CACHE=False, **extra), now))
        cached = everything(check_folder(content, settings_for(content, tmp_path, **extra), now))
        assert cached == plain
        lines = [f"{Path(p[0]).name}:{p[2]}:{p[4]}" for p in cached[0]]
        assert f"ngay-sai.md:date-invalid:viết «Date: {year}-01-01 09:15» (giờ Việt Nam)" in lines
        assert any(line.startswith("tuong-lai.md:date-future") for line in lines) == (year < 2030)
        assert any(line.startswith("lien-ket.md:link-broken") for line in lines) == (year != 2029)
        assert ("a/nhap.md", f"nhap-{year}.html") in [(d[1], d[6]) for d in cached[1]]


def test_an_edit_is_seen_with_the_same_size_and_mtime(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    spy = Spy(monkeypatch)
    content = tmp_path / "content"
    path = write(content / "a" / "mot.md", HEAD.format(title="Mot") + "\nBài.\n")
    write(content / "a" / "hai.md", HEAD.format(title="Hai") + "\nBài.\n")
    settings = settings_for(content, tmp_path / "cache")
    assert check_folder(content, settings, NOW).problems == []
    before = os.stat(path)
    path.write_text(HEAD.format(title="Hai") + "\nBài.\n", encoding="utf-8")  # same length: now a duplicate
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime (ctime changes anyway)
    spy.reset()
    problems = check_folder(content, settings, NOW).problems
    assert spy.examined == ["a/mot.md"]
    assert [(p.path.name, p.code) for p in problems] == [("mot.md", "slug-duplicate")]


def test_a_touched_file_is_read_not_checked_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    spy = Spy(monkeypatch)
    content = tmp_path / "content"
    path = write(content / "a" / "mot.md", HEAD.format(title="Một") + "\nBài.\n")
    settings = settings_for(content, tmp_path / "cache")
    check_folder(content, settings, NOW)
    os.utime(path, ns=(1, 1))
    spy.reset()
    check_folder(content, settings, NOW)
    assert spy.examined == [] and spy.hashed == 1
    spy.reset()
    check_folder(content, settings, NOW)  # its new stat() was recorded
    assert spy.examined == [] and spy.hashed == 0


def test_a_file_changed_just_now_is_compared_by_its_bytes(tmp_path, monkeypatch):
    """Saved twice within one timestamp tick, a file could keep its stat(): "racy"."""
    spy = Spy(monkeypatch)
    content = tmp_path / "content"
    write(content / "a" / "mot.md", HEAD.format(title="Một") + "\nBài.\n")
    settings = settings_for(content, tmp_path / "cache")
    check_folder(content, settings, NOW)
    spy.reset()
    check_folder(content, settings, NOW)
    assert spy.examined == [] and spy.hashed == 1


def test_the_cache_follows_the_settings_the_checks_read(tmp_path):
    content = tmp_path / "content"
    write(content / "a" / "mot.md", HEAD.format(title="Một") + "\nBài.\n")
    settings = settings_for(content, tmp_path / "cache")
    assert check_folder(content, settings, NOW).problems == []
    settings["PORTAL_CATEGORIES"] = ["Tin hoạt động"]
    assert [p.code for p in check_folder(content, settings, NOW).problems] == ["category-unknown"]
    assert len(list((tmp_path / "cache").glob("editorial-*.sqlite"))) == 2


class Recording(dict):
    """Settings that remember which keys were read."""

    def __init__(self, *args):
        super().__init__(*args)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


@pytest.mark.parametrize("folder", ["tests/broken", "content"])
def test_the_fingerprint_covers_every_setting_a_file_check_reads(folder, monkeypatch):
    monkeypatch.setattr(checks, "_SLUGS", {})
    content = (ROOT / folder).resolve()
    settings = Recording(load_settings(ROOT / "pelicanconf.py", content))
    for doc in find_documents(content, dict(settings)):
        checks._examine(doc, settings)
    assert settings.read and settings.read <= set(cache.SETTINGS), settings.read - set(cache.SETTINGS)


def test_files_and_folders_that_are_gone_leave_the_cache(tmp_path):
    first, second = tmp_path / "mot", tmp_path / "hai"
    for content in (first, second):
        write(content / "a" / "mot.md", HEAD.format(title="Một") + "\nBài.\n")
        write(content / "a" / "hai.md", HEAD.format(title="Hai") + "\nBài.\n")
        check_folder(content, settings_for(content, tmp_path / "cache"), NOW)
    (first / "a" / "hai.md").unlink()
    shutil.rmtree(second)
    check_folder(first, settings_for(first, tmp_path / "cache"), NOW)
    [db] = (tmp_path / "cache").glob("editorial-*.sqlite")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT folder, rel FROM files").fetchall()
    assert rows == [(str(first.resolve()), "a/mot.md")]


def test_an_unusable_cache_only_costs_time(tmp_path, caplog):
    content = tmp_path / "content"
    write(content / "a" / "mot.md", "Title: Một\nCategory: Dân vận khéo\n\nBài.\n")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    report = check_folder(content, settings_for(content, blocked), NOW)
    assert [p.code for p in report.problems] == ["date-missing"]
    assert "cache" in caplog.text
