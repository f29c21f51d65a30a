"""Serialising an answer whole, within the row and byte caps, in the chosen format.

Nothing is streamed: the worker collects at most ``max_rows`` solutions (or distinct triples),
serialises them, and only a complete body leaves it, so a timeout can never produce a truncated
200. A SELECT answer is written as SPARQL JSON here (the format of the SPARQL 1.1 JSON results
recommendation, as pyoxigraph writes it) and, for XML, CSV and TSV, parsed back by pyoxigraph and
written by its own serialisers; graphs are written by :func:`pyoxigraph.serialize`.

When a cap is hit the answer is shortened to a valid document and says so: the
:class:`~smartkg.server.jobs.Truncation` becomes the ``X-Smartkg-Truncated`` header, and SPARQL
JSON answers carry it as a top-level ``truncated`` member as well.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import pyoxigraph

from smartkg.server.formats import GRAPH_SERIALISATION, RESULTS_SERIALISATION
from smartkg.server.jobs import Outcome, Status, Truncation

__all__ = [
    "TRUNCATED_KEY",
    "render_boolean",
    "render_solutions",
    "render_solutions_natively",
    "render_triples",
]

#: The top-level member of a truncated SPARQL JSON answer.
TRUNCATED_KEY = "truncated"

_XSD_STRING = pyoxigraph.Literal("").datatype
_MAX_SHRINKS = 32

OxTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple


def _json_term(term: OxTerm) -> dict[str, Any]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        value: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
            if term.direction is not None:
                value["its:dir"] = str(term.direction)
        elif term.datatype != _XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, pyoxigraph.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term in a solution: {term!r}")


def _dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fit(count: int, render: Callable[[int], bytes], max_bytes: int) -> tuple[int, bytes]:
    """The largest prefix of ``count`` rows whose rendering fits in ``max_bytes``, and that
    rendering: shrink in proportion to the excess, then bisect towards the largest that fits
    (at most ``_MAX_SHRINKS`` renderings)."""
    kept = count
    body = render(kept)
    too_many = count + 1
    for _ in range(_MAX_SHRINKS):
        if len(body) > max_bytes:
            if kept == 0:
                return kept, body
            too_many = kept
            kept = max(0, min(kept - 1, int(kept * max_bytes / len(body))))
        elif too_many - kept <= 1:
            return kept, body
        else:  # fits: try halfway towards the smallest count known not to fit
            trial = (kept + too_many) // 2
            trial_body = render(trial)
            if len(trial_body) <= max_bytes:
                kept, body = trial, trial_body
            else:
                too_many = trial
            continue
        body = render(kept)
    return (kept, body) if len(body) <= max_bytes else (0, render(0))


def _take(items: Iterator[Any], max_rows: int) -> tuple[list[Any], bool]:
    """At most ``max_rows`` items, and whether there were more."""
    taken = list(islice(items, max_rows + 1))
    if len(taken) > max_rows:
        return taken[:max_rows], True
    return taken, False


def _truncation(
    total: int, kept: int, over_rows: bool, max_rows: int, max_bytes: int
) -> Truncation | None:
    if kept < total:
        return Truncation("bytes", max_bytes, kept)
    if over_rows:
        return Truncation("rows", max_rows, kept)
    return None


def _select_json(
    variables: Sequence[str], rows: Sequence[dict[str, Any]], truncation: Truncation | None
) -> bytes:
    document: dict[str, Any] = {"head": {"vars": list(variables)}, "results": {"bindings": rows}}
    if truncation is not None:
        document[TRUNCATED_KEY] = {
            "reason": truncation.reason,
            "limit": truncation.limit,
            "returned": truncation.returned,
        }
    return _dumps(document)


def render_solutions(
    solutions: pyoxigraph.QuerySolutions, format_key: str, max_rows: int, max_bytes: int
) -> Outcome:
    """A SELECT answer in ``format_key`` (json, xml, csv, tsv), capped."""
    variables = [variable.value for variable in solutions.variables]
    taken, over_rows = _take(iter(solutions), max_rows)
    rows = [
        {
            name: _json_term(term)
            for name, term in zip(variables, solution, strict=True)
            if term is not None
        }
        for solution in taken
    ]

    def render(count: int, truncation: Truncation | None = None) -> bytes:
        body = _select_json(variables, rows[:count], truncation)
        if format_key == "json":
            return body
        parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        assert isinstance(parsed, pyoxigraph.QuerySolutions)
        serialised = parsed.serialize(format=RESULTS_SERIALISATION[format_key])
        assert serialised is not None
        return serialised

    kept, body = _fit(len(rows), render, max_bytes)
    truncation = _truncation(len(rows), kept, over_rows, max_rows, max_bytes)
    if truncation is not None and format_key == "json":
        body = render(kept, truncation)
        while len(body) > max_bytes and kept > 0:  # the announcement itself made it too long
            kept -= 1
            truncation = Truncation("bytes", max_bytes, kept)
            body = render(kept, truncation)
    return Outcome(Status.OK, body, format_key, truncation=truncation, rows=kept)


class _AnswerTooLong(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """A binary file for pyoxigraph's serialisers that refuses to grow past ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes

    def write(self, data: Any) -> int:
        if self.tell() + memoryview(data).nbytes > self.max_bytes:
            raise _AnswerTooLong
        return super().write(data)


