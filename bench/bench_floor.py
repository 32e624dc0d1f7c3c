"""Cold-build floor: the CPU a cold build of ours cannot do without, against the 0.5x budget.

    python bench/bench_floor.py [--size 20000] [--seed 42]

The issue's cold goal is a cold build with every feature on (search index and
all) in at most half of stock Pelican's wall time. On C cores that allows at
most C x 0.5 x stock's wall time of CPU, even if every core were busy from
start to end. This prints, for one corpus (bench/corpus.py):

- stock Pelican's cold build (as in bench_build.py): wall and CPU time;
- the CPU of work any cold build of ours does, measured alone:
  - Pelican's Markdown reader over every file, with stock's settings (the
    `markdown` package is fixed by the design card, and stock does the same);
  - typogrify over every body the reader gave (the `typogrify` package, also
    fixed by the card), as our typography plugin runs it on every body (its
    faster smartypants passes included; summaries not counted);
  - the search index: ours cold with `SEARCH_INDEX = False`, then with it on,
    each into an empty output with an empty cache; the difference in CPU is
    what the index costs (making its documents and running Pagefind);
- their sum against the budget, and what is left of it for everything else
  (rendering and writing every page, related news, feeds, sitemap).

Figures, not pass/fail: this is not a test. At 20,000 articles it runs four
cold builds (about 6 minutes on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_build import STOCK_CONF, run_build  # noqa: E402
from corpus import generate  # noqa: E402

# Run in a fresh process, so nothing the benchmark imported or cached counts.
READER_CPU = """
import glob, json, sys, time
sys.path.insert(0, "plugins")
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG
from typography.typography import typeset_html
settings = dict(DEFAULT_CONFIG, PATH=sys.argv[1])
reader = MarkdownReader(settings)
bodies, files = [], sorted(glob.glob(sys.argv[1] + "/**/*.md", recursive=True))
start = time.process_time()
for path in files:
    bodies.append(reader.read(path)[0])
markdown = time.process_time() - start
start = time.process_time()
for body in bodies:
    typeset_html(body)
print(json.dumps({"files": len(files), "markdown": markdown, "typogrify": time.process_time() - start}))
"""


def reader_cpu(content: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", READER_CPU, str(content)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="portal-floor-"))
    try:
        stock_conf = work / "stockconf.py"
        stock_conf.write_text(STOCK_CONF, encoding="utf-8")
        content = generate(work / "content", args.size, args.seed)
        stock = run_build("stock", content, work / "out-stock", stock_conf)
        alone = reader_cpu(content)
        builds = {}
        for label, index in (("search off", False), ("search on", True)):
            cache = work / f"cache-{label}"
            builds[label] = run_build("ours", content, work / f"out-{label}", stock_conf, cache,
                                      settings={"SEARCH_INDEX": index})
        search = builds["search on"]["cpu"] - builds["search off"]["cpu"]
        budget = cores * 0.5 * stock["wall"]
        floor = alone["markdown"] + alone["typogrify"] + search
        print(f"{args.size} articles, {cores} cores")
        print(f"  stock cold:              {stock['wall']:7.1f} s wall {stock['cpu']:7.1f} s CPU")
        for label, r in builds.items():
            print(f"  ours cold, {label + ':':<14}{r['wall']:7.1f} s wall {r['cpu']:7.1f} s CPU"
                  f"  ({r['wall'] / stock['wall']:.2f}x stock)")
        print(f"  budget of 0.5x stock:    {budget:7.1f} s CPU ({cores} cores x {0.5 * stock['wall']:.1f} s)")
        print(f"  Markdown reader alone:   {alone['markdown']:7.1f} s CPU ({alone['files']} files)")
        print(f"  typogrify alone (ours):  {alone['typogrify']:7.1f} s CPU")
        print(f"  search index:            {search:7.1f} s CPU (ours with it on minus off)")
        print(f"  these three:             {floor:7.1f} s CPU = {floor / budget:.0%} of the budget;"
              f" {budget - floor:.1f} s CPU left for every page's rendering and the rest")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
