"""``replicate --write``: recommendations as RDF in ``build/recommendations.ttl``.

Each recommendation becomes an ``skg:Recommendation`` node ``rec:{city-slug}-{type-slug}`` with
``skg:recommendedFor``, ``skg:recommendedServiceType``, ``skg:score`` (xsd:decimal, 6 places),
``skg:rank`` (its place in the run's ranking), ``skg:supportingCity`` (each close peer that
runs the type), ``skg:exampleService``, ``skg:lowConfidence``, ``skg:reason`` (@en),
``rdfs:label`` (@en and @ko), ``prov:wasDerivedFrom`` (the example service's source documents)
and ``prov:wasGeneratedBy`` its run.

The run is an ``skg:ReplicationRun`` ``run:{12 hex digits}``: the start of the SHA-256 of the
method name and the run's canonical-JSON parameters (direction, subject, filters, limit and
every model parameter), with ``skg:method``, ``skg:parameters``, ``prov:used`` (the source
documents behind the examples) and labels. No timestamp: the same command on the same graph
gives the same IRIs and the same bytes.

Writing *adds* to the file: a recommendation already there for the same (city, type) is
replaced by the new one, runs no recommendation refers to any more are dropped, everything
else is kept. The file is written atomically (:func:`smartkg.atomic.write_atomically`) and in
the deterministic Turtle of :func:`smartkg.serialize.serialize`. ``smartkg query`` loads it
beside the catalogue when it exists, so SPARQL can ask for the recommendations.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from smartkg.atomic import write_atomically
from smartkg.catalogue import new_graph, parse_turtle
from smartkg.namespaces import PROV, RDF, RDFS, REC, RUN, SKG, XSD
from smartkg.replication.format import reason_en
from smartkg.replication.params import METHOD, canonical_json
from smartkg.replication.planner import Planner
from smartkg.replication.recommend import (
    CityRecommendations,
    Recommendation,
    TypeRecommendations,
)
from smartkg.serialize import RdfFormat, serialize

__all__ = [
    "RECOMMENDATIONS_FILE",
    "recommendation_iri",
    "recommendations_graph",
    "run_iri",
    "run_parameters",
    "write_recommendations",
]

RECOMMENDATIONS_FILE = "recommendations.ttl"


def _slug(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def recommendation_iri(city: URIRef, service_type: URIRef) -> URIRef:
    return REC[f"{_slug(city)}-{_slug(service_type)}"]


def run_parameters(
    result: CityRecommendations | TypeRecommendations, planner: Planner
) -> dict[str, Any]:
    """Everything that determines a run's output, as a JSON-ready dict."""
    if isinstance(result, CityRecommendations):
        mode, subject = "city", result.city
    else:
        mode, subject = "service-type", result.service_type
    return {
        "mode": mode,
        "subject": str(subject),
        "filters": result.filters.as_dict(),
        "limit": result.limit,
        "model": planner.params.as_dict(),
    }


def run_iri(parameters: dict[str, Any]) -> URIRef:
    digest = hashlib.sha256(f"{METHOD}\n{canonical_json(parameters)}".encode()).hexdigest()
    return RUN[digest[:12]]


def _label_ko(planner: Planner, rec: Recommendation) -> str:
    city = planner.data.label(rec.city)
    service_type = planner.data.label(rec.service_type)
    return (
        f"{city.ko or city.en or _slug(rec.city)}에 "
        f"{service_type.ko or service_type.en or _slug(rec.service_type)} 확산 추천"
    )


def _label_en(planner: Planner, rec: Recommendation) -> str:
    city = planner.data.label(rec.city)
    service_type = planner.data.label(rec.service_type)
    return (
        f"Recommendation: {service_type.en or _slug(rec.service_type)} "
        f"for {city.en or _slug(rec.city)}"
    )


def recommendations_graph(
    result: CityRecommendations | TypeRecommendations, planner: Planner
) -> Graph:
    """The run and its recommendations as RDF."""
    graph = new_graph()
    parameters = run_parameters(result, planner)
    run = run_iri(parameters)
    used: set[URIRef] = set()
    for rec in result.items:
        node = recommendation_iri(rec.city, rec.service_type)
        graph.add((node, RDF.type, SKG.Recommendation))
        graph.add((node, RDFS.label, Literal(_label_en(planner, rec), lang="en")))
        graph.add((node, RDFS.label, Literal(_label_ko(planner, rec), lang="ko")))
        graph.add((node, SKG.recommendedFor, rec.city))
        graph.add((node, SKG.recommendedServiceType, rec.service_type))
        graph.add((node, SKG.score, Literal(Decimal(f"{rec.score:.6f}"), datatype=XSD.decimal)))
        graph.add((node, SKG.rank, Literal(rec.rank, datatype=XSD.integer)))
        for support in rec.exact_supporters:
            graph.add((node, SKG.supportingCity, support.city))
        if rec.example is not None:
            graph.add((node, SKG.exampleService, rec.example.iri))
            for source in rec.example.sources:
                graph.add((node, PROV.wasDerivedFrom, source))
                used.add(source)
        graph.add((node, SKG.lowConfidence, Literal(rec.low_confidence, datatype=XSD.boolean)))
        graph.add((node, SKG.reason, Literal(reason_en(planner, rec), lang="en")))
        graph.add((node, PROV.wasGeneratedBy, run))
    subject = URIRef(parameters["subject"])
    subject_labels = planner.data.label(subject)
    graph.add((run, RDF.type, SKG.ReplicationRun))
    graph.add(
        (
            run,
            RDFS.label,
            Literal(
                f"Replication planning run for {subject_labels.en or _slug(subject)}", lang="en"
            ),
        )
    )
    graph.add(
        (
            run,
            RDFS.label,
            Literal(f"{subject_labels.ko or _slug(subject)} 확산 계획 산출", lang="ko"),
        )
    )
    graph.add((run, SKG.method, Literal(METHOD, datatype=XSD.string)))
    graph.add((run, SKG.parameters, Literal(canonical_json(parameters), datatype=XSD.string)))
    for source in sorted(used):
        graph.add((run, PROV.used, source))
    return graph


def write_recommendations(graph: Graph, path: Path) -> int:
    """Add ``graph``'s recommendations to the Turtle file at ``path`` (created if missing),
    atomically; return the number of recommendations the file then holds."""
    merged = new_graph()
    if path.exists():
        existing, _ = parse_turtle(path)
        merged += existing
    for node in set(graph.subjects(RDF.type, SKG.Recommendation)):
        merged.remove((node, None, None))
    referenced = set(merged.objects(None, PROV.wasGeneratedBy))
    for run in set(merged.subjects(RDF.type, SKG.ReplicationRun)):
        if run not in referenced:
            merged.remove((run, None, None))
    merged += graph
    write_atomically({path: serialize(merged, RdfFormat.TURTLE)})
    return len(set(merged.subjects(RDF.type, SKG.Recommendation)))
