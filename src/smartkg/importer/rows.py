"""Turning rows into triples: column checks, IRI slugs, duplicates, value syntax, and names of
concepts and entities resolved against the catalogue (and the other rows of the same import).

Every problem is collected (not only the first), each naming its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from smartkg.catalogue import new_graph
from smartkg.importer.problems import Problem
from smartkg.importer.reading import Row, Sheet
from smartkg.importer.template import CLASS_OF, Column, ValueType, columns_of
from smartkg.namespaces import RDF, RDFS, SKOS, XSD, curie, namespace_manager

__all__ = ["Parsed", "RowRef", "parse_sheets"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_YEAR = re.compile(r"^[0-9]{4}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_PUNCTUATION = re.compile(r"[\s\-_.,'\u2019\u00b7()\[\]/:]+")
_TRUE = {"true", "yes", "y", "1", "예", "참"}
_FALSE = {"false", "no", "n", "0", "아니오", "거짓"}
SEPARATOR = ";"
#: The exported CSV tables (docs/csv-tables.md) name each entity by its full IRI in ``iri``.
IRI_COLUMN = "iri"
#: Columns of the exported tables that are derived, not stated: read and ignored.
DERIVED_COLUMNS = frozenset({"certification_years"})


@dataclass(frozen=True)
class RowRef:
    """Where a new entity came from."""

    sheet: Sheet
    row: int


@dataclass
class Parsed:
    """The triples of the import, per input sheet, and which row made each entity."""

    graph: Graph = field(default_factory=new_graph)
    by_sheet: dict[str, Graph] = field(default_factory=dict)
    rows: dict[URIRef, RowRef] = field(default_factory=dict)


def _key(text: str) -> str:
    return _PUNCTUATION.sub("", text).casefold()


class _Names:
    """Names (slug, CURIE, IRI, labels) of the candidates a column may name."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[URIRef]] = defaultdict(set)
        self._shown: dict[URIRef, str] = {}

    def add(self, iri: URIRef, names: Iterable[str], shown: str) -> None:
        self._shown.setdefault(iri, shown)
        for name in names:
            key = _key(name)
            if key:
                self._by_key[key].add(iri)

    def find(self, text: str) -> set[URIRef]:
        return set(self._by_key.get(_key(text), ()))

    def close(self, text: str) -> list[str]:
        """Up to five candidates whose names come closest, as ``slug (labels)``."""
        keys = difflib.get_close_matches(_key(text), list(self._by_key), n=20, cutoff=0.5)
        found: list[URIRef] = []
        for key in keys:
            for iri in sorted(self._by_key[key]):
                if iri not in found:
                    found.append(iri)
        return [self._shown[iri] for iri in found[:5]]


def _names_of(graph: Graph, iri: URIRef) -> tuple[list[str], str]:
    """Every name of ``iri`` and how to show it: ``slug (Korean / English label)``."""
    slug = str(iri).rsplit("/", 1)[-1]
    names = [slug, str(iri), curie(iri, namespace_manager())]
    labels: list[Literal] = []
    for predicate in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        found = sorted(o for o in graph.objects(iri, predicate) if isinstance(o, Literal))
        names.extend(str(o) for o in found)
        if predicate is not SKOS.altLabel:
            labels.extend(found)
    main = [
        next(str(o) for o in labels if o.language == lang)
        for lang in ("ko", "en")
        if any(o.language == lang for o in labels)
    ]
    return names, f"{slug} ({' / '.join(main)})" if main else slug


class _Resolver:
    def __init__(self, graph: Graph, new: Graph) -> None:
        self._graph = graph
        self._new = new
        self._cache: dict[tuple[ValueType, URIRef, str], _Names] = {}

    def names(self, column: Column) -> _Names:
        assert column.target is not None
        prefix = str(column.target_ns) if column.target_ns is not None else ""
        key = (column.type, column.target, prefix)
        if key not in self._cache:
            names = _Names()
            for graph in (self._graph, self._new):
                if column.type is ValueType.CONCEPT:
                    subjects = set(graph.subjects(SKOS.inScheme, column.target))
                else:
                    subjects = set(graph.subjects(RDF.type, column.target))
                for s in subjects:
                    if isinstance(s, URIRef) and str(s).startswith(prefix):
                        names.add(s, *_names_of(graph, s))
            self._cache[key] = names
        return self._cache[key]


