"""What the graph says about one entity: its statements, the statements that point at it, and
its source documents — each read with one SELECT whose ``?entity`` is bound as an RDF term
(never pasted into the query text).

The RDF served for an entity (Turtle, JSON-LD, N-Triples) is its *symmetric* description:
every triple with the entity as subject and every triple with it as object.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from smartkg.engine import SparqlEngine, SparqlTermEngine
from smartkg.namespaces import RDF, SKG, bind_prefixes, sparql_prefixes
from smartkg.store import Term

__all__ = ["EntityDescription", "SourceDocument", "describe", "describe_many", "read_sources"]

_OUTGOING = "SELECT ?entity ?p ?o WHERE { ?entity ?p ?o }"
_INCOMING = "SELECT ?entity ?s ?p WHERE { ?s ?p ?entity FILTER(isIRI(?s)) }"
_SOURCES = (
    sparql_prefixes("rdfs", "dct", "prov", "skg")
    + """
SELECT ?entity ?source ?title ?file ?issued
WHERE {
  ?entity prov:wasDerivedFrom ?source .
  OPTIONAL { ?source dct:title ?title }
  OPTIONAL { ?source skg:fileName ?file }
  OPTIONAL { ?source dct:issued ?issued }
}
ORDER BY ?source
"""
)


@dataclass(frozen=True)
class SourceDocument:
    """A source the entity is derived from: its title as published, file name and date."""

    iri: URIRef
    title: str | None
    file_name: str | None
    issued: str | None


@dataclass(frozen=True)
class EntityDescription:
    """The statements about ``iri`` and those pointing at it, in a stable order."""

    iri: URIRef
    outgoing: tuple[tuple[URIRef, Term], ...]
    incoming: tuple[tuple[URIRef, URIRef], ...]  # (subject, predicate)
    sources: tuple[SourceDocument, ...]

    @property
    def exists(self) -> bool:
        """True when the graph says anything about the entity, or points at it."""
        return bool(self.outgoing or self.incoming)

    def values(self, predicate: URIRef) -> list[Term]:
        return [value for p, value in self.outgoing if p == predicate]

    @property
    def types(self) -> list[URIRef]:
        return [v for v in self.values(RDF.type) if isinstance(v, URIRef)]

    def graph(self) -> Graph:
        """The symmetric description as an rdflib graph, the catalogue's prefixes bound."""
        graph = bind_prefixes(Graph(bind_namespaces="none"))
        for predicate, value in self.outgoing:
            graph.add((self.iri, predicate, value))
        for subject, predicate in self.incoming:
            graph.add((subject, predicate, self.iri))
        return graph


def _order(term: Term | None) -> tuple[int, str, str]:
    if isinstance(term, Literal):
        return (1, str(term.language or term.datatype or ""), str(term))
    return (0, "", str(term))


def describe(engine: SparqlTermEngine, iri: URIRef) -> EntityDescription:
    """The description of ``iri``; empty (``exists`` False) when the graph does not know it."""
    bound = {"entity": iri}
    outgoing = sorted(
        (
            (p, o)
            for _, p, o in engine.select_terms(_OUTGOING, bound)[1]
            if isinstance(p, URIRef) and o is not None
        ),
        key=lambda pair: (str(pair[0]), _order(pair[1])),
    )
    incoming = sorted(
        (s, p)
        for _, s, p in engine.select_terms(_INCOMING, bound)[1]
        if isinstance(s, URIRef) and isinstance(p, URIRef)
    )
    sources: dict[str, SourceDocument] = {}
    for _, source, title, file_name, issued in engine.select_terms(_SOURCES, bound)[1]:
        if not isinstance(source, URIRef) or str(source) in sources:
            continue
        sources[str(source)] = SourceDocument(
            source,
            str(title) if title is not None else None,
            str(file_name) if file_name is not None else None,
            str(issued) if issued is not None else None,
        )
    return EntityDescription(
        iri=iri,
        outgoing=tuple(outgoing),
        incoming=tuple(incoming),
        sources=tuple(sources[key] for key in sorted(sources)),
    )


def describe_many(engine: SparqlTermEngine, iris: list[URIRef]) -> Graph:
    """The union of the descriptions of ``iris`` (for the ontology and vocabulary downloads)."""
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    for iri in iris:
        graph += describe(engine, iri).graph()
    return graph


_ALL_SOURCES = (
    sparql_prefixes("rdf", "dct", "skg")
    + """
SELECT ?class ?source ?title ?file ?issued
WHERE {
  ?source rdf:type ?class .
  OPTIONAL { ?source dct:title ?title }
  OPTIONAL { ?source skg:fileName ?file }
  OPTIONAL { ?source dct:issued ?issued }
}
ORDER BY ?source
"""
)


def read_sources(engine: SparqlEngine) -> dict[str, SourceDocument]:
    """Every ``skg:SourceDocument`` by IRI: title, file name and date."""
    found: dict[str, SourceDocument] = {}
    for _, source, title, file_name, issued in engine.select(
        _ALL_SOURCES, {"class": SKG.SourceDocument}
    )[1]:
        found.setdefault(
            source,
            SourceDocument(URIRef(source), title or None, file_name or None, issued or None),
        )
    return found
