"""Replication planning at scale: read the data, build the model (sparse TF-IDF vectors), similar
cities and recommendations for one city, and every city's top-10 peers
(:meth:`SimilarityModel.top_peers`, blocked: no n x n matrix).

Each size runs in its own forked child, so its peak memory is its own and a size that does not
fit in time is cut at the cap. Peak memory is the process's resident high-water mark during the
step (Rust, numpy and Python together), measured in a separate run from the timed ones.
"""

from __future__ import annotations

from typing import Any

from datasets import graph_bytes
from harness import Row, Timing, in_child, log, peak_rss_mb, timing
from rdflib import URIRef

from smartkg.catalogue import Layout
from smartkg.engine import EmbeddedEngine
from smartkg.namespaces import CITY
from smartkg.replication import (
    Planner,
    ReplicationData,
    build_planner,
    read_replication_data,
    recommend_for_city,
    similar_cities,
)
from smartkg.synth import city_slug

__all__ = ["bench_replication"]


def _all_pairs(planner: Planner) -> int:
    """Every city's top 10 peers; how many peers were found."""
    table = planner.similarity.top_peers(10)
    return int((table.peers >= 0).sum())


def _build_and_all_pairs(data: ReplicationData) -> Planner:
    planner = build_planner(data)
    _all_pairs(planner)
    return planner


def _measure(layout: Layout, cities: int, runs: int) -> dict[str, Any]:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(graph_bytes(layout, cities), format=pyoxigraph.RdfFormat.N_TRIPLES)
    engine = EmbeddedEngine(store)
    out: dict[str, Any] = {"triples": len(store)}
    slow = 1 if cities > 1000 else runs
    out["read"] = timing(lambda: read_replication_data(engine), slow)
    data = read_replication_data(engine)
    store = engine = None  # type: ignore[assignment]  # free the graph before the model
    out["build_mb"], out["base_mb"], built = peak_rss_mb(lambda: _build_and_all_pairs(data))
    assert isinstance(built, Planner)
    planner = built
    out["build"] = timing(lambda: build_planner(data), runs)
    out["all_pairs"] = timing(lambda: _build_and_all_pairs(data), runs)
    out["peers_loop"] = timing(lambda: _all_pairs(planner), runs)
    city: URIRef = CITY[city_slug(1)]
    out["similar"] = timing(lambda: similar_cities(planner, city, 10), runs)
    out["recommend"] = timing(lambda: recommend_for_city(planner, city), runs)
    return out


def bench_replication(layout: Layout, cities: int, *, runs: int, cap: float) -> list[Row]:
    """Rows for one size; a size that runs out of time (or memory) gets one row saying so."""
    size = f"{cities:,} cities"
    log(f"replication {size} (cap {cap:g} s)")
    result = in_child(lambda: _measure(layout, cities, runs), cap)
    if not isinstance(result, dict):
        return [
            Row(
                "replication",
                size,
                "all steps",
                note=f"did not finish within {cap:g} s or ran out of memory",
            )
        ]
    loop: Timing = result["peers_loop"]
    assert loop.seconds is not None
    triples = f"{result['triples']:,} triples"
    peak = {"peak_mb": result["build_mb"], "base_mb": result["base_mb"]}
    return [
        Row("replication", size, "read data (SPARQL on pyoxigraph)", result["read"], note=triples),
        Row("replication", size, "build model (sparse TF-IDF)", result["build"]),
        Row("replication", size, "similar: one city, top 10", result["similar"]),
        Row("replication", size, "recommend: one city", result["recommend"]),
        Row(
            "replication",
            size,
            "all-pairs top-10 (build + every city's peers)",
            result["all_pairs"],
            **peak,
            note=f"top-10 table alone {loop.seconds:.2f} s",
        ),
    ]
