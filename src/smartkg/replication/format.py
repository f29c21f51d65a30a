"""Readable output of ``smartkg similar`` and ``smartkg replicate``: text and JSON.

The text is for ministry officers: English and Korean names, numbers with three decimals,
every reason followed by the fact it rests on (the peer's similarity, the shared concept, the
example service's IRI and its source document's title). The JSON carries the same content with
full IRIs, for tools. Both are deterministic: items come in ranking order, ties by IRI.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import URIRef

from smartkg.labels import Labels
from smartkg.namespaces import curie
from smartkg.replication.filters import Filters
from smartkg.replication.params import METHOD, PlannerParams
from smartkg.replication.planner import Planner, Support
from smartkg.replication.profiles import CityProfile, Facet, ReplicationData, ServiceRecord
from smartkg.replication.recommend import (
    CityRecommendations,
    Recommendation,
    TypeRecommendations,
)
from smartkg.replication.similar import SimilarCities
from smartkg.replication.similarity import SharedItem, facet_weights

__all__ = [
    "name",
    "reason_en",
    "recommendations_json",
    "recommendations_text",
    "similar_json",
    "similar_text",
]

_SHOWN_ITEMS = 8


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _slug(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def name(data: ReplicationData, iri: URIRef) -> str:
    """``English (한국어)``, or whichever label exists, or the slug."""
    labels = data.label(iri)
    if labels.en and labels.ko and labels.en != labels.ko:
        return f"{labels.en} ({labels.ko})"
    return labels.en or labels.ko or _slug(iri)


def _en(data: ReplicationData, iri: URIRef) -> str:
    return data.label(iri).en or data.label(iri).ko or _slug(iri)


def _labels_json(labels: Labels) -> dict[str, str | None]:
    return {"en": labels.en, "ko": labels.ko}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _city_line(planner: Planner, city: URIRef) -> str:
    data = planner.data
    record = data.city(city)
    profile = planner.profiles[city]
    bits = []
    if record.size_class is not None:
        bits.append(_en(data, record.size_class))
    else:
        bits.append("size class not given")
    if record.province is not None:
        bits.append(_en(data, record.province))
    planned = sum(1 for s in profile.services if s.planned)
    extra = f" ({planned} planned)" if planned else ""
    return f"{'; '.join(bits)}; {_evidence(profile, extra)}"


def _evidence(profile: CityProfile, extra: str = "") -> str:
    """``3 documented services{extra} from 2 source documents``."""
    services = _count(len(profile.services), "documented service", "documented services")
    sources = _count(len(profile.sources), "source document", "source documents")
    return f"{services}{extra} from {sources}"


def _confidence_line(planner: Planner, city: URIRef) -> str:
    rule = planner.params.confidence
    return (
        f"LOW CONFIDENCE: {_en(planner.data, city)} has {_evidence(planner.profiles[city])} "
        f"(thin evidence: fewer than {rule.min_services} services or fewer than "
        f"{rule.min_sources} source documents)."
    )


def _similarity_formula(params: PlannerParams) -> str:
    p = params.similarity
    terms = " + ".join(f"{weight:g} x {facet.plural}" for facet, weight in facet_weights(p).items())
    return (
        f"similarity = {terms} (TF-IDF cosines: rare items count more; broader concepts give "
        f"partial credit at {p.ancestor_decay:g} per level)"
    )


def _score_formula(params: PlannerParams) -> str:
    r = params.recommender
    return (
        f"score = (similarity of the {r.peers} closest peers that run the type "
        f"+ {r.related_credit:g} x similarity of peers running only a sibling type "
        f"+ {r.fit_weight:g} x feature fit) / (cities running the type)^{r.popularity_alpha:g}"
    )


def _item_text(data: ReplicationData, item: SharedItem, side_a: str, side_b: str) -> str:
    line = f"+{item.contribution:.3f}  {item.facet.noun:<13} {name(data, item.concept)}"
    if item.direct:
        return line
    via_a = ", ".join(_en(data, c) for c in sorted(item.via_a))
    via_b = ", ".join(_en(data, c) for c in sorted(item.via_b))
    return f"{line}  [broader: {side_a} {via_a}; {side_b} {via_b}]"


def _items_text(
    data: ReplicationData, items: Iterable[SharedItem], side_a: str, side_b: str, indent: str
) -> list[str]:
    listed = list(items)
    lines = [indent + _item_text(data, it, side_a, side_b) for it in listed[:_SHOWN_ITEMS]]
    rest = listed[_SHOWN_ITEMS:]
    if rest:
        total = sum(it.contribution for it in rest)
        lines.append(f"{indent}+{total:.3f}  ... {len(rest)} more shared items")
    return lines


def _item_json(data: ReplicationData, item: SharedItem) -> dict[str, Any]:
    return {
        "facet": item.facet.value,
        "concept": str(item.concept),
        "labels": _labels_json(data.label(item.concept)),
        "contribution": round(item.contribution, 6),
        "direct": item.direct,
        "via_a": [str(c) for c in sorted(item.via_a)],
        "via_b": [str(c) for c in sorted(item.via_b)],
    }


# ---------------------------------------------------------------- similar


def similar_text(result: SimilarCities, planner: Planner) -> str:
    data = planner.data
    city = result.city
    lines = [
        f"Cities most similar to {name(data, city)}  [{curie(city)}]",
        f"  {_city_line(planner, city)}",
        f"  {_similarity_formula(planner.params)}",
        "",
    ]
    if planner.profiles[city].is_empty:
        lines.append(
            f"{_en(data, city)} has no documented services, so it cannot be compared "
            "with other cities."
        )
        return "\n".join(lines) + "\n"
    if not result.peers:
        lines.append("No city shares a service type or feature with it.")
    for position, peer in enumerate(result.peers, start=1):
        facets = " + ".join(
            f"{facet.plural} {peer.by_facet[facet]:.3f}" for facet in Facet if peer.by_facet[facet]
        )
        lines.append(
            f"{position:>2}. {name(data, peer.city)}  similarity {peer.similarity:.3f}"
            f"  [{curie(peer.city)}]"
        )
        lines.append(f"      = {facets}")
        lines.append(f"      {_city_line(planner, peer.city)}")
        lines.append("      shared:")
        lines.extend(
            _items_text(data, peer.shared, _en(data, city), _en(data, peer.city), "        ")
        )
    lines.append("")
    lines.append(
        f"{result.comparable} of {len(data.cities) - 1} other cities share something with "
        f"{_en(data, city)}; the top {min(result.top, result.comparable)} are shown."
    )
    return "\n".join(lines) + "\n"


def similar_json(result: SimilarCities, planner: Planner) -> str:
    data = planner.data
    return _dump(
        {
            "city": str(result.city),
            "labels": _labels_json(data.label(result.city)),
            "method": METHOD,
            "parameters": planner.params.as_dict()["similarity"],
            "comparable_cities": result.comparable,
            "peers": [
                {
                    "rank": position,
                    "city": str(peer.city),
                    "labels": _labels_json(data.label(peer.city)),
                    "similarity": round(peer.similarity, 6),
                    "by_facet": {f.value: round(v, 6) for f, v in peer.by_facet.items()},
                    "shared": [_item_json(data, it) for it in peer.shared],
                }
                for position, peer in enumerate(result.peers, start=1)
            ],
        }
    )


# ---------------------------------------------------------------- replicate


def _source_text(data: ReplicationData, source: URIRef) -> str:
    record = data.sources.get(source)
    if record is None:
        return curie(source)
    title = record.labels.en or record.title or _slug(source)
    original = f" / {record.title}" if record.title and record.title != title else ""
    return f'{curie(source)} "{title}"{original}'


def _service_text(data: ReplicationData, service: ServiceRecord) -> str:
    status = " (planned)" if service.planned else ""
    return f"{curie(service.iri)} {name(data, service.iri)}{status}, {_en(data, service.city)}"


def _with_similarity(data: ReplicationData, city: URIRef, similarity: float) -> str:
    labels = data.label(city)
    korean = f"{labels.ko}, " if labels.ko and labels.ko != labels.en else ""
    return f"{_en(data, city)} ({korean}similarity {similarity:.3f})"


def _support_text(data: ReplicationData, supports: Iterable[Support]) -> str:
    return ", ".join(_with_similarity(data, s.city, s.similarity) for s in supports)


def _filters_text(data: ReplicationData, filters: Filters) -> str:
    chosen = [
        (label, value)
        for label, value in (
            ("size class", filters.size_class),
            ("region", filters.region),
            ("domain", filters.domain),
            ("target group", filters.target_group),
            ("programme", filters.programme),
        )
        if value is not None
    ]
    if not chosen:
        return "none"
    return "; ".join(f"{label} = {_en(data, value)}" for label, value in chosen)


def _recommendation_lines(
    planner: Planner, rec: Recommendation, heading: str, indent: str = "      "
) -> list[str]:
    data = planner.data
    lines = [heading]
    exact = rec.exact_supporters
    related = rec.related_supporters
    adopters = f"{rec.adopters} {'city runs' if rec.adopters == 1 else 'cities run'} it"
    if exact:
        lines.append(f"{indent}run by close peers: {_support_text(data, exact)}; {adopters}")
    else:
        lines.append(f"{indent}no close peer runs it; {adopters}")
    for support in related:
        types = sorted({s.service_type for s in support.services})
        lines.append(
            f"{indent}sibling type: {_with_similarity(data, support.city, support.similarity)} "
            f"runs {', '.join(name(data, t) for t in types)}"
        )
    if rec.matching:
        fit = sum(item.contribution for item in rec.matching)
        lines.append(f"{indent}matching features (feature fit {fit:.3f}):")
        lines.extend(
            _items_text(
                data, rec.matching, _en(data, rec.city), "the type's services", indent + "  "
            )
        )
    if rec.example is not None:
        lines.append(f"{indent}example: {_service_text(data, rec.example)}")
        for source in rec.example.sources:
            lines.append(f"{indent}  source: {_source_text(data, source)}")
    p = rec.parts
    lines.append(
        f"{indent}score terms: peers {p.exact:.3f} + siblings {p.related:.3f} "
        f"+ fit {p.fit:.3f}, / {p.divisor:.3f} (popularity)"
    )
    return lines


def _city_recs_text(result: CityRecommendations, planner: Planner) -> str:
    data = planner.data
    city = result.city
    peers = ", ".join(f"{_en(data, p)} {s:.3f}" for p, s in result.peers) or "none"
    lines = [
        f"Service types {name(data, city)} could adopt, from what its most similar cities run"
        f"  [{curie(city)}]",
        f"  {_city_line(planner, city)}",
        f"  closest peers: {peers}",
        f"  {_score_formula(planner.params)}",
        f"  filters: {_filters_text(data, result.filters)}",
    ]
    if result.low_confidence:
        lines.append(f"  {_confidence_line(planner, city)}")
    lines.append("")
    if planner.profiles[city].is_empty:
        lines.append(
            f"{_en(data, city)} has no documented services, so nothing can be inferred about "
            "what it would adopt. Add its services to the catalogue, or ask the other way "
            "round: smartkg replicate --service-type TYPE."
        )
    elif not result.items:
        lines.append("No candidate service type has any support.")
    for rec in result.items:
        heading = (
            f"{rec.rank:>2}. {name(data, rec.service_type)}  score {rec.score:.3f}"
            f"  [{curie(rec.service_type)}]"
        )
        lines.extend(_recommendation_lines(planner, rec, heading))
    lines.append("")
    shown = len(result.items)
    lines.append(
        f"{_count(result.ranked, 'candidate type has', 'candidate types have')} support; "
        f"{shown} shown. {_count(result.unsupported, 'has', 'have')} none (no close peer runs "
        "it or a sibling, and no feature matches)."
        + (
            f" {_count(result.excluded, 'was', 'were')} excluded by the filters."
            if result.excluded
            else ""
        )
    )
    return "\n".join(lines) + "\n"


def _type_recs_text(result: TypeRecommendations, planner: Planner) -> str:
    data = planner.data
    service_type = result.service_type
    adopters = ", ".join(name(data, c) for c in result.adopters) or "no city yet"
    lines = [
        f"Cities that could adopt {name(data, service_type)}  [{curie(service_type)}]",
        f"  run today by: {adopters}",
        f"  {_score_formula(planner.params)}",
        f"  filters: {_filters_text(data, result.filters)}",
        "",
    ]
    if not result.items:
        lines.append("No candidate city has any support.")
    for rec in result.items:
        record = data.city(rec.city)
        where = ", ".join(
            _en(data, c) for c in (record.size_class, record.province) if c is not None
        )
        flag = "  LOW CONFIDENCE" if rec.low_confidence else ""
        heading = (
            f"{rec.rank:>2}. {name(data, rec.city)}  score {rec.score:.3f}{flag}"
            f"  [{curie(rec.city)}]" + (f"  {where}" if where else "")
        )
        lines.extend(_recommendation_lines(planner, rec, heading))
    lines.append("")
    if result.no_evidence:
        names = ", ".join(_en(data, c) for c in result.no_evidence)
        lines.append(
            f"No evidence for {_count(len(result.no_evidence), 'other city', 'other cities')} "
            f"(no close peer runs it or a sibling, and no feature matches): {names}."
        )
    if result.excluded:
        lines.append(
            f"{_count(result.excluded, 'city was', 'cities were')} excluded by the filters."
        )
    rule = planner.params.confidence
    lines.append(
        f"LOW CONFIDENCE marks a city with fewer than {rule.min_services} documented services "
        f"or fewer than {rule.min_sources} source documents."
    )
    return "\n".join(lines) + "\n"


def recommendations_text(
    result: CityRecommendations | TypeRecommendations, planner: Planner
) -> str:
    if isinstance(result, CityRecommendations):
        return _city_recs_text(result, planner)
    return _type_recs_text(result, planner)


def _support_json(data: ReplicationData, support: Support) -> dict[str, Any]:
    return {
        "city": str(support.city),
        "labels": _labels_json(data.label(support.city)),
        "similarity": round(support.similarity, 6),
        "runs_the_type": support.exact,
        "services": [str(s.iri) for s in support.services],
    }


def _service_json(data: ReplicationData, service: ServiceRecord) -> dict[str, Any]:
    return {
        "service": str(service.iri),
        "labels": _labels_json(service.labels),
        "city": str(service.city),
        "planned": service.planned,
        "sources": [
            {
                "source": str(source),
                "title": data.sources[source].title if source in data.sources else None,
                "labels": _labels_json(
                    data.sources[source].labels if source in data.sources else Labels()
                ),
            }
            for source in service.sources
        ],
    }


def _rec_json(planner: Planner, rec: Recommendation) -> dict[str, Any]:
    data = planner.data
    return {
        "rank": rec.rank,
        "city": str(rec.city),
        "city_labels": _labels_json(data.label(rec.city)),
        "service_type": str(rec.service_type),
        "service_type_labels": _labels_json(data.label(rec.service_type)),
        "score": round(rec.score, 6),
        "score_terms": {
            "peers": round(rec.parts.exact, 6),
            "siblings": round(rec.parts.related, 6),
            "fit": round(rec.parts.fit, 6),
            "popularity_divisor": round(rec.parts.divisor, 6),
        },
        "cities_running_the_type": rec.adopters,
        "low_confidence": rec.low_confidence,
        "supporters": [_support_json(data, s) for s in rec.supporters],
        "matching_features": [_item_json(data, it) for it in rec.matching],
        "example": None if rec.example is None else _service_json(data, rec.example),
        "reason": reason_en(planner, rec),
    }


def recommendations_json(
    result: CityRecommendations | TypeRecommendations, planner: Planner
) -> str:
    data = planner.data
    head: dict[str, Any]
    if isinstance(result, CityRecommendations):
        head = {
            "mode": "city",
            "city": str(result.city),
            "labels": _labels_json(data.label(result.city)),
            "low_confidence": result.low_confidence,
            "peers": [{"city": str(p), "similarity": round(s, 6)} for p, s in result.peers],
            "unsupported_candidates": result.unsupported,
        }
    else:
        head = {
            "mode": "service-type",
            "service_type": str(result.service_type),
            "labels": _labels_json(data.label(result.service_type)),
            "adopters": [str(c) for c in result.adopters],
            "cities_without_evidence": [str(c) for c in result.no_evidence],
        }
    return _dump(
        {
            **head,
            "method": METHOD,
            "parameters": planner.params.as_dict(),
            "filters": result.filters.as_dict(),
            "excluded_by_filters": result.excluded,
            "ranked": result.ranked,
            "recommendations": [_rec_json(planner, rec) for rec in result.items],
        }
    )


def reason_en(planner: Planner, rec: Recommendation) -> str:
    """The recommendation's reason in one English sentence (``skg:reason``)."""
    data = planner.data
    parts: list[str] = []
    exact = rec.exact_supporters
    if exact:
        peers = ", ".join(f"{_en(data, s.city)} (similarity {s.similarity:.3f})" for s in exact)
        parts.append(f"Run by close peers {peers}")
    else:
        parts.append("Run by no close peer")
    for support in rec.related_supporters:
        types = ", ".join(_en(data, t) for t in sorted({s.service_type for s in support.services}))
        parts.append(
            f"sibling type {types} run by {_en(data, support.city)} "
            f"(similarity {support.similarity:.3f})"
        )
    if rec.matching:
        features = ", ".join(
            f"{_en(data, it.concept)} ({it.facet.noun})" for it in rec.matching[:5]
        )
        parts.append(f"matching features: {features}")
    if rec.example is not None:
        sources = "; ".join(
            (data.sources[s].labels.en or data.sources[s].title or _slug(s))
            if s in data.sources
            else _slug(s)
            for s in rec.example.sources
        )
        parts.append(
            f"example: {_en(data, rec.example.iri)} <{rec.example.iri}>, "
            f"{_en(data, rec.example.city)}" + (f", from '{sources}'" if sources else "")
        )
    parts.append(f"{rec.adopters} {'city runs' if rec.adopters == 1 else 'cities run'} the type")
    text = "; ".join(parts) + "."
    if rec.low_confidence:
        text += f" Low confidence: thin evidence about {_en(data, rec.city)}."
    return text
