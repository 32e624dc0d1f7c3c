"""Benchmark: the editorial checks and related news, cold and with their caches.

    python bench/bench_caches.py CONTENT [--runs 3] [--conf publishconf.py]
                                 [--cache DIR] [--scenarios cold warm edited]

Times the two plugins' per-build handlers inside a real Pelican run that
stops after the generators' contexts (nothing is written): the editorial
checker (``check_folder``, called by ``run_checks`` at ``get_generators``)
and related news (``relate`` at ``article_generator_finalized``, split into
``signatures`` and ``rank``). Each measurement is a fresh process, like a
``make html`` or ``make publish``:

- ``cold``: the two plugins' caches removed (``editorial-*.sqlite`` and
  ``related-*.sqlite`` in the cache folder); the reader cache of the
  buildspeed plugin is kept, so Pelican's own reading stays fast;
- ``warm``: the caches the previous run left, nothing changed;
- ``edited``: one article's first paragraph changed (restored afterwards).

The first run fills the buildspeed reader cache if it is empty (slow at
20,000 articles; not timed). Prints one line per run and the load average
(the machine may be shared: read the figures with it).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(content: Path, conf: str, cache: Path, output: Path) -> dict:
    import logging

    sys.path.insert(0, str(ROOT / "plugins"))
    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)  # the corpus' category warnings are not what we measure
    override = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache)}
    settings = read_settings(str(ROOT / conf), override=override)
    figures: dict = {}

    def timed(module, name, key):
        inner = getattr(module, name)

        def wrapper(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                figures[key] = figures.get(key, 0.0) + time.perf_counter() - t0
                cpu = key.replace("_s", "_cpu")
                figures[cpu] = figures.get(cpu, 0.0) + time.process_time() - c0

        setattr(module, name, wrapper)

    import editorial.editorial as ed
    import related.related as rel

    ed.BACKGROUND = False  # check in this process: the timer sees it
    timed(ed, "check_folder", "checks_s")  # what run_checks calls
    for name in ("signatures", "rank"):
        timed(rel, name, f"{name}_s")
    timed(rel, "relate", "related_s")  # register() connects rel.relate when Pelican loads the plugin

    t0 = time.perf_counter()
    pelican = Pelican(settings)
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={}, localsiteurl=settings["SITEURL"])
    generators = [
        cls(context=context, settings=settings, path=pelican.path, theme=pelican.theme, output_path=pelican.output_path)
        for cls in pelican._get_generator_classes()
    ]
    for gen in generators:
        if hasattr(gen, "generate_context"):
            gen.generate_context()
    figures["context_s"] = time.perf_counter() - t0
    articles = next(g for g in generators if hasattr(g, "drafts"))
    figures["articles"] = len(articles.articles) + len(articles.drafts)
    figures["related_digest"] = hash_lists(articles)
    return figures


def hash_lists(generator) -> str:
    """A digest of every article's related list: cached and uncached runs must agree."""
    import hashlib

    h = hashlib.sha256()
    for article in sorted([*generator.articles, *generator.drafts], key=lambda a: a.source_path):
        h.update(article.source_path.encode() + b"\0")
        h.update("\0".join(r.source_path for r in getattr(article, "related_news", [])).encode() + b"\n")
    return h.hexdigest()[:12]


def run_child(content: Path, conf: str, cache: Path, output: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", str(content), conf, str(cache), str(output)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pick_article(content: Path) -> Path:
    """A fixed article to edit: the first in path order."""
    return sorted(p for p in content.rglob("*.md") if "pages" not in p.parts)[0]


def edit(path: Path) -> bytes:
    original = path.read_bytes()
    head, _, body = original.decode("utf-8").partition("\n\n")
    sentence = "Bà con phấn khởi đón nhận chủ trương mới về chuyển đổi số trong nông nghiệp. "
    path.write_text(head + "\n\n" + sentence + body, encoding="utf-8")
    return original


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path, nargs="?")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--conf", default="publishconf.py")
    parser.add_argument("--cache", type=Path, default=None, help="cache folder (default: CONTENT/../bench-cache)")
    parser.add_argument("--scenarios", nargs="+", default=["cold", "warm", "edited"])
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        content, conf, cache, output = args.child
        print(json.dumps(child(Path(content), conf, Path(cache), Path(output))))
        return

    content = args.content.resolve()
    cache = (args.cache or content.parent / "bench-cache").resolve()
    output = content.parent / "bench-output"
    if not glob.glob(str(cache / "buildspeed-*.sqlite")):
        print("filling the reader cache (not timed) ...", flush=True)
        run_child(content, args.conf, cache, output)
    target = pick_article(content)
    print("wall seconds (CPU seconds of the process in brackets)")
    print(f"{'run':>3} {'scenario':>8} | {'checks':>13} | {'related':>13} {'(signatures':>13} {'rank)':>13} | "
          f"{'articles':>8} | {'lists':>12} | load average")
    for run in range(1, args.runs + 1):
        for scenario in args.scenarios:
            if scenario == "cold":
                for pattern in ("editorial-*.sqlite*", "related-*.sqlite*"):
                    for path in glob.glob(str(cache / pattern)):
                        os.remove(path)
            original = edit(target) if scenario == "edited" else None
            try:
                f = run_child(content, args.conf, cache, output)
            finally:
                if original is not None:
                    target.write_bytes(original)
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            cells = [f"{f.get(k + '_s', 0):6.2f} ({f.get(k + '_cpu', 0):4.2f})"
                     for k in ("checks", "related", "signatures", "rank")]
            print(f"{run:>3} {scenario:>8} | {cells[0]:>13} | {cells[1]:>13} {cells[2]:>13} {cells[3]:>13} | "
                  f"{f['articles']:>8} | {f['related_digest']:>12} | {load}", flush=True)


if __name__ == "__main__":
    main()
