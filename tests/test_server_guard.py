"""The lexical guard: which queries are refused before they run, and which pass.

The words SERVICE and FROM inside strings, IRIs, comments, variables and local names must pass;
a real SERVICE, FROM or update operation must be refused in any spelling Oxigraph accepts,
including the keyword glued to a prefixed name (``SERVICE:x``), which Oxigraph's parser reads
as a SERVICE call (checked below against pyoxigraph itself).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyoxigraph
import pytest

from conftest import recording_server
from smartkg.server.guard import QueryForm, RefusalRule, inspect_query

TARGET = "http://127.0.0.1:9/sparql"

ALLOWED = {
    "plain select": "SELECT * WHERE { ?s ?p ?o }",
    "service in a string": 'SELECT ?x WHERE { BIND("SERVICE <http://x/> { }" AS ?x) }',
    "service in a single-quoted string": "SELECT ?x WHERE { BIND('service' AS ?x) }",
    "service in a long string": 'SELECT ?x WHERE { BIND("""a\nSERVICE <http://x/> {}\n""" AS ?x) }',
    "from in a string": 'SELECT ?x WHERE { BIND("FROM <http://x/>" AS ?x) }',
    "escaped quote in a string": r'SELECT ?x WHERE { BIND("a \" SERVICE" AS ?x) }',
    "service in an IRI": "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "from in an IRI": "SELECT * WHERE { ?s <http://example.org/from> ?o }",
    "service in a comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> {}",
    "from in a comment": "# SELECT * FROM <http://x/>\nSELECT * WHERE { ?s ?p ?o }",
    "service as a variable": "SELECT ?service WHERE { ?service ?p ?from }",
    "service as a $variable": "SELECT $service WHERE { $service ?p ?o }",
    "service in a local name": (
        "PREFIX skg: <https://w3id.org/smartkg/ontology#> "
        "SELECT * WHERE { ?s a skg:SmartService ; skg:serviceType ?t }"
    ),
    "from in a local name": "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:fromYear ?o }",
    "service in a hyphenated local name": "PREFIX ex: <http://e/> ASK { ex:a-service ?p ?o }",
    "comparison, not an IRI": "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "update word in a string": 'SELECT ?x WHERE { BIND("INSERT DATA" AS ?x) }',
    "update word in a local name": "PREFIX ex: <http://e/> ASK { ex:delete ex:load ex:clear }",
}

REFUSED = {
    "service": (f"SELECT * WHERE {{ SERVICE <{TARGET}> {{ ?s ?p ?o }} }}", RefusalRule.SERVICE),
    "service lower case": (
        f"SELECT * {{ service <{TARGET}> {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service mixed case": (
        f"SELECT * {{ SeRvIcE <{TARGET}> {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service silent": (
        f"SELECT * {{ SERVICE SILENT <{TARGET}> {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service on a variable": (
        f"SELECT * {{ BIND(<{TARGET}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service glued to an IRI": (f"SELECT*{{SERVICE<{TARGET}>{{?s ?p ?o}}}}", RefusalRule.SERVICE),
    "service glued to a prefixed name": (
        f"PREFIX : <{TARGET}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service glued to a prefix": (
        f"PREFIX a: <{TARGET}> SELECT * {{ SERVICEa:b {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "a prefix named service": (
        f"PREFIX service: <{TARGET}> SELECT * {{ ?s ?p service:x }}",
        RefusalRule.SERVICE,
    ),
    "service after a dot": (
        f"PREFIX ex: <http://e/> SELECT * {{ ?s ?p ex:o.SERVICE <{TARGET}> {{ }} }}",
        RefusalRule.SERVICE,
    ),
    "service after a number": (
        f"SELECT * {{ ?s ?p 1SERVICE <{TARGET}> {{ }} }}",
        RefusalRule.SERVICE,
    ),
    "service after a comment ended by CR": (
        f"SELECT * {{ # a comment\rSERVICE <{TARGET}> {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service after a string ended by a newline": (
        f'SELECT * {{ ?s ?p "a\nSERVICE <{TARGET}> {{ }} }}',
        RefusalRule.SERVICE,
    ),
    "service after a long string with extra quotes": (
        f'SELECT * {{ ?s ?p """x"""" . SERVICE <{TARGET}> {{ }} }}',
        RefusalRule.SERVICE,
    ),
    "service after an unterminated IRI": (
        f"SELECT * {{ ?s ?p <http://x . SERVICE <{TARGET}> {{ }} }}",
        RefusalRule.SERVICE,
    ),
    "service spelt with a codepoint escape": (
        f"SELECT * {{ \\u0053ERVICE <{TARGET}> {{ ?s ?p ?o }} }}",
        RefusalRule.SERVICE,
    ),
    "service with a Unicode long s": (
        f"SELECT * {{ \u017fERVICE <{TARGET}> {{ }} }}",
        RefusalRule.SERVICE,
    ),
    "service in a subquery": (
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{TARGET}> {{ ?s ?p ?o }} }} }} }}",
        RefusalRule.SERVICE,
    ),
    "from": (f"SELECT * FROM <{TARGET}> WHERE {{ ?s ?p ?o }}", RefusalRule.DATASET),
    "from named": (
        f"SELECT * FROM NAMED <{TARGET}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        RefusalRule.DATASET,
    ),
    "from lower case": (f"select * from <{TARGET}> where {{ ?s ?p ?o }}", RefusalRule.DATASET),
    "from glued to a prefixed name": (
        f"PREFIX : <{TARGET}> SELECT * FROM:g WHERE {{ ?s ?p ?o }}",
        RefusalRule.DATASET,
    ),
    "ask from": (f"ASK FROM <{TARGET}> {{ ?s ?p ?o }}", RefusalRule.DATASET),
    "insert data": ("INSERT DATA { <http://a> <http://b> <http://c> }", RefusalRule.UPDATE),
    "delete where": ("DELETE WHERE { ?s ?p ?o }", RefusalRule.UPDATE),
    "load": (f"LOAD <{TARGET}>", RefusalRule.UPDATE),
    "clear all": ("CLEAR ALL", RefusalRule.UPDATE),
    "drop": ("drop default", RefusalRule.UPDATE),
    "create": ("CREATE GRAPH <http://g>", RefusalRule.UPDATE),
    "copy, move, add": (
        "COPY DEFAULT TO <http://g>; MOVE <http://g> TO DEFAULT",
        RefusalRule.UPDATE,
    ),
    "with": ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", RefusalRule.UPDATE),
    "prologue then update": (
        "PREFIX ex: <http://e/> BASE <http://b/> INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o }",
        RefusalRule.UPDATE,
    ),
}


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(query: str) -> None:
    inspection = inspect_query(query)
    assert inspection.refusal is None, inspection.refusal


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed_queries_are_valid_sparql(query: str) -> None:
    """The allowed cases are real queries, not strings that merely look harmless."""
    pyoxigraph.Store().query(query)


