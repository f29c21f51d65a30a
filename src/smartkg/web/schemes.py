"""A concept scheme's concepts as a tree (``skos:broader``), for the vocabulary pages."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef

from smartkg.engine import SparqlEngine, SparqlTermEngine
from smartkg.namespaces import sparql_prefixes
from smartkg.web.html import esc, label_html
from smartkg.web.index import GraphIndex

__all__ = ["SCHEMES_QUERY", "concept_tree_html", "scheme_concepts", "scheme_statements"]

_CONCEPTS = (
    sparql_prefixes("skos")
    + """
SELECT ?scheme ?concept ?broader
WHERE {
  ?concept skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:broader ?broader . ?broader skos:inScheme ?scheme }
}
"""
)

_STATEMENTS = (
    sparql_prefixes("skos")
    + "SELECT ?scheme ?concept ?p ?o WHERE { ?concept skos:inScheme ?scheme ; ?p ?o }\n"
)

#: Every concept scheme (for the home page).
SCHEMES_QUERY = (
    sparql_prefixes("rdf", "skos")
    + """
SELECT ?scheme (COUNT(DISTINCT ?concept) AS ?concepts)
WHERE { ?scheme rdf:type skos:ConceptScheme . OPTIONAL { ?concept skos:inScheme ?scheme } }
GROUP BY ?scheme
ORDER BY ?scheme
"""
)


def scheme_concepts(engine: SparqlEngine, scheme: URIRef) -> tuple[list[str], dict[str, list[str]]]:
    """The scheme's top concepts (those without a broader one in it) and each concept's
    narrower ones, in IRI order."""
    children: dict[str, set[str]] = defaultdict(set)
    concepts: set[str] = set()
    has_parent: set[str] = set()
    for _, concept, broader in engine.select(_CONCEPTS, {"scheme": scheme})[1]:
        concepts.add(concept)
        if broader:
            children[broader].add(concept)
            has_parent.add(concept)
    tops = sorted(concepts - has_parent)
    return tops, {parent: sorted(found) for parent, found in children.items()}


def scheme_statements(engine: SparqlTermEngine, scheme: URIRef) -> Graph:
    """Every statement about every concept of ``scheme`` (a vocabulary's download)."""
    graph = Graph(bind_namespaces="none")
    for _, concept, p, o in engine.select_terms(_STATEMENTS, {"scheme": scheme})[1]:
        if isinstance(concept, URIRef) and isinstance(p, URIRef) and o is not None:
            graph.add((concept, p, o))
    return graph


def concept_tree_html(engine: SparqlEngine, scheme: URIRef, index: GraphIndex) -> str:
    """The scheme's concepts as nested lists, or an empty string for an empty scheme."""
    tops, children = scheme_concepts(engine, scheme)
    if not tops:
        return ""

    def sort_key(iri: str) -> tuple[str, str]:
        labels = index.label(iri)
        return ((labels.en or labels.ko or iri).casefold(), iri)

    def branch(nodes: list[str], seen: frozenset[str]) -> str:
        items = []
        for node in sorted(nodes, key=sort_key):
            below = [c for c in children.get(node, []) if c not in seen]
            inner = branch(below, seen | {node}) if below else ""
            items.append(f"<li>{label_html(node, index.label(node))}{inner}</li>")
        return f'<ul class="tree">{"".join(items)}</ul>'

    count = len({*tops, *(c for found in children.values() for c in found)})
    return f"<section><h2>Concepts ({esc(count)})</h2>{branch(tops, frozenset())}</section>"
