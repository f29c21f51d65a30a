"""``/network``: cities, the service types they run and the domains of those types, as an
interactive graph (Cytoscape.js, served from this server), coloured by domain.

``/network.json`` holds the Cytoscape elements, built by :mod:`smartkg.graphexport.network`
(shared with ``smartkg export --format cytoscape``): a node
per city that runs a service, per service type it runs and per domain of those services; an
edge city → type (``runs``, weighted by the number of services) and type → domain (weighted
likewise). A type is coloured by the top-level domain most of its services belong to, a domain
by its top-level domain. Positions come from networkx's Kamada-Kawai layout (deterministic), so the
picture is the same on every load and the browser only draws it.
"""

from __future__ import annotations

from collections import Counter

from smartkg.engine import SparqlEngine
from smartkg.graphexport.network import (
    CITY_COLOUR,
    OTHER_COLOUR,
    PALETTE,
    LegendEntry,
    Network,
    build_graph,
    cytoscape_network,
)
from smartkg.web.html import attr, esc, label_html
from smartkg.web.index import GraphIndex
from smartkg.web.layout import page
from smartkg.web.links import local_href

__all__ = [
    "CITY_COLOUR",
    "NETWORK_JSON_PATH",
    "NETWORK_PATH",
    "OTHER_COLOUR",
    "PALETTE",
    "LegendEntry",
    "Network",
    "build_network",
    "network_html",
]

NETWORK_PATH = "/network"
NETWORK_JSON_PATH = "/network.json"
CYTOSCAPE_JS = "/static/vendor/cytoscape/cytoscape.min.js"
NETWORK_JS = "/static/network.js"


def build_network(engine: SparqlEngine, index: GraphIndex) -> Network:
    """The page's elements: cities that run a service, their service types and domains (the
    shared builder of :mod:`smartkg.graphexport.network`, without programmes), each node
    linked to its page."""
    graph = build_graph(engine, programmes=False, all_cities=False, labels=index.labels)
    return cytoscape_network(graph, href=lambda iri: local_href(iri) or iri)


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
