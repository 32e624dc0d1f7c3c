"""Build benchmark: our portal against stock Pelican on the same corpus.

    python bench/bench_build.py [--sizes 1000 5000 20000] [--runs 3] [--seed 42]
                                [--incremental]

For each size, generates the corpus (bench/corpus.py), then builds it
alternately with

- ours: `publishconf.py` (theme, every plugin, feeds, search if enabled);
- stock: Pelican's default theme, no plugins, the same pagination and feeds;

each build a fresh process into an empty output folder with an empty cache
("cold"), `--runs` times each. For ours also "warm cache": an empty output
folder but the content cache of the previous build (what `make publish` into
a new release folder does after the first build).

With `--publish`, ours only: what `make publish` runs (`tools/release.py
publish`: the content check, a new release folder seeded with hard links to
the live one, the build into it, the atomic switch, old releases pruned)
with the corpus's settings in a small configuration file beside it: a first
publish (the reader cache of the cold build above is reused), then nothing
changed, one new article, one edited article, and both undone, each a new
release; then an editor's round: a preview (`make html`, development
settings) of one new article, and the publish of it.

With `--incremental`, then, in the last built output of each kind:

- "unchanged": rebuild with nothing changed;
- "new article": add one article (the newest) and rebuild;
- "edit article": change one sentence of an existing article and rebuild;

printing the wall time and how many output files were (re)written.
Prints, per size, the median wall time, CPU time (user+sys of the build
process and its children), peak memory (max RSS) and output file count, and
the ratio ours/stock. Figures, not pass/fail: this is not a test.
"""

from __future__ import annotations

import argparse
import json
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
from corpus import CATEGORIES, generate  # noqa: E402

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


def run_build(kind: str, content: Path, out: Path, stock_conf: Path | None, cache: Path | None = None,
              clean_out: bool = True, settings: dict | None = None) -> dict:
    """One build in a fresh process; `stock_conf`: stock's configuration (unused by ours);
    `settings`: more settings for ours (``-e``)."""
    if clean_out and out.exists():
        shutil.rmtree(out)
    conf = stock_conf if kind == "stock" else ROOT / "publishconf.py"
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s", str(conf), "-q"]
    if kind != "stock":
        # The corpus has 8 sections; configured as the portal's sections, as a
        # real portal would be (otherwise the content checks report every
        # article of the other two, 1 in 4, on every build).
        extra = {"PORTAL_CATEGORIES": CATEGORIES}
        if cache is not None:
            extra["CACHE_PATH"] = str(cache)
        extra.update(settings or {})
        cmd += ["-e", *(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in extra.items())]
    before = snapshot(out)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} build failed:\n{stderr[-3000:]}")
    after = snapshot(out)
    written = sum(1 for p, st in after.items() if before.get(p) != st)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "files": len(after), "written": written}


def snapshot(out: Path) -> dict:
    """path -> (inode, mtime_ns) of every output file: what a build rewrote."""
    if not out.exists():
        return {}
    return {p: (st.st_ino, st.st_mtime_ns) for p in out.rglob("*") if p.is_file() and (st := p.stat())}


NEW_ARTICLE = """Title: Ban Dân vận Tỉnh ủy triển khai nhiệm vụ trọng tâm tháng tới
Date: 2026-11-02 09:00
Category: Tin hoạt động
Tags: Dân vận khéo, chuyển đổi số
Authors: Thanh Hà
Summary: Bài mới đăng trong lúc đo.

Nội dung bài mới, đăng vào một cổng đã xây dựng.
"""


# Where the benchmarks put NEW_ARTICLE, inside the corpus folder.
NEW_ARTICLE_PATH = Path("tin-hoat-dong", "bai-moi-dang-trong-luc-do.md")


def incremental(kind, content, out, stock_conf, cache):
    rows = [("unchanged", run_build(kind, content, out, stock_conf, cache, clean_out=False))]
    new = content / NEW_ARTICLE_PATH
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    rows.append(("new article", run_build(kind, content, out, stock_conf, cache, clean_out=False)))
    edited = sorted(p for p in content.rglob("*.md") if "pages" not in p.parts and p != new)[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("\n\n", "\n\nMột câu thêm khi sửa bài.\n\n", 1), encoding="utf-8")
    rows.append(("edit article", run_build(kind, content, out, stock_conf, cache, clean_out=False)))
    edited.write_text(original, encoding="utf-8")
    new.unlink()
    return rows


PUBLISH_CONF = """import sys
sys.path.insert(0, {root!r})
from {module} import *  # noqa: F401,F403
PORTAL_CATEGORIES = {categories!r}
CACHE_PATH = {cache!r}
"""


