"""Labels and types of every node, read once from the engine: every page names the entities
it links to in English and Korean without asking the store again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rdflib import URIRef

from smartkg.engine import SparqlEngine
from smartkg.labels import Labels
from smartkg.namespaces import sparql_prefixes
from smartkg.shared_queries import read_labels

__all__ = ["GraphIndex", "build_index"]

_TYPES = (
    sparql_prefixes("rdf")
    + """
SELECT ?node ?type WHERE { ?node rdf:type ?type FILTER(isIRI(?node) && isIRI(?type)) }
"""
)


@dataclass(frozen=True)
class GraphIndex:
    """Every node's English and Korean label (``rdfs:label``, else ``skos:prefLabel``) and its
    ``rdf:type`` s."""

    labels: Mapping[str, Labels]
    types: Mapping[str, tuple[str, ...]]

    def label(self, iri: str) -> Labels:
        return self.labels.get(str(iri), Labels())

    def types_of(self, iri: str) -> tuple[str, ...]:
        return self.types.get(str(iri), ())

    def has_type(self, iri: str, type_iri: URIRef) -> bool:
        return str(type_iri) in self.types_of(iri)


def build_index(engine: SparqlEngine) -> GraphIndex:
    labels = read_labels(engine)
    types: dict[str, list[str]] = defaultdict(list)
    for node, type_iri in sorted(engine.select(_TYPES)[1]):
        types[node].append(type_iri)
    return GraphIndex(
        labels=MappingProxyType(labels),
        types=MappingProxyType({node: tuple(found) for node, found in types.items()}),
    )
