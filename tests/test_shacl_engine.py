"""The compiled SHACL engine (smartkg.shacl) reports exactly what pySHACL reports.

Every comparison runs both engines on the same graphs and compares the full multiset of results:
(focus node, source shape, result path, value, severity, source constraint component, messages).

One deliberate difference: for a SPARQL-based constraint component (skgsh:inScheme)
pySHACL 0.40.1 appends each violation's bound validator message to a list shared by the shape's
later violations, so a result can carry the messages of earlier, unrelated values. Those results
are compared without messages, and each message the fast engine gives must be among pySHACL's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from smartkg.catalogue import Catalogue, Layout
from smartkg.namespaces import (
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SH,
    SKG,
    SKGSH,
    SKOS,
    XSD,
    namespace_manager,
)
from smartkg.shacl import ShaclResult, render_path, results_of_report, validate_fast
from smartkg.shacl.reference import run_pyshacl
from smartkg.shacl.shapes import Unsupported, ask_components, read_shape, targets_of, top_shapes
from smartkg.shacl.terms import AmbiguousTerm, NotMirrorable, mirror_graph
from smartkg.synth import synth
from test_shapes import (
    CASES,
    Case,
    base_graph,
    expand,
    fixture_graph,
    mentioned_nodes,
    shapes_graph,
)

__all__ = ["base_graph", "shapes_graph"]  # session fixtures shared with test_shapes.py

REPO_ROOT = Path(__file__).resolve().parents[1]
LAYOUT = Layout(REPO_ROOT)
NSM = namespace_manager()
Key = tuple[object, ...]


def _key(result: ShaclResult, path_graph: Graph) -> Key:
    path = render_path(path_graph, result.path, NSM) if result.path is not None else None
    core = str(result.component).startswith(str(SH))
    messages = result.messages if core else None
    return (
        result.focus,
        result.shape,
        path,
        result.value,
        result.severity,
        result.component,
        messages,
    )


def _show(keys: Iterable[Key]) -> str:
    return "\n".join(sorted(map(str, keys))) or "(none)"


def assert_same_as_pyshacl(
    data: Graph, shapes: Graph, focus: Iterable[URIRef] | None = None
) -> list[ShaclResult]:
    """Run both engines; fail unless their results agree. Returns the fast engine's results."""
    focus = list(focus) if focus is not None else None
    fast = validate_fast(data, shapes, focus_nodes=focus)
    report = run_pyshacl(data, shapes, focus_nodes=focus)
    reference = list(results_of_report(report))
    ours = Counter(_key(r, fast.path_graph) for r in fast.results)
    theirs = Counter(_key(r, report) for r in reference)
    assert ours == theirs, (
        f"fast only:\n{_show((ours - theirs).keys())}\n"
        f"pySHACL only:\n{_show((theirs - ours).keys())}\nfallback: {fast.fallback}"
    )
    custom = [r for r in fast.results if not str(r.component).startswith(str(SH))]
    for result in custom:
        key = _key(result, fast.path_graph)
        found = set().union(*(r.messages for r in reference if _key(r, report) == key))
        assert result.messages <= found, f"{key}: {result.messages - found} not from pySHACL"
    return list(fast.results)


# --- Every shape fixture -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_results_match_pyshacl(case: Case, base_graph: Graph, shapes_graph: Graph) -> None:
    data, fixture = fixture_graph(base_graph, case)
    focus = mentioned_nodes(fixture) | {expand(f) for _, f in case.expects}
    assert_same_as_pyshacl(data, shapes_graph, focus)


def test_every_shipped_shape_compiles(shapes_graph: Graph) -> None:
    components = ask_components(shapes_graph)
    assert components, "the skgsh:inScheme component was not recognised"
    unsupported = []
    for node in top_shapes(shapes_graph):
        try:
            read_shape(shapes_graph, node, components)
            targets_of(shapes_graph, node)
        except Unsupported as exc:
            unsupported.append(f"{node}: {exc}")
    assert len(top_shapes(shapes_graph)) > 30
    assert not unsupported, "\n".join(unsupported)


# --- Real and synthetic catalogues ---------------------------------------------------------


