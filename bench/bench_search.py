"""Search benchmark: index build time, index size, bytes a browser downloads.

    python bench/bench_search.py [N ...] [--workdir DIR] [--keep]

(`.venv/bin/python bench/bench_search.py` after `make venv`; Debian's chromium.)

For each N (default 1000 and 20000) this generates N articles with
bench/corpus.py, builds them with `pelican` and our settings (pelicanconf.py,
so the search plugin runs as in `make html`), then prints:

- the Pelican build time and, from the search plugin's own log line, the
  time it took to write and index the documents;
- the size of OUTPUTDIR/pagefind (files and bytes, by kind);
- what headless Chromium downloads, counted from Playwright's network events
  on the build served from loopback: opening the search page (page, styles,
  scripts, Pagefind's runtime and index metadata) and then one query typed
  into its search box until the first results are shown.

The server sends files as they are (no compression): Pagefind's index and
fragment files are gzipped on disk already, its JavaScript and WebAssembly
are not, so a server that compresses them sends less. Figures are printed,
not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import corpus  # noqa: E402
from tests.browser import launch, serve  # noqa: E402

QUERIES = ("dan van kheo", "Đảng bộ")
LOG_LINE = re.compile(r"search: indexed (\d+) documents into .* \(([\d.]+) MB\) in ([\d.]+) s")


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


# Listing pages, feeds, archives, cover photos and typographic quotes do not
# change what the index holds; leaving them out keeps the 20,000-article run
# short. Articles, pages and the search page are built as in `make html`.
LEAN = {
    "PORTAL_TYPOGRIFY": False,
    "DIRECT_TEMPLATES": ["search"], "PAGINATED_TEMPLATES": {},
    "CATEGORY_SAVE_AS": "", "TAG_SAVE_AS": "", "AUTHOR_SAVE_AS": "",
    "YEAR_ARCHIVE_SAVE_AS": "", "MONTH_ARCHIVE_SAVE_AS": "",
    "FEED_ALL_ATOM": None, "FEED_ALL_RSS": None, "CATEGORY_FEED_ATOM": None, "CATEGORY_FEED_RSS": None,
}


def build(content: Path, output: Path) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"), "-v"]
    # One -e with every pair: each -e replaces the previous one's settings.
    cmd += ["-e", *(f"{key}={json.dumps(value)}" for key, value in LEAN.items())]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"pelican failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    match = LOG_LINE.search(" ".join((proc.stdout + proc.stderr).split()))
    if not match:
        raise SystemExit("the search plugin's log line is missing: is `search` in PLUGINS?")
    return seconds, {"documents": int(match[1]), "seconds": float(match[3])}


def index_size(pagefind: Path) -> dict[str, tuple[int, int]]:
    kinds: dict[str, tuple[int, int]] = {}
    for path in pagefind.rglob("*"):
        if path.is_file():
            kind = path.parent.name if path.parent != pagefind else "runtime and metadata"
            count, size = kinds.get(kind, (0, 0))
            kinds[kind] = (count + 1, size + path.stat().st_size)
    return kinds


class Traffic:
    """Bytes of every finished response, grouped by kind."""

    def __init__(self, page):
        self.rows: list[tuple[str, int]] = []
        page.on("requestfinished", self._finished)

    def _finished(self, request):
        self.rows.append((urlparse(request.url).path, request.sizes()["responseBodySize"]))

    def take(self) -> list[tuple[str, int]]:
        rows, self.rows = self.rows, []
        return rows


def group(rows) -> dict[str, tuple[int, int]]:
    groups: dict[str, tuple[int, int]] = {}
    for path, size in rows:
        if "/pagefind/index/" in path:
            kind = "index chunks"
        elif "/pagefind/fragment/" in path:
            kind = "result fragments"
        elif "/pagefind/filter/" in path:
            kind = "filter lists"
        elif "/pagefind/" in path:
            kind = "Pagefind runtime (JS, WASM, metadata)"
        else:
            kind = "page, CSS, theme JS, images"
        count, total = groups.get(kind, (0, 0))
        groups[kind] = (count + 1, total + size)
    return groups


def show(title: str, rows) -> int:
    total = sum(size for _, size in rows)
    print(f"    {title}: {kb(total)} in {len(rows)} requests")
    for kind, (count, size) in sorted(group(rows).items()):
        print(f"      {kind:<40} {count:>4} × → {kb(size):>12}")
    return total


def browse(output: Path):
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415

    with serve(output) as url, sync_playwright() as pw:
        browser = launch(pw)
        for query in QUERIES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            traffic = Traffic(page)
            page.goto(url + "/tim-kiem/")
            expect(page.locator("[data-search-filters]")).to_be_visible(timeout=60_000)  # Pagefind loaded
            page.wait_for_load_state("networkidle")
            print(f"  query “{query}” on a fresh visit to /tim-kiem/:")
            opened = show("opening the search page", traffic.take())
            start = time.perf_counter()
            box = page.get_by_label("Từ khóa")
            box.fill(query)
            box.press("Enter")
            expect(page.locator("[data-search-status]")).to_contain_text("kết quả", timeout=60_000)
            seconds = time.perf_counter() - start
            page.wait_for_timeout(500)  # let the last network events arrive
            status = page.locator("[data-search-status]").inner_text()
            searched = show(f"the query ({seconds * 1000:.0f} ms to results)", traffic.take())
            print(f"    together: {kb(opened + searched)}; page says: {status}")
            assert urlparse(page.url).query == "q=" + quote_plus(query)
            context.close()
        browser.close()


def run(n: int, workdir: Path, keep: bool):
    content, output = workdir / f"content-{n}", workdir / f"output-{n}"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    corpus.generate(content, n, images=False)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {n:,} generated articles (bench/corpus.py, seed 42); {os.cpu_count()} CPUs, load {load} ==")
    seconds, search = build(content, output)
    print(f"  pelican build (articles, pages, search page; no listings, feeds, typogrify): {seconds:.1f} s")
    print(f"  search index build (plugin): {search['seconds']:.1f} s for {search['documents']:,} documents")
    kinds = index_size(output / "pagefind")
    total = sum(size for _, size in kinds.values())
    files = sum(count for count, _ in kinds.values())
    print(f"  index size: {total / 1e6:,.1f} MB in {files:,} files")
    for kind, (count, size) in sorted(kinds.items()):
        print(f"    {kind:<22} {count:>6} files {size / 1e6:>9,.2f} MB")
    browse(output)
    if not keep:
        shutil.rmtree(content, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 20000])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="keep the generated content and sites")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        run(n, args.workdir, args.keep)


if __name__ == "__main__":
    main()
