"""Competency questions answer as the sources say; integrity checks return no rows.

Each ``queries/cq/cqNN-*.rq`` is run unchanged on pyoxigraph (the engine users get) and on rdflib's
own SPARQL engine (any SPARQL 1.1 engine must give the same answer), and compared row by row, in
order, with the ``.expected.csv`` beside it. The expected answers were written from the source
documents, not from running the queries.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from smartkg.catalogue import load_catalogue
from smartkg.store import Rows, load_store, select, select_with_rdflib

ROOT = Path(__file__).resolve().parents[1]
CQ_QUERIES = sorted((ROOT / "queries" / "cq").glob("cq*.rq"))
CHECK_QUERIES = sorted((ROOT / "queries" / "checks").glob("*-violation.rq"))
HEADER_FIELDS = ("# title:", "# question:", "# parameters:")


@pytest.fixture(scope="module")
def catalogue_graph() -> Graph:
    return load_catalogue(ROOT, include_shapes=False).graph


@pytest.fixture(scope="module")
def store(catalogue_graph: Graph) -> pyoxigraph.Store:
    return load_store(catalogue_graph)


def _cell(value: str) -> object:
    """Numbers compare by value (engines differ in canonical lexical forms: 4 / 4.0)."""
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def _comparable(rows: list[tuple[str, ...]]) -> list[tuple[object, ...]]:
    return [tuple(_cell(value) for value in row) for row in rows]


def _expected(query: Path) -> Rows:
    with query.with_suffix(".expected.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return tuple(header), [tuple(row) for row in rows]


def test_queries_are_found() -> None:
    assert len(CQ_QUERIES) >= 10, "at least ten competency questions"
    assert CHECK_QUERIES, "no integrity checks found"


@pytest.mark.parametrize("query", CQ_QUERIES + CHECK_QUERIES, ids=lambda path: path.stem)
def test_query_has_header(query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    for field in HEADER_FIELDS:
        assert field in text, f"{query.name} lacks a '{field}' header line"


@pytest.mark.parametrize("query", CQ_QUERIES, ids=lambda path: path.stem)
def test_competency_question_has_expected_answer(query: Path) -> None:
    assert query.with_suffix(".expected.csv").is_file()
    assert "ORDER BY" in query.read_text(encoding="utf-8"), "answers are compared in order"


@pytest.mark.parametrize("query", CQ_QUERIES, ids=lambda path: path.stem)
def test_competency_question_on_pyoxigraph(query: Path, store: pyoxigraph.Store) -> None:
    header, expected = _expected(query)
    variables, rows = select(store, query.read_text(encoding="utf-8"))
    assert variables == header
    assert _comparable(rows) == _comparable(expected)


@pytest.mark.parametrize("query", CQ_QUERIES, ids=lambda path: path.stem)
def test_competency_question_on_rdflib_gives_the_same_answer(
    query: Path, catalogue_graph: Graph
) -> None:
    header, expected = _expected(query)
    variables, rows = select_with_rdflib(catalogue_graph, query.read_text(encoding="utf-8"))
    assert variables == header
    assert _comparable(rows) == _comparable(expected)


@pytest.mark.parametrize("query", CHECK_QUERIES, ids=lambda path: path.stem)
def test_integrity_check_finds_nothing(query: Path, store: pyoxigraph.Store) -> None:
    _, rows = select(store, query.read_text(encoding="utf-8"))
    assert rows == [], f"{query.name} found problems: {rows[:10]}"


SKG = "https://w3id.org/smartkg/ontology#"
ID = "https://w3id.org/smartkg/id/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
BROKEN_SNIPPETS = {
    "dangling-reference-violation": f"<{ID}service/x> <{SKG}provider> <{ID}city/nowhere> .",
    "undeclared-term-violation": f"<{ID}service/x> <{SKG}providr> <{ID}city/x> .",
    "duplicate-label-violation": (
        f'<{ID}source/a> a <{SKG}SourceDocument> ; <{RDFS_LABEL}> "A"@en .'
        f'<{ID}source/b> a <{SKG}SourceDocument> ; <{RDFS_LABEL}> "A"@en .'
    ),
    "untyped-concept-value-violation": (
        f"<{ID}service/x> <{SKG}serviceType> <{ID}service-type/nothing> ."
    ),
    "datatype-range-violation": f'<{ID}figure/x> <{SKG}measure> "riders" .',
}


def test_every_check_has_a_broken_snippet() -> None:
    assert sorted(BROKEN_SNIPPETS) == sorted(path.stem for path in CHECK_QUERIES)


@pytest.mark.parametrize("name", sorted(BROKEN_SNIPPETS))
def test_integrity_check_can_fire(name: str) -> None:
    """Each check reports a graph broken the way it guards against (ontology loaded beside it)."""
    broken = Graph()
    broken.parse(ROOT / "ontology" / "smartkg.ttl", format="turtle")
    broken.parse(data=BROKEN_SNIPPETS[name], format="turtle")
    query = (ROOT / "queries" / "checks" / f"{name}.rq").read_text(encoding="utf-8")
    _, rows = select(load_store(broken), query)
    assert rows, f"{name} did not fire"
    assert all(ID in "".join(row) or SKG in "".join(row) for row in rows)
