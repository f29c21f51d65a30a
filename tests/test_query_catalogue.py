"""The named query catalogue (``queries/*.rq``): headers, answers, safe parameter binding.

Every query is run with its default parameters on pyoxigraph (parameters bound as RDF terms) and
compared, in order, with ``queries/expected/<name>.csv``; those answers were written by hand from
``data/``, not by running the queries. Every query is also run unchanged, with its parameters
left unbound, on rdflib's own SPARQL engine, to show that it is plain SPARQL 1.1.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from smartkg import namespaces
from smartkg.catalogue import load_catalogue
from smartkg.engine import Bindings, EmbeddedEngine, catalogue_engine
from smartkg.errors import CatalogueError
from smartkg.namespaces import CITY, REC, SKG, ST, TG
from smartkg.querying import (
    NamedQuery,
    ParamKind,
    QueryError,
    bind_parameters,
    display_width,
    find_query,
    load_queries,
    parameter_values,
    parse_param_args,
    parse_query,
    run_named_query,
    to_csv,
    to_json,
    to_table,
)
from smartkg.resolve import AmbiguousNameError, EntityKind, UnknownNameError, resolve
from smartkg.store import Rows, TermRows, cell, select_with_rdflib

ROOT = Path(__file__).resolve().parents[1]
QUERY_DIR = ROOT / "queries"
EXPECTED_DIR = QUERY_DIR / "expected"
QUERY_FILES = sorted(QUERY_DIR.glob("*.rq"))
QUERIES = load_queries(ROOT)
NAMES = sorted(QUERIES)

#: The questions the catalogue must answer (issue: "Query catalogue").
REQUIRED = {
    "services-of-city",
    "cities-by-service-type",
    "cities-by-domain",
    "cities-by-technology",
    "cities-by-target-group",
    "certification-history",
    "certification-rounds",
    "funding-by-programme-type",
    "similar-cities",
    "peer-service-gaps",
    "vulnerable-group-coverage",
}
#: Queries over derived data: the catalogue itself holds none, so they are also run on a fixture.
DERIVED = {"recommendations-for-city"}

RECOMMENDATIONS_TTL = f"""
@prefix skg:  <{SKG}> .
@prefix rec:  <{REC}> .
@prefix city: <{CITY}> .
@prefix st:   <{ST}> .
rec:test-guro-gu-smart-shelter a skg:Recommendation ;
    skg:recommendedFor city:guro-gu ; skg:recommendedServiceType st:smart-shelter ;
    skg:rank 1 ; skg:score 0.75 ; skg:lowConfidence false ;
    skg:reason "Run by two peers, Gwanak-gu and Seongdong-gu."@en .
rec:test-guro-gu-smart-crosswalk a skg:Recommendation ;
    skg:recommendedFor city:guro-gu ; skg:recommendedServiceType st:smart-crosswalk ;
    skg:rank 2 ; skg:score 0.5 .
rec:test-seoul-smart-shelter a skg:Recommendation ;
    skg:recommendedFor city:seoul ; skg:recommendedServiceType st:smart-shelter ; skg:rank 1 .
"""
#: What recommendations-for-city answers for Guro-gu on RECOMMENDATIONS_TTL, by hand.
GURO_RECOMMENDATIONS = [
    (
        str(CITY["guro-gu"]),
        "1",
        str(ST["smart-shelter"]),
        "Smart shelter",
        "0.75",
        "false",
        "Run by two peers, Gwanak-gu and Seongdong-gu.",
        str(REC["test-guro-gu-smart-shelter"]),
    ),
    (
        str(CITY["guro-gu"]),
        "2",
        str(ST["smart-crosswalk"]),
        "Smart crosswalk",
        "0.5",
        "",
        "",
        str(REC["test-guro-gu-smart-crosswalk"]),
    ),
]

HOSTILE = [
    '"',
    "'",
    '"""',
    "\\",
    "} ; DROP ALL ; SELECT * {",
    '" } ; DROP ALL ; SELECT * { "',
    'robot" || true || "',
    "<http://x>",
    "?text",
    "line one\nline two\r\n}",
    'guro"} UNION { ?s ?p ?o',
]
HARMLESS = "no such service name"
XSD_INTEGER = namespaces.XSD.integer  # (a closed namespace at module level upsets pytest)


