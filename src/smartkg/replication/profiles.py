"""City profiles for replication planning, read from the graph through a SPARQL engine.

Everything the planner knows comes from a handful of SELECT queries asked of a
:class:`~smartkg.engine.SparqlEngine`, so a remote SPARQL 1.1 endpoint can stand in for the
embedded store. The queries carry their ``PREFIX`` lines from :mod:`smartkg.namespaces`.

What a profile holds
--------------------
A city *runs* a service type when it is the ``skg:provider`` of a ``skg:SmartService`` of that
``skg:serviceType``. Operating **and planned** services both count as runs: a planned service
(e.g. one a development project will build) shows the same intent and capacity that
replication planning looks for, and the sources document both the same way. A profile is built
from a set of services, never stored, so the evaluation can rebuild it without a held-out link:

- the service types the city runs, with how many of its services are of each;
- its facets: the ``skg:domain``, ``skg:technology`` and ``skg:targetGroup`` concepts of those
  services, each with the number of services that carry it;
- the source documents (``prov:wasDerivedFrom``) behind those services.

Alongside come the cities' size class, province and labels, the SKOS hierarchy
(``skos:broader``) of every concept scheme, labels in English and Korean, the source documents'
titles, and the programmes: which programme funds which service (``skg:fundedBy``) and which
cities take part in a programme (selected for one of its projects, or providing a service it
funds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

from rdflib import URIRef

from smartkg.engine import SparqlEngine
from smartkg.labels import Labels
from smartkg.namespaces import SCHEME, SSTATUS, sparql_prefixes
from smartkg.replication.bulk import no_cyclic_gc
from smartkg.shared_queries import CITIES_QUERY, instances_query, read_labels

__all__ = [
    "CityProfile",
    "CityRecord",
    "Facet",
    "ReplicationData",
    "ServiceRecord",
    "SourceRecord",
    "build_profiles",
    "read_replication_data",
]


class Facet(StrEnum):
    """The kinds of feature a city profile holds; the value is the IRI path segment."""

    TYPE = "service-type"
    DOMAIN = "domain"
    TECHNOLOGY = "technology"
    TARGET_GROUP = "target-group"

    @property
    def noun(self) -> str:
        return _FACET_TITLES[self]

    @property
    def plural(self) -> str:
        return _FACET_PLURALS[self]


_FACET_TITLES = {
    Facet.TYPE: "service type",
    Facet.DOMAIN: "domain",
    Facet.TECHNOLOGY: "technology",
    Facet.TARGET_GROUP: "target group",
}
_FACET_PLURALS = {
    Facet.TYPE: "service types",
    Facet.DOMAIN: "domains",
    Facet.TECHNOLOGY: "technologies",
    Facet.TARGET_GROUP: "target groups",
}

#: The facets that describe a service besides its type.
SERVICE_FACETS: tuple[Facet, ...] = (Facet.DOMAIN, Facet.TECHNOLOGY, Facet.TARGET_GROUP)


_SERVICES = (
    sparql_prefixes("rdf", "skg")
    + """
SELECT ?service ?city ?type ?status ?year
WHERE {
  ?service rdf:type skg:SmartService ;
           skg:provider ?city ;
           skg:serviceType ?type .
  ?city rdf:type skg:LocalGovernment .
  OPTIONAL { ?service skg:serviceStatus ?status }
  OPTIONAL { ?service skg:firstDocumentedYear ?year }
}
"""
)

_SERVICE_LINKS = (
    sparql_prefixes("rdf", "skg", "prov")
    + """
SELECT ?service ?link ?value
WHERE {
  ?service rdf:type skg:SmartService .
  { ?service skg:domain ?value BIND("domain" AS ?link) }
  UNION { ?service skg:technology ?value BIND("technology" AS ?link) }
  UNION { ?service skg:targetGroup ?value BIND("target-group" AS ?link) }
  UNION { ?service prov:wasDerivedFrom ?value BIND("source" AS ?link) }
  UNION { ?service skg:fundedBy ?value BIND("programme" AS ?link) }
}
"""
)

_CONCEPTS = (
    sparql_prefixes("skos")
    + """
SELECT ?concept ?scheme ?broader
WHERE {
  ?concept skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:broader ?broader }
}
"""
)

_SOURCES = instances_query(
    "source", "skg:SourceDocument", optional={"title": "dct:title", "issued": "dct:issued"}
)

_PROGRAMME_CITIES = (
    sparql_prefixes("rdf", "skg")
    + """
