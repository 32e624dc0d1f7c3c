"""Where the build of one new article spends its CPU, against the 5 s goal.

    python bench/bench_new_article.py [--size 20000] [--seed 42]

The issue's goal: publishing one new article into a built 20,000-article
portal in under 5 s. On C cores that allows at most C x 5 s of CPU, even if
every core were busy from start to end. This prints, for one corpus
(bench/corpus.py), after a cold build and a rebuild with nothing changed
(every cache and the render-skip store warm):

- the build of one new article (bench_build.NEW_ARTICLE) as it runs, on
  every core: wall and CPU time;
- the same build run serially in one process (``BUILDSPEED_WORKERS = 1``,
  ``RELATED_BACKGROUND = False``, ``RELATED_WORKERS = 1``; the same output,
  see test_buildspeed.py), the CPU of each part timed at Pelican's signals:

  - start: the interpreter, Pelican, the plugins, the settings;
  - the content: every file looked up in the reader cache and made into an
    article (Pelican's generators and every plugin's per-article work),
    without the related-news ranking;
  - the related-news ranking, alone: every article's list is ranked again
    after a new article, since its words change the weight of words (IDF)
    in every article's signature (plugins/related; the lists are exact);
  - handing every page to the writer (Pelican's ``generate_output``);
  - the writer's flush: checking every page's recorded reads, rendering
    the pages whose reads changed, writing what changed;
  - the rest in the build process (static files, feeds, sitemap, manifest);
  - child processes: the content check (plugins/editorial runs it in a
    forked process) and the search index (one shard re-indexed by Pagefind);

- their sum against the budget.

Figures, not pass/fail: this is not a test. At 20,000 articles it runs one
cold build and four rebuilds (about 4 minutes on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_build import NEW_ARTICLE, NEW_ARTICLE_PATH, run_build  # noqa: E402
from corpus import CATEGORIES, generate  # noqa: E402

SERIAL = {"BUILDSPEED_WORKERS": 1, "RELATED_BACKGROUND": False, "RELATED_WORKERS": 1}
GOAL = 5.0  # seconds, the goal for one new article


def child(content: Path, output: Path, cache: Path) -> dict:
    """One serial build in this process, each part's CPU timed; returns the figures."""
    import logging

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / "plugins"))
    from pelican import Pelican, signals  # noqa: PLC0415
    from pelican.settings import read_settings  # noqa: PLC0415

    import related.related as rel  # noqa: PLC0415
    from buildspeed.writer import FastWriter  # noqa: PLC0415

    logging.disable(logging.WARNING)  # the corpus's content warnings are not what is measured
    marks: dict[str, float] = {}
    spent = {"ranking": 0.0, "flush": 0.0}

    def mark(name):
        def handler(*_args, **_kwargs):
            marks.setdefault(name, time.process_time())
        return handler

    def timed(key, inner):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - start
        return wrapper

    rel._ranking = timed("ranking", rel._ranking)
    flush = FastWriter.flush
    stats: dict = {}  # the writer's counts

    def flush_marked(self):
        marks.setdefault("flush", time.process_time())
        timed("flush", flush)(self)
        stats.update(self.stats)

    FastWriter.flush = flush_marked
    for name in ("get_generators", "get_writer"):
        getattr(signals, name).connect(mark(name), weak=False)
    settings = read_settings(str(ROOT / "publishconf.py"), override={
        "PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache),
        "PORTAL_CATEGORIES": CATEGORIES, **SERIAL})
    pelican = Pelican(settings)
    pelican.run()
    end = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "start": marks["get_generators"],
        "content": marks["get_writer"] - marks["get_generators"] - spent["ranking"],
        "ranking": spent["ranking"],
        "handing": marks["flush"] - marks["get_writer"],
        "flush": spent["flush"],
        "rest": end - marks["flush"] - spent["flush"],
        "children": children.ru_utime + children.ru_stime,
        "skipped": stats.get("skipped", 0), "written": stats.get("written", 0),
        "pages": stats.get("written", 0) + stats.get("unchanged", 0),
    }


def serial_build(content: Path, output: Path, cache: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(content), str(output), str(cache)]
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - start
    return figures


LABELS = {
    "start": "start (interpreter, Pelican, plugins, settings)",
    "content": "the content: reader cache, articles, plugins",
    "ranking": "related news: every list ranked again",
    "handing": "every page handed to the writer",
    "flush": "check every page's reads, render changed ones",
    "rest": "the rest (static files, feeds, sitemap, manifest)",
    "children": "child processes (content check, search index)",
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--child", nargs=3, metavar=("CONTENT", "OUTPUT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*map(Path, args.child))))
        return
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="portal-new-article-"))
    try:
        content = generate(work / "content", args.size, args.seed)
        out, cache = work / "out", work / "cache"

        def ours(clean_out=False):  # stock Pelican is not built here: no configuration of its own
            return run_build("ours", content, out, None, cache, clean_out=clean_out)

        ours(clean_out=True)  # cold: every cache filled
        ours()  # nothing changed
        new = content / NEW_ARTICLE_PATH
        new.write_text(NEW_ARTICLE, encoding="utf-8")
        parallel = ours()
        new.unlink()
        ours()  # back to the built portal
        new.write_text(NEW_ARTICLE, encoding="utf-8")
        serial = serial_build(content, out, cache)
        budget = cores * GOAL
        total = sum(serial[k] for k in LABELS)
        print(f"{args.size} articles, {cores} cores; one new article into the built portal")
        print(f"  goal: under {GOAL:.0f} s wall, so at most {budget:.1f} s CPU ({cores} cores x {GOAL:.0f} s)")
        print(f"  as built (every core):   {parallel['wall']:6.1f} s wall {parallel['cpu']:6.1f} s CPU,"
              f" {parallel['written']} files written")
        print(f"  serial, one process:     {serial['wall']:6.1f} s wall, {serial['pages']} pages"
              f" ({serial['skipped']} not rendered, {serial['written']} written); CPU of each part:")
        for key, label in LABELS.items():
            print(f"    {label:<52}{serial[key]:6.2f} s  {serial[key] / budget:5.0%} of the budget")
        print(f"    {'total':<52}{total:6.2f} s  {total / budget:5.0%} of the budget")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