class SpyEngine:
    """An engine that records every query and binding it is asked, then asks the real one."""

    def __init__(self, inner: EmbeddedEngine) -> None:
        self.inner = inner
        self.calls: list[tuple[str, dict[str, URIRef | Literal]]] = []

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        self.calls.append((query, dict(bindings or {})))
        return self.inner.select(query, bindings)

    def select_terms(self, query: str, bindings: Bindings | None = None) -> TermRows:
        self.calls.append((query, dict(bindings or {})))
        return self.inner.select_terms(query, bindings)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_catalogue(ROOT, include_shapes=False).graph


@pytest.fixture(scope="module")
def engine(graph: Graph) -> EmbeddedEngine:
    """The catalogue alone (not build/recommendations.ttl, which a developer may have written)."""
    return EmbeddedEngine.from_graph(graph)


@pytest.fixture(scope="module")
def graph_with_recommendations(graph: Graph) -> Graph:
    combined = Graph()
    combined += graph
    combined.parse(data=RECOMMENDATIONS_TTL, format="turtle")
    return combined


def _number_or_text(value: str) -> object:
    """Numbers compare by value (engines differ in canonical lexical forms: 4 / 4.0)."""
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def _comparable(rows: list[tuple[str, ...]]) -> list[tuple[object, ...]]:
    return [tuple(_number_or_text(value) for value in row) for row in rows]


def _cells(rows: TermRows) -> Rows:
    variables, solutions = rows
    return variables, [tuple(cell(term) for term in row) for row in solutions]


def _expected(name: str) -> Rows:
    with (EXPECTED_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return tuple(header), [tuple(row) for row in rows]


# --- the catalogue ---------------------------------------------------------------------------


def test_queries_are_found() -> None:
    assert QUERY_FILES, "no queries/*.rq found"
    assert QUERIES, "no queries loaded"
    assert sorted(p.stem for p in QUERY_FILES) == NAMES


def test_catalogue_answers_the_required_questions() -> None:
    assert set(NAMES) >= REQUIRED, f"missing: {sorted(REQUIRED - set(NAMES))}"


def test_every_query_has_an_expected_answer_and_no_answer_is_orphaned() -> None:
    assert sorted(p.stem for p in EXPECTED_DIR.glob("*.csv")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name: str) -> None:
    query = QUERIES[name]
    assert query.title and query.question.endswith("?")
    assert query.source == f"queries/{name}.rq"
    text = query.text
    assert text.startswith("# title: ")
    assert ("# parameters: none" in text) == (not query.parameters)
    assert text.count("# param: ") == len(query.parameters)
    assert "ORDER BY" in text, "answers are compared in order"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_left_free_in_the_text(name: str) -> None:
    """A parameter is bound by the runner, never pinned in the text (VALUES or BIND)."""
    body = "\n".join(
        line for line in QUERIES[name].text.splitlines() if not line.lstrip().startswith("#")
    )
    for parameter in QUERIES[name].parameters:
        assert f"VALUES ?{parameter.name}" not in body
        assert f"AS ?{parameter.name})" not in body


def test_query_text_is_the_file_unchanged() -> None:
    for path in QUERY_FILES:
        assert QUERIES[path.stem].text.encode("utf-8") == path.read_bytes()


def test_cq_and_check_queries_are_not_in_the_catalogue() -> None:
    assert not any(name.startswith("cq") or name.endswith("-violation") for name in NAMES)


# --- answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_default_answer_is_the_expected_one(name: str, engine: EmbeddedEngine) -> None:
    header, expected = _expected(name)
    variables, rows = _cells(run_named_query(engine, QUERIES[name]))
    assert variables == header
    assert _comparable(rows) == _comparable(expected)


def _default_iris(query: NamedQuery, engine: EmbeddedEngine) -> dict[str, str]:
    bindings = bind_parameters(engine, query, {})
    return {p.name: str(bindings[p.name]) for p in query.parameters if not p.kind.is_literal}


@pytest.mark.parametrize("name", sorted(set(NAMES) - DERIVED))
def test_runs_unchanged_on_rdflib(name: str, graph: Graph, engine: EmbeddedEngine) -> None:
    """rdflib's engine parses the file as it is; with no parameter bound, an entity parameter
    ranges over every value, and the rows for the default value are the expected answer."""
    query = QUERIES[name]
    header, expected = _expected(name)
    variables, rows = select_with_rdflib(graph, query.text)
    assert variables == header
    assert rows, f"{name} returned no rows on rdflib"
    defaults = _default_iris(query, engine)
    if any(p.kind.is_literal for p in query.parameters):
        return  # an unbound literal parameter lifts the filter: nothing to compare row by row
    column = {variable: i for i, variable in enumerate(variables)}
    for parameter_name in defaults:
        assert len({row[column[parameter_name]] for row in rows}) > 1, "parameter not free"
    for_defaults = [
        row for row in rows if all(row[column[p]] == iri for p, iri in defaults.items())
    ]
    assert _comparable(for_defaults) == _comparable(expected)


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_data_query_runs_unchanged_on_rdflib(
    name: str, graph_with_recommendations: Graph
) -> None:
    header, _ = _expected(name)
    variables, rows = select_with_rdflib(graph_with_recommendations, QUERIES[name].text)
    assert variables == header
    assert {row[0] for row in rows} == {str(CITY["guro-gu"]), str(CITY.seoul)}
    assert [row for row in rows if row[0] == str(CITY["guro-gu"])] == GURO_RECOMMENDATIONS


def test_recommendations_in_build_are_loaded_and_queryable(tmp_path: Path) -> None:
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "recommendations.ttl").write_text(RECOMMENDATIONS_TTL, "utf-8")
    query = QUERIES["recommendations-for-city"]

    with_derived = catalogue_engine(tmp_path)
    _, rows = _cells(run_named_query(with_derived, query, {"city": "구로"}))
    assert rows == GURO_RECOMMENDATIONS

    without = catalogue_engine(tmp_path, include_derived=False)
    assert _cells(run_named_query(without, query, {"city": "구로"}))[1] == []


