"""The catalogue in a real Oxigraph server (PyPI ``oxigraph``) answers exactly as the embedded
store does: every named query and competency question, the similar / replicate / evaluate
commands and the export; ``smartkg publish`` replaces idempotently and a failed upload leaves the
target graph as it was.

One server per session on 127.0.0.1 (a free port, a temporary location), stopped in teardown.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import to_canonical_graph

from conftest import REPO_ROOT, CliRunner
from smartkg.build import build
from smartkg.catalogue import Layout
from smartkg.engine import EmbeddedEngine, catalogue_engine
from smartkg.querying.queries import load_queries
from smartkg.querying.run import run_named_query
from smartkg.remote import (
    CATALOGUE_GRAPH,
    ENDPOINT_ENV,
    GRAPH_ENV,
    PublishMode,
    RemoteEngine,
    RemoteError,
    publish,
)
from smartkg.replication import replicate_report
from smartkg.server import ServerConfig, load_snapshot, running
from smartkg.web.mount import mount_web
from stores.common import free_port
from stores.oxigraph import Store, oxigraph_binary, oxigraph_server

pytestmark = pytest.mark.skipif(
    oxigraph_binary() is None, reason="the oxigraph server (PyPI oxigraph) is not installed"
)

SMARTKG = Path(sys.executable).parent / "smartkg"
CATALOGUE_DIRS = ("ontology", "data", "shapes", "queries")
CQ_QUERIES = sorted((REPO_ROOT / "queries" / "cq").glob("cq*.rq"))
NAMED_QUERIES = sorted(load_queries(REPO_ROOT))


@dataclass(frozen=True)
class Published:
    root: Path
    store: Store
    embedded: EmbeddedEngine
    remote: RemoteEngine
    triples: int


def publish_catalogue(store: Store, catalogue: Path) -> Published:
    """Publish the built ``catalogue`` into ``store``; both engines over it, side by side."""
    result = publish(
        Layout(catalogue).build_dir, store.graph_store, endpoint=store.query, update=store.update
    )
    remote = RemoteEngine(store.query, default_graph=str(CATALOGUE_GRAPH))
    return Published(catalogue, store, catalogue_engine(catalogue), remote, result.triples)


def copy_catalogue(root: Path) -> Path:
    """A private copy of the catalogue, built, with a replication run written back."""
    for name in CATALOGUE_DIRS:
        shutil.copytree(REPO_ROOT / name, root / name)
    build(root)
    replicate_report(Layout(root), city="guro-gu", write=True)
    return root


@pytest.fixture(scope="session")
def catalogue_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_catalogue(tmp_path_factory.mktemp("catalogue"))


@pytest.fixture(scope="session")
def published(
    tmp_path_factory: pytest.TempPathFactory, catalogue_copy: Path
) -> Iterator[Published]:
    location = tmp_path_factory.mktemp("oxigraph") / "data"
    with oxigraph_server(location) as store:
        yield publish_catalogue(store, catalogue_copy)


AnswerRows = list[tuple[object, ...]]


def _sorted(rows: AnswerRows) -> AnswerRows:
    return sorted(rows, key=repr)


def _as_answered(rows: AnswerRows) -> AnswerRows:
    return rows


def assert_same_answers(
    embedded: tuple[tuple[str, ...], AnswerRows],
    remote: tuple[tuple[str, ...], AnswerRows],
    *,
    ordered: bool,
    by: Callable[[AnswerRows], AnswerRows] = _as_answered,
) -> None:
    """The same variables and rows, in the same order when ``ordered``; rows compared after
    ``by`` (a store may answer literals by value)."""
    assert remote[0] == embedded[0]
    assert _sorted(by(remote[1])) == _sorted(by(embedded[1]))
    if ordered:
        assert by(remote[1]) == by(embedded[1])


def assert_competency_question_answers_equal(
    published: Published, path: Path, by: Callable[[AnswerRows], AnswerRows] = _as_answered
) -> None:
    """The store answers the competency question ``path`` (at least one row) as the embedded
    store does."""
    text = path.read_text(encoding="utf-8")
    embedded = published.embedded.select_terms(text)
    remote = published.remote.select_terms(text)
    assert remote[1], f"{path.stem} answers nothing"
    assert_same_answers(embedded, remote, ordered="ORDER BY" in text, by=by)


#: Commands whose output must not depend on where the catalogue is read from, for every store.
COMMANDS = (
    ("replicate", "--city", "guro-gu", "--format", "json"),
    ("replicate", "--service-type", "smart-bus-shelter", "--format", "json"),
    ("similar", "guro-gu", "--format", "json"),
    ("query", "similar-cities", "--param", "city=Guro-gu", "--format", "json"),
)

OXIGRAPH_COMMANDS = (
    *COMMANDS,
    ("replicate", "--city", "구로", "--size-class", "large"),
    ("evaluate", "--format", "json", "--resamples", "50"),
    ("query", "search-services", "--param", "text=로봇", "--format", "csv"),
)


def command_id(args: tuple[str, ...]) -> str:
    return "-".join(args[:2])


def test_every_query_is_found() -> None:
    assert len(CQ_QUERIES) >= 10, "no competency questions found"
    assert len(NAMED_QUERIES) >= 10, "no named queries found"


def test_publish_counts_every_triple(published: Published) -> None:
    assert published.triples > 1000
    assert published.remote.triple_count() == published.triples
    # the named graph itself, seen from the store's whole dataset
    whole = RemoteEngine(published.store.query)
    assert whole.triple_count(str(CATALOGUE_GRAPH)) == published.triples


@pytest.mark.parametrize("path", CQ_QUERIES, ids=lambda p: p.stem)
def test_competency_question_answers_equal(published: Published, path: Path) -> None:
    assert_competency_question_answers_equal(published, path)


@pytest.mark.parametrize("name", NAMED_QUERIES)
def test_named_query_answers_equal(published: Published, name: str) -> None:
    query = load_queries(published.root)[name]
    embedded = run_named_query(published.embedded, query)
    remote = run_named_query(published.remote, query)
    assert_same_answers(embedded, remote, ordered="ORDER BY" in query.text)


def _both(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published, *args: str
) -> tuple[str, str]:
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    monkeypatch.delenv(GRAPH_ENV, raising=False)
    local = run_cli(*args, "--root", published.root)
    remote = run_cli(*args, "--root", published.root, "--endpoint", published.store.query)
    assert local.code == 0, local.err
    assert remote.code == 0, remote.err
    return local.out, remote.out


def assert_command_answers_the_same(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published, args: tuple[str, ...]
) -> None:
    """``smartkg ARGS`` prints the same (non-empty) output from the store as from the files."""
    local, remote = _both(run_cli, monkeypatch, published, *args)
    assert remote == local
    assert remote.strip()


@pytest.mark.parametrize("args", OXIGRAPH_COMMANDS, ids=command_id)
def test_commands_answer_the_same(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published, args: tuple[str]
) -> None:
    assert_command_answers_the_same(run_cli, monkeypatch, published, args)


def _by_value(ntriples: str) -> set[tuple[object, ...]]:
    """The triples of ``ntriples``, blank nodes canonical and literals by value (a store may keep
    numbers by value: Oxigraph answers ``"0.70"^^xsd:decimal`` as ``"0.7"``). ``_:`` labels of
    the two graphs are canonicalised apart, so this holds for graphs without blank nodes."""
    graph = to_canonical_graph(Graph().parse(data=ntriples, format="nt"))
    return {(s, p, _value(o) if isinstance(o, Literal) else o) for s, p, o in graph}


def _value(literal: Literal) -> tuple[object, ...]:
    """A literal by value; ``xsd:string`` is the simple literal's datatype (RDF 1.1)."""
    from smartkg.namespaces import XSD  # not at module level: pytest probes its names

    datatype = None if literal.datatype == XSD.string else literal.datatype
    return (literal.value, datatype, literal.language)


