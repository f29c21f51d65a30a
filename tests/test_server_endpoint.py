"""The SPARQL 1.1 Protocol at /sparql, in-process and over a real socket.

One server runs for the module, in a thread of this process with real worker processes, over a
fresh build of the repository's catalogue. Answers are checked against that build as read by
rdflib (an engine independent of pyoxigraph). SPARQLWrapper is the client for every method
(GET, POST form, POST direct) by every format; the W3C SPARQL 1.1 Protocol test cases that apply
to a read-only endpoint are sent byte for byte with http.client.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.dom.minidom import Document

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV as CSV_FORMAT
from SPARQLWrapper import (
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from smartkg.build import build
from smartkg.namespaces import RDF, SKG
from smartkg.server import Request, ServerConfig, SparqlServer, load_snapshot, running
from smartkg.server.description import SD

REPO_ROOT = Path(__file__).resolve().parents[1]

PREFIX = "PREFIX skg: <https://w3id.org/smartkg/ontology#>\n"
COUNT_SERVICES = PREFIX + "SELECT (COUNT(?s) AS ?n) WHERE { ?s a skg:SmartService }"
CONSTRUCT_SERVICES = PREFIX + "CONSTRUCT { ?s a skg:SmartService } WHERE { ?s a skg:SmartService }"
ASK_SERVICE = PREFIX + "ASK { ?s a skg:SmartService }"


@dataclass(frozen=True)
class Served:
    server: SparqlServer
    graph: Graph  # the same build, parsed by rdflib

    @property
    def url(self) -> str:
        return self.server.endpoint_url

    @property
    def services(self) -> int:
        return len(set(self.graph.subjects(RDF.type, SKG.SmartService)))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue root whose build/ holds a fresh build of the repository."""
    root = tmp_path_factory.mktemp("served")
    build(REPO_ROOT, root / "build")
    return root


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[Served]:
    graph = Graph()
    graph.parse(built / "build" / "smartkg.nt", format="nt")
    with running(load_snapshot(built), ServerConfig(port=0, workers=2)) as server:
        yield Served(server, graph)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def send(
    url: str,
    method: str,
    target: str = "",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One raw HTTP request to the server of ``url`` (path and query in ``target``)."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, target or parts.path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
        lowered = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, lowered, payload)
    finally:
        connection.close()


def get(served: Served, query: str, accept: str | None = None, extra: str = "") -> Reply:
    headers = {"Accept": accept} if accept else {}
    return send(served.url, "GET", f"/sparql?query={quote(query)}{extra}", headers=headers)


# --- every method by every format, with SPARQLWrapper --------------------------------------

METHODS = {
    "get": (GET, URLENCODED),
    "post-form": (POST, URLENCODED),
    "post-direct": (POST, POSTDIRECTLY),
}


def _client(served: Served, method: str, query: str) -> SPARQLWrapper:
    http_method, request_method = METHODS[method]
    client = SPARQLWrapper(served.url)
    client.setMethod(http_method)
    client.setRequestMethod(request_method)
    client.setQuery(query)
    client.setTimeout(30)
    return client


def _count_from_xml(document: Document) -> int:
    literal = document.getElementsByTagName("literal")[0]
    assert literal.firstChild is not None
    return int(literal.firstChild.nodeValue or "")


def _count_from_table(text: bytes, delimiter: str) -> int:
    rows = list(csv.reader(io.StringIO(text.decode("utf-8")), delimiter=delimiter))
    assert rows[0] == (["n"] if delimiter == "," else ["?n"])
    return int(rows[1][0])


SELECT_FORMATS = {
    "json": (JSON, "application/sparql-results+json"),
    "xml": (XML, "application/sparql-results+xml"),
    "csv": (CSV_FORMAT, "text/csv"),
    "tsv": (TSV, "text/tab-separated-values"),
}


@pytest.mark.parametrize("fmt", SELECT_FORMATS)
@pytest.mark.parametrize("method", METHODS)
def test_select_every_method_and_format(served: Served, method: str, fmt: str) -> None:
    return_format, media_type = SELECT_FORMATS[fmt]
    client = _client(served, method, COUNT_SERVICES)
    client.setReturnFormat(return_format)
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == media_type
    converted = result.convert()
    if fmt == "json":
        assert isinstance(converted, dict)
        count = int(converted["results"]["bindings"][0]["n"]["value"])
    elif fmt == "xml":
        assert isinstance(converted, Document)
        count = _count_from_xml(converted)
    else:
        assert isinstance(converted, bytes)
        count = _count_from_table(converted, "," if fmt == "csv" else "\t")
    assert count == served.services > 0


