"""The planner's model: profiles, similarities and adoption, and the recommendation score.

Built from a set of services (all of them, or a training set in the evaluation), so every
derived quantity — profiles, IDF, similarities, adopters, popularity — comes from that set only.

Candidates
    The service types that can be recommended are the *leaf* types of ``scheme:service-types``
    plus any type some city runs. For a city, its candidates are those it does not run and that
    are not broader than a type it runs (it already has a kind of those).

Score of candidate type ``t`` for city ``X``
    Let P be X's ``k`` most similar peers (similarity > 0; only peers passing the city filters,
    when given). ``exact`` sums sim(X, p) over the peers p that run ``t``; ``related`` sums it
    over the peers that run no ``t`` but a *sibling* of ``t`` (a type with the same direct
    broader type, e.g. autonomous shuttle for autonomous bus); ``fit`` is the feature fit of
    ``t`` to X (:mod:`smartkg.replication.fit`). With df(t) the number of cities that run
    ``t``::

        score = (exact + related_credit · related + fit_weight · fit)
                / max(1, df(t)) ** popularity_alpha

    Both directions of ``smartkg replicate`` use this one score: ``--city X`` ranks X's
    candidates; ``--service-type S`` ranks the cities lacking S by their score for S.

Low confidence
    See :class:`~smartkg.replication.params.ConfidenceRule`: fewer than 3 services, or fewer
    than 2 distinct source documents behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from rdflib import URIRef

from smartkg.replication.bulk import no_cyclic_gc
from smartkg.replication.fit import TypeFit, build_type_fit
from smartkg.replication.params import PlannerParams
from smartkg.replication.profiles import (
    CityProfile,
    ReplicationData,
    ServiceRecord,
    build_profiles,
)
from smartkg.replication.similarity import SimilarityModel, build_similarity

__all__ = ["CityFilter", "Peers", "Planner", "ScoreParts", "Support", "build_planner"]

CityFilter = Callable[[URIRef], bool]
Peers = list[tuple[URIRef, float]]


@dataclass(frozen=True)
class Support:
    """A peer behind a recommendation: it runs the type (``exact``) or a sibling of it."""

    city: URIRef
    similarity: float
    exact: bool
    services: tuple[ServiceRecord, ...]


@dataclass(frozen=True)
class ScoreParts:
    """The terms of a score: ``(exact + related + fit) / divisor``.

    ``exact`` sums the similarity of the peers that run the type; ``related`` is the sibling
    credit times the similarity of the peers that run only a sibling; ``fit`` is the fit weight
    times the feature fit; ``divisor`` is the popularity discount ``max(1, df) ** alpha``.
    """

    exact: float
    related: float
    fit: float
    divisor: float

    @property
    def score(self) -> float:
        return (self.exact + self.related + self.fit) / self.divisor


@dataclass(frozen=True)
class Planner:
    """Profiles, similarities and adoption of one set of services."""

    data: ReplicationData
    params: PlannerParams
    profiles: Mapping[URIRef, CityProfile] = field(repr=False)
    similarity: SimilarityModel = field(repr=False)
    adopters: Mapping[URIRef, tuple[URIRef, ...]] = field(repr=False)
    candidates: tuple[URIRef, ...] = field(repr=False)
    siblings: Mapping[URIRef, tuple[URIRef, ...]] = field(repr=False)
    broader_types: Mapping[URIRef, frozenset[URIRef]] = field(repr=False)
    type_fit: TypeFit = field(repr=False)

    def document_frequency(self, service_type: URIRef) -> int:
        """The number of cities that run ``service_type``."""
        return len(self.adopters.get(service_type, ()))

    def low_confidence(self, city: URIRef) -> bool:
        profile = self.profiles[city]
        rule = self.params.confidence
        return len(profile.services) < rule.min_services or len(profile.sources) < rule.min_sources

    def candidates_for(self, city: URIRef) -> tuple[URIRef, ...]:
        """The types ``city`` could adopt: candidates it does not run nor covers by a narrower
        type, in IRI order."""
        profile = self.profiles[city]
        covered = set(profile.types)
        for own in profile.types:
            covered |= self.broader_types.get(own, frozenset())
        return tuple(t for t in self.candidates if t not in covered)

    def peers(self, city: URIRef, allowed: CityFilter | None = None) -> Peers:
        return self.similarity.peers(city, self.params.recommender.peers, allowed)

    def score_parts(
        self,
        city: URIRef,
        allowed_peers: CityFilter | None = None,
        candidates: Iterable[URIRef] | None = None,
        peers: Peers | None = None,
    ) -> dict[URIRef, ScoreParts]:
        """The terms of the score of each candidate type for ``city`` (default: all its
        candidates); ``peers``, when given, must be ``self.peers(city, allowed_peers)``."""
        chosen = self.candidates_for(city) if candidates is None else tuple(candidates)
        if peers is None:
            peers = self.peers(city, allowed_peers)
        settings = self.params.recommender
        fits = self.type_fit.fits(city) if settings.fit_weight else {}
        parts: dict[URIRef, ScoreParts] = {}
        for service_type in chosen:
            exact = 0.0
            related = 0.0
            siblings = self.siblings.get(service_type, ())
            for peer, similarity in peers:
                profile = self.profiles[peer]
                if profile.runs(service_type):
                    exact += similarity
                elif any(profile.runs(sibling) for sibling in siblings):
                    related += similarity
            divisor = max(1, self.document_frequency(service_type)) ** settings.popularity_alpha
            parts[service_type] = ScoreParts(
                exact=exact,
                related=settings.related_credit * related,
                fit=settings.fit_weight * fits.get(service_type, 0.0),
                divisor=divisor,
            )
        return parts

    def scores(
        self,
        city: URIRef,
        allowed_peers: CityFilter | None = None,
        candidates: Iterable[URIRef] | None = None,
    ) -> dict[URIRef, float]:
        """The score of each candidate type for ``city`` (default: all its candidates)."""
        return {
            t: parts.score for t, parts in self.score_parts(city, allowed_peers, candidates).items()
        }

    def support(
        self,
        city: URIRef,
        service_type: URIRef,
        allowed_peers: CityFilter | None = None,
        peers: Peers | None = None,
    ) -> list[Support]:
        """The peers of ``city`` behind its score for ``service_type``, closest first;
        ``peers``, when given, must be ``self.peers(city, allowed_peers)``."""
        found: list[Support] = []
        siblings = self.siblings.get(service_type, ())
        for peer, similarity in self.peers(city, allowed_peers) if peers is None else peers:
            profile = self.profiles[peer]
            if profile.runs(service_type):
                found.append(
                    Support(peer, similarity, True, profile.services_of_type(service_type))
                )
                continue
            related = tuple(s for s in profile.services if s.service_type in siblings)
            if related:
                found.append(Support(peer, similarity, False, related))
        return found


def _type_hierarchy(
    data: ReplicationData,
) -> tuple[set[URIRef], dict[URIRef, tuple[URIRef, ...]], dict[URIRef, frozenset[URIRef]]]:
    types = set(data.service_types)
    has_narrower = {p for t in types for p in data.broader.get(t, ()) if p in types}
    leaves = types - has_narrower
    children: dict[URIRef, set[URIRef]] = defaultdict(set)
    for service_type in sorted(types):
        for parent in data.broader.get(service_type, ()):
            children[parent].add(service_type)
    siblings = {
        t: tuple(sorted({s for p in data.broader.get(t, ()) for s in children[p]} - {t}))
        for t in sorted(types)
    }
    broader = {t: frozenset(data.ancestors(t)) for t in sorted(types)}
    return leaves, siblings, broader


def build_planner(
    data: ReplicationData,
    params: PlannerParams | None = None,
    services: Iterable[ServiceRecord] | None = None,
) -> Planner:
    """The planner's model of ``services`` (default: every service in ``data``)."""
    with no_cyclic_gc():
        return _build_planner(data, params, services)


def _build_planner(
    data: ReplicationData,
    params: PlannerParams | None,
    services: Iterable[ServiceRecord] | None,
) -> Planner:
    chosen = PlannerParams() if params is None else params
    profiles = build_profiles(data, services)
    similarity = build_similarity(profiles, data, chosen.similarity)
    adopters: dict[URIRef, list[URIRef]] = defaultdict(list)
    for city in sorted(profiles):
        for service_type in sorted(profiles[city].types):
            adopters[service_type].append(city)
    leaves, siblings, broader = _type_hierarchy(data)
    candidates = tuple(sorted(leaves | set(adopters)))
    return Planner(
        data=data,
        params=chosen,
        profiles=MappingProxyType(profiles),
        similarity=similarity,
        adopters=MappingProxyType({t: tuple(cs) for t, cs in sorted(adopters.items())}),
        candidates=candidates,
        siblings=MappingProxyType(siblings),
        broader_types=MappingProxyType(broader),
        type_fit=build_type_fit(profiles, data, similarity, chosen.similarity.ancestor_decay),
    )
