"""Filters: hard constraints on what ``smartkg replicate`` may propose.

A recommendation pairs a city with a service type. Each filter constrains one side of the pair;
what it constrains depends on which side the command ranks.

With ``--city X`` (the command ranks service types):

- ``--size-class``, ``--region``: the *peers* whose adoption counts (only peers of that size
  class / in that province: "what do large Gyeonggi cities like X run");
- ``--domain``, ``--target-group``: candidate types with a service in that domain / for that
  group;
- ``--programme P``: candidate types *eligible* for P, i.e. P funds (``skg:fundedBy``) at least
  one service of that type somewhere. The sources record funding per service, not per type, so
  eligibility is read from what P has funded, not from the programme's rules.

With ``--service-type S`` (the command ranks cities):

- ``--size-class``, ``--region``: the candidate cities;
- ``--domain``, ``--target-group``: candidate cities that already run a service in that domain /
  for that group (they have the capacity);
- ``--programme P``: candidate cities taking part in P (selected for one of its projects, or
  providing a service it funds).

Concept filters include narrower concepts: ``--target-group people-with-disabilities`` admits a
service for people with brain-lesion disabilities. A type no city runs has no known domains,
target groups or funding, so a type-side filter excludes it. Filters never change scores or
similarities; they only remove candidates (and, for peers, choose among them).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from smartkg.replication.planner import Planner
from smartkg.replication.profiles import CityRecord, Facet, ServiceRecord

__all__ = ["Filters"]


@dataclass(frozen=True)
class Filters:
    """The hard constraints of one ``replicate`` run (None: no constraint)."""

    size_class: URIRef | None = None
    region: URIRef | None = None
    domain: URIRef | None = None
    target_group: URIRef | None = None
    programme: URIRef | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "size_class": _text(self.size_class),
            "region": _text(self.region),
            "domain": _text(self.domain),
            "target_group": _text(self.target_group),
            "programme": _text(self.programme),
        }

    @property
    def on_cities(self) -> bool:
        return self.size_class is not None or self.region is not None

    @property
    def on_types(self) -> bool:
        return any(f is not None for f in (self.domain, self.target_group, self.programme))

    def city_matches(self, city: CityRecord, planner: Planner) -> bool:
        """Size class and province (``--size-class``, ``--region``)."""
        if self.size_class is not None and city.size_class != self.size_class:
            return False
        if self.region is not None:
            provinces = {city.province} if city.province is not None else set()
            if city.province is not None:
                provinces |= set(planner.data.ancestors(city.province))
            if self.region not in provinces:
                return False
        return True

    def type_matches(self, service_type: URIRef, planner: Planner) -> bool:
        """``--domain``, ``--target-group`` and ``--programme`` on a candidate service type."""
        if not self.on_types:
            return True
        services = [
            service
            for city in sorted(planner.adopters.get(service_type, ()))
            for service in planner.profiles[city].services_of_type(service_type)
        ]
        return self._services_match(services, planner, check_programme=True)

    def city_activity_matches(self, city: URIRef, planner: Planner) -> bool:
        """``--domain``, ``--target-group`` and ``--programme`` on a candidate city."""
        services = list(planner.profiles[city].services)
        if not self._services_match(services, planner, check_programme=False):
            return False
        if self.programme is not None:
            return city in planner.data.programme_cities.get(self.programme, frozenset())
        return True

    def _services_match(
        self, services: list[ServiceRecord], planner: Planner, *, check_programme: bool
    ) -> bool:
        for facet, wanted in ((Facet.DOMAIN, self.domain), (Facet.TARGET_GROUP, self.target_group)):
            if wanted is None:
                continue
            if not any(_covers(wanted, s.features(facet), planner) for s in services):
                return False
        if check_programme and self.programme is not None:
            return any(self.programme in s.programmes for s in services)
        return True


def _covers(wanted: URIRef, concepts: frozenset[URIRef], planner: Planner) -> bool:
    return any(c == wanted or wanted in planner.data.ancestors(c) for c in concepts)


def _text(iri: URIRef | None) -> str | None:
    return None if iri is None else str(iri)
