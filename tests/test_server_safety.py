"""Safe by default: every refusal and limit asserted by its status and by its effect.

- read-only: updates are refused (403) and the data is unchanged afterwards;
- no outbound requests: SERVICE, FROM / FROM NAMED, LOAD and dataset parameters that point at
  a server this test starts on 127.0.0.1 are refused, and that server receives nothing;
- the time limit answers 503, the worker is replaced, and the next query is answered;
- a heavy query does not hold up cheap ones;
- the row and byte caps cut answers to valid documents and say so; oversized requests get 413;
- a worker that exhausts its memory limit answers 503 and is replaced.

A server with small limits runs for the module (timeout 1.5 s, 25 rows, 4096 bytes).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from conftest import recording_server
from smartkg.build import build
from smartkg.server import ServerConfig, SparqlServer, load_snapshot, running
from test_server_endpoint import Reply
from test_server_endpoint import send as send_to

REPO_ROOT = Path(__file__).resolve().parents[1]

TIMEOUT = 1.5
MAX_ROWS = 25
MAX_BYTES = 4096
MAX_REQUEST = 4096

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s ?p ?o }"
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MARKER = "<https://w3id.org/smartkg/id/test/inserted>"


def send(
    server: SparqlServer,
    method: str,
    target: str = "/sparql",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    return send_to(server.url, method, target, body, headers)


def query(server: SparqlServer, text: str, accept: str | None = None) -> Reply:
    headers = {"Accept": accept} if accept else {}
    return send(server, "GET", f"/sparql?query={quote(text)}", headers=headers)


def post_form(server: SparqlServer, **fields: str) -> Reply:
    return send(
        server,
        "POST",
        body=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def triple_count(server: SparqlServer) -> int:
    reply = query(server, COUNT_TRIPLES)
    assert reply.status == 200
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    build(REPO_ROOT, root / "build")
    return root


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[SparqlServer]:
    config = ServerConfig(
        port=0,
        workers=2,
        timeout=TIMEOUT,
        max_rows=MAX_ROWS,
        max_bytes=MAX_BYTES,
        max_request_bytes=MAX_REQUEST,
    )
    with running(load_snapshot(built), config) as started:
        yield started


@pytest.fixture(scope="module")
def catalogue_triples(built: Path) -> int:
    return len(Graph().parse(built / "build" / "smartkg.nt", format="nt"))


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that records every request (a would-be SSRF target)."""
    body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
    with recording_server(200, body, "application/sparql-results+json") as found:
        yield found


def _no_requests_arrive(hits: list[str]) -> None:
    time.sleep(0.5)  # give any request that was sent time to arrive
    assert hits == []


def test_recorder_records(recorder: tuple[str, list[str]]) -> None:
    """The recorder does receive requests, so its silence below means something."""
    url, hits = recorder
    connection = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=5)
    connection.request("GET", "/sparql?query=ASK%7B%7D")
    connection.getresponse().read()
    connection.close()
    assert hits == ["GET /sparql?query=ASK%7B%7D"]


# --- no outbound requests -----------------------------------------------------------------

SSRF_QUERIES = {
    "service": "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "service silent": "SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "service lower case": "select * where {{ service <{url}/sparql> {{ ?s ?p ?o }} }}",
    "service glued to a prefixed name": (
        "PREFIX : <{url}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}"
    ),
    "service in a subquery": (
        "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }} }}"
    ),
    "from": "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "from named": "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "load": "LOAD <{url}/data.ttl>",
}


