"""Search benchmark: index build time and memory, re-indexing, bytes a browser downloads.

    python bench/bench_search.py [N ...] [--workdir DIR] [--keep] [--no-browser]
                                 [--set KEY=JSON ...]

(`.venv/bin/python bench/bench_search.py` after `make venv`; Debian's chromium.)

For each N (default 1000 and 20000) this generates N articles with
bench/corpus.py, builds them with `pelican` and our settings (pelicanconf.py,
so the search plugin runs as in `make html`; `--set` adds settings, e.g.
`--set SEARCH_SHARD_BY=null`), then prints:

- cold build: the Pelican build time and, from the search plugin's own log
  line, the time it took to make, write and index the documents; the peak
  memory of the Pagefind processes (sum of their RSS at any moment, sampled
  every 50 ms from /proc, only processes started by this build) and of the
  whole build (PSS of Pelican and every process under it);
- the size of OUTPUTDIR/pagefind (files and bytes, by kind);
- what headless Chromium downloads, counted by the loopback server (bytes of
  response bodies it sent: a response the browser took from its cache, or a
  304, counts 0): opening the search page (page, styles, scripts, Pagefind's
  runtime and index metadata), then one query typed into its search box
  until the results are shown (two broad queries, one rare word);
- rebuilds into the same output: nothing changed, one new article (the
  newest), one old article edited; for each the Pelican time, the search
  plugin's time and log line, and how many index files were rewritten.

The server sends files as they are (no compression) with Last-Modified and
no Cache-Control, like a plain static host: Pagefind's index and fragment
files are gzipped on disk already, its JavaScript and WebAssembly are not,
so a server that compresses them sends less. Figures are printed, not
asserted; the load average is printed next to them (the machine is shared).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote_plus, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import corpus  # noqa: E402
from bench_build import NEW_ARTICLE  # noqa: E402  (the same article in both benchmarks)
from tests.browser import launch  # noqa: E402

# Two broad queries (the corpus repeats a dozen sentences: they match a third
# and nearly all of the articles) and a rare word: the number in one
# article's title, "(bài N)".
QUERIES = ("dan van kheo", "Đảng bộ", "{rare}")
SEARCH_LINE = re.compile(r"search: .*?(?=\s{2,}\S+\.py:\d+|\s*$)")
SECONDS = re.compile(r" in ([\d.]+) s\b")


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def load() -> str:
    return "load " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


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


# --- Memory of the build's processes ------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


class MemorySampler(threading.Thread):
    """Peak memory of a process tree: all of it, and its Pagefind processes."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_tree = self.peak_pagefind = 0  # KiB
        self.pagefind_pids: set[int] = set()
        self.most_at_once = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            tree, todo, pids = _children(), [self.pid], []
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += tree.get(pid, [])
            sizes = {pid: _pss_kib(pid) for pid in pids}
            pagefind = [pid for pid in pids if _comm(pid).startswith("pagefind")]
            self.pagefind_pids.update(pagefind)
            self.most_at_once = max(self.most_at_once, len(pagefind))
            self.peak_tree = max(self.peak_tree, sum(sizes.values()))
            self.peak_pagefind = max(self.peak_pagefind, sum(sizes[p] for p in pagefind))
            self.stopped.wait(self.interval)


def build(content: Path, output: Path, extra: dict) -> dict:
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"), "-v"]
    # One -e with every pair: each -e replaces the previous one's settings.
    cmd += ["-e", *(f"{key}={json.dumps(value)}" for key, value in {**LEAN, **extra}.items())]
    before = load()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "COLUMNS": "500"})
    sampler = MemorySampler(proc.pid)
    sampler.start()
    log = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"pelican failed:\n{log[-3000:]}")
    lines = [m[0] for line in log.splitlines() if (m := SEARCH_LINE.search(line))]
    if not lines:
        raise SystemExit("the search plugin's log line is missing: is `search` in PLUGINS?")
    timed = [float(m[1]) for line in lines if (m := SECONDS.search(line))]
    return {
        "seconds": seconds, "search": timed[-1] if timed else None, "lines": lines, "load": f"{before} → {load()}",
        "pagefind_mb": sampler.peak_pagefind / 1024, "tree_mb": sampler.peak_tree / 1024,
        "pagefind_runs": len(sampler.pagefind_pids), "at_once": sampler.most_at_once,
        "maxrss_mb": usage.ru_maxrss / 1024,
    }


