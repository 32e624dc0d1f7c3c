"""Build benchmark: our portal against stock Pelican on the same corpus.

    python bench/bench_build.py [--sizes 1000 5000 20000] [--runs 3] [--seed 42]

For each size, generates the corpus (bench/corpus.py), then builds it
alternately with

- ours: `publishconf.py` (theme, every plugin, feeds, search if enabled);
- stock: Pelican's default theme, no plugins, the same pagination and feeds;

each build a fresh process into an empty output folder, `--runs` times each.
Prints, per size, the median wall time, CPU time (user+sys of the build
process and its children), peak memory (max RSS) and output file count, and
the ratio ours/stock. Figures, not pass/fail: this is not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402

STOCK_CONF = """
AUTHOR = "Ban biên tập"
SITENAME = "Stock Pelican"
SITEURL = "https://danvan.songlam.example"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
PLUGINS = []
DEFAULT_PAGINATION = 12
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
FEED_MAX_ITEMS = 30
STATIC_PATHS = ["images"]
ARTICLE_EXCLUDES = ["pages", "images"]
READERS = {"rst": None}
"""


def run_build(kind: str, content: Path, out: Path, stock_conf: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    conf = stock_conf if kind == "stock" else ROOT / "publishconf.py"
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s", str(conf), "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} build failed:\n{stderr[-3000:]}")
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "files": files}


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    stock_conf = work / "stockconf.py"
    stock_conf.write_text(STOCK_CONF, encoding="utf-8")
    print(f"{'articles':>8} {'build':>6} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'files':>7}  ratio wall (ours/stock)")
    try:
        for n in args.sizes:
            content = generate(work / f"content-{n}", n, args.seed)
            results = {"ours": [], "stock": []}
            for _ in range(args.runs):
                for kind in ("stock", "ours"):  # alternate, so drift hits both
                    results[kind].append(run_build(kind, content, work / f"out-{kind}", stock_conf))
            for kind in ("stock", "ours"):
                r = results[kind]
                ratio = median(results["ours"], "wall") / median(results["stock"], "wall")
                print(
                    f"{n:>8} {kind:>6} {median(r, 'wall'):>8.2f} {median(r, 'cpu'):>8.2f} "
                    f"{max(x['rss_mb'] for x in r):>8.0f} {r[0]['files']:>7}"
                    + (f"  {ratio:.2f}x" if kind == "ours" else ""),
                    flush=True,
                )
            shutil.rmtree(content)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
