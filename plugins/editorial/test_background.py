"""The content check runs in a process of its own: same report, and a fallback."""

from __future__ import annotations

import logging
import os
from types import SimpleNamespace

import pytest

from editorial import editorial as ed
from editorial.checks import load_settings
from tests.sitebuild import ROOT, write


def _settings(tmp_path):
    content = tmp_path / "c"
    write(content / "tot.md", "Title: Bài tốt\nDate: 2024-01-02\nCategory: Dân vận khéo\n\nNội dung.\n")
    # A date Pelican would misread: a fatal fault, the file is not built.
    write(content / "hong.md", "Title: Bài hỏng\nDate: 02/01/2024\nCategory: Dân vận khéo\n\nNội dung.\n")
    settings = load_settings(ROOT / "pelicanconf.py", content)
    settings["CACHE_PATH"] = str(tmp_path / "cache")
    return content, settings


@pytest.mark.parametrize("process_fails", [False, True])
def test_report_of_the_check_process(tmp_path, monkeypatch, caplog, process_fails):
    content, settings = _settings(tmp_path)
    build = os.getpid()
    checked_here = []
    real = ed.check_folder

    def check_folder(path, s):
        if os.getpid() != build:
            if process_fails:
                os._exit(3)
        else:
            checked_here.append(path)
        return real(path, s)

    monkeypatch.setattr(ed, "check_folder", check_folder)
    monkeypatch.setattr(ed, "BACKGROUND", True)
    caplog.set_level(logging.WARNING)
    ed.run_checks(SimpleNamespace(settings=settings))
    assert ed._checking.process is not None  # checking elsewhere; the build goes on
    ed.take_report()
    assert ed._checking.process is None
    assert ed._state.skip == {os.path.realpath(content / "hong.md")}
    assert len(checked_here) == (1 if process_fails else 0)
    problems = [r.getMessage() for r in caplog.records if "hong.md" in r.getMessage()]
    assert problems and all("tot.md" not in line for line in problems)
    ed.take_report()  # taken once: nothing more to wait for
    assert len(checked_here) == (1 if process_fails else 0)
