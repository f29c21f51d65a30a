"""``/``: where to start (query UI, planner, network, ontology, vocabularies, cities, sources),
and ``/stats``: how big and how complete the catalogue is (:mod:`smartkg.stats`)."""

from __future__ import annotations

from smartkg.engine import SparqlEngine
from smartkg.namespaces import SKG, sparql_prefixes
from smartkg.stats import Kind, Stats
from smartkg.web.html import attr, esc, label_html, table
from smartkg.web.index import GraphIndex
from smartkg.web.layout import page
from smartkg.web.links import local_href
from smartkg.web.schemes import SCHEMES_QUERY

__all__ = ["STATS_PATH", "home_html", "stats_html"]

STATS_PATH = "/stats"

_CITIES = (
    sparql_prefixes("rdf", "skg")
    + """
SELECT ?class ?city (COUNT(DISTINCT ?service) AS ?services)
WHERE {
  ?city rdf:type ?class .
  OPTIONAL { ?service skg:provider ?city ; rdf:type skg:SmartService }
}
GROUP BY ?class ?city
"""
)
_SOURCES = (
    sparql_prefixes("rdf", "skg", "dct")
    + """
SELECT ?class ?source ?issued
WHERE { ?source rdf:type ?class . OPTIONAL { ?source dct:issued ?issued } }
ORDER BY ?issued ?source
"""
)


def _sort_key(index: GraphIndex, iri: str) -> tuple[str, str]:
    labels = index.label(iri)
    return ((labels.en or labels.ko or iri).casefold(), iri)


def home_html(engine: SparqlEngine, index: GraphIndex) -> str:
    cities = sorted(
        engine.select(_CITIES, {"class": SKG.LocalGovernment})[1],
        key=lambda row: _sort_key(index, row[1]),
    )
    city_items = "".join(
        f"<li>{label_html(city, index.label(city))} <small>({esc(services)} services)</small></li>"
        for _, city, services in cities
    )
    schemes = engine.select(SCHEMES_QUERY)[1]
    scheme_items = "".join(
        f"<li>{label_html(scheme, index.label(scheme))} <small>({esc(count)} concepts)</small></li>"
        for scheme, count in sorted(schemes, key=lambda row: _sort_key(index, row[0]))
    )
    sources = engine.select(_SOURCES, {"class": SKG.SourceDocument})[1]
    source_items = "".join(
        f"<li>{label_html(source, index.label(source))}"
        + (f" <small>({esc(issued)})</small>" if issued else "")
        + "</li>"
        for _, source, issued in sources
    )
    body = f"""<h1>Smart cities of Korea
<span lang="ko" class="label-ko">대한민국 스마트도시</span></h1>
<p class="lead">An open knowledge graph of the cities MOLIT certifies as smart cities, the smart
services they run and the documents that report them — built to help services proven in one city
spread to others.</p>
<form method="get" action="/planner" class="quick">
<label for="quick-city">Plan replication for a city</label>
<input id="quick-city" name="city" placeholder="구로구 or Guro-gu">
<button type="submit">Open the planner</button>
</form>
<ul class="cards">
<li><a href="/yasgui"><strong>Query</strong> the catalogue with SPARQL (YASGUI), starting from
ready questions</a></li>
<li><a href="/planner"><strong>Replication planner</strong>: similar cities, service types
to adopt, cities to adopt a type — with reasons</a></li>
<li><a href="/network"><strong>Network</strong> of cities, service types and domains</a></li>
<li><a href="/ontology"><strong>Ontology</strong>: every class and property, in English and
Korean</a></li>
<li><a href="{STATS_PATH}"><strong>Statistics</strong>: entities per class and how complete
their labels and sources are</a></li>
<li><a href="/sparql"><strong>SPARQL endpoint</strong> <code>/sparql</code> (SPARQL 1.1
Protocol) for programs</a></li>
</ul>
<div class="columns-3">
<section><h2>Cities ({len(cities)})</h2><ul>{city_items}</ul></section>
<section><h2>Vocabularies ({len(schemes)})</h2><ul>{scheme_items}</ul></section>
<section><h2>Sources ({len(sources)})</h2><ul>{source_items}</ul>
<p><small>Every entity's page lists the documents it is derived from.</small></p></section>
</div>
<p>Entities are named by IRIs such as <code>https://w3id.org/smartkg/id/city/guro-gu</code>;
this server answers each at <a href="/id/city/guro-gu"><code>/id/city/guro-gu</code></a>, as a
page or, on request, as Turtle or JSON-LD.</p>
"""
    return page("Home", body, current="/")


_STATS_HEADERS = ("kind", "class or scheme", "entities", "Korean label", "English label", "source")


def stats_html(stats: Stats | None, index: GraphIndex) -> str:
    if stats is None:
        body = (
            "<h1>Statistics</h1><p>The statistics are computed from the catalogue's source "
            "files (<code>ontology/</code>, <code>data/</code>), which this server was not "
            "started with. Run <code>smartkg stats</code> in the repository.</p>"
        )
        return page("Statistics", body, current=STATS_PATH)
    rows = []
    for row in stats.rows:
        term = str(row.term)
        name = f"<code>{esc(row.name)}</code>"
        href = local_href(term)
        named = f"<a href={attr(href)}>{name}</a>" if href else name
        labels = index.label(term)
        rows.append(
            [
                esc(row.kind.value),
                named + (f"<br><small>{esc(labels.en)}</small>" if labels.en else ""),
                f'<span class="num">{row.entities}</span>',
                f'<span class="num">{row.label_ko}</span>',
                f'<span class="num">{row.label_en}</span>',
                f'<span class="num">{row.derived_from}</span>',
            ]
        )
    classes = sum(1 for r in stats.rows if r.kind is Kind.CLASS)
    body = f"""<h1>Statistics</h1>
<p class="lead">{stats.triples} triples from {stats.files} files: {classes} classes and
{len(stats.rows) - classes} concept schemes. For each, how many entities it has and how many
carry a Korean label, an English label and a source (<code>prov:wasDerivedFrom</code>). The same
table is printed by <code>smartkg stats</code>.</p>
{table(_STATS_HEADERS, rows, css="stats")}
"""
    return page("Statistics", body, current=STATS_PATH)
