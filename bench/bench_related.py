"""Benchmark: what "Các tin liên quan" (plugins/related) costs a build.

    python bench/bench_related.py [--sizes 1000 5000 20000] [--out bench/out]

For each size, generates the deterministic corpus (bench/corpus.py) once,
then runs two full builds, each in a fresh child process:

- with the plugin: the plugin's signal handler is timed (and split into
  reading text into signatures, and ranking through the inverted index),
  then run a second time under tracemalloc for its peak memory (that second
  run is not counted in the build time);
- without the plugin (``related`` removed from PLUGINS).

Prints one row per size: the plugin's time and peak memory, the two builds'
total times and the processes' peak RSS. The plugin's term cache is off
(``RELATED_CACHE = False``): this measures reading every article;
``bench/bench_caches.py`` measures builds with the cache.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))


def child(content: Path, output: Path, with_plugin: bool) -> dict:
    """One full build in this process; returns figures as a dict."""
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)  # corpus warnings are not what we measure
    override = {"PATH": str(content), "OUTPUT_PATH": str(output), "DELETE_OUTPUT_DIRECTORY": True}
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=override)
    settings["RELATED_CACHE"] = False
    figures: dict = {"articles": 0}
    if with_plugin:
        import related.related as rel

        parts = {"signatures": 0.0, "rank": 0.0}
        for name in parts:
            inner = getattr(rel, name)

            def timed(*args, _inner=inner, _name=name):
                t0 = time.perf_counter()
                result = _inner(*args)
                parts[_name] += time.perf_counter() - t0
                return result

            setattr(rel, name, timed)
        handler = rel.relate

        def instrumented(generator):
            t0 = time.perf_counter()
            handler(generator)
            figures["plugin_s"] = time.perf_counter() - t0
            figures.update({f"{k}_s": v for k, v in parts.items()})
            figures["articles"] = len(generator.articles)
            t1 = time.perf_counter()
            tracemalloc.start()
            handler(generator)  # same input, same result: only memory is read
            figures["plugin_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            figures["memory_pass_s"] = time.perf_counter() - t1

        rel.relate = instrumented  # register() connects rel.relate when Pelican loads the plugin
    else:
        settings["PLUGINS"] = [p for p in settings["PLUGINS"] if p != "related"]
    t0 = time.perf_counter()
    Pelican(settings).run()
    figures["build_s"] = time.perf_counter() - t0 - figures.get("memory_pass_s", 0.0)
    figures["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def run_child(content: Path, output: Path, with_plugin: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", str(content), str(output), "1" if with_plugin else "0"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        content, output, flag = args.child
        print(json.dumps(child(Path(content), Path(output), flag == "1")))
        return

    import corpus

    header = (
        f"{'articles':>8} | {'plugin s':>8} | {'(read':>6} {'rank)':>6} | {'plugin peak MB':>14} | "
        f"{'build with s':>12} | {'without s':>9} | {'RSS with MB':>11} | {'without MB':>10}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        content = args.out / f"corpus-{n}"
        if not (content / "pages").exists():
            corpus.generate(content, n)
        with_ = run_child(content, args.out / f"site-{n}", True)
        without = run_child(content, args.out / f"site-{n}-without", False)
        print(
            f"{with_['articles']:>8} | {with_['plugin_s']:>8.2f} | {with_['signatures_s']:>6.2f} {with_['rank_s']:>6.2f} | "
            f"{with_['plugin_peak_mb']:>14.1f} | {with_['build_s']:>12.1f} | {without['build_s']:>9.1f} | "
            f"{with_['maxrss_mb']:>11.0f} | {without['maxrss_mb']:>10.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