def test_real_catalogue_matches_pyshacl(real_catalogue: Catalogue) -> None:
    fast = validate_fast(real_catalogue.graph, real_catalogue.shapes)
    assert fast.fallback == {}
    assert_same_as_pyshacl(real_catalogue.graph, real_catalogue.shapes)


def _first(graph: Graph, cls: URIRef, index: int = 0) -> URIRef:
    found = sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))
    assert len(found) > index, f"the synthetic catalogue has too few {cls}"
    return found[index]


def _inject_errors(g: Graph) -> set[URIRef]:
    """Break the synthetic catalogue in many ways; returns the shapes that must fire."""
    svc = [_first(g, SKG.SmartService, i) for i in range(10)]
    city = [_first(g, SKG.LocalGovernment, i) for i in range(3)]
    cert = _first(g, SKG.Certification)
    figure = _first(g, SKG.OutcomeFigure)
    g.remove((svc[0], SKG.serviceType, None))  # minCount
    g.add((svc[1], SKG.provider, city[2]))  # maxCount
    g.set((svc[2], SKG.startYear, Literal("20x5", datatype=XSD.gYear)))  # ill-typed
    g.set((svc[3], SKG.startYear, Literal("2020", datatype=XSD.integer)))  # wrong datatype
    g.set((svc[4], SKG.provider, svc[5]))  # sh:class: a service is no government
    g.set((svc[5], SKG.provider, Literal("Seoul")))  # sh:class on a literal
    g.set((svc[6], SKG.serviceType, city[0]))  # skgsh:inScheme
    g.set((svc[7], SKG.startYear, Literal("2020", datatype=XSD.gYear)))
    g.set((svc[7], SKG.endYear, Literal("2010", datatype=XSD.gYear)))  # SPARQL rule
    g.add((city[0], RDFS.label, Literal("Ville", lang="fr")))  # languageIn
    g.add((city[1], RDFS.label, Literal("Second name", lang="EN")))  # uniqueLang, case-blind
    g.add((figure, SCHEMA.minValue, Literal("1.50", datatype=XSD.decimal)))  # alternativePath
    g.add((figure, SCHEMA.unitText, city[0]))  # nodeKind
    g.set((figure, SKG.measure, Literal("Bad Name", lang="en")))  # pattern on a literal
    g.set((cert, SKG.grade, Literal("-1", datatype=XSD.integer)))  # minInclusive
    g.add((_first(g, SKG.Certification, 1), SKG.grade, Literal("07", datatype=XSD.integer)))
    blank = BNode()  # a blank-node focus node: fails the IRI pattern and more
    g.add((blank, RDF.type, SKG.SmartService))
    g.add((blank, PROV.wasDerivedFrom, Literal("a literal source")))
    bad_city = URIRef(str(city[0]).rsplit("/", 1)[0] + "/Bad_Slug")
    for triple in list(g.triples((city[2], None, None))):
        g.add((bad_city, triple[1], triple[2]))  # a copy under an IRI that breaks the pattern
    top = next(iter(g.subject_objects(SKOS.topConceptOf)))
    g.remove((top[0], SKOS.topConceptOf, top[1]))  # sh:equals with skos:hasTopConcept
    g.add((svc[8], RDF.type, SKG.ServiceType))  # sh:hasValue scheme:service-types
    return {
        SKGSH[name]
        for name in (
            "SmartServiceShape-serviceType",
            "SmartServiceShape-provider",
            "SmartServiceShape-startYear",
            "SmartServiceShape",
            "ServicePeriodShape",
            "EntityLabelShape",
            "EntityProvenanceShape",
            "OutcomeFigureShape-quantity",
            "OutcomeFigureShape-unitText",
            "OutcomeFigureShape-measure",
            "CertificationShape-grade",
            "LocalGovernmentShape",
            "ConceptShape-topConceptOf",
            "ServiceTypeShape-inScheme",
        )
    }


