"""``/network``: cities, the service types they run and the domains of those types, as an
interactive graph (Cytoscape.js, served from this server), coloured by domain.

``/network.json`` holds the Cytoscape elements, built from the graph with one SELECT: a node
per city that runs a service, per service type it runs and per domain of those services; an
edge city → type (``runs``, weighted by the number of services) and type → domain (weighted
likewise). A type is coloured by the top-level domain most of its services belong to, a domain
by its top-level domain. Positions come from networkx's Kamada-Kawai layout (deterministic), so the
picture is the same on every load and the browser only draws it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from smartkg.engine import SparqlEngine
from smartkg.namespaces import SCHEME
from smartkg.replication.profiles import sparql_prefixes
from smartkg.web.html import attr, esc, label_html
from smartkg.web.index import GraphIndex
from smartkg.web.layout import page
from smartkg.web.links import local_href, slug_of
from smartkg.web.schemes import scheme_concepts

__all__ = ["NETWORK_JSON_PATH", "NETWORK_PATH", "Network", "build_network", "network_html"]

NETWORK_PATH = "/network"
NETWORK_JSON_PATH = "/network.json"
CYTOSCAPE_JS = "/static/vendor/cytoscape/cytoscape.min.js"
NETWORK_JS = "/static/network.js"

_RUNS = (
    sparql_prefixes("rdf", "skg")
    + """
SELECT ?service ?city ?type ?domain
WHERE {
  ?service rdf:type skg:SmartService ; skg:provider ?city ; skg:serviceType ?type .
  ?city rdf:type skg:LocalGovernment .
  OPTIONAL { ?service skg:domain ?domain }
}
"""
)

CITY_COLOUR = "#3b3b3b"
OTHER_COLOUR = "#9e9e9e"
#: Distinct colours for the top-level domains, in the order of their IRIs.
PALETTE = (  # Tableau 10, then the lighter Tableau 20 shades
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#ffbb78",
    "#98df8a",
    "#aec7e8",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
)


@dataclass(frozen=True)
class LegendEntry:
    domain: str
    colour: str


@dataclass(frozen=True)
class Network:
    """The Cytoscape elements and the legend."""

    nodes: tuple[dict[str, Any], ...]
    edges: tuple[dict[str, Any], ...]
    legend: tuple[LegendEntry, ...]

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "elements": {"nodes": list(self.nodes), "edges": list(self.edges)},
                    "legend": [{"domain": e.domain, "colour": e.colour} for e in self.legend],
                },
                ensure_ascii=False,
                indent=1,
                sort_keys=True,
            )
            + "\n"
        )


def _top_domains(engine: SparqlEngine) -> dict[str, str]:
    """Each domain → its top-level domain (itself for a top concept)."""
    tops, children = scheme_concepts(engine, SCHEME.domains)
    found: dict[str, str] = {}

    def walk(node: str, top: str) -> None:
        if node in found:
            return
        found[node] = top
        for child in children.get(node, []):
            walk(child, top)

    for top in tops:
        walk(top, top)
    return found


def _positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Kamada-Kawai positions (deterministic: it starts from a circle), scaled for Cytoscape."""
    if graph.number_of_nodes() == 0:
        return {}
    layout = nx.kamada_kawai_layout(graph, weight=None)
    scale = 60.0 * max(1.0, graph.number_of_nodes() ** 0.5)
    return {node: (float(x) * scale, float(y) * scale) for node, (x, y) in layout.items()}