def _has(sheet: Sheet, name: str) -> bool:
    return name in sheet.header or (name == "id" and IRI_COLUMN in sheet.header)


def _check_header(sheet: Sheet) -> list[Problem]:
    known = {c.name for c in columns_of(sheet.kind)} | {IRI_COLUMN} | DERIVED_COLUMNS
    problems = [
        Problem(sheet.where, 1, c.name, "required column is missing", "missing-column")
        for c in columns_of(sheet.kind)
        if c.required and not _has(sheet, c.name)
    ]
    if "id" in sheet.header and IRI_COLUMN in sheet.header:
        problems.append(
            Problem(sheet.where, 1, IRI_COLUMN, "give either id or iri, not both", "id-and-iri")
        )
    for name in sheet.header:
        if name and name not in known:
            hint = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            problems.append(
                Problem(sheet.where, 1, name, f"unknown column{extra}", "unknown-column")
            )
    seen: set[str] = set()
    for name in sheet.header:
        if name and name in seen:
            problems.append(
                Problem(sheet.where, 1, name, "column appears twice", "duplicate-column")
            )
        seen.add(name)
    return problems


def _literal(column: Column, text: str) -> tuple[Literal | None, str | None]:
    """The literal a cell holds, or (None, why it is not one)."""
    kind = column.type
    if kind is ValueType.TEXT_KO:
        return Literal(text, lang="ko"), None
    if kind is ValueType.TEXT_EN:
        return Literal(text, lang="en"), None
    if kind is ValueType.TEXT:
        return Literal(text), None
    if kind is ValueType.YEAR or (kind is ValueType.DATE_OR_YEAR and _YEAR.match(text)):
        if not _YEAR.match(text):
            return None, f"{text!r} is not a year (YYYY)"
        return Literal(text, datatype=XSD.gYear), None
    if kind in (ValueType.DATE, ValueType.DATE_OR_YEAR):
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            wanted = "YYYY-MM-DD" if kind is ValueType.DATE else "YYYY-MM-DD or YYYY"
            return None, f"{text!r} is not a date ({wanted})"
        return Literal(day.isoformat(), datatype=XSD.date), None
    if kind is ValueType.INTEGER:
        if not _INTEGER.match(text):
            return None, f"{text!r} is not an integer"
        return Literal(int(text)), None
    if kind is ValueType.BOOLEAN:
        folded = text.casefold()
        if folded in _TRUE:
            return Literal(True), None
        if folded in _FALSE:
            return Literal(False), None
        return None, f"{text!r} is not true or false"
    raise AssertionError(kind)


_RULE_OF = {
    ValueType.YEAR: "year",
    ValueType.DATE: "date",
    ValueType.DATE_OR_YEAR: "date",
    ValueType.INTEGER: "integer",
    ValueType.BOOLEAN: "boolean",
}


