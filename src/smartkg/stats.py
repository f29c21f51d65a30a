"""How big and how complete the catalogue is: entities per class and per concept scheme.

For each ``skg:`` class (declared in the ontology or used as a type), each other class that
types something in ``data/``, and each concept scheme: how many entities it has and how many of
them carry a Korean label, an English label (``skos:prefLabel`` for concepts, ``rdfs:label``
otherwise) and a ``prov:wasDerivedFrom`` source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rdflib import Graph, URIRef
from rdflib.term import Node

from smartkg.catalogue import Catalogue, Role
from smartkg.labels import has_language
from smartkg.namespaces import OWL, PROV, RDF, RDFS, SKG, SKOS, curie, namespace_manager

__all__ = ["Kind", "Stats", "StatsRow", "compute_stats", "format_json", "format_text"]


class Kind(StrEnum):
    CLASS = "class"
    SCHEME = "scheme"


@dataclass(frozen=True)
class StatsRow:
    """Counts for one class or concept scheme."""

    kind: Kind
    term: URIRef
    name: str
    label_property: str
    entities: int
    label_ko: int
    label_en: int
    derived_from: int


@dataclass(frozen=True)
class Stats:
    rows: tuple[StatsRow, ...]
    triples: int
    files: int


def _is_concept_class(graph: Graph, cls: URIRef) -> bool:
    return cls == SKOS.Concept or SKOS.Concept in set(
        graph.transitive_objects(cls, RDFS.subClassOf)
    )


def _row(
    graph: Graph, kind: Kind, term: URIRef, members: Iterable[Node], *, concepts: bool
) -> StatsRow:
    label = SKOS.prefLabel if concepts else RDFS.label
    ko = en = sourced = total = 0
    for member in set(members):
        total += 1
        labels = list(graph.objects(member, label))
        ko += any(has_language(lit, "ko") for lit in labels)
        en += any(has_language(lit, "en") for lit in labels)
        sourced += (member, PROV.wasDerivedFrom, None) in graph
    return StatsRow(
        kind=kind,
        term=term,
        name=curie(term, namespace_manager()),
        label_property=curie(label, namespace_manager()),
        entities=total,
        label_ko=ko,
        label_en=en,
        derived_from=sourced,
    )


def _classes(catalogue: Catalogue) -> list[URIRef]:
    graph = catalogue.graph
    declared = {
        s
        for cls in (OWL.Class, RDFS.Class)
        for s in graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef) and s.startswith(str(SKG))
    }
    used = {
        o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef) and o.startswith(str(SKG))
    }
    data_files = {f.path for f in catalogue.files_with_role(Role.DATA)}
    in_data = {
        o
        for s, o in graph.subject_objects(RDF.type)
        if isinstance(o, URIRef) and data_files.intersection(catalogue.files_of(s))
    }
    return sorted(declared | used | in_data)


def compute_stats(catalogue: Catalogue) -> Stats:
    """Entity counts and label/provenance completeness per class and per concept scheme."""
    graph = catalogue.graph
    rows = [
        _row(
            graph,
            Kind.CLASS,
            cls,
            graph.subjects(RDF.type, cls),
            concepts=_is_concept_class(graph, cls),
        )
        for cls in _classes(catalogue)
    ]
    schemes = sorted(
        s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)
    )
    for scheme in schemes:
        members = {
            *graph.subjects(SKOS.inScheme, scheme),
            *graph.subjects(SKOS.topConceptOf, scheme),
        }
        rows.append(_row(graph, Kind.SCHEME, scheme, members, concepts=True))
    rows.sort(key=lambda r: (r.kind != Kind.CLASS, r.name))
    return Stats(rows=tuple(rows), triples=len(graph), files=len(catalogue.files))


_HEADERS = ("kind", "class or scheme", "entities", "@ko", "@en", "wasDerivedFrom", "label")


def format_text(stats: Stats) -> str:
    """An aligned table, one row per class and scheme, and a totals line."""
    table = [
        (
            r.kind.value,
            r.name,
            str(r.entities),
            str(r.label_ko),
            str(r.label_en),
            str(r.derived_from),
            r.label_property,
        )
        for r in stats.rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(_HEADERS, *table, strict=False)]
    numeric = {2, 3, 4, 5}

    def line(cells: tuple[str, ...]) -> str:
        padded = (
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    out = [line(_HEADERS), line(tuple("-" * w for w in widths))]
    out.extend(line(row) for row in table)
    out.append(f"{stats.triples} triples from {stats.files} files")
    return "\n".join(out) + "\n"


def format_json(stats: Stats) -> str:
    document = {
        "triples": stats.triples,
        "files": stats.files,
        "rows": [
            {
                "kind": r.kind.value,
                "term": str(r.term),
                "name": r.name,
                "labelProperty": r.label_property,
                "entities": r.entities,
                "labelKo": r.label_ko,
                "labelEn": r.label_en,
                "wasDerivedFrom": r.derived_from,
            }
            for r in stats.rows
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
