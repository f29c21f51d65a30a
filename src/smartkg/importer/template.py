"""The spreadsheet template: one sheet (or CSV file) per entity kind, its columns and what each
column becomes in RDF.

The column lists here are the single definition of the template: the reader, the row parser, the
XLSX/CSV template writer and ``docs/spreadsheet-template.md`` all follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rdflib import Namespace, URIRef

from smartkg.namespaces import (
    CERT,
    CITY,
    CSCHEME,
    DCT,
    ORG,
    PROG,
    PROV,
    RDFS,
    ROUND,
    SCHEMA,
    SCHEME,
    SKG,
    SKOS,
    SRC,
    SVC,
)

__all__ = ["KINDS", "Column", "Kind", "ValueType", "columns_of", "kind_of_name"]


class Kind(StrEnum):
    """The entity kinds a spreadsheet can add; the value is the sheet (and CSV) name."""

    SOURCES = "sources"
    CITIES = "cities"
    SERVICES = "services"
    CERTIFICATIONS = "certifications"


class ValueType(StrEnum):
    """How a cell is read."""

    ID = "id"  # the entity's slug: its IRI is {namespace}{slug}
    TEXT_KO = "text-ko"  # a Korean literal (@ko)
    TEXT_EN = "text-en"  # an English literal (@en)
    TEXT = "text"  # a plain literal
    CONCEPT = "concept"  # a concept of a shipped SKOS scheme (slug, Korean or English name)
    ENTITY = "entity"  # an entity of the catalogue or of the same import (slug or name)
    YEAR = "year"  # xsd:gYear
    DATE = "date"  # xsd:date
    DATE_OR_YEAR = "date-or-year"  # xsd:date, or xsd:gYear when only the year is known
    INTEGER = "integer"  # xsd:integer
    BOOLEAN = "boolean"  # xsd:boolean (true/false, yes/no, 예/아니오)


@dataclass(frozen=True)
class Column:
    """One column: its header, what it holds and the property it fills."""

    name: str
    type: ValueType
    predicate: URIRef | None
    description: str
    required: bool = False
    multi: bool = False
    target: URIRef | None = None  # the scheme (CONCEPT) or class (ENTITY) values must belong to
    target_ns: Namespace | None = None  # the IRI namespace of ENTITY values / the ID column
    also: tuple[URIRef, ...] = ()  # further properties filled with the same value


def _id(ns: Namespace, what: str) -> Column:
    return Column(
        "id",
        ValueType.ID,
        None,
        f"slug of the new {what}: lowercase ASCII words joined by '-'; the IRI is {ns}<id>",
        required=True,
        target_ns=ns,
    )


def _labels(what: str) -> tuple[Column, Column]:
    return (
        Column(
            "label_ko",
            ValueType.TEXT_KO,
            RDFS.label,
            f"Korean name of the {what}, exactly as the source writes it",
            required=True,
        ),
        Column(
            "label_en",
            ValueType.TEXT_EN,
            RDFS.label,
            f"English name of the {what}, as a foreign researcher would recognise it",
            required=True,
        ),
    )


_ALT_LABELS = Column(
    "alt_labels_ko",
    ValueType.TEXT_KO,
    SKOS.altLabel,
    "other Korean names (';'-separated)",
    multi=True,
)
_SOURCES = Column(
    "sources",
    ValueType.ENTITY,
    PROV.wasDerivedFrom,
    "source documents (';'-separated): slugs of src: documents in data/sources.ttl or rows of "
    "the sources sheet",
    required=True,
    multi=True,
    target=SKG.SourceDocument,
    target_ns=SRC,
)
_NOTE = Column(
    "note_en",
    ValueType.TEXT_EN,
    SKOS.editorialNote,
    "editorial note in English: what the source implies without saying it",
)
_DESCRIPTIONS = (
    Column(
        "description_ko",
        ValueType.TEXT_KO,
        DCT.description,
        "the source's own words, shortened (Korean)",
    ),
    Column("description_en", ValueType.TEXT_EN, DCT.description, "English description"),
)


def _city(name: str, predicate: URIRef, description: str, *, required: bool) -> Column:
    return Column(
        name,
        ValueType.ENTITY,
        predicate,
        description,
        required=required,
        target=SKG.LocalGovernment,
        target_ns=CITY,
    )


def _concept(
    name: str,
    predicate: URIRef,
    scheme: str,
    description: str,
    *,
    required: bool = False,
    multi: bool = False,
) -> Column:
    return Column(
        name,
        ValueType.CONCEPT,
        predicate,
        description,
        required=required,
        multi=multi,
        target=SCHEME[scheme],
    )


SOURCE_COLUMNS: tuple[Column, ...] = (
    _id(SRC, "source document"),
    Column(
        "title_ko",
        ValueType.TEXT_KO,
        DCT.title,
        "the document's Korean title (also its Korean label)",
        required=True,
        also=(RDFS.label,),
    ),
    Column(
        "label_en",
        ValueType.TEXT_EN,
        RDFS.label,
        "English label, e.g. 'News article: … (2026-01-15)'",
        required=True,
    ),
    Column(
        "issued",
        ValueType.DATE_OR_YEAR,
        DCT.issued,
        "publication date YYYY-MM-DD (or YYYY when only the year is known; say why in note_en)",
        required=True,
    ),
    Column(
        "publisher",
        ValueType.ENTITY,
        DCT.publisher,
        "publishing organisation (slug of data/organisations.ttl, e.g. molit)",
        target=ORG.Organization,
    ),
    Column("author", ValueType.TEXT, SCHEMA.author, "reporter's name, when given"),
    _concept(
        "type",
        DCT.type,
        "document-kinds",
        "document kind: press-release or news-article",
        required=True,
    ),
    Column(
        "file_name",
        ValueType.TEXT,
        SKG.fileName,
        "file name of the captured document",
        required=True,
    ),
    Column("language", ValueType.TEXT, DCT.language, "language code of the document, e.g. ko"),
    _NOTE,
)

CITY_COLUMNS: tuple[Column, ...] = (
    _id(CITY, "local government"),
    *_labels("local government"),
    _ALT_LABELS,
    _concept(
        "administrative_level",
        SKG.administrativeLevel,
        "admin-levels",
        "administrative level: special-city, metropolitan-city, city, autonomous-district, …",
    ),
    _city(
        "parent_government",
        SKG.parentGovernment,
        "parent government, only when it is itself in the catalogue (seoul for its gu)",
        required=False,
    ),
    _concept("province", SKG.province, "regions", "the province (시·도) it lies in"),
    _concept("size_class", SKG.sizeClass, "size-classes", "large or small-medium"),
    _SOURCES,
    _NOTE,
)

SERVICE_COLUMNS: tuple[Column, ...] = (
    _id(SVC, "service ({city-slug}-{short-name})"),
    *_labels("service"),
    _ALT_LABELS,
    _city("provider", SKG.provider, "the providing local government", required=True),
    _concept("service_type", SKG.serviceType, "service-types", "the service type", required=True),
    _concept(
        "domains",
        SKG.domain,
        "domains",
        "service domains (';'-separated, at least one)",
        required=True,
        multi=True,
    ),
    _concept("technologies", SKG.technology, "technologies", "technologies", multi=True),
    _concept("target_groups", SKG.targetGroup, "target-groups", "target groups", multi=True),
    _concept("service_status", SKG.serviceStatus, "service-statuses", "operating or planned"),
    Column(
        "first_documented_year",
        ValueType.YEAR,
        SKG.firstDocumentedYear,
        "year of the earliest source that mentions it (YYYY)",
    ),
    Column("start_year", ValueType.YEAR, SKG.startYear, "start year, only if a source gives it"),
    Column("end_year", ValueType.YEAR, SKG.endYear, "end year, only if a source gives it"),
    Column(
        "national_first",
        ValueType.BOOLEAN,
        SKG.nationalFirst,
        "true when a source says 전국 최초 / 국내 최초",
    ),
    Column(
        "funded_by",
        ValueType.ENTITY,
        SKG.fundedBy,
        "funding programmes (slugs of data/programmes.ttl)",
        multi=True,
        target=SKG.FundingProgramme,
        target_ns=PROG,
    ),
    *_DESCRIPTIONS,
    _SOURCES,
    _NOTE,
)

CERTIFICATION_COLUMNS: tuple[Column, ...] = (
    _id(CERT, "certification ({city-slug}-{year})"),
    *_labels("certification"),
    _city("certified_city", SKG.certifiedCity, "the certified local government", required=True),
    Column(
        "certification_scheme",
        ValueType.ENTITY,
        SKG.certificationScheme,
        "certification scheme (molit-smart-city)",
        required=True,
        target=SKG.CertificationScheme,
        target_ns=CSCHEME,
    ),
    Column("round_year", ValueType.YEAR, SKG.roundYear, "the round's year (YYYY), only when known"),
    Column(
        "round",
        ValueType.ENTITY,
        SKG.round,
        "the certification round (its year, e.g. 2025), only when it is in the catalogue",
        target=SKG.CertificationRound,
        target_ns=ROUND,
    ),
    _concept("size_class", SKG.sizeClass, "size-classes", "large or small-medium"),
    Column("grade", ValueType.INTEGER, SKG.grade, "grade (integer, 1 best)"),
    _concept(
        "certification_kind",
        SKG.certificationKind,
        "certification-kinds",
        "new, renewal or extension",
    ),
    Column("valid_from", ValueType.DATE, SCHEMA.validFrom, "validity start (YYYY-MM-DD)"),
    Column("valid_through", ValueType.DATE, SCHEMA.validThrough, "validity end (YYYY-MM-DD)"),
    _concept(
        "certification_status",
        SKG.certificationStatus,
        "certification-statuses",
        "valid, expired or extended, only when the sources say",
    ),
    Column(
        "cited_services",
        ValueType.ENTITY,
        SKG.citedService,
        "services the certification cited (';'-separated slugs)",
        multi=True,
        target=SKG.SmartService,
        target_ns=SVC,
    ),
    Column(
        "extends",
        ValueType.ENTITY,
        SKG.extends,
        "the earlier certificate a two-year extension continues",
        target=SKG.Certification,
        target_ns=CERT,
    ),
    Column(
        "preceded_by",
        ValueType.ENTITY,
        SKG.precededBy,
        "the city's previous certificate, when a source links them",
        target=SKG.Certification,
        target_ns=CERT,
    ),
    *_DESCRIPTIONS,
    _SOURCES,
    _NOTE,
)

#: The class each kind's rows are typed with.
CLASS_OF: dict[Kind, URIRef] = {
    Kind.SOURCES: SKG.SourceDocument,
    Kind.CITIES: SKG.LocalGovernment,
    Kind.SERVICES: SKG.SmartService,
    Kind.CERTIFICATIONS: SKG.Certification,
}

#: Every kind with its columns, in the order sheets are read (sources first: others cite them).
KINDS: dict[Kind, tuple[Column, ...]] = {
    Kind.SOURCES: SOURCE_COLUMNS,
    Kind.CITIES: CITY_COLUMNS,
    Kind.SERVICES: SERVICE_COLUMNS,
    Kind.CERTIFICATIONS: CERTIFICATION_COLUMNS,
}


def columns_of(kind: Kind) -> tuple[Column, ...]:
    return KINDS[kind]


def kind_of_name(name: str) -> Kind | None:
    """The kind a sheet or file-name token names (``services``, ``Services``), else None."""
    try:
        return Kind(name.strip().casefold())
    except ValueError:
        return None