def run_preview(content: Path, out: Path, conf: Path) -> dict:
    """One `make html` (development settings: relative URLs, drafts shown)."""
    before = snapshot(out)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s", str(conf), "-q"],
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"make html failed:\n{proc.stdout.decode('utf-8', 'replace')[-3000:]}")
    after = snapshot(out)
    return {"wall": wall, "files": len(after), "written": sum(1 for p, st in after.items() if before.get(p) != st)}


def run_publish(content: Path, work: Path, conf: Path) -> dict:
    """One `make publish` (tools/release.py publish, as the Makefile calls it)."""
    releases, live = work / "releases", work / "public"
    cmd = [sys.executable, str(ROOT / "tools" / "release.py"), "publish", "--input", str(content),
           "--conf", str(conf), "--releases", str(releases), "--live", str(live), "--keep", "3"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"make publish failed:\n{out.decode('utf-8', 'replace')[-3000:]}")
    newest = live.resolve()
    files = [p for p in newest.rglob("*") if p.is_file()]
    # a file of the new release is new when it is not a hard link shared with an older one
    written = sum(1 for p in files if p.stat().st_nlink == 1)
    return {"wall": wall, "files": len(files), "written": written}


def publishes(content: Path, work: Path, cache: Path) -> list:
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "benchpublishconf.py"
    conf.write_text(PUBLISH_CONF.format(root=str(ROOT), module="publishconf", categories=CATEGORIES,
                                        cache=str(cache)), encoding="utf-8")
    rows = [("first publish", run_publish(content, work, conf)), ("nothing changed", run_publish(content, work, conf))]
    new = content / NEW_ARTICLE_PATH
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    rows.append(("one new article", run_publish(content, work, conf)))
    edited = sorted(p for p in content.rglob("*.md") if "pages" not in p.parts and p != new)[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("\n\n", "\n\nMột câu thêm khi sửa bài.\n\n", 1), encoding="utf-8")
    rows.append(("one article edited", run_publish(content, work, conf)))
    edited.write_text(original, encoding="utf-8")
    new.unlink()
    rows.append(("both undone", run_publish(content, work, conf)))
    # An editor's round: preview with the development settings (`make html`,
    # its own cache of rendered pages), then publish what was previewed.
    preview = work / "benchpelicanconf.py"
    preview.write_text(PUBLISH_CONF.format(root=str(ROOT), module="pelicanconf", categories=CATEGORIES,
                                           cache=str(cache)), encoding="utf-8")
    rows.append(("first preview", run_preview(content, work / "output", preview)))
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    rows.append(("preview new article", run_preview(content, work / "output", preview)))
    rows.append(("then publish it", run_publish(content, work, conf)))
    new.unlink()
    return rows


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--incremental", action="store_true",
                        help="also time unchanged, one-new-article and one-edit rebuilds")
    parser.add_argument("--publish", action="store_true",
                        help="also time `make publish` (first, unchanged, one new article, one edit, "
                             "preview then publish)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    stock_conf = work / "stockconf.py"
    stock_conf.write_text(STOCK_CONF, encoding="utf-8")
    print(f"{'articles':>8} {'build':>9} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'files':>7}  ratio wall (ours/stock)")
    try:
        for n in args.sizes:
            content = generate(work / f"content-{n}", n, args.seed)
            results = {"stock": [], "ours": [], "ours warm": []}
            cache = work / "cache-ours"
            for _ in range(args.runs):
                for kind in ("stock", "ours"):  # alternate, so drift hits both
                    shutil.rmtree(cache, ignore_errors=True)
                    results[kind].append(run_build(kind, content, work / f"out-{kind}", stock_conf,
                                                   cache if kind == "ours" else None))
                results["ours warm"].append(run_build("ours", content, work / "out-ours", stock_conf, cache))
            for label, r in results.items():
                ratio = median(r, "wall") / median(results["stock"], "wall")
                print(
                    f"{n:>8} {label:>9} {median(r, 'wall'):>8.2f} {median(r, 'cpu'):>8.2f} "
                    f"{max(x['rss_mb'] for x in r):>8.0f} {r[0]['files']:>7}"
                    + (f"  {ratio:.2f}x" if label != "stock" else ""),
                    flush=True,
                )
            if args.incremental:
                for kind in ("stock", "ours"):
                    for what, r in incremental(kind, content, work / f"out-{kind}", stock_conf,
                                               cache if kind == "ours" else None):
                        print(f"{n:>8} {kind:>9} {what:>13}: {r['wall']:6.2f} s wall, "
                              f"{r['written']:>6} of {r['files']} files written, {r['rss_mb']:.0f} MB", flush=True)
            if args.publish:
                target = work / f"publish-{n}"
                for what, r in publishes(content, target, cache):
                    kind, where = ("preview", "written") if "preview" in what else ("publish", "new in the release")
                    print(f"{n:>8} {kind:>9} {what:>19}: {r['wall']:6.2f} s wall, "
                          f"{r['written']:>6} of {r['files']} files {where}", flush=True)
                shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(content)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
