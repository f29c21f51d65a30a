"""The web interface in-process: every route, the query page, the ontology, static files, and
no resource loaded from another origin."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from smartkg.namespaces import RDF, RDFS, SKG, SKOS
from smartkg.querying import load_queries
from smartkg.web import WebApp, WebResponse
from smartkg.web.links import ONTOLOGY_IRI, entity_iri, local_href
from smartkg.web.static import PACKAGE_STATIC, StaticFiles

REPO_ROOT = Path(__file__).resolve().parents[1]

PAGES = ["/", "/stats", "/yasgui", "/planner", "/network", "/ontology", "/id/city/guro-gu"]


@pytest.fixture(scope="module")
def web() -> WebApp:
    return WebApp(REPO_ROOT)


def get(web: WebApp, path: str, accept: str | None = None, **params: str) -> WebResponse:
    answer = web.handle("GET", path, {k.replace("_", "-"): [v] for k, v in params.items()}, accept)
    assert answer is not None, f"{path} is not answered by the web app"
    return answer


class _Resources(HTMLParser):
    """Every resource a page makes the browser load (not plain links)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.lang_ko = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        loads = tag in ("script", "img", "iframe", "source", "audio", "video", "embed")
        if loads and values.get("src"):
            self.loaded.append((tag, str(values["src"])))
        if tag == "link" and values.get("href"):
            self.loaded.append((tag, str(values["href"])))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if values.get("lang") == "ko":
            self.lang_ko += 1


def _resources(html: str) -> _Resources:
    parser = _Resources()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_html(web: WebApp, path: str) -> None:
    answer = get(web, path)
    assert answer.status == 200
    assert answer.content_type == "text/html; charset=utf-8"
    assert answer.text.startswith("<!doctype html>")
    assert '<html lang="en">' in answer.text


def test_paths_of_others_are_left_alone(web: WebApp) -> None:
    for path in ("/sparql", "/favicon.ico", "/sparqlx", "/identity"):
        assert web.handle("GET", path) is None


def test_only_get_and_head(web: WebApp) -> None:
    answer = web.handle("POST", "/planner")
    assert answer is not None and answer.status == 405
    assert answer.header("Allow") == "GET, HEAD"
    head = web.handle("HEAD", "/")
    assert head is not None and head.status == 200


def test_query_redirects_to_yasgui(web: WebApp) -> None:
    answer = get(web, "/query")
    assert answer.status == 303
    assert answer.header("Location") == "/yasgui"


def test_home_links_everything(web: WebApp) -> None:
    links = _resources(get(web, "/").text).links
    for target in ("/yasgui", "/planner", "/network", "/ontology", "/stats", "/sparql"):
        assert target in links
    assert "/id/city/guro-gu" in links
    assert "/id/scheme/service-types" in links
    assert "/id/source/guro-2025-news" in links


def test_stats_table(web: WebApp) -> None:
    text = get(web, "/stats").text
    assert "<code>skg:LocalGovernment</code>" in text
    assert 'href="/ontology#LocalGovernment"' in text


# --------------------------------------------------------------------------- query page


def _embedded_queries(html: str) -> list[dict[str, str]]:
    match = re.search(
        r'<script type="application/json" id="smartkg-queries">(.*?)</script>', html, re.DOTALL
    )
    assert match, "the queries are not embedded"
    data: list[dict[str, str]] = json.loads(match.group(1))
    return data


def test_query_page_offers_every_catalogue_query(web: WebApp) -> None:
    html = get(web, "/yasgui").text
    embedded = {q["name"]: q for q in _embedded_queries(html)}
    named = load_queries(REPO_ROOT)
    competency = sorted(p.stem for p in (REPO_ROOT / "queries" / "cq").glob("*.rq"))
    assert named and competency
    assert set(embedded) == set(named) | set(competency)
    for name, query in named.items():
        assert embedded[name]["text"] == query.text
        assert embedded[name]["title"] == query.title
        assert f'data-query="{name}"' in html
    assert embedded["cq02-guro-services"]["title"] == "What Guro-gu runs"