def test_broken_derived_file_is_an_error_naming_it(tmp_path: Path) -> None:
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "recommendations.ttl").write_text("this is not turtle", "utf-8")
    with pytest.raises(CatalogueError) as caught:
        catalogue_engine(tmp_path)
    assert caught.value.path == "build/recommendations.ttl"


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["구로", "guro", "Guro-gu", "guro-gu", "city:guro-gu", str(CITY["guro-gu"])]
)
def test_city_is_found_by_korean_or_english_name(text: str, engine: EmbeddedEngine) -> None:
    assert resolve(engine, EntityKind.CITY, text) == CITY["guro-gu"]


def test_concept_is_found_by_its_catalogue_prefixed_name(engine: EmbeddedEngine) -> None:
    assert resolve(engine, EntityKind.SERVICE_TYPE, "st:smart-shelter") == ST["smart-shelter"]
    assert resolve(engine, EntityKind.TARGET_GROUP, "tg:children") == TG.children
    assert resolve(engine, EntityKind.TARGET_GROUP, "장애인") == TG["people-with-disabilities"]


def test_unknown_city_lists_close_matches(engine: EmbeddedEngine) -> None:
    with pytest.raises(UnknownNameError) as caught:
        resolve(engine, EntityKind.CITY, "busan")
    assert caught.value.suggestions, "no close matches offered"
    assert "Did you mean:" in str(caught.value)
    assert all(name in str(caught.value) for name in caught.value.suggestions)


def test_ambiguous_city_lists_candidates(engine: EmbeddedEngine) -> None:
    with pytest.raises(AmbiguousNameError) as caught:
        resolve(engine, EntityKind.CITY, "seong")
    assert caught.value.candidates == ["seongdong-gu", "seongnam"]
    assert "seongdong-gu, seongnam" in str(caught.value)


