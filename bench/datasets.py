"""The benchmark graphs: the ontology and vocabularies plus a synthetic catalogue, as N-Triples.

Synthetic files are cached under ``build/bench/`` (they are deterministic for a seed); the size
asked for is a number of triples, turned into cities at about 66 triples per city.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from smartkg.catalogue import Layout
from smartkg.synth import synth

__all__ = ["SEED", "TRIPLES_PER_CITY", "cities_for", "graph_bytes", "synth_file"]

SEED = 2026
TRIPLES_PER_CITY = 66


def cities_for(triples: int) -> int:
    """About how many synthetic cities make ``triples`` triples."""
    return max(1, round(triples / TRIPLES_PER_CITY))


def synth_file(layout: Layout, cities: int) -> Path:
    """``build/bench/synth-<cities>.nt``, written once."""
    path = layout.build_dir / "bench" / f"synth-{cities}-{SEED}.nt"
    if not path.is_file():
        synth(layout, cities, SEED, path)
    return path


def _ontology_ntriples(layout: Layout) -> bytes:
    graph = Graph()
    for path in [*layout.ontology_files(), *layout.vocab_files()]:
        graph.parse(path, format="turtle")
    return graph.serialize(format="nt", encoding="utf-8")


def graph_bytes(layout: Layout, cities: int) -> bytes:
    """N-Triples of ontology + vocabularies + ``cities`` synthetic cities."""
    return _ontology_ntriples(layout) + synth_file(layout, cities).read_bytes()
