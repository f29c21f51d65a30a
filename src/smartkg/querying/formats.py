"""Answers of named queries as text: an aligned table for people, SPARQL 1.1 CSV and JSON results
for programs, and the ``--list`` catalogue description."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import NamespaceManager

from smartkg.namespaces import XSD, curie, namespace_manager
from smartkg.querying.queries import NamedQuery
from smartkg.store import Term, TermRows, cell

__all__ = [
    "OutputFormat",
    "describe_queries",
    "display_width",
    "render",
    "to_csv",
    "to_json",
    "to_table",
]

_NUMERIC = frozenset(
    XSD[name]
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_GAP = "  "


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (Hangul, CJK) take
    two, combining and format characters none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: _ESCAPES.get(m[0], f"\\x{ord(m[0]):02x}"), text)


def _table_cell(term: Term | None, manager: NamespaceManager) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(term, manager)
    return _escape_controls(cell(term))


def _is_numeric(term: Term | None) -> bool:
    return isinstance(term, Literal) and term.datatype in _NUMERIC


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def to_table(rows: TermRows) -> str:
    """An aligned plain-text table: IRIs as prefixed names where a catalogue prefix covers them,
    numbers right-aligned, control characters escaped, and a row count."""
    variables, solutions = rows
    manager = namespace_manager()
    cells = [[_table_cell(term, manager) for term in row] for row in solutions]
    widths = [display_width(name) for name in variables]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    right = [
        bool(solutions)
        and all(row[i] is None or _is_numeric(row[i]) for row in solutions)
        and any(row[i] is not None for row in solutions)
        for i in range(len(variables))
    ]
    lines = [
        _GAP.join(_pad(n, w, right=r) for n, w, r in zip(variables, widths, right, strict=True)),
        _GAP.join("-" * w for w in widths),
    ]
    for row in cells:
        lines.append(
            _GAP.join(_pad(c, w, right=r) for c, w, r in zip(row, widths, right, strict=True))
        )
    count = len(solutions)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def to_csv(rows: TermRows) -> str:
    """SPARQL 1.1 Query Results CSV: a header of variable names, IRIs in full, literals by their
    lexical form, blank nodes as ``_:label``, unbound as empty; CRLF line ends (RFC 4180)."""
    variables, solutions = rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in solutions:
        writer.writerow([cell(term) for term in row])
    return buffer.getvalue()


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def to_json(rows: TermRows) -> str:
    """SPARQL 1.1 Query Results JSON (``head.vars``, ``results.bindings``; unbound variables are
    left out of their solution)."""
    variables, solutions = rows
    bindings = [
        {
            name: _json_term(term)
            for name, term in zip(variables, row, strict=True)
            if term is not None
        }
        for row in solutions
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(rows: TermRows, output: OutputFormat) -> str:
    """``rows`` in ``output`` format."""
    if output is OutputFormat.CSV:
        return to_csv(rows)
    if output is OutputFormat.JSON:
        return to_json(rows)
    return to_table(rows)


def describe_queries(queries: Mapping[str, NamedQuery]) -> str:
    """For ``smartkg query --list``: each query's name and title, its question and parameters."""
    blocks = []
    for query in queries.values():
        parameters = ", ".join(str(p) for p in query.parameters) or "none"
        blocks.append(
            f"{query.name}: {query.title}\n"
            f"  question:   {query.question}\n"
            f"  parameters: {parameters}\n"
        )
    return "\n".join(blocks)
