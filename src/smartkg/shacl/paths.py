"""SHACL property paths: as SPARQL property paths (to query them) and as report text."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from smartkg.namespaces import RDF, SH, curie

__all__ = ["render_path", "sparql_path"]

_UNARY = {
    SH.inversePath: ("^", ""),
    SH.zeroOrMorePath: ("", "*"),
    SH.oneOrMorePath: ("", "+"),
    SH.zeroOrOnePath: ("", "?"),
}


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    values = sorted(graph.objects(subject, predicate), key=str)
    return values[0] if values else None


def _render(graph: Graph, path: Node, iri: _IriWriter) -> str | None:
    if isinstance(path, URIRef):
        return iri(path)
    if not isinstance(path, BNode):
        return None
    if (path, RDF.first, None) in graph:
        steps = [_render(graph, step, iri) for step in Collection(graph, path)]
        return None if None in steps else "/".join(s for s in steps if s is not None)
    for predicate, (before, after) in _UNARY.items():
        inner = _one(graph, path, predicate)
        if inner is not None:
            text = _render(graph, inner, iri)
            return None if text is None else f"{before}({text}){after}"
    alternatives = _one(graph, path, SH.alternativePath)
    if alternatives is not None:
        options = [_render(graph, a, iri) for a in Collection(graph, alternatives)]
        if None in options or not options:
            return None
        return "(" + "|".join(o for o in options if o is not None) + ")"
    return None


class _IriWriter:
    def __init__(self, nsm: NamespaceManager | None) -> None:
        self._nsm = nsm

    def __call__(self, iri: URIRef) -> str:
        return curie(iri, self._nsm) if self._nsm is not None else iri.n3()


def render_path(graph: Graph, path: Node, nsm: NamespaceManager) -> str:
    """A SHACL property path in SPARQL property-path syntax, with prefixed names."""
    text = _render(graph, path, _IriWriter(nsm))
    return text if text is not None else path.n3()


def sparql_path(graph: Graph, path: Node) -> str | None:
    """A SHACL property path as a SPARQL property path of full IRIs; None if it is malformed."""
    return _render(graph, path, _IriWriter(None))