def test_city_given_by_korean_name_gives_the_default_answer(engine: EmbeddedEngine) -> None:
    query = QUERIES["services-of-city"]
    assert run_named_query(engine, query, {"city": "구로"}) == run_named_query(engine, query)
    _, rows = _cells(run_named_query(engine, query, {"city": "Seoul"}))
    assert {row[0] for row in rows} == {str(CITY.seoul)}
    assert len(rows) == 3  # smart pole, digital twin, TOPIS (data/services/seoul.ttl)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_bind_to_terms_of_their_kind(name: str, engine: EmbeddedEngine) -> None:
    bindings = bind_parameters(engine, QUERIES[name], {})
    for parameter in QUERIES[name].parameters:
        term = bindings[parameter.name]
        if parameter.kind is ParamKind.INTEGER:
            assert isinstance(term, Literal) and term.datatype == XSD_INTEGER
        elif parameter.kind is ParamKind.STRING:
            assert isinstance(term, Literal) and term.datatype is None and term.language is None
        else:
            assert isinstance(term, URIRef)
            assert f"/id/{parameter.kind.value}/" in str(term)


def test_integer_parameter_is_bound_and_filters(engine: EmbeddedEngine) -> None:
    query = QUERIES["similar-cities"]
    _, rows = _cells(run_named_query(engine, query, {"minShared": "2"}))
    assert [(row[1], row[4], row[5]) for row in rows] == [(str(CITY["gwanak-gu"]), "2", "2")]
    _, none = _cells(run_named_query(engine, query, {"minShared": "3"}))
    assert none == []


@pytest.mark.parametrize("value", ["two", "1.5", "", "1; DROP ALL", "0x10"])
def test_bad_integer_is_refused_before_any_query(value: str, engine: EmbeddedEngine) -> None:
    spy = SpyEngine(engine)
    with pytest.raises(QueryError) as caught:
        run_named_query(spy, QUERIES["similar-cities"], {"minShared": value})
    assert caught.value.rule == "param-value"
    assert spy.calls == []


def test_unknown_parameter_names_the_real_ones() -> None:
    with pytest.raises(QueryError) as caught:
        parameter_values(QUERIES["similar-cities"], {"cty": "guro"})
    assert caught.value.rule == "unknown-param"
    assert "city, minShared" in str(caught.value)


def test_parameter_names_ignore_case_and_dashes() -> None:
    values = parameter_values(QUERIES["cities-by-service-type"], {"service-type": "smart-pole"})
    assert values == {"serviceType": "smart-pole"}