SELECT ?programme ?city
WHERE {
  ?programme rdf:type skg:FundingProgramme .
  { ?project skg:selectedCity ?city ; skg:inTrack ?track . ?track skg:ofProgramme ?programme }
  UNION { ?service skg:fundedBy ?programme ; skg:provider ?city }
}
"""
)


@dataclass(frozen=True)
class SourceRecord:
    """A source document: its IRI, title (as published, usually Korean), English label, date."""

    iri: URIRef
    title: str | None
    labels: Labels
    issued: str | None


@dataclass(frozen=True)
class CityRecord:
    """A local government: IRI, labels, certification size class and province (if given)."""

    iri: URIRef
    labels: Labels
    size_class: URIRef | None
    province: URIRef | None


@dataclass(frozen=True)
class ServiceRecord:
    """One city's service with everything the planner uses about it."""

    iri: URIRef
    city: URIRef
    service_type: URIRef
    labels: Labels
    status: URIRef | None
    year: int | None
    domains: frozenset[URIRef]
    technologies: frozenset[URIRef]
    target_groups: frozenset[URIRef]
    sources: tuple[URIRef, ...]
    programmes: frozenset[URIRef]

    @property
    def planned(self) -> bool:
        return self.status == SSTATUS.planned

    def features(self, facet: Facet) -> frozenset[URIRef]:
        """The service's concepts of ``facet`` (its type for :attr:`Facet.TYPE`)."""
        if facet is Facet.TYPE:
            return frozenset({self.service_type})
        if facet is Facet.DOMAIN:
            return self.domains
        if facet is Facet.TECHNOLOGY:
            return self.technologies
        return self.target_groups


def _frozen(mapping: Mapping[URIRef, int]) -> Mapping[URIRef, int]:
    return MappingProxyType(dict(sorted(mapping.items(), key=lambda item: str(item[0]))))


@dataclass(frozen=True)
class CityProfile:
    """What one city is known to run, computed from a given set of services.

    ``features[facet]`` maps each concept to the number of the city's services that carry it
    (for :attr:`Facet.TYPE`: the number of its services of that type). Only the concepts the
    services name directly are held here; broader concepts are added when similarity is
    computed (see :mod:`smartkg.replication.features`).
    """

    city: URIRef
    services: tuple[ServiceRecord, ...]
    features: Mapping[Facet, Mapping[URIRef, int]] = field(repr=False)
    sources: frozenset[URIRef]

    @property
    def types(self) -> frozenset[URIRef]:
        return frozenset(self.features[Facet.TYPE])

    def runs(self, service_type: URIRef) -> bool:
        return service_type in self.features[Facet.TYPE]

    def services_of_type(self, service_type: URIRef) -> tuple[ServiceRecord, ...]:
        return tuple(s for s in self.services if s.service_type == service_type)

    @property
    def is_empty(self) -> bool:
        return not self.services


def _profile(city: URIRef, services: Iterable[ServiceRecord]) -> CityProfile:
    own = tuple(sorted(services, key=lambda s: str(s.iri)))
    counts: dict[Facet, dict[URIRef, int]] = {facet: {} for facet in Facet}
    types = counts[Facet.TYPE]
    for service in own:
        types[service.service_type] = types.get(service.service_type, 0) + 1
        for facet, concepts in (
            (Facet.DOMAIN, service.domains),
            (Facet.TECHNOLOGY, service.technologies),
            (Facet.TARGET_GROUP, service.target_groups),
        ):
            held = counts[facet]
            for concept in concepts:
                held[concept] = held.get(concept, 0) + 1
    return CityProfile(
        city=city,
        services=own,
        features=MappingProxyType({facet: _frozen(counts[facet]) for facet in Facet}),
        sources=frozenset(source for service in own for source in service.sources),
    )


@dataclass(frozen=True)
class ReplicationData:
    """Everything the planner reads from the graph, in IRI order.

    ``broader`` maps each concept of any scheme to its direct broader concepts;
    ``service_types`` lists every concept of ``scheme:service-types``;
    ``programme_cities`` maps each funding programme to the cities taking part in it.
    """

    cities: tuple[CityRecord, ...]
    services: tuple[ServiceRecord, ...]
    service_types: tuple[URIRef, ...]
    broader: Mapping[URIRef, tuple[URIRef, ...]]
    labels: Mapping[URIRef, Labels]
    sources: Mapping[URIRef, SourceRecord]
    programme_cities: Mapping[URIRef, frozenset[URIRef]]

    @cached_property
    def _city_records(self) -> Mapping[URIRef, CityRecord]:
        return MappingProxyType({record.iri: record for record in self.cities})

    def city(self, iri: URIRef) -> CityRecord:
        return self._city_records[iri]

    def label(self, iri: URIRef) -> Labels:
        return self.labels.get(iri, Labels())

    def ancestors(self, concept: URIRef) -> dict[URIRef, int]:
        """Every broader concept of ``concept`` (transitively) with its distance (1 = parent)."""
        found: dict[URIRef, int] = {}
        frontier = [concept]
        distance = 0
        while frontier:
            distance += 1
            following: list[URIRef] = []
            for node in frontier:
                for parent in self.broader.get(node, ()):
                    if parent not in found and parent != concept:
                        found[parent] = distance
                        following.append(parent)
            frontier = sorted(set(following))
        return found