@pytest.mark.parametrize(("query", "rule"), REFUSED.values(), ids=REFUSED.keys())
def test_refused(query: str, rule: RefusalRule) -> None:
    inspection = inspect_query(query)
    assert inspection.refusal is not None
    assert inspection.refusal.rule is rule
    assert inspection.refusal.message


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", QueryForm.SELECT),
        ("PREFIX ask: <http://e/> select * { ?s ?p ask:x }", QueryForm.SELECT),
        ("ASK{}", QueryForm.ASK),
        ("# SELECT\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("BASE <http://b/> DESCRIBE <x>", QueryForm.DESCRIBE),
        ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("ASK { { SELECT * { ?s ?p ?o } } }", QueryForm.ASK),
        ("nonsense", None),
    ],
)
def test_query_form(query: str, form: QueryForm | None) -> None:
    assert inspect_query(query).form is form


# --- the guard is needed: pyoxigraph itself follows these spellings ---------------------


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it receives (and answers 500)."""
    with recording_server(500) as (url, hits):
        yield f"{url}/sparql", hits


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ service <{url}> {{ ?s ?p ?o }} }}",
        "PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        "PREFIX a: <{url}> SELECT * {{ SERVICEa:b {{ ?s ?p ?o }} }}",
        "PREFIX : <{url}> SELECT * {{ service:x {{ ?s ?p ?o }} }}",
    ],
)
def test_pyoxigraph_follows_these_services_and_the_guard_refuses_them(
    recorder: tuple[str, list[str]], template: str
) -> None:
    """Without the guard, pyoxigraph sends each of these to the named server (SSRF)."""
    url, hits = recorder
    query = template.format(url=url)
    refusal = inspect_query(query).refusal
    assert refusal is not None and refusal.rule is RefusalRule.SERVICE
    with pytest.raises(OSError):
        solutions = pyoxigraph.Store().query(query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        list(solutions)
    deadline = time.monotonic() + 2
    while not hits and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(hits) == 1


FRAGMENTS = (
    "SERVICE <{url}> {{ }}",
    "service <{url}> {{ }}",
    "SERVICE:x {{ }}",
    "SERVICEa:b {{ }}",
    "service:x {{ }}",
    "SERVICE SILENT <{url}> {{ }}",
    "?s ?p ?o .",
    "?s ?p ?o",
    "<http://e/x> ?p ?o .",
    'BIND("SERVICE <{url}> {{ }}" AS ?z)',
    "BIND('''SERVICE''' AS ?y)",
    '"""',
    '"',
    "'",
    "# SERVICE <{url}> {{ }}\n",
    "#",
    "\n",
    "\r",
    "FILTER(1<2)",
    "{{",
    "}}",
    ".",
    "a:o.",
    "<http://e/SERVICE>",
    "\\u0053ERVICE",
    "OPTIONAL {{ ?s ?p ?o }}",
)


def test_no_query_that_makes_pyoxigraph_call_out_passes_the_guard(
    recorder: tuple[str, list[str]],
) -> None:
    """Random mixes of real SERVICE clauses and strings, comments, IRIs and noise: whenever
    pyoxigraph would send a request (the recorder sees it), the guard refuses the query."""
    import random

    url, hits = recorder
    generator = random.Random(20250521)
    store = pyoxigraph.Store()
    calls = passed = 0
    for _ in range(1500):
        body = " ".join(generator.choice(FRAGMENTS) for _ in range(generator.randint(1, 6)))
        template = "PREFIX : <{url}> PREFIX a: <{url}> SELECT * WHERE {{ " + body + " }}"
        query = template.format(url=url)
        before = len(hits)
        try:
            result = store.query(query)
            if isinstance(result, pyoxigraph.QuerySolutions):
                list(result)
        except (SyntaxError, OSError, RuntimeError):
            pass
        called = len(hits) > before
        refused = inspect_query(query).refusal is not None
        calls += called
        passed += not refused
        assert refused or not called, query
    assert calls > 100 and passed > 50, (calls, passed)  # both sides were exercised
