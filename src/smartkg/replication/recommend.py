"""Recommendations with their reasons, in both directions.

``recommend_for_city`` ranks the service types a city lacks; ``recommend_for_type`` ranks the
cities that lack a service type. Both use :meth:`Planner.scores` (see
:mod:`smartkg.replication.planner` for the formula) and :class:`Filters` as hard constraints.
Only candidates with a positive score are ranked — a score of 0 means none of the city's
closest peers runs the type or a sibling of it and no feature of the type matches the city's,
which is no evidence at all; how many such candidates there were is reported beside the
ranking.

Each recommendation carries its reasons, all of them facts of the graph:

- the supporting peers (closest first) with their similarity, and for each the services it
  runs of the type (or, for a sibling-only peer, of the sibling type);
- the matching features: the domains, technologies and target groups (or their broader
  concepts) that the type's services and the city's own services share, each with its
  contribution to the feature fit (:mod:`smartkg.replication.fit`);
- the terms of the score (peers, sibling credit, feature fit, popularity divisor);
- an example service of the type, with its source documents: from the closest peer that runs
  it, or, when no peer does, from the most similar city that does;
- the low-confidence flag of the city (thin evidence, see :mod:`smartkg.replication.params`).

Ties in score break by IRI, so the order never depends on hashing or input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rdflib import URIRef

from smartkg.errors import SmartkgError
from smartkg.replication.filters import Filters
from smartkg.replication.planner import CityFilter, Peers, Planner, ScoreParts, Support
from smartkg.replication.profiles import ServiceRecord
from smartkg.replication.ranking import DECIMALS, rank_rows
from smartkg.replication.similarity import SharedItem, score_key

__all__ = [
    "CityRecommendations",
    "Recommendation",
    "TypeRecommendations",
    "recommend_for_city",
    "recommend_for_type",
]


@dataclass(frozen=True)
class Recommendation:
    """One (city, service type) recommendation and its reasons."""

    city: URIRef
    service_type: URIRef
    score: float
    rank: int
    parts: ScoreParts
    supporters: tuple[Support, ...]
    matching: tuple[SharedItem, ...]  # contributions to the feature fit (before its weight)
    example: ServiceRecord | None
    low_confidence: bool
    adopters: int  # cities that run the type

    @property
    def exact_supporters(self) -> tuple[Support, ...]:
        return tuple(s for s in self.supporters if s.exact)

    @property
    def related_supporters(self) -> tuple[Support, ...]:
        return tuple(s for s in self.supporters if not s.exact)


@dataclass(frozen=True)
class CityRecommendations:
    """Service types for one city, best first."""

    city: URIRef
    filters: Filters
    limit: int
    peers: tuple[tuple[URIRef, float], ...]
    items: tuple[Recommendation, ...]
    ranked: int  # candidates with a positive score (items holds the first ``limit``)
    unsupported: int  # candidates passing the filters with score 0
    excluded: int  # candidates removed by the filters
    low_confidence: bool


@dataclass(frozen=True)
class TypeRecommendations:
    """Cities for one service type, best first."""

    service_type: URIRef
    filters: Filters
    limit: int
    adopters: tuple[URIRef, ...]
    items: tuple[Recommendation, ...]
    ranked: int
    no_evidence: tuple[URIRef, ...]  # candidate cities passing the filters with score 0
    excluded: int  # cities lacking the type that the filters removed


def _example(
    planner: Planner, city: URIRef, service_type: URIRef, supporters: list[Support]
) -> ServiceRecord | None:
    """A service of the type: from the closest peer that runs it, else from the most similar
    city that runs it; the one with most sources, then by IRI."""
    owners = [s.city for s in supporters if s.exact]
    adopters = planner.adopters.get(service_type, ())
    if not owners and adopters:
        model = planner.similarity
        rows = np.fromiter(map(model.rows.__getitem__, adopters), np.int64, len(adopters))
        closest = rank_rows(np.zeros(rows.size, dtype=np.int64), model.scores(city)[rows], rows)
        owners = [adopters[int(closest[0])]]
    for owner in owners[:1]:
        services = planner.profiles[owner].services_of_type(service_type)
        return min(services, key=lambda s: (-len(s.sources), str(s.iri)))
    return None


def _peer_filter(planner: Planner, filters: Filters) -> CityFilter | None:
    if not filters.on_cities:
        return None

    def allowed(peer: URIRef) -> bool:
        return filters.city_matches(planner.data.city(peer), planner)

    return allowed


def _recommendation(
    planner: Planner,
    city: URIRef,
    service_type: URIRef,
    parts: ScoreParts,
    rank: int,
    allowed_peers: CityFilter | None = None,
    peers: Peers | None = None,
) -> Recommendation:
    supporters = planner.support(city, service_type, allowed_peers, peers)
    return Recommendation(
        city=city,
        service_type=service_type,
        score=parts.score,
        rank=rank,
        parts=parts,
        supporters=tuple(supporters),
        matching=tuple(planner.type_fit.explain(city, service_type)),
        example=_example(planner, city, service_type, supporters),
        low_confidence=planner.low_confidence(city),
        adopters=planner.document_frequency(service_type),
    )


def recommend_for_city(
    planner: Planner, city: URIRef, filters: Filters | None = None, limit: int = 10
) -> CityRecommendations:
    """The service types ``city`` lacks, ranked by its peers' adoption, with reasons."""
    chosen = filters or Filters()
    allowed = _peer_filter(planner, chosen)
    candidates = planner.candidates_for(city)
    kept = [t for t in candidates if chosen.type_matches(t, planner)]
    peers = planner.peers(city, allowed)
    parts = planner.score_parts(city, allowed, kept, peers)
    positive = sorted(
        ((t, p) for t, p in parts.items() if round(p.score, DECIMALS) > 0),
        key=lambda pair: score_key(pair[1].score, pair[0]),
    )
    items = tuple(
        _recommendation(planner, city, t, s, rank, allowed, peers)
        for rank, (t, s) in enumerate(positive[:limit], start=1)
    )
    return CityRecommendations(
        city=city,
        filters=chosen,
        limit=limit,
        peers=tuple(peers),
        items=items,
        ranked=len(positive),
        unsupported=len(kept) - len(positive),
        excluded=len(candidates) - len(kept),
        low_confidence=planner.low_confidence(city),
    )


