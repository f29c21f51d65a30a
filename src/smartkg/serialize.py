"""Deterministic serialisation of a graph: the same triples give the same bytes.

Blank nodes get canonical labels (rdflib's RDF graph canonicalisation) so that their labels,
and the order rdflib's serialisers put them in, do not depend on parse order or hash seeds.
N-Triples lines are sorted; JSON-LD arrays that are sets in JSON-LD are sorted too.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from smartkg.catalogue import adopt_prefixes, new_graph

__all__ = ["RdfFormat", "canonical_graph", "serialize"]

_LIST_KEY = "@list"


class RdfFormat(StrEnum):
    """Output formats of ``build`` and ``export``."""

    TURTLE = "turtle"
    NT = "nt"
    JSONLD = "jsonld"

    @property
    def suffix(self) -> str:
        return {"turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}[self.value]


def _has_blank_nodes(graph: Graph) -> bool:
    return any(isinstance(node, BNode) for triple in graph for node in triple)


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels, the catalogue prefixes bound and
    the other prefixes ``graph`` binds kept."""
    out = new_graph()
    adopt_prefixes(out, graph)
    if _has_blank_nodes(graph):
        for triple in to_canonical_graph(graph):
            out.add(triple)
    else:
        out += graph
    return out


def _turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def _ntriples(graph: Graph) -> bytes:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _sorted_sets(value: Any, *, ordered: bool = False) -> Any:
    """Sort every JSON-LD array except ``@list`` contents (which are ordered)."""
    if isinstance(value, dict):
        return {k: _sorted_sets(v, ordered=k == _LIST_KEY) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_sets(v) for v in value]
        if ordered:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(graph: Graph) -> bytes:
    context = {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix != "xml"}
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = _sorted_sets(json.loads(text))
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )


def serialize(graph: Graph, fmt: RdfFormat) -> bytes:
    """``graph`` in ``fmt`` as UTF-8 bytes, byte-identical for equal graphs."""
    canonical = canonical_graph(graph)
    if fmt is RdfFormat.TURTLE:
        return _turtle(canonical)
    if fmt is RdfFormat.NT:
        return _ntriples(canonical)
    return _jsonld(canonical)