def render_solutions_natively(
    solutions: pyoxigraph.QuerySolutions, max_rows: int, max_bytes: int
) -> Outcome | None:
    """A SELECT answer in SPARQL JSON written by pyoxigraph's own serialiser (several times
    faster than :func:`render_solutions`), or None when it would break a cap: the answer is
    then to be rendered by :func:`render_solutions`, from the query run again. ``rows`` of the
    outcome is the row count when it had to be counted, else None."""
    buffer = _CappedBuffer(max_bytes)
    try:
        solutions.serialize(buffer, format=pyoxigraph.QueryResultsFormat.JSON)
    except _AnswerTooLong:
        return None
    body = buffer.getvalue()
    # Every row opens at least one brace and the document three more ('{"head":{', '"results":{'),
    # so few braces prove the row cap holds without reading the answer back.
    rows = None
    if body.count(b"{") - 3 > max_rows:
        rows = len(json.loads(body)["results"]["bindings"])
        if rows > max_rows:
            return None
    return Outcome(Status.OK, body, "json", rows=rows)


def render_boolean(value: bool, format_key: str) -> Outcome:
    """An ASK answer in ``format_key``."""
    if format_key == "json":
        return Outcome(Status.OK, _dumps({"head": {}, "boolean": value}), format_key)
    text = b'{"head":{},"boolean":true}' if value else b'{"head":{},"boolean":false}'
    parsed = pyoxigraph.parse_query_results(text, pyoxigraph.QueryResultsFormat.JSON)
    body = parsed.serialize(format=RESULTS_SERIALISATION[format_key])
    assert body is not None
    return Outcome(Status.OK, body, format_key)


def render_triples(
    triples: Iterable[pyoxigraph.Triple],
    format_key: str,
    max_rows: int,
    max_bytes: int,
    prefixes: Mapping[str, str] | None = None,
) -> Outcome:
    """A CONSTRUCT or DESCRIBE answer in ``format_key`` (turtle, ntriples, jsonld, rdfxml),
    capped; duplicate triples are dropped (the answer is a graph)."""
    distinct: dict[pyoxigraph.Triple, None] = {}
    over_rows = False
    for triple in triples:
        if triple in distinct:
            continue
        if len(distinct) == max_rows:
            over_rows = True
            break
        distinct[triple] = None
    kept_triples = list(distinct)
    rdf_format = GRAPH_SERIALISATION[format_key]

    def render(count: int) -> bytes:
        body = pyoxigraph.serialize(
            kept_triples[:count], format=rdf_format, prefixes=dict(prefixes or {})
        )
        assert body is not None
        return body

    kept, body = _fit(len(kept_triples), render, max_bytes)
    truncation = _truncation(len(kept_triples), kept, over_rows, max_rows, max_bytes)
    return Outcome(Status.OK, body, format_key, truncation=truncation, rows=kept)