def test_query_page_points_at_the_local_endpoint(web: WebApp) -> None:
    html = get(web, "/yasgui").text
    assert 'data-endpoint="/sparql"' in html
    loaded = _resources(html).loaded
    assert ("script", "/static/vendor/yasgui/yasgui.min.js") in loaded
    assert ("link", "/static/vendor/yasgui/yasgui.min.css") in loaded
    assert ("script", "/static/query.js") in loaded


def test_query_page_selects_and_runs_a_query(web: WebApp) -> None:
    html = get(web, "/yasgui", query="cq02-guro-services", run="1").text
    assert 'data-initial="cq02-guro-services"' in html
    assert 'data-run="true"' in html
    default = get(web, "/yasgui").text
    assert 'data-initial="services-of-city"' in default
    assert "data-run" not in default


def test_embedded_json_cannot_close_the_script(web: WebApp) -> None:
    html = get(web, "/yasgui").text
    block = html.split('id="smartkg-queries">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block


def test_offline_autocompleters_only() -> None:
    script = (PACKAGE_STATIC / "query.js").read_text(encoding="utf-8")
    assert '["prefixes", "variables"]' in script
    assert "persistenceId: null" in script


# --------------------------------------------------------------------------- ontology


def test_ontology_page_has_every_term_in_both_languages(web: WebApp) -> None:
    html = get(web, "/ontology").text
    terms = web.ontology.terms
    assert len(terms) > 50
    for term in terms:
        fragment = str(term)[len(str(SKG)) :]
        assert f'id="{fragment}"' in html, term
        labels = web.index.label(str(term))
        assert labels.en and labels.ko, f"{term} lacks a label"
        assert labels.ko in html


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
@pytest.mark.parametrize(
    ("accept", "fmt", "rdflib_format"),
    [("text/turtle", None, "turtle"), (None, "jsonld", "json-ld"), (None, "nt", "nt")],
)
def test_ontology_as_rdf(
    web: WebApp, accept: str | None, fmt: str | None, rdflib_format: str
) -> None:
    params = {"format": fmt} if fmt else {}
    answer = get(web, "/ontology", accept, **params)
    assert answer.status == 200
    graph = Graph().parse(data=answer.body, format=rdflib_format)
    assert (ONTOLOGY_IRI, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in graph
    assert (SKG.LocalGovernment, RDFS.label, Literal("지방자치단체", lang="ko")) in graph
    assert (SKG.LocalGovernment, RDFS.label, Literal("Local government", lang="en")) in graph
    for term in web.ontology.terms:
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph


# --------------------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("iri", "href"),
    [
        ("https://w3id.org/smartkg/id/city/guro-gu", "/id/city/guro-gu"),
        ("https://w3id.org/smartkg/id/scheme/service-types", "/id/scheme/service-types"),
        ("https://w3id.org/smartkg/ontology#LocalGovernment", "/ontology#LocalGovernment"),
        ("https://w3id.org/smartkg/ontology", "/ontology"),
        ("http://www.w3.org/2004/02/skos/core#Concept", None),
        ("https://w3id.org/smartkg/id/", None),
    ],
)
def test_local_href(iri: str, href: str | None) -> None:
    assert local_href(iri) == href


@pytest.mark.parametrize(
    ("path", "iri"),
    [
        ("/id/city/guro-gu", "https://w3id.org/smartkg/id/city/guro-gu"),
        ("/id/city/guro-gu/", "https://w3id.org/smartkg/id/city/guro-gu"),
        ("/id/../etc/passwd", None),
        ("/id/city/<script>", None),
        ("/id/", None),
        ("/ids/city", None),
    ],
)
def test_entity_iri(path: str, iri: str | None) -> None:
    found = entity_iri(path)
    assert (str(found) if found else None) == iri


# --------------------------------------------------------------------------- static files


def test_static_package_files(web: WebApp) -> None:
    css = get(web, "/static/smartkg.css")
    assert css.status == 200 and css.content_type.startswith("text/css")
    js = get(web, "/static/network.js")
    assert js.status == 200 and js.content_type.startswith("text/javascript")


@pytest.mark.parametrize(
    "path",
    ["/static/../app.py", "/static/%2e%2e/app.py", "/static/", "/static/.hidden", "/static/x.css"],
)
def test_static_refuses_what_is_not_a_file_inside(web: WebApp, path: str) -> None:
    assert get(web, path).status == 404


def test_static_vendor_files(tmp_path: Path) -> None:
    (tmp_path / "yasgui").mkdir()
    (tmp_path / "yasgui" / "yasgui.min.js").write_text("var Yasgui;", encoding="utf-8")
    files = StaticFiles(tmp_path)
    found = files.respond("/static/vendor/yasgui/yasgui.min.js")
    assert found.status == 200 and found.body == b"var Yasgui;"
    missing = files.respond("/static/vendor/cytoscape/cytoscape.min.js")
    assert missing.status == 404 and "make assets" in missing.text
    assert files.respond("/static/vendor/../smartkg.css").status == 404


# --------------------------------------------------------------------------- no CDN

_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]?([^'\";\s]+)", re.IGNORECASE)
_CDN_HOSTS = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|"
    r"googleapis\.com|gstatic\.com|code\.jquery\.com|bootstrapcdn\.com)",
    re.IGNORECASE,
)


def _served_pages(web: WebApp) -> dict[str, str]:
    pages = {path: get(web, path).text for path in PAGES}
    pages["/planner?city=guro"] = get(web, "/planner", city="guro").text
    pages["/planner?service-type=smart-shelter"] = get(
        web, "/planner", service_type="smart-shelter"
    ).text
    for path in (
        "/id/scheme/service-types",
        "/id/service-type/smart-shelter",
        "/id/source/guro-2025-news",
    ):
        pages[path] = get(web, path).text
    return pages


def test_pages_load_nothing_from_another_origin(web: WebApp) -> None:
    stylesheets: set[str] = set()
    scripts: set[str] = set()
    for path, html in _served_pages(web).items():
        resources = _resources(html)
        for tag, source in resources.loaded:
            assert not _ABSOLUTE.match(source), f"{path} loads {source} ({tag})"
            assert source.startswith("/"), f"{path} loads {source} relative to the page"
            (scripts if tag == "script" else stylesheets).add(source)
        styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL)
        for style in styles:
            for match in _CSS_URL.finditer(style):
                assert not _ABSOLUTE.match(match.group(1) or match.group(2))
    assert "/static/vendor/cytoscape/cytoscape.min.js" in scripts
    assert "/static/smartkg.css" in stylesheets
    own = [p for p in scripts | stylesheets if not p.startswith("/static/vendor/")]
    for path in own:
        text = get(web, path).text
        assert not re.search(r"https?://", text), f"{path} names an absolute URL"


