"""`make devserver`: a save rebuilds the site and the open page reloads itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.sitebuild import ROOT, write

ARTICLE = "Title: {title}\nDate: 2024-02-01 08:00\nCategory: Dân vận khéo\nSlug: bai-xem-truoc\n\nNội dung.\n"
PAGE = "dan-van-kheo/bai-xem-truoc.html"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=60.0, step=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(step)
    return False


@pytest.mark.browser
def test_devserver_rebuilds_on_save_and_the_page_reloads(tmp_path, browser):
    article = write(tmp_path / "content" / "a" / "bai.md", ARTICLE.format(title="Bài xem trước"))
    port = free_port()
    out = tmp_path / "out"
    server = subprocess.Popen(
        ["make", "devserver", f"INPUTDIR={article.parent.parent}", f"OUTPUTDIR={out}", f"PORT={port}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/{PAGE}"
        assert wait_for(lambda: urllib.request.urlopen(url, timeout=2).status == 200), "devserver did not start"
        page = browser.new_page()
        page.goto(url)
        assert page.locator("h1").inner_text() == "Bài xem trước"
        # The stamp is written when the build finishes, which may be just
        # after the page itself is served.
        stamp = out / "dev-build-stamp.txt"
        assert wait_for(stamp.exists, timeout=30), "no build stamp"
        first_stamp = stamp.read_text()
        time.sleep(1.5)  # let the page read the current stamp once
        article.write_text(article.read_text(encoding="utf-8").replace("Bài xem trước", "Bài đã sửa"),
                           encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').innerText === 'Bài đã sửa'", timeout=60_000)
        assert (out / "dev-build-stamp.txt").read_text() != first_stamp
        page.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
