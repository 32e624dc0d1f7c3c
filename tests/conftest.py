"""Shared fixtures: the sample portal, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitebuild import ROOT, build

SITEURL = "https://danvan.songlam.example"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The sample content built with the live settings (publishconf.py)."""
    out = tmp_path_factory.mktemp("site")
    build(ROOT / "content", out, "publishconf.py")
    return out


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Path:
    """The sample content built with the development settings (make html)."""
    out = tmp_path_factory.mktemp("devsite")
    build(ROOT / "content", out, "pelicanconf.py")
    return out


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def dev_url(dev_site):
    """The development build served on loopback (relative URLs work there)."""
    from tests.browser import serve

    with serve(dev_site) as url:
        yield url
