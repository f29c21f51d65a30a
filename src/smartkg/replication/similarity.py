"""City-city similarity: weighted TF-IDF cosines over service types and facets, explained.

From the bipartite city-feature graph (:mod:`smartkg.replication.features`) each facet
(service types, domains, technologies, target groups) gives a city x concept matrix
(networkx's biadjacency matrix, via scipy). Every column is multiplied by the concept's inverse
document frequency ``idf = ln(N / df)`` — N the number of cities with at least one service, df
the number holding the concept (its degree) — so that a type or feature every city has counts
for nothing and a rare one counts most. Rows are L2-normalised; the cosine of two cities in a
facet is the dot product of their rows. The similarity is the weighted sum of the four cosines
(weights in :class:`~smartkg.replication.params.SimilarityParams`; 0.55 / 0.15 / 0.15 / 0.15).
A city with no services has similarity 0 to every city; a city is never its own peer.

Because the similarity is a sum of products, it splits exactly into one contribution per
shared concept: ``weight(facet) · v_a[c] · v_b[c]``. :meth:`SimilarityModel.explain` returns
those contributions, largest first; they add up to the similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import networkx as nx
import numpy as np
import numpy.typing as npt
from rdflib import URIRef

from smartkg.replication.features import city_node, feature_graph, feature_nodes
from smartkg.replication.params import SimilarityParams
from smartkg.replication.profiles import CityProfile, Facet, ReplicationData

__all__ = ["FacetSpace", "SharedItem", "SimilarityModel", "build_similarity", "score_key"]

Matrix = npt.NDArray[np.float64]

#: Scores are compared after rounding to this many decimals, so that two equal scores computed
#: in a different order (and so differing in the last bits) tie, and ties break by IRI.
DECIMALS = 12


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
class FacetSpace:
    """One facet's concepts, their IDF and the cities' normalised TF-IDF rows."""

    facet: Facet
    concepts: tuple[URIRef, ...]
    document_frequency: npt.NDArray[np.int64]
    idf: Matrix
    vectors: Matrix  # cities x concepts, rows L2-normalised (zero rows stay zero)

    def column(self, concept: URIRef) -> int | None:
        try:
            return self.concepts.index(concept)
        except ValueError:
            return None


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
class SimilarityModel:
    """Similarities between every pair of cities of one set of profiles."""

    cities: tuple[URIRef, ...]
    graph: nx.Graph = field(repr=False)
    spaces: Mapping[Facet, FacetSpace] = field(repr=False)
    weights: Mapping[Facet, float]
    matrix: Matrix = field(repr=False)  # cities x cities, zero diagonal
    document_count: int

    def index(self, city: URIRef) -> int:
        return self.cities.index(city)

    def similarity(self, a: URIRef, b: URIRef) -> float:
        return float(self.matrix[self.index(a), self.index(b)])

    def facet_similarity(self, a: URIRef, b: URIRef) -> dict[Facet, float]:
        """The cosine of ``a`` and ``b`` in each facet (before weighting)."""
        i, j = self.index(a), self.index(b)
        return {
            facet: float(space.vectors[i] @ space.vectors[j])
            for facet, space in self.spaces.items()
        }

    def peers(
        self,
        city: URIRef,
        limit: int | None = None,
        allowed: Callable[[URIRef], bool] | None = None,
    ) -> list[tuple[URIRef, float]]:
        """The cities most similar to ``city`` (similarity > 0, ``allowed`` ones only), best
        first, ties broken by IRI; at most ``limit``."""
        row = self.matrix[self.index(city)]
        found = [
            (other, float(row[j]))
            for j, other in enumerate(self.cities)
            if other != city
            and round(float(row[j]), DECIMALS) > 0
            and (allowed is None or allowed(other))
        ]
        found.sort(key=lambda pair: score_key(pair[1], pair[0]))
        return found if limit is None else found[:limit]

    def explain(self, a: URIRef, b: URIRef) -> list[SharedItem]:
        """The shared concepts of ``a`` and ``b`` with their contributions, largest first."""
        i, j = self.index(a), self.index(b)
        items: list[SharedItem] = []
        for facet, space in self.spaces.items():
            products = space.vectors[i] * space.vectors[j] * self.weights[facet]
            for column in np.flatnonzero(products > 0):
                concept = space.concepts[int(column)]
                node = (facet, concept)
                items.append(
                    SharedItem(
                        facet=facet,
                        concept=concept,
                        contribution=float(products[column]),
                        via_a=self.graph.edges[city_node(a), node]["via"],
                        via_b=self.graph.edges[city_node(b), node]["via"],
                    )
                )
        return ranked_items(items)


def _space(
    graph: nx.Graph, rows: list[tuple[str, URIRef]], facet: Facet, n_docs: int
) -> FacetSpace:
    nodes = feature_nodes(graph, facet)
    if not nodes or n_docs == 0:
        return FacetSpace(
            facet,
            tuple(node[1] for node in nodes),
            np.zeros(len(nodes), dtype=np.int64),
            np.zeros(len(nodes)),
            np.zeros((len(rows), len(nodes))),
        )
    weights = nx.bipartite.biadjacency_matrix(
        graph, row_order=rows, column_order=nodes, weight="weight", format="csr"
    )
    tf: Matrix = np.asarray(weights.toarray(), dtype=np.float64)
    df = np.array([graph.degree(node) for node in nodes], dtype=np.int64)
    idf: Matrix = np.log(n_docs / df.astype(np.float64))
    tfidf = tf * idf
    norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
    vectors: Matrix = np.divide(tfidf, norms, out=np.zeros_like(tfidf), where=norms > 0)
    return FacetSpace(facet, tuple(node[1] for node in nodes), df, idf, vectors)


def build_similarity(
    profiles: Mapping[URIRef, CityProfile], data: ReplicationData, params: SimilarityParams
) -> SimilarityModel:
    """Similarities of every pair of cities in ``profiles``, from those profiles alone."""
    cities = tuple(sorted(profiles))
    graph = feature_graph(profiles, data, params.ancestor_decay)
    rows = [city_node(city) for city in cities]
    n_docs = sum(1 for city in cities if not profiles[city].is_empty)
    weights = facet_weights(params)
    spaces = {facet: _space(graph, rows, facet, n_docs) for facet in Facet}
    matrix: Matrix = np.zeros((len(cities), len(cities)))
    for facet, space in spaces.items():
        matrix += weights[facet] * (space.vectors @ space.vectors.T)
    np.fill_diagonal(matrix, 0.0)
    return SimilarityModel(
        cities=cities,
        graph=graph,
        spaces=MappingProxyType(spaces),
        weights=MappingProxyType(weights),
        matrix=matrix,
        document_count=n_docs,
    )