def build_network(engine: SparqlEngine, index: GraphIndex) -> Network:
    top_of = _top_domains(engine)
    colours = {top: PALETTE[i % len(PALETTE)] for i, top in enumerate(sorted(set(top_of.values())))}
    runs: Counter[tuple[str, str]] = Counter()
    type_domains: Counter[tuple[str, str]] = Counter()
    type_tops: dict[str, Counter[str]] = defaultdict(Counter)
    seen_services: set[tuple[str, str, str]] = set()
    for service, city, service_type, domain in sorted(engine.select(_RUNS)[1]):
        if (service, city, service_type) not in seen_services:
            seen_services.add((service, city, service_type))
            runs[(city, service_type)] += 1
        if domain:
            type_domains[(service_type, domain)] += 1
            type_tops[service_type][top_of.get(domain, domain)] += 1

    graph = nx.Graph()
    kinds: dict[str, str] = {}
    for (city, service_type), weight in sorted(runs.items()):
        kinds[city], kinds[service_type] = "city", "service-type"
        graph.add_edge(city, service_type, weight=weight)
    for (service_type, domain), weight in sorted(type_domains.items()):
        kinds[domain] = "domain"
        graph.add_edge(service_type, domain, weight=weight)
    positions = _positions(graph)

    def colour_of(node: str, kind: str) -> tuple[str, str | None]:
        if kind == "city":
            return CITY_COLOUR, None
        if kind == "domain":
            top = top_of.get(node)
        else:
            counts = type_tops.get(node)
            top = min(counts, key=lambda t: (-counts[t], t)) if counts else None
        if top is None:
            return OTHER_COLOUR, None
        return colours.get(top, OTHER_COLOUR), top

    nodes = []
    for node in sorted(graph.nodes):
        kind = kinds[node]
        labels = index.label(node)
        colour, top = colour_of(node, kind)
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append(
            {
                "data": {
                    "id": node,
                    "label": labels.en or labels.ko or slug_of(node),
                    "en": labels.en,
                    "ko": labels.ko,
                    "kind": kind,
                    "domain": top,
                    "colour": colour,
                    "degree": graph.degree(node),
                    "href": local_href(node) or node,
                },
                "position": {"x": round(x, 1), "y": round(y, 1)},
            }
        )
    edges = []
    for (city, service_type), weight in sorted(runs.items()):
        edges.append(
            {
                "data": {
                    "id": f"runs|{city}|{service_type}",
                    "source": city,
                    "target": service_type,
                    "kind": "runs",
                    "weight": weight,
                }
            }
        )
    for (service_type, domain), weight in sorted(type_domains.items()):
        edges.append(
            {
                "data": {
                    "id": f"domain|{service_type}|{domain}",
                    "source": service_type,
                    "target": domain,
                    "kind": "in-domain",
                    "weight": weight,
                }
            }
        )
    used = sorted({n["data"]["domain"] for n in nodes if n["data"]["domain"]})
    legend = tuple(LegendEntry(top, colours[top]) for top in used if top in colours)
    return Network(tuple(nodes), tuple(edges), legend)


def network_html(network: Network, index: GraphIndex) -> str:
    legend = "".join(
        f'<li><span class="swatch" style="background:{esc(entry.colour)}"></span>'
        f"{label_html(entry.domain, index.label(entry.domain))}</li>"
        for entry in network.legend
    )
    counts = Counter(n["data"]["kind"] for n in network.nodes)
    cities = sorted(
        (n for n in network.nodes if n["data"]["kind"] == "city"),
        key=lambda n: str(n["data"]["label"]).casefold(),
    )
    city_links = ", ".join(
        label_html(n["data"]["id"], index.label(n["data"]["id"])) for n in cities
    )
    body = f"""<h1>Network of cities, service types and domains</h1>
<p class="lead">{counts["city"]} cities (dark), the {counts["service-type"]} service types they
run and the {counts["domain"]} domains of those services, coloured by domain. A line joins a city
to each type it runs, and a type to the domains of its services. Click a node to open its page;
drag to move, scroll to zoom.</p>
<div class="network">
<div id="cy" class="cy" role="img" aria-label="Network of cities, service types and domains"
 data-src={attr(NETWORK_JSON_PATH)} data-nodes="0" data-edges="0"></div>
<aside class="legend"><h2>Domains</h2><ul>{legend}
<li><span class="swatch city"></span>City</li></ul>
<p id="cy-info" class="info" aria-live="polite">Point at a node to see its names.</p>
</aside>
</div>
<noscript><p>The drawing needs JavaScript. The cities are: {city_links}.</p></noscript>
<p>The elements are also available as <a href="{NETWORK_JSON_PATH}">Cytoscape JSON</a>.</p>
"""
    return page(
        "Network", body, current=NETWORK_PATH, scripts=(CYTOSCAPE_JS, NETWORK_JS), wide=True
    )