def test_synthetic_catalogue_with_injected_errors_matches_pyshacl(tmp_path: Path) -> None:
    path = synth(LAYOUT, 200, 7, tmp_path / "synth.nt").output
    data = Graph()
    for source in (*LAYOUT.ontology_files(), *LAYOUT.vocab_files(), path):
        data.parse(source)
    shapes = Graph()
    for source in LAYOUT.shape_files():
        shapes.parse(source)
    assert_same_as_pyshacl(data, shapes)  # clean: agree on (next to) nothing
    must_fire = _inject_errors(data)
    results = assert_same_as_pyshacl(data, shapes)
    fired = {r.shape for r in results}
    assert must_fire <= fired, f"injected errors not reported: {sorted(must_fire - fired)}"
    # A pyoxigraph store with the same triples (no rdflib copy) gives the same results.
    store = ox.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    from_store = validate_fast(store, shapes)
    assert from_store.fallback == {}
    assert Counter(_blank_blind(r, from_store.path_graph) for r in from_store.results) == Counter(
        _blank_blind(r, shapes) for r in results
    )


def _blank_blind(result: ShaclResult, path_graph: Graph) -> Key:
    """The comparison key, with every blank node alike (loading anew renames them)."""
    return tuple("_:b" if isinstance(part, BNode) else part for part in _key(result, path_graph))


# --- Corner cases of pySHACL's semantics, one small graph each -----------------------------

PREFIXES = """\
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# (name, shapes, data, number of results): each count follows from the SHACL spec as pySHACL
# reads it, worked out by hand in the comment.
CORNER_CASES = [
    (
        "datatype: ill-typed, other datatype, IRI, langString, non-canonical integer",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:S-p .\n"
        'ex:S-p sh:path ex:p ; sh:datatype xsd:integer ; sh:message "int"@en , "정수"@ko .\n'
        "ex:L a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:l ;\n"
        '  sh:datatype rdf:langString ; sh:message "lang"@en .',
        # 3 bad values of ex:p ("x", 1.5, ex:a) + 1 bad ex:l ("plain")
        'ex:a a ex:C ; ex:p "x"^^xsd:integer , "1.5"^^xsd:decimal , ex:a , "007"^^xsd:integer ;\n'
        '  ex:l "plain" , "tagged"@en .',
        4,
    ),
    (
        "pattern with flags, on IRIs and on a blank-node focus",
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:pattern "^HTTP://EXAMPLE.ORG/OK" ;\n'
        '  sh:flags "i" ; sh:message "iri"@en ; sh:severity sh:Warning .',
        # ex:bad and the blank node fail; ex:ok matches case-blind
        "ex:ok a ex:C . ex:bad a ex:C . [] a ex:C .",
        2,
    ),
    (
        "class on literals and through subclasses, minCount 0, maxCount",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:S-p .\n"
        'ex:S-p sh:path ex:p ; sh:class ex:D ; sh:minCount 0 ; sh:maxCount 2 ; sh:message "p"@en .',
        # "lit" and ex:e fail sh:class; three values break maxCount 2
        "ex:E rdfs:subClassOf ex:D . ex:d a ex:E . ex:e a ex:C .\n"
        'ex:a a ex:C ; ex:p ex:d , "lit" , ex:e .',
        3,
    ),
    (
        "alternative and inverse paths, equals, hasValue, languageIn, uniqueLang",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n"
        "  sh:property ex:S-alt , ex:S-inv , ex:S-has , ex:S-lang .\n"
        "ex:S-alt sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:maxCount 1 ;\n"
        '  sh:message "alt"@en .\n'
        'ex:S-inv sh:path [ sh:inversePath ex:r ] ; sh:equals ex:s ; sh:message "inv"@en .\n'
        'ex:S-has sh:path ex:t ; sh:hasValue ex:x ; sh:message "has"@en .\n'
        'ex:S-lang sh:path ex:label ; sh:languageIn ( "en" ) ; sh:uniqueLang true ;\n'
        '  sh:message "lang"@en .',
        # alt: 1; inv: ex:b and ex:c differ both ways: 2; has: 1; languageIn "ko": 1;
        # uniqueLang "en"/"EN-gb" are different tags, "en"+"EN": 1
        "ex:a a ex:C ; ex:p 1 ; ex:q 2 ; ex:s ex:c ; ex:t ex:y ;\n"
        '  ex:label "a"@en , "b"@EN , "c"@ko , "d"@en-GB .\n'
        "ex:b ex:r ex:a .",
        6,
    ),
    (
        "SPARQL constraint: message template, ?path and ?value, blank-node focus, deactivated",
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;\n"
        '  sh:message "{$this} has {?value} on {?path}"@en , "값 {?value}"@ko ;\n'
        '  sh:sparql [ sh:select """SELECT $this ?path ?value WHERE {\n'
        '      $this ex:p ?value . FILTER (?value > 1) BIND (ex:p AS ?path) }""" ;\n'
        "    sh:prefixes ex:Prefixes ] ,\n"
        '  [ sh:deactivated true ; sh:select "SELECT $this WHERE { $this ex:p ?v }" ] .\n'
        "ex:Off a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:deactivated true ;\n"
        '  sh:message "off"@en ; sh:sparql [ sh:select "SELECT $this WHERE { }" ] .\n'
        'ex:Prefixes sh:declare [ sh:prefix "ex" ;\n'
        '  sh:namespace "http://example.org/"^^xsd:anyURI ] .',
        # ex:a 2, ex:a 3 and the blank node's 5; deactivated constraint and shape report nothing
        "ex:a ex:p 1 , 2 , 3 . [] ex:p 5 .",
        3,
    ),
    (
        "a shape the compiler does not support runs in pySHACL",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:S-p .\n"
        'ex:S-p sh:path ex:p ; sh:in ( 1 2 ) ; sh:minCount 1 ; sh:message "in"@en .',
        # 3 is not in the list; ex:b has no ex:p
        "ex:a a ex:C ; ex:p 1 , 3 . ex:b a ex:C .",
        2,
    ),
]