GRAPH_FORMATS = {
    "turtle": (TURTLE, "text/turtle"),
    "ntriples": (TURTLE, "application/n-triples"),  # Accept set by hand below
    "jsonld": (JSONLD, "application/ld+json"),
    "rdfxml": (RDFXML, "application/rdf+xml"),
}


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
@pytest.mark.parametrize("method", METHODS)
def test_construct_every_method_and_format(served: Served, method: str, fmt: str) -> None:
    return_format, media_type = GRAPH_FORMATS[fmt]
    client = _client(served, method, CONSTRUCT_SERVICES)
    client.setReturnFormat(return_format)
    if fmt == "ntriples":
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", "application/n-triples")
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == media_type
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's ConjunctiveGraph
        converted = result.convert()
    if isinstance(converted, bytes):
        graph = Graph().parse(data=converted, format="nt" if fmt == "ntriples" else "turtle")
    else:
        assert isinstance(converted, Graph)
        graph = converted
    subjects = set(graph.subjects(RDF.type, SKG.SmartService))
    assert len(graph) == len(subjects) == served.services
    assert subjects == set(served.graph.subjects(RDF.type, SKG.SmartService))


@pytest.mark.parametrize("fmt", [JSON, XML])
@pytest.mark.parametrize("method", METHODS)
def test_ask_every_method(served: Served, method: str, fmt: str) -> None:
    client = _client(served, method, ASK_SERVICE)
    client.setReturnFormat(fmt)
    converted = client.query().convert()
    if fmt == JSON:
        assert isinstance(converted, dict)
        assert converted["boolean"] is True
    else:
        assert isinstance(converted, Document)
        boolean = converted.getElementsByTagName("boolean")[0].firstChild
        assert boolean is not None and boolean.nodeValue == "true"


def test_describe(served: Served) -> None:
    reply = get(served, "DESCRIBE <https://w3id.org/smartkg/id/city/guro-gu>", "text/turtle")
    assert reply.status == 200 and reply.content_type == "text/turtle"
    graph = Graph().parse(data=reply.body, format="turtle")
    expected = served.graph.triples(
        (URIRef("https://w3id.org/smartkg/id/city/guro-gu"), None, None)
    )
    assert set(expected) <= set(graph)


