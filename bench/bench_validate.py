"""Validation at scale: parse ontology + vocabularies + a synthetic catalogue into a plain rdflib
graph (DESIGN.md: pySHACL gets plain graphs) and run the shapes on it, as ``smartkg validate``
does (:func:`smartkg.validation.run_shacl`). One run per size: these are slow."""

from __future__ import annotations

import time

from datasets import graph_bytes
from harness import Row, Timing, in_child, log
from rdflib import Graph

from smartkg.catalogue import Layout
from smartkg.namespaces import SH
from smartkg.validation import run_shacl

__all__ = ["bench_validate"]


def _measure(layout: Layout, cities: int) -> tuple[float, float, int, int]:
    data = graph_bytes(layout, cities)
    shapes = Graph()
    for path in layout.shape_files():
        shapes.parse(path, format="turtle")
    start = time.perf_counter()
    graph = Graph()
    graph.parse(data=data, format="nt")
    parsed = time.perf_counter()
    report = run_shacl(graph, shapes)
    done = time.perf_counter()
    violations = sum(1 for _ in report.subjects(SH.resultSeverity, SH.Violation))
    return parsed - start, done - parsed, len(graph), violations


def bench_validate(layout: Layout, cities: int, size: str, *, cap: float) -> list[Row]:
    log(f"validate {size} (cap {cap:g} s)")
    result = in_child(lambda: _measure(layout, cities), cap)
    if not isinstance(result, tuple):
        return [
            Row(
                "validate",
                size,
                "parse + SHACL",
                Timing(None, 1, cap),
                note="did not finish within the cap",
            )
        ]
    parse, shacl, triples, violations = result
    return [
        Row("validate", size, "parse (rdflib)", Timing(parse, 1), note=f"{triples:,} triples"),
        Row("validate", size, "SHACL (pySHACL)", Timing(shacl, 1), note=f"{violations} violations"),
        Row("validate", size, "parse + SHACL", Timing(parse + shacl, 1)),
    ]
