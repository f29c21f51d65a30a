"""Validation at scale, the compiled engine beside pySHACL (the validate step only).

Ontology + vocabularies + a synthetic catalogue are parsed into a plain rdflib graph (what
``smartkg validate`` gets from the catalogue loader), then validated with the shapes by

- the compiled engine (:func:`smartkg.shacl.validate_fast`), with its first step, copying the
  rdflib graph into a pyoxigraph store, also timed alone;
- pySHACL (:func:`smartkg.shacl.reference.run_pyshacl`), the reference.

Both report their number of results, which must agree. A last row times parsing the same
N-Triples straight into pyoxigraph, what a loader could do instead of the copy. Each engine runs
in its own forked child under the cap; one run per size (``runs`` for more, median reported).
"""

from __future__ import annotations

import statistics
import time

import pyoxigraph as ox
from datasets import graph_bytes
from harness import Row, Timing, in_child, log
from rdflib import Graph

from smartkg.catalogue import Layout
from smartkg.shacl import validate_fast
from smartkg.shacl.reference import run_pyshacl
from smartkg.shacl.result import results_of_report
from smartkg.shacl.terms import mirror_graph

__all__ = ["bench_validate"]

Measured = tuple[float, int]  # seconds, results


def _shapes(layout: Layout) -> Graph:
    shapes = Graph()
    for path in layout.shape_files():
        shapes.parse(path, format="turtle")
    return shapes


def _parsed(data: bytes) -> tuple[Graph, float]:
    start = time.perf_counter()
    graph = Graph()
    graph.parse(data=data, format="nt")
    return graph, time.perf_counter() - start


def _fast(layout: Layout, data: bytes, runs: int) -> tuple[float, int, float, float, int]:
    graph, parse = _parsed(data)
    shapes = _shapes(layout)
    copies, totals, results = [], [], 0
    for _ in range(runs):
        start = time.perf_counter()
        mirror_graph(graph)
        copies.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = validate_fast(graph, shapes)
        totals.append(time.perf_counter() - start)
        results = len(report.results)
        if report.fallback:
            log(f"  shapes left to pySHACL: {sorted(map(str, report.fallback))}")
    return parse, len(graph), statistics.median(copies), statistics.median(totals), results


def _pyshacl(layout: Layout, data: bytes, runs: int) -> Measured:
    graph, _ = _parsed(data)
    shapes = _shapes(layout)
    times, results = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        report = run_pyshacl(graph, shapes)
        times.append(time.perf_counter() - start)
        results = sum(1 for _ in results_of_report(report))
    return statistics.median(times), results


def _oxigraph_parse(data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        ox.Store().bulk_load(data, ox.RdfFormat.N_TRIPLES)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_validate(
    layout: Layout, cities: int, size: str, *, cap: float, runs: int = 1
) -> list[Row]:
    log(f"validate {size} (cap {cap:g} s per engine, {runs} run(s))")
    data = graph_bytes(layout, cities)
    rows: list[Row] = []
    fast = in_child(lambda: _fast(layout, data, runs), cap)
    reference = in_child(lambda: _pyshacl(layout, data, runs), cap)
    fast_results: int | None = None
    fast_seconds = 0.0
    if isinstance(fast, tuple):
        parse, triples, copy, fast_seconds, fast_results = fast
        rows.append(
            Row("validate", size, "parse (rdflib)", Timing(parse, 1), note=f"{triples:,} triples")
        )
        rows.append(Row("validate", size, "copy to pyoxigraph", Timing(copy, runs)))
    if isinstance(reference, tuple):
        pyshacl_seconds, pyshacl_results = reference
        b = Timing(pyshacl_seconds, runs)
        agree = (
            ""
            if fast_results is None
            else (" (same count)" if fast_results == pyshacl_results else " (COUNTS DIFFER)")
        )
        note = f"{fast_results} / {pyshacl_results} results{agree}"
    else:
        b = Timing(None, 1, cap)
        note = f"{fast_results} results; pySHACL did not finish within the cap"
    a = Timing(fast_seconds, runs) if isinstance(fast, tuple) else Timing(None, 1, cap)
    rows.append(Row("validate", size, "SHACL: fast (a) vs pySHACL (b)", a, b, note=note))
    rows.append(
        Row(
            "validate",
            size,
            "parse N-Triples into pyoxigraph",
            Timing(_oxigraph_parse(data, runs), runs),
        )
    )
    return rows
