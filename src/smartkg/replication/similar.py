"""``smartkg similar``: a city's closest peers, each with the shared items behind its score."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from smartkg.replication.planner import Planner
from smartkg.replication.profiles import Facet
from smartkg.replication.similarity import SharedItem

__all__ = ["Peer", "SimilarCities", "similar_cities"]


@dataclass(frozen=True)
class Peer:
    """One peer: its similarity, the weighted share of each facet, and the shared items."""

    city: URIRef
    similarity: float
    by_facet: dict[Facet, float]  # weighted: they add up to ``similarity``
    shared: tuple[SharedItem, ...]


@dataclass(frozen=True)
class SimilarCities:
    city: URIRef
    top: int
    peers: tuple[Peer, ...]
    comparable: int  # cities with a similarity > 0


def similar_cities(planner: Planner, city: URIRef, top: int = 10) -> SimilarCities:
    """The ``top`` cities most similar to ``city`` (similarity > 0), best first, ties by IRI."""
    model = planner.similarity
    peers = []
    for other, similarity in model.peers(city, top):
        cosines = model.facet_similarity(city, other)
        peers.append(
            Peer(
                city=other,
                similarity=similarity,
                by_facet={f: model.weights[f] * cosines[f] for f in Facet},
                shared=tuple(model.explain(city, other)),
            )
        )
    return SimilarCities(city=city, top=top, peers=tuple(peers), comparable=model.comparable(city))
