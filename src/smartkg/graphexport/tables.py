"""CSV tables of the catalogue: ``cities.csv``, ``services.csv``, ``certifications.csv`` and
``projects.csv``, UTF-8 with a byte-order mark (what Excel needs to read Korean), comma
separated, CRLF line ends, one row per entity in IRI order.

Every table starts with ``iri``, ``label_ko`` and ``label_en``; the other columns are the key
properties of docs/model.md, one column per property. A reference is the full IRI; a
property with several values joins them, sorted, with ``;`` (IRIs hold no ``;``); a literal is
its lexical form (years ``2025``, dates ``2025-01-31``, booleans ``true``). Columns that are
derived rather than stated (``certification_years`` of a city) say so in docs/csv-tables.md,
which documents every column so that a spreadsheet import can rebuild the same entities.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from smartkg.atomic import write_atomically
from smartkg.engine import SparqlTermEngine
from smartkg.namespaces import DCT, PROV, RDFS, SCHEMA, SKG, SKOS, sparql_prefixes

__all__ = ["TABLES", "Column", "Table", "table_bytes", "tables_bytes", "write_tables"]

ENCODING = "utf-8-sig"
SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """A column: its header, the property it holds and, for text, the language."""

    header: str
    predicate: URIRef
    language: str | None = None


@dataclass(frozen=True)
class Table:
    """A CSV file: one row per instance of ``rdf_class``."""

    file_name: str
    rdf_class: URIRef
    columns: tuple[Column, ...]


def _labels() -> tuple[Column, ...]:
    return (Column("label_ko", RDFS.label, "ko"), Column("label_en", RDFS.label, "en"))


def _descriptions() -> tuple[Column, ...]:
    return (
        Column("description_ko", DCT.description, "ko"),
        Column("description_en", DCT.description, "en"),
    )


_SOURCES = Column("sources", PROV.wasDerivedFrom)

#: Derived column of ``cities.csv``: the round years of its certifications (see
#: certifications.csv), not a property of the city.
CERTIFICATION_YEARS = "certification_years"

TABLES: tuple[Table, ...] = (
    Table(
        "cities.csv",
        SKG.LocalGovernment,
        (
            *_labels(),
            Column("alt_labels_ko", SKOS.altLabel, "ko"),
            Column("administrative_level", SKG.administrativeLevel),
            Column("province", SKG.province),
            Column("parent_government", SKG.parentGovernment),
            Column("size_class", SKG.sizeClass),
            _SOURCES,
        ),
    ),
    Table(
        "services.csv",
        SKG.SmartService,
        (
            *_labels(),
            Column("provider", SKG.provider),
            Column("service_type", SKG.serviceType),
            Column("domains", SKG.domain),
            Column("technologies", SKG.technology),
            Column("target_groups", SKG.targetGroup),
            Column("service_status", SKG.serviceStatus),
            Column("first_documented_year", SKG.firstDocumentedYear),
            Column("start_year", SKG.startYear),
            Column("end_year", SKG.endYear),
            Column("national_first", SKG.nationalFirst),
            Column("funded_by", SKG.fundedBy),
            *_descriptions(),
            _SOURCES,
        ),
    ),
    Table(
        "certifications.csv",
        SKG.Certification,
        (
            *_labels(),
            Column("certified_city", SKG.certifiedCity),
            Column("certification_scheme", SKG.certificationScheme),
            Column("round", SKG.round),
            Column("round_year", SKG.roundYear),
            Column("size_class", SKG.sizeClass),
            Column("grade", SKG.grade),
            Column("certification_kind", SKG.certificationKind),
            Column("certification_status", SKG.certificationStatus),
            Column("valid_from", SCHEMA.validFrom),
            Column("valid_through", SCHEMA.validThrough),
            Column("cited_services", SKG.citedService),
            Column("extends", SKG.extends),
            Column("preceded_by", SKG.precededBy),
            *_descriptions(),
            _SOURCES,
        ),
    ),
    Table(
        "projects.csv",
        SKG.DevelopmentProject,
        (
            *_labels(),
            Column("selected_city", SKG.selectedCity),
            Column("track", SKG.inTrack),
            Column("programme_type", SKG.programmeType),
            Column("selection_year", SKG.selectionYear),
            Column("national_funding", SKG.nationalFunding),
            Column("duration_years", SKG.durationYears),
            Column("local_match_ratio", SKG.localMatchRatio),
            Column("project_area_ko", SKG.projectArea, "ko"),
            Column("project_area_en", SKG.projectArea, "en"),
            Column("planned_services", SKG.plansService),
            *_descriptions(),
            _SOURCES,
        ),
    ),
)


_STATEMENTS = (
    sparql_prefixes("rdf")
    + """
SELECT ?class ?entity ?property ?value
WHERE { ?entity rdf:type ?class ; ?property ?value FILTER(isIRI(?entity)) }
"""
)

_CERTIFICATION_YEARS = (
    sparql_prefixes("rdf", "skg")
    + """
SELECT ?city ?year
WHERE { ?certification rdf:type skg:Certification ; skg:certifiedCity ?city ;
                       skg:roundYear ?year }
"""
)


def _cell(value: object, language: str | None) -> str | None:
    if isinstance(value, Literal):
        tag = (value.language or "").lower()
        if language is not None:
            return str(value) if tag == language or tag.startswith(f"{language}-") else None
        return None if tag else str(value)
    if isinstance(value, URIRef):
        return None if language is not None else str(value)
    return None


def _rows(engine: SparqlTermEngine, table: Table) -> list[dict[str, str]]:
    wanted = {column.predicate for column in table.columns}
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _, entity, prop, value in engine.select_terms(_STATEMENTS, {"class": table.rdf_class})[1]:
        if entity is None:
            continue
        row = values[str(entity)]
        if prop not in wanted:
            continue
        for column in table.columns:
            if column.predicate == prop and (text := _cell(value, column.language)) is not None:
                row[column.header].add(text)
    return [
        {
            "iri": entity,
            **{
                column.header: SEPARATOR.join(sorted(values[entity].get(column.header, ())))
                for column in table.columns
            },
        }
        for entity in sorted(values)
    ]


def _certification_years(engine: SparqlTermEngine) -> dict[str, str]:
    years: dict[str, set[str]] = defaultdict(set)
    for city, year in engine.select(_CERTIFICATION_YEARS)[1]:
        years[city].add(year[:4])
    return {city: SEPARATOR.join(sorted(found)) for city, found in years.items()}


def headers(table: Table) -> list[str]:
    """The column headers of ``table``, in order."""
    extra = [CERTIFICATION_YEARS] if table.file_name == "cities.csv" else []
    return ["iri", *(column.header for column in table.columns), *extra]


def table_bytes(engine: SparqlTermEngine, table: Table) -> bytes:
    """``table`` as CSV bytes, UTF-8 with BOM."""
    rows = _rows(engine, table)
    if table.file_name == "cities.csv":
        years = _certification_years(engine)
        for row in rows:
            row[CERTIFICATION_YEARS] = years.get(row["iri"], "")
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=headers(table), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def tables_bytes(engine: SparqlTermEngine, out_dir: Path) -> dict[Path, bytes]:
    """Every table of :data:`TABLES`, keyed by its path in ``out_dir``."""
    return {out_dir / table.file_name: table_bytes(engine, table) for table in TABLES}


def write_tables(engine: SparqlTermEngine, out_dir: Path) -> list[Path]:
    """Write every table into ``out_dir`` atomically; return the paths written."""
    outputs: Mapping[Path, bytes] = tables_bytes(engine, out_dir)
    write_atomically(outputs)
    return list(outputs)
