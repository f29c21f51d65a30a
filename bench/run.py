"""``make bench``: every benchmark of bench/, one table on stdout, bench/results.json beside it.

    .venv/bin/python bench/run.py            # 10k and 100k triples; 250 and 2,500 cities
    .venv/bin/python bench/run.py --quick    # smoke run: 10k triples, 250 cities, 1 run each
    .venv/bin/python bench/run.py --full     # also 1M triples and 25,000 cities
    .venv/bin/python bench/run.py --cities --triples --validate --build --endpoint-load --no-serve
                                             # (empty options skip parts: here, everything)

Each pair (pyoxigraph, rdflib) is measured side by side in the same run; times are medians of
several runs (the ``n=`` beside each); rdflib's engine is capped (``--cap``, 60 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from bench_build import bench_build
from bench_endpoint import bench_endpoint
from bench_load import bench_load
from bench_queries import bench_queries
from bench_replication import bench_replication
from bench_serve import bench_serve
from bench_validate import bench_validate
from datasets import cities_for, graph_bytes
from harness import Row, format_table, log

from smartkg.catalogue import Layout

ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict[str, Any]:
    """nproc, CPU model and memory of this machine."""
    cpu = platform.processor() or ""
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _size(triples: int) -> str:
    return (
        f"{triples // 1000:,}k triples" if triples < 1_000_000 else f"{triples // 10**6}M triples"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smoke run: smallest sizes, 1 run")
    mode.add_argument("--full", action="store_true", help="also 1M triples and 25,000 cities")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds per rdflib query (60)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (5; 1 quick)")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results.json", help="JSON results"
    )
    parser.add_argument(
        "--triples", type=int, nargs="*", default=None, help="graph sizes to load and query"
    )
    parser.add_argument(
        "--cities", type=int, nargs="*", default=None, help="city counts for replication"
    )
    parser.add_argument(
        "--validate",
        type=int,
        nargs="*",
        default=None,
        help="graph sizes to validate with the shapes (default: 10k, and 100k unless --quick)",
    )
    parser.add_argument(
        "--endpoint-load",
        type=int,
        nargs="*",
        default=None,
        metavar="TRIPLES",
        help="graph sizes to serve under load, smartkg serve beside Oxigraph's server "
        "(default: 100k; 10k with --quick)",
    )
    parser.add_argument(
        "--endpoint-seconds",
        type=float,
        default=None,
        metavar="S",
        help="seconds per load level (10; 3 with --quick)",
    )
    parser.add_argument(
        "--build",
        type=int,
        nargs="*",
        metavar="TRIPLES",
        default=None,
        help="catalogue sizes to build and validate as smartkg build --validate does "
        "(default: 10k and 100k, also 1M with --full; 10k with --quick)",
    )
    parser.add_argument(
        "--serve",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time smartkg serve and make serve to the first answer (on)",
    )
    args = parser.parse_args(argv)
    layout = Layout(ROOT)
    runs = args.runs or (1 if args.quick else 5)
    sizes = [10_000] if args.quick else [10_000, 100_000]
    cities = [250] if args.quick else [250, 2_500]
    if args.full:
        sizes.append(1_000_000)
        cities.append(25_000)
    if args.triples is not None:
        sizes = args.triples
    if args.cities is not None:
        cities = args.cities
    cap = min(args.cap, 10.0) if args.quick else args.cap
    started = time.perf_counter()
    rows: list[Row] = []
    # First the benchmarks that fork a child per run, while this process holds no big graph: a
    # child of a large parent pays for its inherited memory (1M triples loaded and freed before
    # made the 100k build --validate about twice as slow as the same run started alone).
    for count in cities:
        rows += bench_replication(layout, count, runs=runs, cap=1800.0 if count > 10_000 else 900.0)
    build_sizes = [10_000] if args.quick else [10_000, 100_000]
    if args.full:
        build_sizes.append(1_000_000)
    if args.build is not None:
        build_sizes = args.build
    for triples in build_sizes:
        build_runs = 1 if args.quick or triples >= 1_000_000 else 3
        rows += bench_build(layout, triples, _size(triples), cap=900.0, runs=build_runs)
    for triples in sizes:
        size = _size(triples)
        data = graph_bytes(layout, cities_for(triples))
        load, graph, store = bench_load(data, size, runs if triples < 1_000_000 else 3)
        rows.append(load)
        query_runs = 3 if triples >= 1_000_000 else runs
        rows += bench_queries(
            layout, graph, store, size, runs=query_runs, cap=cap, forked=triples >= 1_000_000
        )
        del graph, store, data
    validate_sizes = [10_000] if args.quick else [10_000, 100_000]
    if args.validate is not None:
        validate_sizes = args.validate
    for triples in validate_sizes:
        rows += bench_validate(layout, cities_for(triples), _size(triples), cap=900.0)
    endpoint_sizes = [10_000] if args.quick else [100_000]
    if args.endpoint_load is not None:
        endpoint_sizes = args.endpoint_load
    seconds = args.endpoint_seconds or (3.0 if args.quick else 10.0)
    for triples in endpoint_sizes:
        rows += bench_endpoint(layout, triples, _size(triples), seconds=seconds)
    if args.serve:
        rows += bench_serve(layout, runs=1 if args.quick else 3)
    elapsed = time.perf_counter() - started
    print(format_table(rows))
    info = machine()
    print(
        f"\nmachine: {info['nproc']} CPUs, {info['cpu']}, {info['memory']}; "
        f"python {info['python']}; total {elapsed / 60:.1f} min"
    )
    args.output.write_text(
        json.dumps(
            {"machine": info, "elapsed_s": elapsed, "rows": [r.as_json() for r in rows]},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