def show_build(title: str, result: dict, files: str = ""):
    search = f"{result['search']:.1f} s" if result["search"] is not None else "n/a"
    print(f"  {title}: pelican {result['seconds']:.1f} s, search plugin {search}{files} ({result['load']})")
    for line in result["lines"]:
        print(f"    log: {line}")
    if result["pagefind_runs"]:
        print(f"    Pagefind: {result['pagefind_runs']} runs, up to {result['at_once']} at once, "
              f"peak {result['pagefind_mb']:,.0f} MB together; whole build peak {result['tree_mb']:,.0f} MB "
              f"(PSS); largest process {result['maxrss_mb']:,.0f} MB (maxrss)")


def index_size(pagefind: Path) -> tuple[dict[str, tuple[int, int]], int]:
    kinds: dict[str, tuple[int, int]] = {}
    for path in pagefind.rglob("*"):
        if path.is_file():
            kind = path.parent.name if path.parent.name in ("index", "fragment", "filter") else "runtime and metadata"
            count, size = kinds.get(kind, (0, 0))
            kinds[kind] = (count + 1, size + path.stat().st_size)
    bundles = sum(1 for _ in pagefind.rglob("pagefind-entry.json"))
    return kinds, bundles


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """path -> (inode, mtime_ns): what a build rewrote."""
    return {p: (st.st_ino, st.st_mtime_ns) for p in folder.rglob("*") if p.is_file() and (st := p.stat())}


def rewritten(before: dict, after: dict) -> str:
    changed = sum(1 for p, stamp in after.items() if before.get(p) != stamp)
    removed = sum(1 for p in before if p not in after)
    return f"; index files: {changed:,} of {len(after):,} written, {removed:,} removed"


# --- Browser ---------------------------------------------------------------------------------