@pytest.mark.parametrize("template", SSRF_QUERIES.values(), ids=SSRF_QUERIES.keys())
def test_no_outbound_request(
    server: SparqlServer, recorder: tuple[str, list[str]], template: str
) -> None:
    url, hits = recorder
    text = template.format(url=url)
    replies = [query(server, text), post_form(server, query=text)]
    replies.append(
        send(
            server,
            "POST",
            body=text.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
    )
    for reply in replies:
        assert reply.status == 403, reply.text
        assert "refused" in reply.text
    _no_requests_arrive(hits)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_are_refused(
    server: SparqlServer, recorder: tuple[str, list[str]], parameter: str
) -> None:
    url, hits = recorder
    target = f"/sparql?query={quote(CHEAP)}&{parameter}={quote(url + '/data.ttl')}"
    reply = send(server, "GET", target)
    assert reply.status == 403 and "refused" in reply.text
    _no_requests_arrive(hits)


def test_service_refusal_with_sparqlwrapper(
    server: SparqlServer, recorder: tuple[str, list[str]]
) -> None:
    url, hits = recorder
    client = SPARQLWrapper(server.endpoint_url)
    client.setQuery(f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}")
    client.setReturnFormat(JSON)
    with pytest.raises((SPARQLWrapperException, OSError)) as raised:
        client.query()
    assert "403" in str(raised.value)
    _no_requests_arrive(hits)


# --- read-only ------------------------------------------------------------------------------

INSERT = f"INSERT DATA {{ {MARKER} {MARKER} {MARKER} }}"
UPDATES = {
    "update= by GET": lambda s: send(s, "GET", f"/sparql?update={quote(INSERT)}"),
    "update= by POST form": lambda s: post_form(s, update=INSERT),
    "sparql-update body": lambda s: send(
        s, "POST", body=INSERT.encode(), headers={"Content-Type": "application/sparql-update"}
    ),
    "insert as query=": lambda s: query(s, INSERT),
    "insert as sparql-query body": lambda s: send(
        s, "POST", body=INSERT.encode(), headers={"Content-Type": "application/sparql-query"}
    ),
    "delete where": lambda s: post_form(s, update="DELETE WHERE { ?s ?p ?o }"),
    "delete where as query=": lambda s: query(s, "DELETE WHERE { ?s ?p ?o }"),
    "clear all": lambda s: post_form(s, update="CLEAR ALL"),
    "clear all as query=": lambda s: query(s, "CLEAR ALL"),
    "drop default as query=": lambda s: query(s, "DROP DEFAULT"),
}


@pytest.mark.parametrize("request_update", UPDATES.values(), ids=UPDATES.keys())
def test_updates_are_refused_and_change_nothing(
    server: SparqlServer, catalogue_triples: int, request_update: object
) -> None:
    assert callable(request_update)
    assert triple_count(server) == catalogue_triples
    reply = request_update(server)
    assert reply.status == 403, reply.text
    assert "read-only" in reply.text
    assert triple_count(server) == catalogue_triples
    marker = query(server, f"ASK {{ {MARKER} ?p ?o }}")
    assert json.loads(marker.body)["boolean"] is False


def test_sparqlwrapper_update_is_refused(server: SparqlServer, catalogue_triples: int) -> None:
    client = SPARQLWrapper(server.endpoint_url, updateEndpoint=server.endpoint_url)
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)
    client.setQuery(INSERT)
    with pytest.raises((SPARQLWrapperException, OSError)) as raised:
        client.query()
    assert "403" in str(raised.value)
    assert triple_count(server) == catalogue_triples


# --- malformed queries ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["ASK {", "SELECT ?x WHERE { ?x ?p }", "SELEKT * {}", ""])
def test_malformed_query_is_400_with_the_parsers_message(server: SparqlServer, text: str) -> None:
    import pyoxigraph

    with pytest.raises(SyntaxError) as parsed:
        pyoxigraph.Store().query(text)
    reply = query(server, text)
    assert reply.status == 400
    assert reply.text.startswith("malformed query: ")
    assert str(parsed.value) in reply.text


# --- the time limit -------------------------------------------------------------------------


def test_timeout_is_503_and_the_next_query_is_answered(server: SparqlServer) -> None:
    before = set(server.pool.pids())
    started = time.monotonic()
    reply = query(server, HEAVY)
    elapsed = time.monotonic() - started
    assert reply.status == 503
    assert "timed out" in reply.text and f"{TIMEOUT:g} s" in reply.text
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT + 3
    assert query(server, CHEAP).status == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and server.pool.idle_count() < server.pool.size:
        time.sleep(0.05)
    after = set(server.pool.pids())
    assert server.pool.idle_count() == server.pool.size == len(after)
    killed = before - after
    assert len(killed) == 1, (before, after)
    if Path("/proc/self").exists():
        assert not Path(f"/proc/{killed.pop()}").exists()  # killed and reaped


def test_a_heavy_query_does_not_hold_up_cheap_ones(server: SparqlServer) -> None:
    heavy: list[Reply] = []
    thread = threading.Thread(target=lambda: heavy.append(query(server, HEAVY)))
    thread.start()
    try:
        time.sleep(0.3)
        latencies = []
        for _ in range(3):
            started = time.monotonic()
            reply = query(server, CHEAP)
            latencies.append(time.monotonic() - started)
            assert reply.status == 200
        assert thread.is_alive(), "the heavy query should still be running"
        assert max(latencies) < 1.0, latencies
    finally:
        thread.join(TIMEOUT + 10)
    assert heavy and heavy[0].status == 503


def test_sparqlwrapper_sees_the_timeout_as_an_error(server: SparqlServer) -> None:
    client = SPARQLWrapper(server.endpoint_url)
    client.setQuery(HEAVY)
    client.setReturnFormat(JSON)
    with pytest.raises((SPARQLWrapperException, OSError)) as raised:
        client.query()
    assert "503" in str(raised.value)