def _register(
    sheets: list[Sheet], existing: Graph, parsed: Parsed, problems: list[Problem]
) -> dict[tuple[str, int], URIRef]:
    """Pass 1: mint every row's IRI, refuse bad slugs and duplicates, type and label it."""
    minted: dict[tuple[str, int], URIRef] = {}
    for sheet in sheets:
        id_column = columns_of(sheet.kind)[0]
        assert id_column.target_ns is not None
        if not _has(sheet, "id"):
            continue
        column = "id" if "id" in sheet.header else IRI_COLUMN
        for row in sheet.rows:
            slug = row.cells.get(column, "")
            if not slug:
                problems.append(
                    Problem(sheet.where, row.number, column, f"{column} is empty", "required")
                )
                continue
            if column == IRI_COLUMN:
                if not slug.startswith(str(id_column.target_ns)):
                    problems.append(
                        Problem(
                            sheet.where,
                            row.number,
                            column,
                            f"<{slug}> is not an IRI of {id_column.target_ns}",
                            "iri-namespace",
                        )
                    )
                    continue
                slug = slug[len(str(id_column.target_ns)) :]
            if not SLUG.match(slug):
                problems.append(
                    Problem(
                        sheet.where,
                        row.number,
                        column,
                        f"{slug!r} is not a slug (lowercase ASCII letters and digits joined "
                        "by '-')",
                        "iri-slug",
                    )
                )
                continue
            iri = id_column.target_ns[slug]
            if (iri, None, None) in existing:
                problems.append(
                    Problem(
                        sheet.where,
                        row.number,
                        column,
                        f"{curie(iri)} is already in the catalogue",
                        "duplicate-iri",
                    )
                )
                continue
            if iri in parsed.rows:
                first = parsed.rows[iri]
                problems.append(
                    Problem(
                        sheet.where,
                        row.number,
                        column,
                        f"{curie(iri)} is also made by {first.sheet.where} row {first.row}",
                        "duplicate-iri",
                    )
                )
                continue
            parsed.rows[iri] = RowRef(sheet, row.number)
            minted[(sheet.where, row.number)] = iri
            parsed.graph.add((iri, RDF.type, CLASS_OF[sheet.kind]))
            for named in columns_of(sheet.kind):
                if named.predicate in (RDFS.label, SKOS.altLabel) or RDFS.label in named.also:
                    for text in _values(named, row):
                        parsed.graph.add((iri, SKOS.altLabel, Literal(text)))
    return minted


def _values(column: Column, row: Row) -> list[str]:
    text = row.cells.get(column.name, "")
    if not column.multi:
        return [text] if text else []
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def _parse_row(
    sheet: Sheet,
    row: Row,
    iri: URIRef,
    resolver: _Resolver,
    out: Graph,
    problems: list[Problem],
) -> None:
    out.add((iri, RDF.type, CLASS_OF[sheet.kind]))
    for column in columns_of(sheet.kind)[1:]:
        if column.name not in sheet.header:
            continue
        values = _values(column, row)
        if not values:
            if column.required:
                problems.append(
                    Problem(
                        sheet.where, row.number, column.name, f"{column.name} is empty", "required"
                    )
                )
            continue
        assert column.predicate is not None
        for text in values:
            term: URIRef | Literal | None
            if column.type in (ValueType.CONCEPT, ValueType.ENTITY):
                names = resolver.names(column)
                found = names.find(text)
                what = "concept" if column.type is ValueType.CONCEPT else "entity"
                if len(found) == 1:
                    term = found.pop()
                elif found:
                    listed = ", ".join(sorted(curie(f) for f in found))
                    problems.append(
                        Problem(
                            sheet.where,
                            row.number,
                            column.name,
                            f"{text!r} names more than one {what}: {listed}",
                            "ambiguous-name",
                        )
                    )
                    continue
                else:
                    close = names.close(text)
                    hint = f"; close matches: {', '.join(close)}" if close else ""
                    problems.append(
                        Problem(
                            sheet.where,
                            row.number,
                            column.name,
                            f"no {what} of {curie(column.target) if column.target else '?'} "
                            f"is called {text!r}{hint}",
                            "unknown-name",
                        )
                    )
                    continue
            else:
                term, why = _literal(column, text)
                if term is None:
                    problems.append(
                        Problem(
                            sheet.where,
                            row.number,
                            column.name,
                            why or "bad value",
                            _RULE_OF.get(column.type, "value"),
                        )
                    )
                    continue
            for predicate in (column.predicate, *column.also):
                out.add((iri, predicate, term))


def parse_sheets(sheets: list[Sheet], existing: Graph) -> tuple[Parsed, list[Problem]]:
    """Parse every sheet against the ``existing`` graph (ontology, vocabularies and data)."""
    problems: list[Problem] = []
    for sheet in sheets:
        problems.extend(_check_header(sheet))
    names_graph = Parsed()
    minted = _register(sheets, existing, names_graph, problems)
    resolver = _Resolver(existing, names_graph.graph)
    parsed = Parsed(rows=names_graph.rows)
    for sheet in sheets:
        out = parsed.by_sheet.setdefault(sheet.where, new_graph())
        for row in sheet.rows:
            iri = minted.get((sheet.where, row.number))
            if iri is not None:
                _parse_row(sheet, row, iri, resolver, out, problems)
        parsed.graph += out
    return parsed, problems