def test_json_results_match_pyoxigraph(served: Served, built: Path) -> None:
    """The endpoint's SPARQL JSON equals what pyoxigraph itself writes for the same answer."""
    query = (
        "SELECT ?s ?label ?year WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        "OPTIONAL { ?s <https://w3id.org/smartkg/ontology#firstDocumentedYear> ?year } } "
        "ORDER BY ?s ?label LIMIT 200"
    )
    store = pyoxigraph.Store()
    store.bulk_load(path=built / "build" / "smartkg.nt", format=pyoxigraph.RdfFormat.N_TRIPLES)
    solutions = store.query(query)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    expected = json.loads(solutions.serialize(format=pyoxigraph.QueryResultsFormat.JSON) or b"")
    reply = get(served, query)
    assert reply.status == 200
    assert json.loads(reply.body) == expected
    assert any("xml:lang" in row["label"] for row in expected["results"]["bindings"])


def test_korean_text_in_a_query(served: Served) -> None:
    query = 'SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> "구로구"@ko }'
    for reply in (
        get(served, query),
        send(
            served.url,
            "POST",
            body=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query"},
        ),
    ):
        assert reply.status == 200
        bindings = json.loads(reply.body)["results"]["bindings"]
        assert [b["s"]["value"] for b in bindings] == ["https://w3id.org/smartkg/id/city/guro-gu"]


# --- negotiation, service description, CORS, routes ----------------------------------------


def test_format_parameter_overrides_accept(served: Served) -> None:
    reply = get(served, COUNT_SERVICES, "application/sparql-results+json", "&format=csv")
    assert reply.status == 200 and reply.content_type == "text/csv"
    assert reply.headers["vary"] == "Accept"


def test_unacceptable_format_is_406(served: Served) -> None:
    reply = get(served, COUNT_SERVICES, "text/turtle")
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text
    reply = get(served, CONSTRUCT_SERVICES, "text/csv")
    assert reply.status == 406
    assert "text/turtle" in reply.text


def test_service_description(served: Served) -> None:
    reply = send(served.url, "GET")
    assert reply.status == 200 and reply.content_type == "text/turtle"
    graph = Graph().parse(data=reply.body, format="turtle")
    service = URIRef(served.url)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 8
    void_triples = URIRef("http://rdfs.org/ns/void#triples")
    assert [int(n) for n in graph.objects(None, void_triples)] == [len(served.graph)]
    jsonld = send(served.url, "GET", headers={"Accept": "application/ld+json"})
    assert jsonld.status == 200 and jsonld.content_type == "application/ld+json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's JSON-LD parser
        assert len(Graph().parse(data=jsonld.body, format="json-ld")) == len(graph)


def test_cors(served: Served) -> None:
    reply = get(served, ASK_SERVICE)
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "X-Smartkg-Truncated" in reply.headers["access-control-expose-headers"]
    preflight = send(
        served.url,
        "OPTIONS",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert {"GET", "POST"} <= {
        m.strip() for m in preflight.headers["access-control-allow-methods"].split(",")
    }
    assert preflight.headers["access-control-allow-headers"] == "content-type"


def test_head_gives_the_headers_of_get(served: Served) -> None:
    head = send(served.url, "HEAD", f"/sparql?query={quote(ASK_SERVICE)}")
    assert head.status == 200 and head.body == b""
    assert head.content_type == "application/sparql-results+json"
    assert int(head.headers["content-length"]) == len(get(served, ASK_SERVICE).body)


def test_routes(served: Served) -> None:
    index = send(served.url, "GET", "/")
    assert index.status == 200 and index.content_type == "text/html"
    assert 'href="/sparql"' in index.text
    assert send(served.url, "GET", "/nothing").status == 404
    not_allowed = send(served.url, "POST", "/")
    assert not_allowed.status == 405 and "GET" in not_allowed.headers["allow"]


def test_relative_iris_resolve_against_the_endpoint(served: Served) -> None:
    reply = get(served, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert reply.status == 200
    assert reply.text.startswith(f"<{served.url.rsplit('/', 1)[0]}/s>")


def test_in_process_without_a_socket(served: Served) -> None:
    """The application answers a request object directly (same routes, same workers)."""
    app = served.server.app
    answer = app.handle(Request.make("GET", f"/sparql?query={quote(COUNT_SERVICES)}&format=csv"))
    assert answer.status == 200 and answer.content_type.startswith("text/csv")
    assert _count_from_table(answer.body, ",") == served.services
    posted = app.handle(
        Request.make(
            "POST",
            "/sparql",
            {"Content-Type": "application/x-www-form-urlencoded"},
            f"query={quote(ASK_SERVICE)}".encode(),
        )
    )
    assert posted.status == 200 and json.loads(posted.body) == {"head": {}, "boolean": True}
    refused = app.handle(Request.make("GET", "/sparql?update=CLEAR%20ALL"))
    assert refused.status == 403
    assert refused.header("Access-Control-Allow-Origin") == "*"


# --- the W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint --------------------
# https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/ (manifest.ttl). The
# query_dataset_* tests need the endpoint to load client-named graphs from URLs, and the
# update_* tests need updates: this endpoint refuses both by design (asserted below).

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def test_w3c_query_get(served: Served) -> None:
    reply = send(served.url, "GET", "/sparql?query=ASK%20%7B%7D")
    assert reply.status == 200
    assert json.loads(reply.body)["boolean"] is True


def test_w3c_query_post_form(served: Served) -> None:
    reply = send(served.url, "POST", body=b"query=ASK%20%7B%7D", headers=FORM)
    assert reply.status == 200
    assert json.loads(reply.body)["boolean"] is True


def test_w3c_query_post_direct(served: Served) -> None:
    reply = send(served.url, "POST", body=b"ASK {}", headers=DIRECT)
    assert reply.status == 200
    assert json.loads(reply.body)["boolean"] is True


@pytest.mark.parametrize(
    ("query", "accepted"),
    [
        (
            "SELECT (1 AS ?value) {}",
            {
                "application/sparql-results+xml",
                "application/sparql-results+json",
                "text/csv",
                "text/tab-separated-values",
            },
        ),
        ("ASK {}", {"application/sparql-results+xml", "application/sparql-results+json"}),
        (
            "DESCRIBE <http://example.org/>",
            {"application/rdf+xml", "text/turtle", "application/n-triples"},
        ),
        (
            "CONSTRUCT { <s> <p> 1 } WHERE {}",
            {"application/rdf+xml", "text/turtle", "application/n-triples"},
        ),
    ],
    ids=["select", "ask", "describe", "construct"],
)
def test_w3c_query_content_type(served: Served, query: str, accepted: set[str]) -> None:
    reply = send(served.url, "POST", body=query.encode(), headers=DIRECT)
    assert reply.status == 200
    assert reply.content_type in accepted


@pytest.mark.parametrize(
    ("method", "target", "body", "headers", "status"),
    [
        ("PUT", "/sparql?query=ASK%20%7B%7D", None, {}, 405),  # bad_query_method
        ("DELETE", "/sparql?query=ASK%20%7B%7D", None, {}, 405),
        (
            "GET",
            "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
            None,
            {},
            400,
        ),  # bad_multiple_queries
        ("POST", "/sparql", b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", FORM, 400),
        ("POST", "/sparql?query=ASK%20%7B%7D", b"ASK {}", DIRECT, 400),
        (
            "POST",
            "/sparql",
            b"ASK {}",
            {"Content-Type": "text/plain"},
            415,
        ),  # bad_query_wrong_media_type
        ("POST", "/sparql", b"query=ASK%20%7B%7D", {}, 400),  # bad_query_missing_form_type
        ("POST", "/sparql", b"ASK {}", {}, 400),  # bad_query_missing_direct_type
        (
            "POST",
            "/sparql",
            "ASK {}".encode("utf-16"),
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
            415,
        ),  # bad_query_non_utf8
        ("POST", "/sparql", "ASK {}".encode("utf-16"), DIRECT, 400),
        ("GET", "/sparql?query=ASK%20%7B", None, {}, 400),  # bad_query_syntax
        ("GET", "/sparql?update=CLEAR%20ALL", None, {}, 403),  # bad_update_get
        (
            "POST",
            "/sparql",
            b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
            FORM,
            403,
        ),  # bad_multiple_updates
        (
            "POST",
            "/sparql",
            b"CLEAR NAMED",
            {"Content-Type": "text/plain"},
            415,
        ),  # bad_update_wrong_media_type
        ("POST", "/sparql", b"update=CLEAR%20NAMED", {}, 400),  # bad_update_missing_form_type
        (
            "POST",
            "/sparql",
            b"CLEAR NAMED",
            {"Content-Type": "application/sparql-update; charset=UTF-16"},
            403,
        ),  # bad_update_non_utf8
        ("POST", "/sparql", b"update=CLEAR%20XYZ", FORM, 403),  # bad_update_syntax
        (
            "POST",
            "/sparql",
            b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=WITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E%20DELETE%20%7B%7D%20WHERE%20%7B%7D",
            FORM,
            403,
        ),  # bad_update_dataset_conflict
        ("POST", "/sparql", b"update=CLEAR%20ALL", FORM, 403),  # update_post_form
        (
            "POST",
            "/sparql",
            b"CLEAR ALL",
            {"Content-Type": "application/sparql-update"},
            403,
        ),  # update_post_direct
        (
            "POST",
            "/sparql?default-graph-uri=http%3A%2F%2Fexample.org%2Fdata1.rdf",
            b"ASK { <http://example.org/data1.rdf> ?p ?o }",
            DIRECT,
            403,
        ),  # query_dataset_default_graph
        (
            "POST",
            "/sparql?named-graph-uri=http%3A%2F%2Fexample.org%2Fdata1.rdf",
            b"ASK { GRAPH ?g { ?s ?p ?o } }",
            DIRECT,
            403,
        ),  # query_dataset_named_graphs
        (
            "POST",
            "/sparql?default-graph-uri=http%3A%2F%2Fexample.org%2Fdata2.rdf",
            b"ASK FROM <http://example.org/data1.rdf> { <data1.rdf> ?p ?o }",
            DIRECT,
            403,
        ),  # query_multiple_dataset
    ],
)
def test_w3c_negative_and_refused(
    served: Served,
    method: str,
    target: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    reply = send(served.url, method, target, body, headers)
    assert reply.status == status, reply.text
    assert reply.content_type == "text/plain" and reply.text.strip()
