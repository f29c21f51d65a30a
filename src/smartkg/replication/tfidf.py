"""Sparse TF-IDF vectors of cities, one matrix per facet.

The same numbers as the city-feature graph of :mod:`smartkg.replication.features` (a city holds
each concept its services name at weight 1 and each broader concept at ``decay ** distance``;
a concept's document frequency is the number of cities holding it), computed straight from the
profiles into scipy CSR matrices: building the networkx graph costs more than everything else
at 25,000 cities, so it is built only when an explanation or a test asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rdflib import URIRef
from scipy import sparse

from smartkg.replication.profiles import CityProfile, Facet, ReplicationData

__all__ = ["FacetSpace", "facet_space"]

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FacetSpace:
    """One facet's concepts (in IRI order), their IDF and the cities' normalised TF-IDF rows."""

    facet: Facet
    concepts: tuple[URIRef, ...]
    document_frequency: npt.NDArray[np.int64]
    idf: Matrix
    vectors: Any  # scipy CSR, cities x concepts, rows L2-normalised (zero rows stay zero)

    def dense_row(self, row: int) -> Matrix:
        """One city's vector as a dense array."""
        start, stop = self.vectors.indptr[row], self.vectors.indptr[row + 1]
        dense: Matrix = np.zeros(self.vectors.shape[1], dtype=np.float64)
        dense[self.vectors.indices[start:stop]] = self.vectors.data[start:stop]
        return dense


def _expansions(
    concepts: Sequence[URIRef], data: ReplicationData, decay: float, ids: dict[URIRef, int]
) -> dict[URIRef, list[tuple[int, float]]]:
    """For each concept: itself at weight 1 and its ancestors at ``decay ** distance``, as
    (concept id, weight); ids are handed out in order of first sight."""
    found: dict[URIRef, list[tuple[int, float]]] = {}
    for concept in concepts:
        targets = [(concept, 0), *sorted(data.ancestors(concept).items())]
        found[concept] = [(ids.setdefault(t, len(ids)), decay**distance) for t, distance in targets]
    return found


def facet_space(
    profiles: Sequence[CityProfile], data: ReplicationData, facet: Facet, decay: float
) -> FacetSpace:
    """The TF-IDF space of ``facet`` for ``profiles`` (one row each, in the given order)."""
    ids: dict[URIRef, int] = {}
    direct = sorted({c for profile in profiles for c in profile.features[facet]}, key=str)
    expansions = _expansions(direct, data, decay, ids)
    indptr = [0]
    columns: list[int] = []
    weights: list[float] = []
    seen: dict[tuple[URIRef, ...], dict[int, float]] = {}  # many cities hold the same set
    for profile in profiles:
        own = tuple(profile.features[facet])
        held = seen.get(own)
        if held is None:
            held = seen[own] = {}
            for concept in own:
                for target, weight in expansions[concept]:
                    held[target] = max(held.get(target, 0.0), weight)
        columns.extend(held)
        weights.extend(held.values())
        indptr.append(len(columns))
    n_docs = sum(1 for profile in profiles if not profile.is_empty)
    by_iri = sorted(ids, key=str)
    position = np.empty(len(ids), dtype=np.int64)
    position[[ids[c] for c in by_iri]] = np.arange(len(by_iri), dtype=np.int64)
    cols = position[np.asarray(columns, dtype=np.int64)]
    df = np.bincount(cols, minlength=len(by_iri)).astype(np.int64)
    idf: Matrix = (
        np.log(n_docs / df.astype(np.float64)) if n_docs else np.zeros(len(by_iri), np.float64)
    )
    tfidf = np.asarray(weights, dtype=np.float64) * idf[cols]
    rows = np.repeat(np.arange(len(profiles)), np.diff(np.asarray(indptr)))
    norms = np.sqrt(np.bincount(rows, weights=tfidf * tfidf, minlength=len(profiles)))
    divisor = norms[rows]
    normalised = np.divide(tfidf, divisor, out=np.zeros_like(tfidf), where=divisor > 0)
    vectors = sparse.csr_matrix(
        (normalised, cols, np.asarray(indptr)), shape=(len(profiles), len(by_iri))
    )
    vectors.sort_indices()
    vectors.eliminate_zeros()
    return FacetSpace(facet, tuple(by_iri), df, idf, vectors)