@contextmanager
def serve(directory: Path):
    """Serve `directory` on loopback; yield (base URL, list of (path, status, body bytes))."""
    sent: list[tuple[str, int, int]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_response(self, code, message=None):
            self._code, self._length = code, 0
            super().send_response(code, message)

        def send_header(self, keyword, value):
            if keyword.lower() == "content-length" and self._code == 200:
                self._length = int(value)
            super().send_header(keyword, value)

        def handle_one_request(self):
            self._code = None
            super().handle_one_request()
            if self._code is not None:
                sent.append((unquote(urlparse(self.path).path), self._code, self._length))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sent
    finally:
        server.shutdown()
        server.server_close()


def kind_of(path: str) -> str:
    if "/pagefind/" not in path:
        return "page, CSS, theme JS, images"
    match = re.search(r"/(index|fragment|filter)/[^/]+$", path)
    if match:
        return {"index": "index chunks", "fragment": "result fragments", "filter": "filter lists"}[match[1]]
    name = path.rsplit("/", 1)[1]
    if name in ("pagefind.js", "pagefind-worker.js") or name.startswith("wasm."):
        return "Pagefind runtime (JS, worker, WASM)"
    return "index metadata (manifest, entry, meta)"


def show(title: str, rows) -> int:
    total = sum(size for _, _, size in rows)
    fetched = [row for row in rows if row[1] == 200]
    print(f"    {title}: {kb(total)} in {len(fetched)} responses"
          + (f" (+{len(rows) - len(fetched)} not modified)" if len(rows) > len(fetched) else ""))
    groups: dict[str, tuple[int, int]] = {}
    for path, _, size in fetched:
        count, bytes_ = groups.get(kind_of(path), (0, 0))
        groups[kind_of(path)] = (count + 1, bytes_ + size)
    for kind, (count, size) in sorted(groups.items()):
        print(f"      {kind:<40} {count:>4} × → {kb(size):>12}")
    return total


def browse(output: Path, n: int):
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415

    with serve(output) as (url, sent), sync_playwright() as pw:
        browser = launch(pw)
        for query in (q.format(rare=n - 7) for q in QUERIES):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            sent.clear()
            start = time.perf_counter()
            page.goto(url + "/tim-kiem/")
            expect(page.locator("[data-search-filters]")).to_be_visible(timeout=120_000)  # Pagefind loaded
            ready = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            print(f"  query “{query}” on a fresh visit to /tim-kiem/ ({load()}):")
            opened = show(f"opening the search page ({ready * 1000:.0f} ms to ready)", sent[:])
            sent.clear()
            start = time.perf_counter()
            box = page.get_by_label("Từ khóa")
            box.fill(query)
            box.press("Enter")
            expect(page.locator("[data-search-status]")).to_contain_text("kết quả", timeout=120_000)
            seconds = time.perf_counter() - start
            page.wait_for_timeout(500)  # let the last requests finish
            status = page.locator("[data-search-status]").inner_text()
            searched = show(f"the query ({seconds * 1000:.0f} ms to results)", sent[:])
            print(f"    together: {kb(opened + searched)}; page says: {status}")
            assert urlparse(page.url).query == "q=" + quote_plus(query)
            context.close()
        browser.close()


# --- Rebuilds --------------------------------------------------------------------------------

def rebuilds(content: Path, output: Path, extra: dict):
    index = output / "pagefind"
    before = snapshot(index)
    result = build(content, output, extra)
    show_build("rebuild, nothing changed", result, rewritten(before, after := snapshot(index)))
    new = content / "tin-hoat-dong" / "2026" / "bai-moi-dang-trong-luc-do.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    before, result = after, build(content, output, extra)
    show_build("rebuild, one new article (2026)", result, rewritten(before, after := snapshot(index)))
    # The oldest article of a full year: another shard than the new article's.
    years = sorted({p.parent.name for p in content.rglob("*.md") if p.parent.name.isdigit()})
    edited = sorted(p for p in content.rglob(f"*/{years[len(years) // 2]}/*.md"))[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("\n\n", "\n\nMột câu thêm khi sửa bài.\n\n", 1), encoding="utf-8")
    before, result = after, build(content, output, extra)
    show_build(f"rebuild, one article of {edited.parent.name} edited", result, rewritten(before, snapshot(index)))
    edited.write_text(original, encoding="utf-8")
    new.unlink()


def run(n: int, workdir: Path, keep: bool, extra: dict, browser: bool):
    content, output = workdir / f"content-{n}", workdir / f"output-{n}"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    corpus.generate(content, n, images=False)
    print(f"\n== {n:,} generated articles (bench/corpus.py, seed 42); {os.cpu_count()} CPUs, {load()} ==")
    if extra:
        print(f"  settings: {json.dumps(extra)}")
    result = build(content, output, extra)
    show_build("cold build (articles, pages, search page; no listings, feeds, typogrify)", result)
    kinds, bundles = index_size(output / "pagefind")
    total = sum(size for _, size in kinds.values())
    files = sum(count for count, _ in kinds.values())
    print(f"  index size: {total / 1e6:,.1f} MB in {files:,} files, {bundles} Pagefind bundle(s)")
    for kind, (count, size) in sorted(kinds.items()):
        print(f"    {kind:<22} {count:>6} files {size / 1e6:>9,.2f} MB")
    if browser:
        browse(output, n)
    rebuilds(content, output, extra)
    if not keep:
        shutil.rmtree(content, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 20000])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="keep the generated content and sites")
    parser.add_argument("--no-browser", dest="browser", action="store_false", help="skip the browser part")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                        help="an extra Pelican setting, e.g. SEARCH_SHARD_BY=null")
    args = parser.parse_args(argv)
    extra = {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.set)}
    args.workdir.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        run(n, args.workdir, args.keep, extra, args.browser)


if __name__ == "__main__":
    main()
