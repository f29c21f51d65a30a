"""Linked-data pages: every catalogue IRI at /id/…, as HTML for browsers and as Turtle, JSON-LD
or N-Triples by content negotiation, each holding exactly the entity's triples."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from smartkg.catalogue import load_catalogue
from smartkg.engine import EmbeddedEngine
from smartkg.namespaces import CITY, ID, PROV, RDFS, SCHEME, SKOS, ST
from smartkg.web import WebApp, WebResponse
from smartkg.web.entity import EntityPages
from smartkg.web.index import build_index

REPO_ROOT = Path(__file__).resolve().parents[1]
GURO = CITY["guro-gu"]

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")


@pytest.fixture(scope="module")
def catalogue_graph() -> Graph:
    return load_catalogue(REPO_ROOT, include_shapes=False).graph


@pytest.fixture(scope="module")
def web(catalogue_graph: Graph) -> WebApp:
    return WebApp(REPO_ROOT, EmbeddedEngine.from_graph(catalogue_graph))


def get(web: WebApp, path: str, accept: str | None = None, fmt: str | None = None) -> WebResponse:
    answer = web.handle("GET", path, {"format": [fmt]} if fmt else {}, accept)
    assert answer is not None
    return answer


def _expected(graph: Graph, iri: URIRef) -> set[tuple[object, object, object]]:
    return {*graph.triples((iri, None, None)), *graph.triples((None, None, iri))}


def test_guro_gu_page_shows_both_languages(web: WebApp) -> None:
    html = get(web, "/id/city/guro-gu").text
    assert '<span class="label-en">Guro-gu</span>' in html
    assert '<span class="label-ko"><span lang="ko">구로구</span></span>' in html
    assert "<title>Guro-gu — smartkg</title>" in html


def test_guro_gu_page_links_related_entities_locally(web: WebApp) -> None:
    html = get(web, "/id/city/guro-gu").text
    for path in (
        "/id/region/seoul",
        "/id/city/seoul",
        "/id/size-class/small-medium",
        "/id/service/guro-gu-rehab-robot",
        "/id/certification/guro-gu-2025",
        "/ontology#LocalGovernment",
        "/planner?city=guro-gu",
    ):
        assert f'href="{path}"' in html, path
    assert f'href="{ID}' not in html, "a catalogue IRI is linked away from this server"
    assert "Referenced by" in html


def test_guro_gu_page_lists_its_sources(web: WebApp, catalogue_graph: Graph) -> None:
    html = get(web, "/id/city/guro-gu").text
    sources = set(catalogue_graph.objects(GURO, PROV.wasDerivedFrom))
    assert len(sources) == 3
    section = html.split('<section class="sources">', 1)[1].split("</section>", 1)[0]
    for source in sources:
        assert f'href="/id/source/{str(source).rsplit("/", 1)[-1]}"' in section
        file_name = catalogue_graph.value(
            source, URIRef("https://w3id.org/smartkg/ontology#fileName")
        )
        assert file_name is not None and str(file_name) in section
    assert "구로구, 2025년 스마트도시 인증 획득" in section


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type", "rdflib_format"),
    [
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("text/html", "ttl", "text/turtle", "turtle"),
        (None, "jsonld", "application/ld+json", "json-ld"),
        (None, "nt", "application/n-triples", "nt"),
    ],
)
@pytest.mark.parametrize("iri", [GURO, ID["service/guro-gu-rehab-robot"], ST["smart-shelter"]])
def test_rdf_holds_exactly_the_entity_triples(
    web: WebApp,
    catalogue_graph: Graph,
    iri: URIRef,
    accept: str | None,
    fmt: str | None,
    media_type: str,
    rdflib_format: str,
) -> None:
    path = "/id/" + str(iri)[len(str(ID)) :]
    answer = get(web, path, accept, fmt)
    assert answer.status == 200
    assert answer.content_type.split(";")[0] == media_type
    assert answer.header("Vary") == "Accept"
    parsed = Graph().parse(data=answer.body, format=rdflib_format)
    assert set(parsed) == _expected(catalogue_graph, iri)


def test_turtle_keeps_languages(web: WebApp) -> None:
    parsed = Graph().parse(data=get(web, "/id/city/guro-gu", "text/turtle").body, format="turtle")
    assert (GURO, RDFS.label, Literal("구로구", lang="ko")) in parsed
    assert (GURO, RDFS.label, Literal("Guro-gu", lang="en")) in parsed


def test_html_names_its_alternates(web: WebApp) -> None:
    answer = get(web, "/id/city/guro-gu", "text/html")
    links = [value for name, value in answer.headers if name == "Link"]
    assert any('type="text/turtle"' in link for link in links)
    assert any('type="application/ld+json"' in link for link in links)
    assert 'rel="alternate" type="text/turtle"' in answer.text


def test_unacceptable_type_is_406(web: WebApp) -> None:
    answer = get(web, "/id/city/guro-gu", "image/png")
    assert answer.status == 406
    assert "text/turtle" in answer.text


@pytest.mark.parametrize(
    "path", ["/id/city/atlantis", "/id/nothing", "/id/../../etc/passwd", "/id/city/a%20b"]
)
def test_unknown_path_is_a_404_page(web: WebApp, path: str) -> None:
    answer = get(web, path)
    assert answer.status == 404
    assert answer.content_type.startswith("text/html")
    assert "Not found" in answer.text


def test_scheme_page_lists_every_concept(web: WebApp, catalogue_graph: Graph) -> None:
    html = get(web, "/id/scheme/service-types").text
    concepts = set(catalogue_graph.subjects(SKOS.inScheme, SCHEME["service-types"]))
    assert len(concepts) > 50
    tree = html.split('<ul class="tree">', 1)[1]
    for concept in concepts:
        assert f'href="/id/service-type/{str(concept).rsplit("/", 1)[-1]}"' in tree
    assert f"<h2>Concepts ({len(concepts)})</h2>" in html


def test_every_vocabulary_scheme_has_a_page(web: WebApp, catalogue_graph: Graph) -> None:
    schemes = set(catalogue_graph.subjects(None, SKOS.ConceptScheme))
    assert len(schemes) >= 10
    for scheme in schemes:
        answer = get(web, "/id/" + str(scheme)[len(str(ID)) :])
        assert answer.status == 200, scheme
        assert "<h2>Concepts" in answer.text


def test_service_type_page_links_to_the_planner(web: WebApp) -> None:
    html = get(web, "/id/service-type/smart-shelter").text
    assert 'href="/planner?service-type=smart-shelter"' in html
    assert "Smart shelter" in html


def test_every_entity_of_the_data_answers(web: WebApp, catalogue_graph: Graph) -> None:
    subjects = {s for s in catalogue_graph.subjects() if str(s).startswith(str(ID))}
    assert len(subjects) > 300
    for subject in sorted(subjects):
        answer = get(web, "/id/" + str(subject)[len(str(ID)) :])
        assert answer.status == 200, subject


def test_text_from_the_graph_is_escaped() -> None:
    graph = Graph()
    evil = ID["city/evil"]
    graph.add((evil, RDFS.label, Literal('<script>alert("x")</script>', lang="en")))
    graph.add((evil, RDFS.label, Literal("<b>악</b>", lang="ko")))
    graph.add((evil, RDFS.comment, Literal("a & b \" ' <i>")))
    graph.add((evil, RDFS.seeAlso, URIRef("https://example.org/?a=1&b='x'")))
    engine = EmbeddedEngine.from_graph(graph)
    pages = EntityPages(engine, build_index(engine))
    answer = pages.respond(evil, "/id/city/evil", None, None)
    html = answer.text
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "<b>악</b>" not in html and "&lt;b&gt;악&lt;/b&gt;" in html
    assert "<i>" not in html
    assert 'href="https://example.org/?a=1&amp;b=&#x27;x&#x27;"' in html


def test_vocabulary_download_holds_every_concept(web: WebApp, catalogue_graph: Graph) -> None:
    answer = get(web, "/id/scheme/domains", "text/turtle")
    parsed = Graph().parse(data=answer.body, format="turtle")
    concepts = set(catalogue_graph.subjects(SKOS.inScheme, SCHEME.domains))
    assert concepts
    for concept in concepts:
        assert set(catalogue_graph.triples((concept, None, None))) <= set(parsed), concept
    assert _expected(catalogue_graph, SCHEME.domains) <= set(parsed)
