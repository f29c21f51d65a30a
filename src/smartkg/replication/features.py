"""The city-feature graph: a networkx bipartite graph of cities and the concepts they hold.

One node per city (``("city", iri)``, ``bipartite=0``) and one per concept of each facet
(``(facet, iri)``, ``bipartite=1``). An edge joins a city to every concept its services name
(weight 1) and, by *ancestor expansion*, to every broader concept of those (weight
``decay ** distance``; the largest weight wins when several paths lead to one concept). Each
edge records in ``via`` the concepts the city names directly that produced it, so an explanation
can say "shared broader type Autonomous transit: you run Autonomous bus, they run Autonomous
shuttle".

A concept's document frequency is its degree in this graph: the number of cities holding it,
directly or through a narrower concept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
from rdflib import URIRef

from smartkg.replication.profiles import CityProfile, Facet, ReplicationData

__all__ = ["CityNode", "FeatureNode", "city_node", "expand", "feature_graph", "feature_nodes"]

CityNode = tuple[str, URIRef]
FeatureNode = tuple[Facet, URIRef]

_CITY = "city"


def city_node(city: URIRef) -> CityNode:
    return (_CITY, city)


def expand(
    concepts: Iterable[URIRef],
    data: ReplicationData,
    decay: float,
    cache: dict[URIRef, dict[URIRef, int]] | None = None,
) -> dict[URIRef, tuple[float, frozenset[URIRef]]]:
    """``concepts`` with their broader concepts: concept -> (weight, the given concepts that
    lead to it). A given concept weighs 1, its ancestors ``decay ** distance``; the largest
    weight wins when several paths lead to one concept."""
    ancestors = cache if cache is not None else {}
    expanded: dict[URIRef, tuple[float, set[URIRef]]] = {}
    for concept in sorted(set(concepts)):
        if concept not in ancestors:
            ancestors[concept] = data.ancestors(concept)
        for target, distance in [(concept, 0), *sorted(ancestors[concept].items())]:
            previous, via = expanded.get(target, (0.0, set()))
            via.add(concept)
            expanded[target] = (max(previous, decay**distance), via)
    return {t: (w, frozenset(via)) for t, (w, via) in sorted(expanded.items())}


def feature_graph(
    profiles: Mapping[URIRef, CityProfile], data: ReplicationData, decay: float
) -> nx.Graph:
    """The bipartite city-feature graph of ``profiles`` (cities and concepts added in IRI
    order, so node and edge order never depend on hashing)."""
    graph = nx.Graph()
    cache: dict[URIRef, dict[URIRef, int]] = {}
    for city in sorted(profiles):
        graph.add_node(city_node(city), bipartite=0)
    for city in sorted(profiles):
        profile = profiles[city]
        for facet in Facet:
            expanded = expand(profile.features[facet], data, decay, cache)
            for target, (weight, via) in expanded.items():
                node: FeatureNode = (facet, target)
                graph.add_node(node, bipartite=1, facet=facet)
                graph.add_edge(city_node(city), node, weight=weight, via=via)
    return graph


def feature_nodes(graph: nx.Graph, facet: Facet) -> list[FeatureNode]:
    """The concept nodes of ``facet`` in ``graph``, in IRI order."""
    nodes = [node for node, kind in graph.nodes(data="facet") if kind is facet]
    return sorted(nodes, key=lambda node: str(node[1]))
