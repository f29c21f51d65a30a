"""Binding parameters for a remote engine: a VALUES block of validated RDF terms, first in the
query's top-level WHERE group. A hostile value can change the data of that block, never the shape
of the query (checked on rdflib's parse and algebra)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from conftest import REPO_ROOT
from smartkg.engine import catalogue_engine
from smartkg.querying.queries import load_queries
from smartkg.remote import CATALOGUE_GRAPH, RemoteError, bind_values
from smartkg.server.app import Request
from smartkg.server.store_redirect import StoreRedirect, public_url

QUERIES = load_queries(REPO_ROOT)

HOSTILE = [
    '" ) } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #',
    "' } UNION { ?s ?p ?o } #",
    '"""\n} } INSERT DATA { <a:b> <a:b> <a:b> }',
    '\\" } #',
    "robot\n# } \n",
    "<http://x> } {",
]


def _shape(node: Any) -> Any:
    """The algebra with every literal replaced by its kind: what the query does, not with what."""
    if isinstance(node, CompValue):
        return (node.name, tuple(sorted((k, _shape(v)) for k, v in node.items())))
    if isinstance(node, dict):
        return tuple(sorted((str(k), _shape(v)) for k, v in node.items()))
    if isinstance(node, list | tuple | set | frozenset):
        return tuple(_shape(v) for v in node)
    if isinstance(node, Literal):
        return ("literal", node.datatype, node.language)
    return repr(node)


def _algebra(query: str) -> Any:
    return translateQuery(parseQuery(query)).algebra


def _values(node: Any) -> list[Any]:
    """Every VALUES table in the algebra."""
    found: list[Any] = []
    if isinstance(node, CompValue):
        if node.name == "values":
            found.append(node["res"])
        for value in node.values():
            found += _values(value)
    elif isinstance(node, list | tuple):
        for value in node:
            found += _values(value)
    return found


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_literal_keeps_the_query_shape(hostile: str) -> None:
    query = QUERIES["search-services"].text
    benign = _algebra(bind_values(query, {"text": Literal("robot")}))
    bound = _algebra(bind_values(query, {"text": Literal(hostile)}))
    assert _shape(bound) == _shape(benign)
    assert _values(bound) == [[{Variable("text"): Literal(hostile)}]]


@pytest.mark.parametrize(
    "iri",
    ["http://x> } ; DROP ALL ; SELECT * { <y", "a b", 'x"y', "", "http://x/{y}"],
)
def test_bad_iri_is_refused(iri: str) -> None:
    with pytest.raises(RemoteError):
        bind_values("SELECT ?city WHERE { ?city ?p ?o }", {"city": URIRef(iri)})


def test_bad_variable_name_is_refused() -> None:
    with pytest.raises(RemoteError):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x) } #": Literal("a")})


def test_values_go_into_the_top_level_where_group() -> None:
    query = """# a { brace in a comment
PREFIX ex: <http://example.org/(a)#>
SELECT ?x (EXISTS { ?x ?p ?o } AS ?e) ("}{" AS ?s)
WHERE { ?x ?p ?o }"""
    bound = bind_values(query, {"x": URIRef("http://example.org/a")})
    assert bound.endswith("WHERE {\n  VALUES (?x) { (<http://example.org/a>) }\n ?x ?p ?o }")
    _algebra(bound)  # still parses


@pytest.mark.parametrize("name", sorted(name for name, q in QUERIES.items() if q.parameters))
def test_values_bind_like_substitutions(name: str) -> None:
    """On the same (embedded) engine, a VALUES-bound query answers as the substituted one."""
    engine = catalogue_engine(REPO_ROOT)
    query = QUERIES[name]
    from smartkg.querying.run import bind_parameters

    bindings = bind_parameters(engine, query, {})
    substituted = engine.select_terms(query.text, bindings)
    valued = engine.select_terms(bind_values(query.text, bindings))
    assert valued == substituted


def test_typed_and_tagged_literals_round_trip() -> None:
    from smartkg.namespaces import ID, XSD  # not at module level: pytest probes its names

    bindings = {
        "n": Literal("2", datatype=XSD.integer),
        "label": Literal('구로 "gu"', lang="ko"),
        "city": ID["city/guro-gu"],
    }
    algebra = _algebra(bind_values("SELECT ?n ?label ?city WHERE { }", bindings))
    assert _values(algebra) == [[{Variable(k): v for k, v in bindings.items()}]]


# --- /sparql of smartkg serve --endpoint ---------------------------------------------------------


def test_redirect_shows_no_credentials() -> None:
    assert public_url("http://alice:s3cret@store.example:8890/sparql?x=1") == (
        "http://store.example:8890/sparql?x=1"
    )
    assert public_url("https://[::1]/query") == "https://[::1]/query"


def test_redirect_keeps_the_request_and_names_the_catalogue_graph() -> None:
    redirect = StoreRedirect("http://bob:pw@127.0.0.1:7878/query", str(CATALOGUE_GRAPH))
    answer = redirect(Request.make("GET", "/sparql?query=ASK%7B%7D&format=json"))
    assert answer.status == 307
    location = answer.header("Location")
    assert location is not None and "bob" not in location and "pw" not in answer.body.decode()
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:7878", "/query")
    assert parse_qs(parts.query) == {
        "query": ["ASK{}"],
        "format": ["json"],
        "default-graph-uri": [str(CATALOGUE_GRAPH)],
    }


@pytest.mark.parametrize(
    "request_",
    [
        Request.make("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=urn%3Ax"),
        Request.make(
            "POST",
            "/sparql",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"query=ASK%7B%7D&named-graph-uri=urn%3Ax",
        ),
    ],
    ids=["query-string", "form-body"],
)
def test_redirect_leaves_a_named_dataset_alone(request_: Request) -> None:
    location = StoreRedirect("http://127.0.0.1:7878/query", str(CATALOGUE_GRAPH)).location(request_)
    assert str(CATALOGUE_GRAPH) not in unquote(location)


def test_redirect_without_a_graph_adds_none() -> None:
    location = StoreRedirect("http://127.0.0.1:7878/query", None).location(
        Request.make("GET", "/sparql?query=ASK%7B%7D")
    )
    assert "default-graph-uri" not in location