# --- caps -----------------------------------------------------------------------------------

NUMBERS = " ".join(str(i) for i in range(40))
MANY_SMALL_ROWS = f"SELECT ?n WHERE {{ VALUES ?n {{ {NUMBERS} }} }}"
LONG_TEXTS = "WHERE { ?s ?p ?o FILTER(isLiteral(?o) && STRLEN(STR(?o)) > 150) } LIMIT 20"
BIG_ROWS = f"SELECT ?s ?p ?o {LONG_TEXTS}"


def test_row_cap(server: SparqlServer) -> None:
    reply = query(server, MANY_SMALL_ROWS)
    assert reply.status == 200
    assert reply.headers["x-smartkg-truncated"] == f"rows={MAX_ROWS}"
    document = json.loads(reply.body)
    assert len(document["results"]["bindings"]) == MAX_ROWS
    assert document["truncated"] == {"reason": "rows", "limit": MAX_ROWS, "returned": MAX_ROWS}
    table = query(server, MANY_SMALL_ROWS, "text/csv")
    assert table.headers["x-smartkg-truncated"] == f"rows={MAX_ROWS}"
    assert len(list(csv.reader(io.StringIO(table.text)))) == MAX_ROWS + 1
    under = query(server, "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    assert "x-smartkg-truncated" not in under.headers
    assert "truncated" not in json.loads(under.body)


def test_row_cap_on_triples(server: SparqlServer) -> None:
    reply = query(
        server,
        f"CONSTRUCT {{ <http://e/s> <http://e/p> ?n }} WHERE {{ VALUES ?n {{ {NUMBERS} }} }}",
        "application/n-triples",
    )
    assert reply.status == 200
    assert reply.headers["x-smartkg-truncated"] == f"rows={MAX_ROWS}"
    assert len(reply.text.splitlines()) == MAX_ROWS


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        ("application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"])),
        ("text/csv", lambda b: len(list(csv.reader(io.StringIO(b.decode())))) - 1),
        ("text/tab-separated-values", lambda b: len(b.decode().splitlines()) - 1),
        ("application/sparql-results+xml", lambda b: b.decode().count("<result>")),
    ],
    ids=["json", "csv", "tsv", "xml"],
)
def test_byte_cap(server: SparqlServer, accept: str, parse: object) -> None:
    assert callable(parse)
    reply = query(server, BIG_ROWS, accept)
    assert reply.status == 200
    assert reply.headers["x-smartkg-truncated"] == f"bytes={MAX_BYTES}"
    assert len(reply.body) <= MAX_BYTES
    assert 0 < parse(reply.body) < 20
    if accept.endswith("json"):
        assert json.loads(reply.body)["truncated"]["reason"] == "bytes"


def test_byte_cap_on_a_graph(server: SparqlServer) -> None:
    reply = query(server, f"CONSTRUCT {{ ?s ?p ?o }} {LONG_TEXTS}", "text/turtle")
    assert reply.status == 200
    assert reply.headers["x-smartkg-truncated"] == f"bytes={MAX_BYTES}"
    assert len(reply.body) <= MAX_BYTES
    assert 0 < len(Graph().parse(data=reply.body, format="turtle")) < 20


@pytest.mark.parametrize(
    "content_type", ["application/sparql-query", "application/x-www-form-urlencoded"]
)
def test_oversized_request_is_413(server: SparqlServer, content_type: str) -> None:
    padding = "#" + "x" * MAX_REQUEST + "\n"
    body = (padding + CHEAP).encode()
    if content_type.endswith("urlencoded"):
        body = urlencode({"query": padding + CHEAP}).encode()
    reply = send(server, "POST", body=body, headers={"Content-Type": content_type})
    assert reply.status == 413
    assert str(MAX_REQUEST) in reply.text
    assert query(server, CHEAP).status == 200


def test_chunked_request_is_refused(server: SparqlServer) -> None:
    parts = urlsplit(server.url)
    assert parts.hostname and parts.port
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=iter([CHEAP.encode()]),
            headers={"Content-Type": "application/sparql-query"},
            encode_chunked=True,
        )
        assert connection.getresponse().status == 411
    finally:
        connection.close()


# --- memory -----------------------------------------------------------------------------


def test_a_worker_out_of_memory_answers_503_and_is_replaced(built: Path) -> None:
    config = ServerConfig(port=0, workers=1, timeout=20, max_memory_mb=512)
    with running(load_snapshot(built), config) as small:
        started = time.monotonic()
        reply = query(small, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d")
        assert reply.status == 503, reply.text
        assert "memory" in reply.text
        assert time.monotonic() - started < 15
        assert query(small, CHEAP).status == 200  # waits for the replacement worker
