"""Queries: the named catalogue queries (queries/*.rq) and the replication planner's SPARQL, on
pyoxigraph and on rdflib's own engine, with the same parameters bound as RDF terms.

rdflib runs are capped (an alarm stops them at the cap) and shown as ``> cap``.
"""

from __future__ import annotations

import math
from functools import partial

import pyoxigraph
from harness import TIMES, Row, capped_timing, forked_timing, log, timing
from rdflib import Graph, Literal, URIRef, Variable

from smartkg.catalogue import Layout
from smartkg.engine import Bindings, EmbeddedEngine
from smartkg.querying.queries import NamedQuery, load_queries
from smartkg.querying.run import bind_parameters
from smartkg.replication import read_replication_data
from smartkg.store import Rows, select_with_rdflib
from smartkg.synth import city_slug

__all__ = ["RdflibEngine", "bench_queries"]


class RdflibEngine:
    """rdflib's SPARQL engine behind the :class:`~smartkg.engine.SparqlEngine` interface."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        if not bindings:
            return select_with_rdflib(self.graph, query)
        result = self.graph.query(query, initBindings={Variable(k): v for k, v in bindings.items()})
        variables = tuple(str(v) for v in result.vars or ())
        return variables, [tuple(str(c) for c in row) for row in result]  # type: ignore[union-attr]


def _bindings(engine: EmbeddedEngine, query: NamedQuery) -> dict[str, URIRef | Literal]:
    given = {"city": city_slug(1)} if query.parameter("city") is not None else {}
    return bind_parameters(engine, query, given)


def _geomean(rows: list[Row]) -> str:
    ratios = [
        r.b.seconds / r.a.seconds
        for r in rows
        if r.a and r.b and r.a.seconds and r.b.seconds is not None
    ]
    capped = sum(1 for r in rows if r.b is not None and r.b.timed_out)
    if not ratios:
        return ""
    mean = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
    return f"geometric mean {mean:,.1f}{TIMES} over {len(ratios)} queries" + (
        f" (+{capped} capped, not counted)" if capped else ""
    )


def bench_queries(
    layout: Layout,
    graph: Graph,
    store: pyoxigraph.Store,
    size: str,
    *,
    runs: int,
    cap: float,
    forked: bool = False,
) -> list[Row]:
    """One row per catalogue query, a summary row, and one row for the replication SPARQL.

    With ``forked`` (the largest graphs), each pyoxigraph run is made in a forked child killed at
    ``cap`` too, since the alarm that caps rdflib cannot stop native code."""
    engine = EmbeddedEngine(store)
    baseline = RdflibEngine(graph)
    rows: list[Row] = []
    for name, query in sorted(load_queries(layout).items()):
        bindings = _bindings(engine, query)
        log(f"query {size}: {name}")
        ours = partial(engine.select, query.text, bindings)
        a = forked_timing(ours, cap, runs) if forked else timing(ours, runs)
        b = capped_timing(partial(baseline.select, query.text, bindings), cap, min(runs, 3))
        count = "" if a.timed_out else f"{len(ours()[1])} rows"
        rows.append(Row("query", size, name, a, b, note=count))
    summary = Row("query", size, "catalogue queries (all)", note=_geomean(rows))
    log(f"query {size}: replication SPARQL (read_replication_data)")
    a = timing(lambda: read_replication_data(engine), runs)
    b = capped_timing(lambda: read_replication_data(baseline), cap, min(runs, 3))
    replication = Row("query", size, "replication SPARQL (read_replication_data)", a, b)
    return [*rows, summary, replication]
