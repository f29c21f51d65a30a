"""Load: pyoxigraph's bulk loader against rdflib's N-Triples parser, on the same bytes."""

from __future__ import annotations

import pyoxigraph
from harness import Row, log, timing
from rdflib import Graph

__all__ = ["bench_load"]


def _oxigraph(data: bytes) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _rdflib(data: bytes) -> Graph:
    graph = Graph()
    graph.parse(data=data, format="nt")
    return graph


def bench_load(data: bytes, size: str, runs: int) -> tuple[Row, Graph, pyoxigraph.Store]:
    """Time both loaders (medians of ``runs``); return the row and one loaded graph and store."""
    log(f"load {size}: pyoxigraph")
    a = timing(lambda: _oxigraph(data), runs)
    log(f"load {size}: rdflib")
    b = timing(lambda: _rdflib(data), max(1, runs - 2) if len(data) > 50_000_000 else runs)
    graph, store = _rdflib(data), _oxigraph(data)
    row = Row("load (N-Triples)", size, f"{len(graph):,} triples, {len(data) / 1e6:.0f} MB", a, b)
    return row, graph, store
