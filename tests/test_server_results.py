"""SELECT answers written by pyoxigraph's own JSON serialiser (the endpoint's fast path) say what
the capped renderer says, and give way to it whenever a cap would cut the answer."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest

from smartkg.build import build
from smartkg.catalogue import Layout
from smartkg.querying.queries import load_queries
from smartkg.server.jobs import Job, Status
from smartkg.server.results import render_solutions, render_solutions_natively
from smartkg.server.worker import execute

REPO_ROOT = Path(__file__).resolve().parents[1]
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> pyoxigraph.Store:
    out = tmp_path_factory.mktemp("results") / "build"
    build(REPO_ROOT, out)
    loaded = pyoxigraph.Store()
    loaded.bulk_load(path=str(out / "smartkg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return loaded


def as_sets(body: bytes) -> tuple[list[str], list[str]]:
    document = json.loads(body)
    rows = sorted(json.dumps(row, sort_keys=True) for row in document["results"]["bindings"])
    return document["head"]["vars"], rows


@pytest.mark.parametrize("name", sorted(load_queries(Layout(REPO_ROOT))))
def test_the_native_answer_equals_the_capped_renderer(store: pyoxigraph.Store, name: str) -> None:
    query = load_queries(Layout(REPO_ROOT))[name].text
    native = render_solutions_natively(store.query(query), 10_000, 10_000_000)
    capped = render_solutions(store.query(query), "json", 10_000, 10_000_000)
    assert native is not None and native.status is Status.OK
    assert as_sets(native.body) == as_sets(capped.body)
    assert native.rows is None  # within the cap by the brace count: not read back


def test_rows_are_counted_when_the_brace_count_cannot_prove_the_cap(
    store: pyoxigraph.Store,
) -> None:
    query = "SELECT ?s WHERE { ?s a ?type } LIMIT 40"
    native = render_solutions_natively(store.query(query), 40, 10_000_000)
    assert native is not None and native.rows == 40
    assert render_solutions_natively(store.query(query), 39, 10_000_000) is None


def test_more_rows_than_the_cap_give_way(store: pyoxigraph.Store) -> None:
    assert render_solutions_natively(store.query(EVERYTHING), 10, 10_000_000) is None


def test_more_bytes_than_the_cap_give_way(store: pyoxigraph.Store) -> None:
    assert render_solutions_natively(store.query(EVERYTHING), 1_000_000, 4096) is None


@pytest.mark.parametrize(
    ("max_rows", "max_bytes", "reason"), [(10, 10**7, "rows"), (10**6, 4096, "bytes")]
)
def test_a_worker_over_a_cap_still_answers_a_cut_and_announced_document(
    store: pyoxigraph.Store, max_rows: int, max_bytes: int, reason: str
) -> None:
    outcome = execute(store, Job(EVERYTHING, None, "json", None, max_rows, max_bytes))
    assert outcome.status is Status.OK and outcome.truncation is not None
    assert outcome.truncation.reason == reason
    assert json.loads(outcome.body)["truncated"]["reason"] == reason
    assert len(outcome.body) <= max_bytes


def test_a_worker_within_the_caps_answers_natively(store: pyoxigraph.Store) -> None:
    outcome = execute(store, Job(EVERYTHING, None, "json", None, 10**6, 10**8))
    assert outcome.status is Status.OK and outcome.truncation is None
    assert len(json.loads(outcome.body)["results"]["bindings"]) == len(store)