def test_export_gives_the_same_graph(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published
) -> None:
    local, remote = _both(run_cli, monkeypatch, published, "export", "--format", "nt")
    assert len(remote.splitlines()) == published.triples
    # the store holds what was published: the built graph and the derived recommendations
    derived = Graph().parse(Layout(published.root).build_dir / "recommendations.ttl")
    expected = _by_value(local) | _by_value(derived.serialize(format="nt"))
    assert _by_value(remote) == expected


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "graphml"),
        ("--format", "gexf", "--with-similarity"),
        ("--format", "cytoscape"),
    ],
    ids=lambda args: "-".join(a.lstrip("-") for a in args[1:]),
)
def test_network_export_is_identical(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published, args: tuple[str]
) -> None:
    local, remote = _both(run_cli, monkeypatch, published, "export", *args)
    assert remote == local
    assert "https://w3id.org/smartkg/id/city/guro-gu" in remote


def test_csv_tables_are_identical(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    monkeypatch.delenv(GRAPH_ENV, raising=False)
    args = ("export", "--format", "csv", "--root", published.root)
    local = run_cli(*args, "--output", tmp_path / "local")
    remote = run_cli(*args, "--output", tmp_path / "remote", "--endpoint", published.store.query)
    assert local.code == 0, local.err
    assert remote.code == 0, remote.err
    names = sorted(path.name for path in (tmp_path / "local").iterdir())
    assert len(names) == 4, names
    for name in names:
        mine = (tmp_path / "local" / name).read_bytes()
        assert (tmp_path / "remote" / name).read_bytes() == mine, name
        assert mine.count(b"\n") > 1, f"{name} has no rows"


def test_network_export_reads_the_store(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published
) -> None:
    """The store's default graph is empty: an export from it has no city, so the identical
    exports above did come from the store."""
    monkeypatch.setenv(GRAPH_ENV, "default")
    args = ("export", "--format", "cytoscape", "--root", published.root)
    result = run_cli(*args, "--endpoint", published.store.query)
    assert result.code == 0, result.err
    assert "guro-gu" not in result.out


def test_endpoint_from_the_environment(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, published: Published
) -> None:
    args = ("similar", "seongdong-gu", "--format", "json", "--root", str(published.root))
    local = run_cli(*args)
    monkeypatch.setenv(ENDPOINT_ENV, published.store.query)
    remote = run_cli(*args)
    assert remote.code == 0, remote.err
    assert remote.out == local.out
    monkeypatch.setenv(GRAPH_ENV, "default")  # the store's (empty) default graph
    empty = run_cli(*args)
    assert empty.code == 2  # the city is unknown there


def test_hostile_parameter_cannot_change_the_query(published: Published) -> None:
    query = load_queries(published.root)["search-services"]
    hostile = '" ) } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    embedded = run_named_query(published.embedded, query, {"text": hostile})
    remote = run_named_query(published.remote, query, {"text": hostile})
    assert remote == embedded
    assert published.remote.triple_count() == published.triples


def test_unreachable_endpoint_is_an_error(run_cli: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = run_cli("similar", "guro-gu", "--root", REPO_ROOT, "--endpoint", url)
    assert result.code == 2
    assert "cannot reach" in result.err


# --- publishing ------------------------------------------------------------------------------


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[Store]:
    with oxigraph_server(tmp_path / "data") as store:
        yield store


def test_publish_replace_twice_keeps_the_count(
    run_cli: CliRunner, catalogue_copy: Path, fresh_store: Store
) -> None:
    args = (
        "publish",
        "--root",
        catalogue_copy,
        "--graph-store",
        fresh_store.graph_store,
        "--endpoint",
        fresh_store.query,
        "--update",
        fresh_store.update,
        "--replace",
    )
    first = run_cli(*args)
    assert first.code == 0, first.err
    second = run_cli(*args)
    assert second.code == 0, second.err
    assert first.out == second.out
    engine = RemoteEngine(fresh_store.query)
    count = engine.triple_count(str(CATALOGUE_GRAPH))
    assert f"the endpoint counts {count}" in second.out
    # only the target graph is left: the staging graphs were moved or dropped
    _, graphs = engine.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == [(str(CATALOGUE_GRAPH),)]


def test_publish_without_update_endpoint_puts_the_graph(
    catalogue_copy: Path, fresh_store: Store
) -> None:
    build_dir = Layout(catalogue_copy).build_dir
    graph = "https://example.org/graph/smartkg"
    once = publish(build_dir, fresh_store.graph_store, endpoint=fresh_store.query, graph=graph)
    twice = publish(build_dir, fresh_store.graph_store, endpoint=fresh_store.query, graph=graph)
    assert not once.staged
    assert once.total == twice.total == once.triples


def test_publish_merge_adds(catalogue_copy: Path, fresh_store: Store) -> None:
    build_dir = Layout(catalogue_copy).build_dir
    urls = {"endpoint": fresh_store.query, "update": fresh_store.update}
    first = publish(build_dir, fresh_store.graph_store, **urls)
    merged = publish(build_dir, fresh_store.graph_store, mode=PublishMode.MERGE, **urls)
    assert merged.total >= first.total  # equal triples merge; blank nodes are new ones


@pytest.mark.parametrize("failure", ["closed-port", "not-found", "no-update"])
def test_failed_publish_leaves_the_target_as_it_was(
    catalogue_copy: Path, fresh_store: Store, failure: str
) -> None:
    build_dir = Layout(catalogue_copy).build_dir
    publish(build_dir, fresh_store.graph_store, endpoint=fresh_store.query)
    engine = RemoteEngine(fresh_store.query)
    before = engine.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    closed = f"http://127.0.0.1:{free_port()}"
    graph_store, update = {
        "closed-port": (f"{closed}/store", fresh_store.update),
        "not-found": (fresh_store.graph_store.replace("/store", "/nowhere"), fresh_store.update),
        "no-update": (fresh_store.graph_store, f"{closed}/update"),
    }[failure]
    with pytest.raises(RemoteError):
        publish(
            build_dir,
            graph_store,
            endpoint=fresh_store.query,
            update=update,
            mode=PublishMode.MERGE,
        )
    after = engine.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert after == before


# --- smartkg serve --endpoint ------------------------------------------------------------------

PLANNER_TARGETS = (
    "/planner?city=guro-gu",
    "/planner?city=%EC%84%B1%EB%8F%99%EA%B5%AC&top=5",  # 성동구
    "/planner?city=suwon&size-class=large",
    "/planner?service-type=smart-bus-shelter",
    "/planner?city=nowhere-gu",
    "/id/city/guro-gu",
    "/network.json",
)


def _get(url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def _no_redirect(url: str) -> tuple[int, str]:
    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        urllib.request.build_opener(Refuse).open(url, timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")
    raise AssertionError(f"{url} did not redirect")


@pytest.fixture(scope="module")
def both_servers(published: Published) -> Iterator[tuple[str, str]]:
    """``smartkg serve`` over the built files and over the store, in this process."""
    config = ServerConfig(port=0, workers=1, startup_timeout=60)
    with (
        running(load_snapshot(published.root), config) as embedded,
        running(None, ServerConfig(port=0), store=published.remote) as remote,
    ):
        mount_web(embedded, published.root)
        mount_web(remote, published.root)
        yield embedded.url, remote.url


@pytest.mark.parametrize("target", PLANNER_TARGETS)
def test_served_pages_are_identical(both_servers: tuple[str, str], target: str) -> None:
    embedded_url, remote_url = both_servers
    embedded = _get(embedded_url.rstrip("/") + target)
    remote = _get(remote_url.rstrip("/") + target)
    assert remote == embedded
    assert embedded[0] == 200 and len(embedded[2]) > 1000


def test_planner_pages_answer_from_the_store(both_servers: tuple[str, str]) -> None:
    _, remote_url = both_servers
    _, _, page = _get(remote_url + "planner?city=guro-gu")
    assert "관악구" in page.decode("utf-8") or "Gwanak-gu" in page.decode("utf-8")


def test_sparql_redirects_to_the_store(both_servers: tuple[str, str], published: Published) -> None:
    _, remote_url = both_servers
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    target = f"{remote_url}sparql?{urllib.parse.urlencode({'query': query})}"
    status, location = _no_redirect(target)
    assert status == 307
    parts = urllib.parse.urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == published.store.query
    assert urllib.parse.parse_qs(parts.query) == {
        "query": [query],
        "default-graph-uri": [str(CATALOGUE_GRAPH)],
    }
    request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # followed to the store
        answer = json.loads(response.read())
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == published.triples


def test_smartkg_serve_endpoint_from_the_command_line(
    published: Published, both_servers: tuple[str, str]
) -> None:
    embedded_url, _ = both_servers
    env = {k: v for k, v in os.environ.items() if k not in (ENDPOINT_ENV, GRAPH_ENV)}
    command = [str(SMARTKG), "serve", "--root", str(published.root), "--port", "0", "--quiet"]
    process = subprocess.Popen(
        [*command, "--endpoint", published.store.query],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)sparql as a redirect", line)
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        assert f"to the store at {published.store.query}" in line
        page = _get(match.group(1) + "planner?city=guro-gu")
        assert page == _get(embedded_url + "planner?city=guro-gu")
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "stopped" in out