def test_vendored_files_load_nothing_from_a_cdn() -> None:
    vendor = REPO_ROOT / "build" / "static" / "vendor"
    files = sorted(vendor.rglob("*.css")) + sorted(vendor.rglob("*.js"))
    if not files:
        pytest.skip("the web libraries are not vendored yet (make assets)")
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not _CDN_HOSTS.search(text), f"{path} names a CDN"
        if path.suffix == ".css":
            for match in _CSS_URL.finditer(text):
                target = match.group(1) or match.group(2)
                assert not re.match(r"^(?:https?:)?//", target), f"{path} loads {target}"


def test_korean_text_is_marked(web: WebApp) -> None:
    for path in ("/", "/id/city/guro-gu", "/planner?city=guro", "/ontology"):
        base, _, query = path.partition("?")
        params = dict(pair.split("=") for pair in query.split("&")) if query else {}
        resources = _resources(get(web, base, **params).text)
        assert resources.lang_ko > 0, f"{path} marks no Korean text"


def test_concept_labels_come_from_the_index(web: WebApp) -> None:
    labels = web.index.label("https://w3id.org/smartkg/id/service-type/smart-shelter")
    assert labels.en and labels.ko
    assert web.index.has_type(
        "https://w3id.org/smartkg/id/service-type/smart-shelter", SKOS.Concept
    )