def recommend_for_type(
    planner: Planner, service_type: URIRef, filters: Filters | None = None, limit: int = 10
) -> TypeRecommendations:
    """The cities lacking ``service_type``, ranked by their score for it, with reasons."""
    if service_type not in planner.candidates:
        narrower = sorted(
            str(t).rsplit("/", 1)[-1]
            for t in planner.candidates
            if service_type in planner.broader_types.get(t, frozenset())
        )
        hint = f"; name a narrower type: {', '.join(narrower)}" if narrower else ""
        raise SmartkgError(
            f"{str(service_type).rsplit('/', 1)[-1]} is a broad service type that no city runs "
            f"itself{hint}",
            rule="broad-service-type",
        )
    chosen = filters or Filters()
    lacking = [c for c in planner.similarity.cities if service_type in planner.candidates_for(c)]
    kept = [
        c
        for c in lacking
        if chosen.city_matches(planner.data.city(c), planner)
        and chosen.city_activity_matches(c, planner)
    ]
    parts = {c: planner.score_parts(c, None, [service_type])[service_type] for c in kept}
    positive = sorted(
        ((c, p) for c, p in parts.items() if round(p.score, DECIMALS) > 0),
        key=lambda pair: score_key(pair[1].score, pair[0]),
    )
    items = tuple(
        _recommendation(planner, c, service_type, s, rank)
        for rank, (c, s) in enumerate(positive[:limit], start=1)
    )
    return TypeRecommendations(
        service_type=service_type,
        filters=chosen,
        limit=limit,
        adopters=planner.adopters.get(service_type, ()),
        items=items,
        ranked=len(positive),
        no_evidence=tuple(c for c in kept if round(parts[c].score, DECIMALS) <= 0),
        excluded=len(lacking) - len(kept),
    )
