"""Screenshot pages of a built site in Debian's headless Chromium.

    python tools/screenshot.py OUTPUTDIR OUT_PREFIX PATH [PATH ...]
        [--width 390] [--full] [--print] [--no-js] [--font-step N]

Serves OUTPUTDIR on a free localhost port, opens each PATH, writes
OUT_PREFIX-<n>.png. For a person to look at, not for tests.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import threading

from playwright.sync_api import sync_playwright


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(Quiet, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outputdir")
    p.add_argument("prefix")
    p.add_argument("paths", nargs="+")
    p.add_argument("--width", type=int, default=390)
    p.add_argument("--height", type=int, default=844)
    p.add_argument("--full", action="store_true")
    p.add_argument("--print", dest="print_media", action="store_true")
    p.add_argument("--no-js", action="store_true")
    p.add_argument("--wait", type=int, default=0, help="milliseconds to wait before the shot")
    p.add_argument("--font-step", type=int, default=None, help="reader font step (0-5)")
    a = p.parse_args()
    server = serve(a.outputdir)
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=["--no-sandbox", "--disable-gpu"])
        ctx = browser.new_context(viewport={"width": a.width, "height": a.height},
                                  java_script_enabled=not a.no_js)
        if a.font_step is not None:
            ctx.add_init_script(f"localStorage.setItem('portal.fontStep', '{a.font_step}')")
        page = ctx.new_page()
        for i, path in enumerate(a.paths):
            page.goto(base + path)
            if a.print_media:
                page.emulate_media(media="print")
            page.wait_for_timeout(a.wait)
            out = f"{a.prefix}-{i}.png"
            page.screenshot(path=out, full_page=a.full)
            sw = page.evaluate("document.documentElement.scrollWidth")
            print(out, path, "scrollWidth", sw)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
