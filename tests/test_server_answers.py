"""The answer cache (:mod:`smartkg.server.answers`) and the web interface built in the background
(:func:`smartkg.web.mount.mount_web_in_background`): the endpoint answers repeated queries from
memory and answers ``/sparql`` before the pages are ready.

The cache's own rules are checked against a runner that counts what reaches it; the rest on a
real server on 127.0.0.1 with real query workers.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from smartkg.build import build
from smartkg.errors import CatalogueError
from smartkg.server import ServerConfig, SparqlServer, load_snapshot, running
from smartkg.server.answers import AnswerCache
from smartkg.server.endpoint import CACHE_HEADER
from smartkg.server.jobs import Job, Outcome, Status
from smartkg.web.mount import WebBuild, WebMountedApp
from test_web_server import fetch

REPO_ROOT = Path(__file__).resolve().parents[1]
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"


def job(query: str = COUNT_QUERY, results_format: str = "json") -> Job:
    return Job(query, None, results_format, None, max_rows=100, max_bytes=10_000)


class CountingRunner:
    """Answers every job with ``outcome`` (by default a body naming the query), counting the
    runs; with ``gate``, each run first waits for it to open."""

    def __init__(self, outcome: Outcome | None = None, gate: threading.Event | None = None):
        self.outcome = outcome
        self.gate = gate
        self.runs = 0
        self._lock = threading.Lock()

    def execute(self, job: Job, timeout: float) -> Outcome:
        with self._lock:
            self.runs += 1
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.outcome is not None:
            return self.outcome
        return Outcome(Status.OK, job.query.encode(), job.results_format)


def test_a_query_asked_again_is_answered_from_the_cache() -> None:
    runner = CountingRunner()
    cache = AnswerCache(runner, 1_000_000)
    first = cache.execute(job(), 10)
    second = cache.execute(job(), 10)
    assert runner.runs == 1
    assert second.body == first.body and second.cached and not first.cached
    assert (cache.counts.hits, cache.counts.misses, cache.counts.entries) == (1, 1, 1)


def test_another_format_or_query_is_another_answer() -> None:
    runner = CountingRunner()
    cache = AnswerCache(runner, 1_000_000)
    cache.execute(job(), 10)
    cache.execute(job(results_format="csv"), 10)
    cache.execute(job("ASK {}"), 10)
    assert runner.runs == 3


@pytest.mark.parametrize(
    "status", [Status.TIMEOUT, Status.BUSY, Status.MALFORMED, Status.FAILED, Status.CRASHED]
)
def test_only_successful_answers_are_kept(status: Status) -> None:
    runner = CountingRunner(Outcome(status, message="no"))
    cache = AnswerCache(runner, 1_000_000)
    assert cache.execute(job(), 10).status is status
    assert cache.execute(job(), 10).status is status
    assert runner.runs == 2 and cache.counts.entries == 0


def test_the_least_recently_used_answer_leaves_first_within_the_budget() -> None:
    runner = CountingRunner()
    queries = ["A" * 40, "B" * 40, "C" * 40]  # 40-byte bodies, 100 bytes of budget
    cache = AnswerCache(runner, 100)
    cache.execute(job(queries[0]), 10)
    cache.execute(job(queries[1]), 10)
    cache.execute(job(queries[0]), 10)  # A is now the most recently used
    cache.execute(job(queries[2]), 10)  # over budget: B leaves
    assert cache.counts.entries == 2 and cache.counts.bytes == 80
    runs = runner.runs
    cache.execute(job(queries[0]), 10)
    cache.execute(job(queries[2]), 10)
    assert runner.runs == runs
    cache.execute(job(queries[1]), 10)
    assert runner.runs == runs + 1


def test_an_answer_larger_than_the_budget_is_not_kept() -> None:
    cache = AnswerCache(CountingRunner(), 10)
    cache.execute(job("X" * 11), 10)
    assert cache.counts.entries == 0 and cache.counts.bytes == 0


def test_identical_queries_at_once_run_once() -> None:
    gate = threading.Event()
    runner = CountingRunner(gate=gate)
    cache = AnswerCache(runner, 1_000_000)
    answers: list[Outcome] = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.execute(job(), 10))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while cache.counts.misses == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the other seven have arrived and wait for the first one's run
    gate.set()
    for thread in threads:
        thread.join(10)
    assert runner.runs == 1
    assert len(answers) == 8 and {a.body for a in answers} == {COUNT_QUERY.encode()}
    assert cache.counts.shared == 7


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("answers-served")
    build(REPO_ROOT, root / "build")
    return root


def sparql(
    server: SparqlServer, query: str, accept: str = JSON
) -> tuple[int, dict[str, str], bytes]:
    reply = fetch(server.url, f"/sparql?query={quote(query)}", accept=accept)
    return reply.status, reply.headers, reply.body


def test_the_endpoint_answers_a_repeated_query_from_the_cache(built: Path) -> None:
    config = ServerConfig(port=0, workers=2, startup_timeout=60)
    with running(load_snapshot(built), config) as server:
        status, headers, body = sparql(server, COUNT_QUERY)
        assert status == 200 and CACHE_HEADER.lower() not in headers
        again_status, again_headers, again_body = sparql(server, COUNT_QUERY)
        assert again_status == 200 and again_headers[CACHE_HEADER.lower()] == "hit"
        assert again_body == body
        csv_status, csv_headers, csv_body = sparql(server, COUNT_QUERY, "text/csv")
        assert csv_status == 200 and CACHE_HEADER.lower() not in csv_headers
        assert csv_body.startswith(b"n\r\n")
        assert server.answers is not None and server.answers.counts.hits == 1


def test_a_truncated_answer_keeps_its_announcement_when_cached(built: Path) -> None:
    config = ServerConfig(port=0, workers=2, startup_timeout=60, max_rows=3)
    with running(load_snapshot(built), config) as server:
        query = "SELECT ?s WHERE { ?s ?p ?o }"
        _, first, body = sparql(server, query)
        _, second, again = sparql(server, query)
        assert first["x-smartkg-truncated"] == second["x-smartkg-truncated"] == "rows=3"
        assert second[CACHE_HEADER.lower()] == "hit" and again == body


def test_with_no_cache_every_query_runs(built: Path) -> None:
    config = ServerConfig(port=0, workers=2, startup_timeout=60, cache_mb=0)
    with running(load_snapshot(built), config) as server:
        assert server.answers is None
        for _ in range(2):
            status, headers, _ = sparql(server, COUNT_QUERY)
            assert status == 200 and CACHE_HEADER.lower() not in headers


def test_sparql_answers_while_the_pages_are_still_being_built(built: Path) -> None:
    config = ServerConfig(port=0, workers=2, startup_timeout=60)
    with running(load_snapshot(built), config) as server:
        pending = WebBuild(REPO_ROOT, server)  # not run yet: the pages are "still building"
        server.http.app = WebMountedApp(server.app, pending, page_wait=0.1)
        assert sparql(server, COUNT_QUERY)[0] == 200
        waiting = fetch(server.url, "/planner")
        assert waiting.status == 503 and waiting.headers["retry-after"] == "5"
        assert "still starting" in waiting.text
        pending.run()
        assert fetch(server.url, "/planner").status == 200
        assert fetch(server.url, "/id/city/guro-gu").status == 200


def test_a_page_waits_for_the_build_in_progress(built: Path) -> None:
    config = ServerConfig(port=0, workers=2, startup_timeout=60)
    with running(load_snapshot(built), config) as server:
        pending = WebBuild(REPO_ROOT, server)
        server.http.app = WebMountedApp(server.app, pending, page_wait=60)
        threading.Timer(0.3, pending.run).start()
        assert fetch(server.url, "/network").status == 200


def test_pages_say_why_the_web_interface_could_not_start(built: Path, tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "broken.rq").write_text("# title: no question\nASK {}\n")
    config = ServerConfig(port=0, workers=2, startup_timeout=60)
    with running(load_snapshot(built), config) as server:
        broken = WebBuild(tmp_path, server)
        server.http.app = WebMountedApp(server.app, broken, page_wait=5)
        with pytest.raises(CatalogueError):
            broken.run()
        reply = fetch(server.url, "/")
        assert reply.status == 500 and "could not start" in reply.text
        assert "queries/broken.rq:1: header lacks '# question:'" in reply.text
        assert sparql(server, COUNT_QUERY)[0] == 200
