"""The catalogue published into a real Virtuoso Open Source 7 (Debian ``virtuoso-opensource``,
installed by this set-up when missing and root) answers as the embedded store does: every
competency question, every named query with its defaults, and the similar and replicate commands.

One private instance per session, its ports on 127.0.0.1, stopped in teardown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal

from conftest import CliRunner
from smartkg.querying.queries import load_queries
from smartkg.querying.run import run_named_query
from stores.virtuoso import virtuoso_available, virtuoso_server
from test_remote_oxigraph import (
    CQ_QUERIES,
    NAMED_QUERIES,
    Published,
    _both,
    _sorted,
    _value,
    publish_catalogue,
)
from test_remote_oxigraph import catalogue_copy as catalogue_copy  # the session fixture

REASON = virtuoso_available()

SQ156 = pytest.mark.xfail(
    reason="Virtuoso 7.2.5 fails with 'SQ156 Internal Optimized compiler error: Bad dfe in "
    "sqlo_place_exp' on a VALUES block joined with an aggregate subquery and a FILTER; with the "
    "VALUES nested in a group it silently answers nothing",
    strict=True,
)


def _by_value(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Literals by value: Virtuoso answers xsd:boolean false as "0" and drops decimal zeros."""
    return [tuple(_value(t) if isinstance(t, Literal) else t for t in row) for row in rows]


pytestmark = pytest.mark.skipif(REASON is not None, reason=str(REASON))


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, catalogue_copy: Path) -> Iterator[Published]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield publish_catalogue(store, catalogue_copy)


def test_publish_counts_every_triple(virtuoso: Published) -> None:
    assert virtuoso.remote.triple_count() == virtuoso.triples


@pytest.mark.parametrize("path", CQ_QUERIES, ids=lambda p: p.stem)
def test_competency_question_answers_equal(virtuoso: Published, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    embedded = virtuoso.embedded.select_terms(text)
    remote = virtuoso.remote.select_terms(text)
    assert remote[0] == embedded[0]
    assert remote[1], f"{path.stem} answers nothing"
    assert _sorted(_by_value(remote[1])) == _sorted(_by_value(embedded[1]))
    if "ORDER BY" in text:
        assert _by_value(remote[1]) == _by_value(embedded[1])


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=SQ156) if n == "similar-cities" else n for n in NAMED_QUERIES],
)
def test_named_query_answers_equal(virtuoso: Published, name: str) -> None:
    query = load_queries(virtuoso.root)[name]
    embedded = run_named_query(virtuoso.embedded, query)
    remote = run_named_query(virtuoso.remote, query)
    assert remote[0] == embedded[0]
    assert _sorted(_by_value(remote[1])) == _sorted(_by_value(embedded[1]))


@pytest.mark.parametrize(
    "args",
    [
        ("replicate", "--city", "guro-gu", "--format", "json"),
        ("replicate", "--service-type", "smart-bus-shelter", "--format", "json"),
        ("similar", "guro-gu", "--format", "json"),
        pytest.param(
            ("query", "similar-cities", "--param", "city=Guro-gu", "--format", "json"),
            marks=SQ156,
        ),
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_commands_answer_the_same(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, virtuoso: Published, args: tuple[str]
) -> None:
    local, remote = _both(run_cli, monkeypatch, virtuoso, *args)
    assert remote == local
