"""Feature fit: how well a service type's features match a city's own.

A service type's features are the domains, technologies and target groups of the services of
that type (in every city that runs it), expanded to their broader concepts exactly as for
cities (:func:`smartkg.replication.features.expand`). In each of the three facets the type
gets a TF-IDF vector over the same concepts and with the same IDF as the cities
(:mod:`smartkg.replication.similarity`), L2-normalised. The fit of type ``t`` to city ``X`` is

    fit(X, t) = Σ_facet w_facet · cos(X, t),    w = 1/3 for each of domains, technologies,
                                                 target groups (their similarity weights,
                                                 renormalised to sum to 1)

so it lies in [0, 1] and, like similarity, splits into one contribution per matching concept:
those contributions are the "features that match" in a recommendation's reasons. A type no city
runs has no known features and a fit of 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from rdflib import URIRef

from smartkg.replication.features import expand
from smartkg.replication.profiles import (
    SERVICE_FACETS,
    CityProfile,
    Facet,
    ReplicationData,
    ServiceRecord,
)
from smartkg.replication.similarity import SharedItem, SimilarityModel, ranked_items

__all__ = ["TypeFit", "build_type_fit"]

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TypeFit:
    """The feature vectors of the service types some city runs, and their fit to cities."""

    similarity: SimilarityModel = field(repr=False)
    types: tuple[URIRef, ...]
    weights: Mapping[Facet, float]
    vectors: Mapping[Facet, Matrix] = field(repr=False)  # types x concepts of the city space
    via: Mapping[tuple[URIRef, Facet, URIRef], frozenset[URIRef]] = field(repr=False)
    rows: Mapping[URIRef, int] = field(repr=False)

    def fits(self, city: URIRef) -> dict[URIRef, float]:
        """The fit of every type with known features to ``city``."""
        i = self.similarity.index(city)
        total: Matrix = np.zeros(len(self.types))
        for facet in SERVICE_FACETS:
            own = self.similarity.spaces[facet].dense_row(i)
            total += self.weights[facet] * (self.vectors[facet] @ own)
        return {t: float(total[row]) for row, t in enumerate(self.types)}

    def explain(self, city: URIRef, service_type: URIRef) -> list[SharedItem]:
        """The concepts ``city`` and the type share, with their contributions, largest first.
        ``via_a`` is the city's side, ``via_b`` the type's."""
        row = self.rows.get(service_type)
        if row is None:
            return []
        i = self.similarity.index(city)
        items: list[SharedItem] = []
        for facet in SERVICE_FACETS:
            space = self.similarity.spaces[facet]
            products = space.dense_row(i) * self.vectors[facet][row] * self.weights[facet]
            for column in np.flatnonzero(products > 0):
                concept = space.concepts[int(column)]
                items.append(
                    SharedItem(
                        facet=facet,
                        concept=concept,
                        contribution=float(products[column]),
                        via_a=self.similarity.via(city, facet, concept),
                        via_b=self.via[(service_type, facet, concept)],
                    )
                )
        return ranked_items(items)


def build_type_fit(
    profiles: Mapping[URIRef, CityProfile],
    data: ReplicationData,
    similarity: SimilarityModel,
    decay: float,
) -> TypeFit:
    """Feature vectors of every type run in ``profiles``, in the cities' TF-IDF space."""
    services: dict[URIRef, list[ServiceRecord]] = defaultdict(list)
    for city in sorted(profiles):
        for service in profiles[city].services:
            services[service.service_type].append(service)
    types = tuple(sorted(services))
    total = sum(similarity.weights[f] for f in SERVICE_FACETS)
    weights = {f: (similarity.weights[f] / total if total > 0 else 0.0) for f in SERVICE_FACETS}
    vectors: dict[Facet, Matrix] = {}
    via: dict[tuple[URIRef, Facet, URIRef], frozenset[URIRef]] = {}
    cache: dict[URIRef, dict[URIRef, int]] = {}
    for facet in SERVICE_FACETS:
        space = similarity.spaces[facet]
        columns = {concept: j for j, concept in enumerate(space.concepts)}
        matrix: Matrix = np.zeros((len(types), len(space.concepts)))
        for row, service_type in enumerate(types):
            concepts = frozenset().union(*(s.features(facet) for s in services[service_type]))
            for concept, (weight, leads) in expand(concepts, data, decay, cache).items():
                matrix[row, columns[concept]] = weight
                via[(service_type, facet, concept)] = leads
        tfidf = matrix * space.idf
        norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
        vectors[facet] = np.divide(tfidf, norms, out=np.zeros_like(tfidf), where=norms > 0)
    return TypeFit(
        similarity=similarity,
        types=types,
        weights=MappingProxyType(weights),
        vectors=MappingProxyType(vectors),
        via=MappingProxyType(via),
        rows=MappingProxyType({t: row for row, t in enumerate(types)}),
    )