@pytest.mark.parametrize("arg", ["city", "=guro", "ci ty=guro", "?city=guro"])
def test_bad_param_syntax(arg: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_param_args([arg])
    assert caught.value.rule == "param-syntax"


def test_param_value_may_hold_equals_signs_and_be_given_once() -> None:
    assert parse_param_args(["text=a=b", "city=구로"]) == {"text": "a=b", "city": "구로"}
    with pytest.raises(QueryError):
        parse_param_args(["city=a", "city=b"])


def _services_named_with(graph: Graph, text: str) -> list[str]:
    """By hand, without SPARQL: services with a label or altLabel holding ``text`` (any case)."""
    services = set(graph.subjects(namespaces.RDF.type, SKG.SmartService))
    return sorted(
        str(service)
        for service in services
        if any(
            text.lower() in str(name).lower()
            for prop in (namespaces.RDFS.label, namespaces.SKOS.altLabel)
            for name in graph.objects(service, prop)
        )
    )


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_is_bound_as_a_literal(
    value: str, engine: EmbeddedEngine, graph: Graph
) -> None:
    query = QUERIES["search-services"]
    path = QUERY_DIR / "search-services.rq"
    triples = len(engine.store)
    spy = SpyEngine(engine)
    variables, rows = run_named_query(spy, query, {"text": value})

    sent, bindings = spy.calls[-1]
    assert sent.encode("utf-8") == path.read_bytes(), "the query text was changed"
    assert bindings == {"text": Literal(value)}
    assert isinstance(bindings["text"], Literal) and bindings["text"].datatype is None
    # The value is data: it matches exactly the names that hold it as text, and nothing else.
    assert sorted(str(row[1]) for row in rows) == _services_named_with(graph, value)
    assert all(row[0] == Literal(value) for row in rows)
    if not _services_named_with(graph, value):
        harmless = run_named_query(engine, query, {"text": HARMLESS})
        assert (variables, rows) == harmless == (harmless[0], [])
    assert len(engine.store) == triples


def test_some_hostile_values_match_nothing(graph: Graph) -> None:
    """Guard: the hostile cases are not all vacuous matches (e.g. "'" does occur in names)."""
    assert sum(not _services_named_with(graph, value) for value in HOSTILE) >= len(HOSTILE) - 2


def test_string_parameter_does_match_when_it_should(engine: EmbeddedEngine) -> None:
    _, rows = _cells(run_named_query(engine, QUERIES["search-services"], {"text": "로봇"}))
    assert [row[1].rsplit("/", 1)[1] for row in rows] == [
        "gangnam-gu-robot-plus-test-field",
        "guro-gu-rehab-robot",
    ]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_city_is_an_unknown_name_and_no_query_runs(
    value: str, engine: EmbeddedEngine
) -> None:
    spy = SpyEngine(engine)
    with pytest.raises(UnknownNameError):
        run_named_query(spy, QUERIES["services-of-city"], {"city": value})
    sent = [query for query, _ in spy.calls]
    assert QUERIES["services-of-city"].text not in sent
    assert all(bindings == {} for _, bindings in spy.calls)


# --- headers ---------------------------------------------------------------------------------

GOOD_HEADER = """\
# title: T
# question: Q
#           continued?
# param: city (city, default guro-gu): the city
# param: n (integer, default 2): a number
SELECT ?city ?n WHERE { ?s ?p ?city }
"""


def test_good_header_is_parsed_into_a_typed_record() -> None:
    query = parse_query(GOOD_HEADER, name="x", source="queries/x.rq")
    assert query.question == "Q continued?"
    assert [(p.name, p.kind, p.default, p.description) for p in query.parameters] == [
        ("city", ParamKind.CITY, "guro-gu", "the city"),
        ("n", ParamKind.INTEGER, "2", "a number"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }\n", 1, "lacks '# title:'"),
        ("# title: T\n# parameters: none\nSELECT ?x WHERE {}\n", 1, "lacks '# question:'"),
        ("# title: T\n# question: Q\nSELECT ?x WHERE {}\n", 1, "declares no parameters"),
        ("# title: T\n# question: Q\n# param: city (city): c\nSELECT ?city {}\n", 3, "NAME (KIND"),
        (
            "# title: T\n# question: Q\n# param: city (town, default x): c\nSELECT ?city {}\n",
            3,
            "unknown parameter kind 'town'",
        ),
        (
            "# title: T\n# question: Q\n# param: n (integer, default many): c\nSELECT ?n {}\n",
            3,
            "not an integer",
        ),
        (
            "# title: T\n# question: Q\n# param: city (city, default x): c\n"
            "SELECT ?other WHERE { ?other ?p ?city }\n",
            3,
            "not projected",
        ),
        (
            "# title: T\n# question: Q\n# param: city (city, default x): c\nSELECT ?x {}\n",
            3,
            "not a variable of the query",
        ),
        (
            "# title: T\n# question: Q\n# parameters: none\n# param: c (city, default x): c\n"
            "SELECT ?c {}\n",
            3,
            "contradict",
        ),
        ("# title: T\n# question: Q\n# parameters: some\nSELECT ?x {}\n", 3, "only say 'none'"),
        ("# title: T\n# qestion: Q\n# parameters: none\nSELECT ?x {}\n", 2, "unknown header"),
        ("# title: T\n# title: U\n", 2, "given twice"),
        ("#   stray\n# title: T\n", 1, "continuation line before"),
        ("# title: T\n#no space\n", 2, "not '# key: value'"),
        (
            "# title: T\n# question: Q\n# param: c (city, default x): a\n"
            "# param: c (city, default y): b\nSELECT ?c {}\n",
            4,
            "declared twice",
        ),
    ],
)
def test_malformed_header_names_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_query(text, name="bad", source="queries/bad.rq")
    assert caught.value.path == "queries/bad.rq"
    assert caught.value.line == line
    assert caught.value.rule == "query-header"
    assert fragment in caught.value.message


