"""Build and validate at scale, as ``smartkg --root DIR build`` and ``smartkg --root DIR validate``.

Each size gets a catalogue laid out as a user would have it, in a temporary directory: a copy
of the repository's ``ontology/`` (with ``vocab/``) and ``shapes/``, and the synthetic
catalogue as one Turtle file ``data/synthetic.ttl`` (written once by :func:`smartkg.synth.synth`
and cached under ``build/bench/``). Every run is a forked child, so its memory is its own:

* build: :func:`load_catalogue`, :func:`render_outputs` and :func:`write_atomically`, the
  calls :func:`smartkg.build.build` makes (the first two with the collector paused, as there),
  each timed;
* validate: :func:`load_catalogue` (with the store) then :func:`validate`, as ``smartkg
  validate`` does;
* build --validate: the build's steps, loading the store as well, then :func:`validate` on
  the build's catalogue, as ``smartkg build --validate`` does.

    .venv/bin/python bench/bench_build.py 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from datasets import SEED, cities_for
from harness import Row, Timing, format_table, in_child, log, peak_rss_mb

from smartkg.atomic import write_atomically
from smartkg.build import render_outputs
from smartkg.catalogue import Layout, load_catalogue, paused_gc
from smartkg.synth import synth
from smartkg.validation import Severity, validate

__all__ = ["bench_build", "bench_layout", "synth_turtle"]

ROOT = Path(__file__).resolve().parents[1]

Steps = dict[str, float]


def synth_turtle(repo: Layout, cities: int) -> Path:
    """``build/bench/synth-<cities>-<seed>.ttl``, written once."""
    path = repo.build_dir / "bench" / f"synth-{cities}-{SEED}.ttl"
    if not path.is_file():
        log(f"writing {path.name}")
        synth(repo, cities, SEED, path)
    return path


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another filesystem
        shutil.copyfile(source, target)


def bench_layout(repo: Layout, cities: int, into: Path) -> Layout:
    """A catalogue under ``into``: the repository's ontology, vocabularies and shapes, and
    ``cities`` synthetic cities as ``data/synthetic.ttl``."""
    layout = Layout(into)
    shutil.copytree(repo.ontology_dir, layout.ontology_dir)
    shutil.copytree(repo.shapes_dir, layout.shapes_dir)
    layout.data_dir.mkdir(parents=True)
    _link_or_copy(synth_turtle(repo, cities), layout.data_dir / "synthetic.ttl")
    return layout


def _build_steps(layout: Layout, *, then_validate: bool = False) -> tuple[Steps, int]:
    with paused_gc():
        start = time.perf_counter()
        catalogue = load_catalogue(layout, with_store=then_validate)
        loaded = time.perf_counter()
        contents = render_outputs(catalogue)
        rendered = time.perf_counter()
    write_atomically({layout.build_dir / name: content for name, content in contents.items()})
    written = time.perf_counter()
    steps = {"load": loaded - start, "serialise": rendered - loaded, "write": written - rendered}
    if not then_validate:
        return steps, len(catalogue.graph)
    report = validate(catalogue)
    steps["validate"] = time.perf_counter() - written
    return steps, report.counts()[Severity.VIOLATION]


def _validate_steps(layout: Layout) -> tuple[Steps, int]:
    start = time.perf_counter()
    catalogue = load_catalogue(layout, with_store=True)
    loaded = time.perf_counter()
    report = validate(catalogue)
    done = time.perf_counter()
    violations = report.counts()[Severity.VIOLATION]
    return {"load": loaded - start, "validate": done - loaded}, violations


Measured = tuple[float, float, Steps, int, float]  # peak MB, MB before, steps, count, CPU s


def _measure(steps: Callable[[], tuple[Steps, int]]) -> Measured:
    cpu = time.process_time()
    peak, before, (times, count) = peak_rss_mb(steps)
    return peak, before, times, count, time.process_time() - cpu


def _runs(action: Callable[[], Measured], runs: int, cap: float) -> list[Measured] | None:
    results = []
    for _ in range(runs):
        result = in_child(action, cap)
        if not isinstance(result, tuple):
            return None
        results.append(result)
    return results


def _rows(
    benchmark: str,
    size: str,
    results: list[Measured] | None,
    cap: float,
    note: str,
) -> list[Row]:
    if results is None:
        return [Row(benchmark, size, "total", Timing(None, 1, cap), note="did not finish")]
    runs = len(results)
    rows = [
        Row(benchmark, size, step, Timing(statistics.median(r[2][step] for r in results), runs))
        for step in results[0][2]
    ]
    total = statistics.median(sum(r[2].values()) for r in results)
    peak = max(r[0] for r in results)
    base = min(r[1] for r in results)
    # CPU time says more than wall time on a busy machine (this one is shared)
    note = f"CPU {statistics.median(r[4] for r in results):.2f} s; {note}"
    rows.append(
        Row(benchmark, size, "total", Timing(total, runs), peak_mb=peak, base_mb=base, note=note)
    )
    return rows


def bench_build(
    layout: Layout,
    triples: int,
    size: str,
    *,
    cap: float,
    runs: int = 1,
    with_validate: bool = True,
) -> list[Row]:
    """Build and (unless ``with_validate`` is false) validate a catalogue of about ``triples``
    triples: medians of ``runs`` runs, each in a forked child killed at ``cap`` seconds; one
    row per step and a total each."""
    cities = cities_for(triples)
    synth_turtle(layout, cities)
    with tempfile.TemporaryDirectory(prefix="smartkg-bench-build-") as temp:
        catalogue = bench_layout(layout, cities, Path(temp) / "catalogue")
        log(f"build {size}: {runs} run(s), cap {cap:g} s")
        built = _runs(lambda: _measure(lambda: _build_steps(catalogue)), runs, cap)
        nt_bytes = (catalogue.build_dir / "smartkg.nt").stat().st_size if built else 0
        triples_note = f"{built[0][3]:,} triples, {nt_bytes / 1e6:.0f} MB .nt" if built else ""
        rows = _rows("build", size, built, cap, triples_note)
        if not with_validate:
            return rows
        log(f"validate {size}: {runs} run(s), cap {cap:g} s")
        checked = _runs(lambda: _measure(lambda: _validate_steps(catalogue)), runs, cap)
        violations = f"{checked[0][3]} violations" if checked else ""
        rows += _rows("validate", size, checked, cap, violations)
        log(f"build --validate {size}: {runs} run(s), cap {cap:g} s")
        both = _runs(
            lambda: _measure(lambda: _build_steps(catalogue, then_validate=True)), runs, cap
        )
        violations = f"{both[0][3]} violations" if both else ""
        rows += _rows("build --validate", size, both, cap, violations)
    return rows


def _size(triples: int) -> str:
    return f"{triples // 1000:,}k" if triples < 1_000_000 else f"{triples // 10**6}M"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("triples", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size below 1M (3)")
    parser.add_argument("--cap", type=float, default=900.0, help="seconds per run (900)")
    parser.add_argument("--build-only", action="store_true", help="do not validate")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for triples in args.triples:
        runs = 1 if triples >= 1_000_000 else args.runs
        rows += bench_build(
            Layout(ROOT),
            triples,
            _size(triples),
            cap=args.cap,
            runs=runs,
            with_validate=not args.build_only,
        )
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