@pytest.mark.parametrize(
    ("shapes_ttl", "data_ttl", "count"),
    [pytest.param(s, d, n, id=name) for name, s, d, n in CORNER_CASES],
)
def test_corner_cases_match_pyshacl(shapes_ttl: str, data_ttl: str, count: int) -> None:
    shapes = Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    data = Graph().parse(data=PREFIXES + data_ttl, format="turtle")
    results = assert_same_as_pyshacl(data, shapes)
    assert len(results) == count, "\n".join(map(str, results))
    compiled = "sh:in" in shapes_ttl or not validate_fast(data, shapes).fallback
    assert compiled, validate_fast(data, shapes).fallback


def test_unsupported_shapes_are_named_as_fallback() -> None:
    name, shapes_ttl, data_ttl, _ = CORNER_CASES[-1]
    shapes = Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    data = Graph().parse(data=PREFIXES + data_ttl, format="turtle")
    fast = validate_fast(data, shapes)
    assert list(fast.fallback) == [URIRef("http://example.org/S")], name
    assert "sh:in" in next(iter(fast.fallback.values()))


# --- Copying rdflib graphs into pyoxigraph -------------------------------------------------


def test_literals_read_back_as_written() -> None:
    ex = "http://example.org/"
    data = Graph()
    written = [
        Literal("1.50", datatype=XSD.decimal),  # oxigraph stores "1.5"
        Literal("4.0", datatype=XSD.decimal),  # oxigraph stores "4"
        Literal("2025Z", datatype=XSD.gYear),
        Literal("x", datatype=XSD.integer),  # ill-typed: stored as is
        Literal("plain"),
        Literal("태그", lang="ko"),
    ]
    for index, literal in enumerate(written):
        data.add((URIRef(f"{ex}s{index}"), URIRef(f"{ex}p"), literal))
    mirror = mirror_graph(data)
    stored = {mirror.to_rdflib(q.object) for q in mirror.store}
    assert stored == set(written)


def test_literals_written_two_ways_are_ambiguous_or_unmirrorable() -> None:
    ex = "http://example.org/"
    # rdflib keeps both forms of this decimal; oxigraph stores both as "1.5"
    one, other = Literal("1.5", datatype=XSD.decimal), Literal("1.50", datatype=XSD.decimal)
    apart = Graph()
    apart.add((URIRef(f"{ex}a"), URIRef(f"{ex}p"), one))
    apart.add((URIRef(f"{ex}b"), URIRef(f"{ex}p"), other))
    mirror = mirror_graph(apart)
    with pytest.raises(AmbiguousTerm):
        mirror.to_rdflib(next(iter(mirror.store)).object)
    together = Graph()
    together.add((URIRef(f"{ex}a"), URIRef(f"{ex}p"), one))
    together.add((URIRef(f"{ex}a"), URIRef(f"{ex}p"), other))
    with pytest.raises(NotMirrorable):
        mirror_graph(together)