def build_profiles(
    data: ReplicationData, services: Iterable[ServiceRecord] | None = None
) -> dict[URIRef, CityProfile]:
    """One profile per city of ``data`` (empty for a city without services), built from
    ``services`` (default: every service in ``data``)."""
    chosen = data.services if services is None else tuple(services)
    by_city: dict[URIRef, list[ServiceRecord]] = defaultdict(list)
    for service in chosen:
        by_city[service.city].append(service)
    return {record.iri: _profile(record.iri, by_city.get(record.iri, ())) for record in data.cities}


class _Iris:
    """One URIRef per IRI: equal IRIs are then the same object, and dict and set lookups on
    them never call rdflib's (Python-level) ``__eq__``."""

    def __init__(self) -> None:
        self._known: dict[str, URIRef] = {}

    def __call__(self, cell: str) -> URIRef:
        found = self._known.get(cell)
        if found is None:
            found = self._known[cell] = URIRef(cell)
        return found

    def optional(self, cell: str) -> URIRef | None:
        return self(cell) if cell else None


def _year(cell: str) -> int | None:
    digits = cell.lstrip("-")[:4]
    return int(digits) if len(digits) == 4 and digits.isdigit() else None


def read_replication_data(engine: SparqlEngine) -> ReplicationData:
    """Read cities, services, vocabularies, sources and programmes from ``engine``."""
    with no_cyclic_gc():
        return _read_replication_data(engine)


def _read_replication_data(engine: SparqlEngine) -> ReplicationData:
    iri = _Iris()
    labels = {iri(node): found for node, found in read_labels(engine).items()}

    cities = sorted(
        {
            CityRecord(
                iri(city), labels.get(iri(city), Labels()), iri.optional(size), iri.optional(prov)
            )
            for city, size, prov in engine.select(CITIES_QUERY)[1]
        },
        key=lambda c: (str(c.iri), str(c.size_class or ""), str(c.province or "")),
    )
    unique_cities: dict[URIRef, CityRecord] = {}
    for record in cities:  # one record per city even if a property is given twice
        unique_cities.setdefault(record.iri, record)

    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for service, link, value in engine.select(_SERVICE_LINKS)[1]:
        links[(service, link)].add(value)

    def linked(service: str, link: str) -> frozenset[URIRef]:
        return frozenset(iri(v) for v in links.get((service, link), ()) if v)

    rows: dict[str, tuple[str, str, str, str]] = {}
    for service, city, type_, status, year in sorted(engine.select(_SERVICES)[1]):
        rows.setdefault(service, (city, type_, status, year))  # the first (smallest) if repeated
    services = tuple(
        ServiceRecord(
            iri=iri(service),
            city=iri(city),
            service_type=iri(type_),
            labels=labels.get(iri(service), Labels()),
            status=iri.optional(status),
            year=_year(year),
            domains=linked(service, "domain"),
            technologies=linked(service, "technology"),
            target_groups=linked(service, "target-group"),
            sources=tuple(sorted(linked(service, "source"), key=str)),
            programmes=linked(service, "programme"),
        )
        for service, (city, type_, status, year) in sorted(rows.items())
    )

    broader: dict[URIRef, set[URIRef]] = defaultdict(set)
    service_types: set[URIRef] = set()
    for concept, scheme, parent in engine.select(_CONCEPTS)[1]:
        broader[iri(concept)]  # every concept gets an entry, even a top concept
        if parent:
            broader[iri(concept)].add(iri(parent))
        if scheme == str(SCHEME["service-types"]):
            service_types.add(iri(concept))

    sources = {
        iri(source): SourceRecord(
            iri(source), title or None, labels.get(iri(source), Labels()), issued or None
        )
        for source, title, issued in sorted(engine.select(_SOURCES)[1])
    }

    programmes: dict[URIRef, set[URIRef]] = defaultdict(set)
    for programme, city in engine.select(_PROGRAMME_CITIES)[1]:
        programmes[iri(programme)].add(iri(city))

    return ReplicationData(
        cities=tuple(unique_cities[iri] for iri in sorted(unique_cities)),
        services=services,
        service_types=tuple(sorted(service_types)),
        broader=MappingProxyType({c: tuple(sorted(p)) for c, p in sorted(broader.items())}),
        labels=MappingProxyType(labels),
        sources=MappingProxyType(sources),
        programme_cities=MappingProxyType(
            {p: frozenset(cs) for p, cs in sorted(programmes.items())}
        ),
    )
