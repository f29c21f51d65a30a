"""The catalogue published into a real Virtuoso Open Source 7 (Debian ``virtuoso-opensource``,
installed by this set-up when missing and root) answers as the embedded store does: every
competency question, every named query with its defaults, and the similar and replicate commands.
An instance with a small row cap shows that a capped or timed-out answer is an error naming the
setting to raise, never a silent short answer.

One private instance per session (and one with a small cap for this module), its ports on
127.0.0.1, stopped in teardown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal

from conftest import CliRunner
from smartkg.querying.queries import load_queries
from smartkg.querying.run import run_named_query
from smartkg.remote import CATALOGUE_GRAPH, RemoteEngine, RemoteError, export_remote
from smartkg.serialize import RdfFormat
from stores.oxigraph import Store
from stores.virtuoso import virtuoso_available, virtuoso_server
from test_remote_oxigraph import (
    COMMANDS,
    CQ_QUERIES,
    NAMED_QUERIES,
    Published,
    _value,
    assert_command_answers_the_same,
    assert_competency_question_answers_equal,
    assert_same_answers,
    command_id,
    publish_catalogue,
)
from test_remote_oxigraph import catalogue_copy as catalogue_copy  # the session fixture

REASON = virtuoso_available()


def _by_value(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Literals by value: Virtuoso answers xsd:boolean false as "0" and drops decimal zeros."""
    return [tuple(_value(t) if isinstance(t, Literal) else t for t in row) for row in rows]


pytestmark = pytest.mark.skipif(REASON is not None, reason=str(REASON))

VIRTUOSO_COMMANDS = (
    *COMMANDS,
    ("query", "similar-cities", "--param", "city=seongdong", "--param", "minShared=2"),
)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, catalogue_copy: Path) -> Iterator[Published]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield publish_catalogue(store, catalogue_copy)


def test_publish_counts_every_triple(virtuoso: Published) -> None:
    assert virtuoso.remote.triple_count() == virtuoso.triples


@pytest.mark.parametrize("path", CQ_QUERIES, ids=lambda p: p.stem)
def test_competency_question_answers_equal(virtuoso: Published, path: Path) -> None:
    assert_competency_question_answers_equal(virtuoso, path, by=_by_value)


@pytest.mark.parametrize("name", NAMED_QUERIES)
def test_named_query_answers_equal(virtuoso: Published, name: str) -> None:
    query = load_queries(virtuoso.root)[name]
    embedded = run_named_query(virtuoso.embedded, query)
    remote = run_named_query(virtuoso.remote, query)
    assert_same_answers(embedded, remote, ordered=False, by=_by_value)


@pytest.mark.parametrize("args", VIRTUOSO_COMMANDS, ids=command_id)
def test_commands_answer_the_same(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, virtuoso: Published, args: tuple[str]
) -> None:
    assert_command_answers_the_same(run_cli, monkeypatch, virtuoso, args)


# --- the row cap and the anytime timeout ------------------------------------------------------

SMALL_CAP = 100
#: A cross product of the catalogue with itself, three times: far too long for half a second.
_ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory, catalogue_copy: Path) -> Iterator[Store]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-capped"), SMALL_CAP) as store:
        publish_catalogue(store, catalogue_copy)
        yield store


def test_an_answer_at_the_row_cap_is_an_error(capped: Store) -> None:
    engine = RemoteEngine(capped.query, default_graph=str(CATALOGUE_GRAPH))
    assert engine.triple_count() > SMALL_CAP
    under = engine.select(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {SMALL_CAP - 1}")
    assert len(under[1]) == SMALL_CAP - 1
    with pytest.raises(RemoteError) as caught:
        engine.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert caught.value.rule == "row-cap"
    assert f"answered {SMALL_CAP} rows" in str(caught.value)
    assert "ResultSetMaxRows" in str(caught.value)


def test_an_export_cut_at_the_row_cap_is_an_error(capped: Store, tmp_path: Path) -> None:
    engine = RemoteEngine(capped.query, default_graph=str(CATALOGUE_GRAPH))
    target = tmp_path / "catalogue.nt"
    with pytest.raises(RemoteError) as caught:
        export_remote(engine, RdfFormat("nt"), target)
    assert caught.value.rule == "row-cap"
    assert f"of its {engine.triple_count()} triples" in str(caught.value)
    assert not target.exists()


def test_a_partial_answer_on_timeout_is_an_error(capped: Store) -> None:
    # The endpoint URL's timeout (milliseconds) makes Virtuoso answer what it has when it runs out.
    engine = RemoteEngine(f"{capped.query}?timeout=500", default_graph=str(CATALOGUE_GRAPH))
    with pytest.raises(RemoteError) as caught:
        engine.select(_ENDLESS)
    assert caught.value.rule == "partial-result"
    assert "S1TAT" in str(caught.value)
