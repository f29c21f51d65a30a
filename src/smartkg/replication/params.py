"""The planner's parameters, with their documented defaults, and the method's name.

The values were set by reasoning about the scale of the terms, not by a search over the
evaluation: no parameter was tried at several values. One change did follow an evaluation: the
first version scored peer adoption only, while its reasons listed matching features that did not
enter the score; the feature-fit term was added so that the reasons are the terms of the score.
That first version stays in the evaluation table as the ``peers-only`` ablation.

Similarity (:mod:`smartkg.replication.similarity`)
    ``similarity = 0.55·cos(service types) + 0.15·cos(domains) + 0.15·cos(technologies)
    + 0.15·cos(target groups)``. Service types weigh most because replication happens at the
    type level (DESIGN.md); the three facets share the rest equally. Each cosine is over
    TF-IDF vectors with binary term frequency and ``idf = ln(N / df)`` (N: cities with at least
    one service; df: cities holding the concept), after *ancestor expansion*: a city that holds
    a concept also holds each broader concept at ``ancestor_decay ** distance`` (0.5 for the
    parent, 0.25 for the grandparent), so sibling types such as autonomous bus and autonomous
    shuttle share their parent *autonomous transit* and give partial credit.

Recommendation (:mod:`smartkg.replication.planner`)
    A city's peers are its ``peers`` (5) most similar cities with similarity > 0. A candidate
    type's score is ``(Σ sim(peer) over peers running it + related_credit · Σ sim(peer) over
    peers running only a sibling type + fit_weight · fit) / max(1, df)^popularity_alpha``,
    where fit (:mod:`smartkg.replication.fit`, in [0, 1]) is how well the features of the
    type's services match the city's own and df is the number of cities running the type. The
    sum rewards agreement among close peers (a peer running only a sibling type counts a
    quarter); a good feature match (fit 0.2-0.4) adds 0.1-0.2, about as much as one close peer
    (similarities in the catalogue are 0.1-0.3), so features can order the types one peer runs
    and can support a type no close peer runs; the divisor discounts mere popularity
    (alpha = 0.5, between no discount and a full per-adopter average).

Confidence
    A city's evidence is thin, and its recommendations flagged low confidence, when it has fewer
    than ``min_services`` (3) documented services or they come from fewer than ``min_sources``
    (2) distinct source documents.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "METHOD",
    "ConfidenceRule",
    "PlannerParams",
    "RecommenderParams",
    "SimilarityParams",
    "canonical_json",
]

METHOD = (
    "smartkg-replication/1: tf-idf cosine similarity with ancestor expansion; "
    "peer adoption and feature fit, discounted by popularity"
)


@dataclass(frozen=True)
class SimilarityParams:
    type_weight: float = 0.55
    domain_weight: float = 0.15
    technology_weight: float = 0.15
    target_group_weight: float = 0.15
    ancestor_decay: float = 0.5


@dataclass(frozen=True)
class RecommenderParams:
    peers: int = 5
    popularity_alpha: float = 0.5
    related_credit: float = 0.25
    fit_weight: float = 0.5


@dataclass(frozen=True)
class ConfidenceRule:
    min_services: int = 3
    min_sources: int = 2


@dataclass(frozen=True)
class PlannerParams:
    similarity: SimilarityParams = field(default_factory=SimilarityParams)
    recommender: RecommenderParams = field(default_factory=RecommenderParams)
    confidence: ConfidenceRule = field(default_factory=ConfidenceRule)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same value always gives the same string."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