def test_malformed_file_in_the_catalogue_is_reported_by_path(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "ok.rq").write_bytes((QUERY_DIR / "services-of-city.rq").read_bytes())
    (tmp_path / "queries" / "bad.rq").write_text("# title: T\n# question Q\n", "utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_queries(tmp_path)
    assert caught.value.location == "queries/bad.rq:2"


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(QueryError) as caught:
        find_query(QUERIES, "servics-of-city")
    assert caught.value.rule == "unknown-query"
    assert "Did you mean: services-of-city" in str(caught.value)


# --- output formats --------------------------------------------------------------------------

TYPED: TermRows = (
    ("iri", "label", "n", "plain", "blank"),
    [
        (
            CITY["guro-gu"],
            Literal("구로구", lang="ko"),
            Literal("3", datatype=XSD_INTEGER),
            Literal('a "quoted", text'),
            BNode("b0"),
        ),
        (URIRef("http://example.org/x"), None, Literal("12", datatype=XSD_INTEGER), None, None),
    ],
)


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("Guro-gu") == 7
    assert display_width("구로구") == 6
    assert display_width("e\u0301") == 1  # combining accent takes no column


def test_table_aligns_korean_and_right_aligns_numbers() -> None:
    rows: TermRows = (
        ("name", "n"),
        [
            (Literal("구로구", lang="ko"), Literal("1", datatype=XSD_INTEGER)),
            (Literal("Seoul", lang="en"), Literal("22", datatype=XSD_INTEGER)),
        ],
    )
    assert to_table(rows) == ("name     n\n------  --\n구로구   1\nSeoul   22\n(2 rows)\n")


def test_table_shows_prefixed_names_and_escapes_control_characters() -> None:
    rows: TermRows = (("iri", "text"), [(CITY["guro-gu"], Literal("a\nb\tc"))])
    table = to_table(rows)
    assert "city:guro-gu  a\\nb\\tc" in table
    assert table.endswith("(1 row)\n")
    assert to_table((("x",), [])) == "x\n-\n(0 rows)\n"


def test_csv_follows_the_sparql_results_csv_format() -> None:
    assert to_csv(TYPED) == (
        "iri,label,n,plain,blank\r\n"
        f'{CITY["guro-gu"]},구로구,3,"a ""quoted"", text",_:b0\r\n'
        "http://example.org/x,,12,,\r\n"
    )


def test_json_follows_the_sparql_results_json_format() -> None:
    document = json.loads(to_json(TYPED))
    assert document["head"] == {"vars": ["iri", "label", "n", "plain", "blank"]}
    first, second = document["results"]["bindings"]
    assert first == {
        "iri": {"type": "uri", "value": str(CITY["guro-gu"])},
        "label": {"type": "literal", "value": "구로구", "xml:lang": "ko"},
        "n": {"type": "literal", "value": "3", "datatype": str(XSD_INTEGER)},
        "plain": {"type": "literal", "value": 'a "quoted", text'},
        "blank": {"type": "bnode", "value": "b0"},
    }
    assert second == {
        "iri": {"type": "uri", "value": "http://example.org/x"},
        "n": {"type": "literal", "value": "12", "datatype": str(XSD_INTEGER)},
    }


def test_engine_terms_keep_datatypes_and_languages(engine: EmbeddedEngine) -> None:
    variables, rows = run_named_query(engine, QUERIES["similar-cities"])
    first: Mapping[str, object] = dict(zip(variables, rows[0], strict=True))
    assert first["otherCityLabelKo"] == Literal("관악구", lang="ko")
    assert first["sharedTypes"] == Literal("2", datatype=XSD_INTEGER)
    assert first["city"] == CITY["guro-gu"]
