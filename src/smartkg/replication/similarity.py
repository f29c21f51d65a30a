"""City-city similarity: weighted TF-IDF cosines over service types and facets, explained.

From the city-feature data (:mod:`smartkg.replication.features`) each facet (service types,
domains, technologies, target groups) gives a city x concept matrix, kept sparse
(:mod:`smartkg.replication.tfidf`). Every column is multiplied by the concept's inverse
document frequency ``idf = ln(N / df)`` — N the number of cities with at least one service, df
the number holding the concept (its degree in the city-feature graph) — so that a type or
feature every city has counts for nothing and a rare one counts most. Rows are L2-normalised;
the cosine of two cities in a facet is the dot product of their rows. The similarity is the
weighted sum of the four cosines (weights in
:class:`~smartkg.replication.params.SimilarityParams`; 0.55 / 0.15 / 0.15 / 0.15). A city with
no services has similarity 0 to every city; a city is never its own peer.

No n x n matrix is stored: one city's similarities are one sparse product
(:meth:`SimilarityModel.scores`, about a millisecond at 25,000 cities), and every city's top k
comes from :meth:`SimilarityModel.top_peers`, computed in row blocks
(:mod:`smartkg.replication.topk`). Both use the same arithmetic, so they agree to the bit.

Because the similarity is a sum of products, it splits exactly into one contribution per
shared concept: ``weight(facet) · v_a[c] · v_b[c]``. :meth:`SimilarityModel.explain` returns
those contributions, largest first; they add up to the similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import networkx as nx
import numpy as np
import numpy.typing as npt
from rdflib import URIRef

from smartkg.replication.features import expand, feature_graph
from smartkg.replication.params import SimilarityParams
from smartkg.replication.profiles import CityProfile, Facet, ReplicationData
from smartkg.replication.ranking import DECIMALS, NEAR, Vector, positive, rank_rows
from smartkg.replication.tfidf import FacetSpace, facet_space
from smartkg.replication.topk import exact_pairs, top_k

__all__ = [
    "FacetSpace",
    "PeerTable",
    "SharedItem",
    "SimilarityModel",
    "build_similarity",
    "score_key",
]

Matrix = npt.NDArray[np.float64]


def score_key(score: float, iri: URIRef) -> tuple[float, str]:
    """Sort key: higher score first, then IRI (a stable tie-break)."""
    return (-round(score, DECIMALS), str(iri))


def facet_weights(params: SimilarityParams) -> dict[Facet, float]:
    return {
        Facet.TYPE: params.type_weight,
        Facet.DOMAIN: params.domain_weight,
        Facet.TECHNOLOGY: params.technology_weight,
        Facet.TARGET_GROUP: params.target_group_weight,
    }


@dataclass(frozen=True)
class SharedItem:
    """A concept two cities share, with its share of their similarity.

    ``via_a`` and ``via_b`` are the concepts each city names directly that lead to it: the
    concept itself when it is held directly, narrower ones when it is a shared broader concept.
    """

    facet: Facet
    concept: URIRef
    contribution: float
    via_a: frozenset[URIRef]
    via_b: frozenset[URIRef]

    @property
    def direct(self) -> bool:
        """Both cities name the concept itself."""
        return self.concept in self.via_a and self.concept in self.via_b


def ranked_items(items: list[SharedItem]) -> list[SharedItem]:
    """Shared items by contribution (largest first), then facet order, then concept IRI."""
    order = list(Facet)
    return sorted(
        items,
        key=lambda it: (-round(it.contribution, DECIMALS), order.index(it.facet), str(it.concept)),
    )


@dataclass(frozen=True)
class PeerTable:
    """Every city's best peers: row ``i`` holds city ``i``'s peers (row numbers, -1 where it
    has fewer) and their similarities, best first, ties by IRI."""

    cities: tuple[URIRef, ...]
    peers: npt.NDArray[np.int64] = field(repr=False)
    scores: Matrix = field(repr=False)

    def of(self, row: int) -> list[tuple[URIRef, float]]:
        return [
            (self.cities[int(j)], float(s))
            for j, s in zip(self.peers[row], self.scores[row], strict=True)
            if j >= 0
        ]


@dataclass(frozen=True)
class SimilarityModel:
    """Similarities between every pair of cities of one set of profiles."""

    cities: tuple[URIRef, ...]
    spaces: Mapping[Facet, FacetSpace] = field(repr=False)
    weights: Mapping[Facet, float]
    document_count: int
    profiles: Mapping[URIRef, CityProfile] = field(repr=False)
    data: ReplicationData = field(repr=False)
    decay: float
    rows: Mapping[URIRef, int] = field(repr=False)
    _expanded: dict[tuple[URIRef, Facet], Mapping[URIRef, tuple[float, frozenset[URIRef]]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _ancestors: dict[URIRef, dict[URIRef, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def index(self, city: URIRef) -> int:
        return self.rows[city]

    @cached_property
    def graph(self) -> nx.Graph:
        """The city-feature graph (built on first use: explanations read their ``via`` from
        the profiles directly)."""
        return feature_graph(self.profiles, self.data, self.decay)

    def _facets(self) -> tuple[list[object], list[float]]:
        return [s.vectors for s in self.spaces.values()], [self.weights[f] for f in self.spaces]

    def scores(self, city: URIRef) -> Vector:
        """The similarity of ``city`` to every city (in :attr:`cities` order; 0 to itself)."""
        i = self.index(city)
        total: Vector = np.zeros(len(self.cities), dtype=np.float64)
        for facet, space in self.spaces.items():
            total += self.weights[facet] * (space.vectors @ space.dense_row(i))
        total[i] = 0.0
        return total

    @property
    def matrix(self) -> Matrix:
        """Every pair's similarity as a dense n x n array, zero diagonal: O(n²) memory, for
        small catalogues and tests only."""
        if not self.cities:
            return np.zeros((0, 0))
        return np.vstack([self.scores(city) for city in self.cities])

    def similarity(self, a: URIRef, b: URIRef) -> float:
        if a == b:
            return 0.0
        vectors, weights = self._facets()
        pair = np.array([self.index(a)]), np.array([self.index(b)])
        return float(exact_pairs(vectors, weights, *pair)[0])

    def facet_similarity(self, a: URIRef, b: URIRef) -> dict[Facet, float]:
        """The cosine of ``a`` and ``b`` in each facet (before weighting)."""
        i, j = self.index(a), self.index(b)
        return {
            facet: float(space.dense_row(i) @ space.dense_row(j))
            for facet, space in self.spaces.items()
        }

    def _ranked(self, city: URIRef, enough: int | None) -> Iterator[tuple[int, float]]:
        """(row, similarity) of the cities with a rounded similarity > 0, best first; when
        ``enough`` is given, at least the best ``enough`` (and all that tie with them)."""
        row = self.scores(city)
        found = np.flatnonzero(row > 0)
        if enough is not None and found.size > enough:
            kth = np.partition(row[found], found.size - enough)[found.size - enough]
            found = found[row[found] >= kth - NEAR]
        found = found[positive(row[found])]
        order = rank_rows(np.zeros(found.size, dtype=np.int64), row[found], found)
        for j in found[order]:
            yield int(j), float(row[j])

    def peers(
        self,
        city: URIRef,
        limit: int | None = None,
        allowed: Callable[[URIRef], bool] | None = None,
    ) -> list[tuple[URIRef, float]]:
        """The cities most similar to ``city`` (similarity > 0, ``allowed`` ones only), best
        first, ties broken by IRI; at most ``limit``."""
        found: list[tuple[URIRef, float]] = []
        enough = limit if allowed is None else None
        for j, score in self._ranked(city, enough):
            if limit is not None and len(found) >= limit:
                break
            other = self.cities[j]
            if allowed is None or allowed(other):
                found.append((other, score))
        return found

    def comparable(self, city: URIRef) -> int:
        """How many cities have a similarity > 0 to ``city``."""
        row = self.scores(city)
        return int(np.count_nonzero(positive(row)))

    def top_peers(self, limit: int, block_rows: int | None = None) -> PeerTable:
        """Every city's ``limit`` best peers (what :meth:`peers` gives for each city, without
        a filter), computed in blocks of ``block_rows`` rows (default: about 16 MB each)."""
        vectors, weights = self._facets()
        peers, scores = top_k(vectors, weights, limit, block_rows)
        return PeerTable(self.cities, peers, scores)

    def via(self, city: URIRef, facet: Facet, concept: URIRef) -> frozenset[URIRef]:
        """The concepts ``city`` names directly that give it ``concept`` (itself, or narrower
        ones for a broader concept)."""
        key = (city, facet)
        expanded = self._expanded.get(key)
        if expanded is None:
            features = self.profiles[city].features[facet]
            expanded = expand(features, self.data, self.decay, self._ancestors)
            self._expanded[key] = expanded
        return expanded[concept][1]

    def explain(self, a: URIRef, b: URIRef) -> list[SharedItem]:
        """The shared concepts of ``a`` and ``b`` with their contributions, largest first."""
        i, j = self.index(a), self.index(b)
        items: list[SharedItem] = []
        for facet, space in self.spaces.items():
            products = space.dense_row(i) * space.dense_row(j) * self.weights[facet]
            for column in np.flatnonzero(products > 0):
                concept = space.concepts[int(column)]
                items.append(
                    SharedItem(
                        facet=facet,
                        concept=concept,
                        contribution=float(products[column]),
                        via_a=self.via(a, facet, concept),
                        via_b=self.via(b, facet, concept),
                    )
                )
        return ranked_items(items)


def build_similarity(
    profiles: Mapping[URIRef, CityProfile], data: ReplicationData, params: SimilarityParams
) -> SimilarityModel:
    """Similarities of every pair of cities in ``profiles``, from those profiles alone."""
    cities = tuple(sorted(profiles))
    ordered = [profiles[city] for city in cities]
    decay = params.ancestor_decay
    spaces = {facet: facet_space(ordered, data, facet, decay) for facet in Facet}
    return SimilarityModel(
        cities=cities,
        spaces=MappingProxyType(spaces),
        weights=MappingProxyType(facet_weights(params)),
        document_count=sum(1 for profile in ordered if not profile.is_empty),
        profiles=profiles,
        data=data,
        decay=decay,
        rows=MappingProxyType({city: i for i, city in enumerate(cities)}),
    )
