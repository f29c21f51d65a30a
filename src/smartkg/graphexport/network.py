"""The network of cities, service types, domains and programmes, as a networkx graph.

One builder serves the web page ``/network`` (:mod:`smartkg.web.network`), ``smartkg export
--format graphml|gexf|cytoscape`` and the network figure. Everything is read through SPARQL:

- a node per city (every ``skg:LocalGovernment``, or only those that run a service), per
  service type those cities run, per domain of those services and, optionally, per funding
  programme a city was selected for;
- edges ``runs`` (city → service type, weight = number of services), ``in-domain`` (service
  type → domain, weight = number of services), ``selected-for`` (city → programme, weight =
  number of projects) and, optionally, ``similar-to`` (city ↔ city, weight = the replication
  planner's similarity, the same number ``smartkg similar`` prints; symmetric, stored once from
  the smaller IRI to the larger).

Node attributes are scalars (str, int, float), so that GraphML and GEXF keep them: ``kind``,
``label`` (English, else Korean, else the slug), ``label_en``, ``label_ko``, ``domain`` (IRI of
the top-level domain: a type's is the one most of its services belong to), ``colour``,
``size_class`` and ``province`` (IRIs), ``certification_years`` (the round years, ascending,
joined with ``;``), ``certification_count``, ``call_year`` (programmes), ``x`` and ``y``
(Kamada-Kawai positions, deterministic). An attribute a node does not have is left out, never
written as an empty value. Edge attributes: ``id``, ``kind``, ``weight`` (float).

Nodes are in (kind, IRI) order and edges in (kind, source, target) order, so every export of
the same catalogue is byte-identical.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from smartkg.engine import SparqlEngine
from smartkg.labels import Labels
from smartkg.namespaces import SCHEME, sparql_prefixes
from smartkg.shared_queries import CITIES_QUERY, instances_query, read_labels

__all__ = [
    "CITY_COLOUR",
    "KIND_ORDER",
    "OTHER_COLOUR",
    "PALETTE",
    "PROGRAMME_COLOUR",
    "LegendEntry",
    "Network",
    "build_graph",
    "cytoscape_network",
    "read_labels",
    "slug_of",
]

CITY_COLOUR = "#3b3b3b"
PROGRAMME_COLOUR = "#6b4c9a"
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
#: Node kinds in the order nodes are listed.
KIND_ORDER = ("city", "service-type", "domain", "programme")
#: Edge kinds in the order edges are listed.
EDGE_ORDER = ("runs", "in-domain", "selected-for", "similar-to")


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

_CONCEPTS = (
    sparql_prefixes("skos")
    + """
SELECT ?scheme ?concept ?broader
WHERE {
  ?concept skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:broader ?broader . ?broader skos:inScheme ?scheme }
}
"""
)

_CERTIFICATIONS = instances_query(
    "certification",
    "skg:Certification",
    required={"city": "skg:certifiedCity"},
    optional={"year": "skg:roundYear"},
)

_PROJECTS = (
    sparql_prefixes("rdf", "skg")
    + """
SELECT ?project ?city ?programme ?call
WHERE {
  ?project rdf:type skg:DevelopmentProject ; skg:selectedCity ?city ;
           skg:inTrack/skg:ofProgramme ?programme .
  OPTIONAL { ?programme skg:callYear ?call }
}
"""
)


def slug_of(iri: str) -> str:
    """The last path segment (or fragment) of ``iri``: ``city/guro-gu`` gives ``guro-gu``."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


def top_domains(engine: SparqlEngine) -> dict[str, str]:
    """Each domain → its top-level domain (itself for a top concept)."""
    children: dict[str, set[str]] = defaultdict(set)
    concepts: set[str] = set()
    for _, concept, broader in engine.select(_CONCEPTS, {"scheme": SCHEME.domains})[1]:
        concepts.add(concept)
        if broader:
            children[broader].add(concept)
    has_parent = {child for found in children.values() for child in found}
    found: dict[str, str] = {}

    def walk(node: str, top: str) -> None:
        if node in found:
            return
        found[node] = top
        for child in sorted(children.get(node, ())):
            walk(child, top)

    for top in sorted(concepts - has_parent):
        walk(top, top)
    return found


def domain_colours(top_of: Mapping[str, str]) -> dict[str, str]:
    """A colour per top-level domain, in IRI order."""
    return {top: PALETTE[i % len(PALETTE)] for i, top in enumerate(sorted(set(top_of.values())))}


KAMADA_KAWAI_MAX_NODES = 500
"""Above this many nodes the layout is Fruchterman-Reingold: Kamada-Kawai's all-pairs distances
take minutes on a national catalogue (134 s for 1,588 nodes, against 11 s)."""


def _positions(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Kamada-Kawai positions (deterministic: it starts from a circle), or seeded
    Fruchterman-Reingold ones for large graphs; scaled for Cytoscape."""
    if graph.number_of_nodes() == 0:
        return {}
    undirected = graph.to_undirected(as_view=True)
    if graph.number_of_nodes() > KAMADA_KAWAI_MAX_NODES:
        layout = nx.spring_layout(undirected, weight=None, seed=0)
    else:
        layout = nx.kamada_kawai_layout(undirected, weight=None)
    scale = 60.0 * max(1.0, graph.number_of_nodes() ** 0.5)
    return {
        node: (round(float(x) * scale, 1), round(float(y) * scale, 1))
        for node, (x, y) in layout.items()
    }


def _year(cell: str) -> int | None:
    return int(cell[:4]) if cell[:4].isdigit() else None


def build_graph(
    engine: SparqlEngine,
    *,
    programmes: bool = True,
    all_cities: bool = True,
    similarity: Mapping[tuple[str, str], float] | None = None,
    labels: Mapping[str, Labels] | None = None,
) -> nx.DiGraph:
    """The network as a :class:`networkx.DiGraph` with the attributes of the module
    docstring, nodes and edges in a fixed order.

    ``programmes`` adds the funding programmes and ``selected-for`` edges; ``all_cities`` keeps
    cities that run no service (else only cities with a service are nodes); ``similarity``
    (``(city, city) → score``, each pair once) adds ``similar-to`` edges between city nodes.
    Positions are computed before the similarity edges are added, so they do not move them.
    """
    names = dict(labels) if labels is not None else read_labels(engine)
    top_of = top_domains(engine)
    colours = domain_colours(top_of)

    runs: Counter[tuple[str, str]] = Counter()
    type_domains: Counter[tuple[str, str]] = Counter()
    type_tops: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[str, str, str]] = set()
    for service, city, service_type, domain in sorted(engine.select(_RUNS)[1]):
        if (service, city, service_type) not in seen:
            seen.add((service, city, service_type))
            runs[(city, service_type)] += 1
        if domain:
            type_domains[(service_type, domain)] += 1
            type_tops[service_type][top_of.get(domain, domain)] += 1

    attrs: dict[str, dict[str, Any]] = {}

    def node(iri: str, kind: str) -> dict[str, Any]:
        if iri not in attrs:
            name = names.get(iri, Labels())
            found: dict[str, Any] = {"kind": kind, "label": name.en or name.ko or slug_of(iri)}
            if name.en:
                found["label_en"] = name.en
            if name.ko:
                found["label_ko"] = name.ko
            attrs[iri] = found
        return attrs[iri]

    cities_with_services = {city for city, _ in runs}
    for city, size, province in engine.select(CITIES_QUERY)[1]:
        if not all_cities and city not in cities_with_services:
            continue
        data = node(city, "city")
        data["colour"] = CITY_COLOUR
        if size:
            data["size_class"] = size
        if province:
            data["province"] = province
    years: dict[str, set[int]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for _, city, year in engine.select(_CERTIFICATIONS)[1]:
        counts[city] += 1
        if (found_year := _year(year)) is not None:
            years[city].add(found_year)
    for city, data in attrs.items():
        if counts[city]:
            data["certification_count"] = counts[city]
            if years[city]:
                data["certification_years"] = ";".join(str(y) for y in sorted(years[city]))

    edges: list[tuple[str, str, str, float]] = []
    for (city, service_type), weight in runs.items():
        if city in attrs:
            node(service_type, "service-type")
            edges.append(("runs", city, service_type, float(weight)))
    for (service_type, domain), weight in type_domains.items():
        if service_type in attrs:
            node(domain, "domain")
            edges.append(("in-domain", service_type, domain, float(weight)))
    if programmes:
        selected: Counter[tuple[str, str]] = Counter()
        for _, city, programme, call in sorted(engine.select(_PROJECTS)[1]):
            if city not in attrs:
                continue
            data = node(programme, "programme")
            data["colour"] = PROGRAMME_COLOUR
            if (call_year := _year(call)) is not None:
                data["call_year"] = call_year
            selected[(city, programme)] += 1
        edges.extend(("selected-for", c, p, float(w)) for (c, p), w in selected.items())

    for iri, data in attrs.items():
        if data["kind"] == "domain":
            top: str | None = top_of.get(iri)
        elif data["kind"] == "service-type":
            tops = type_tops.get(iri)
            top = min(tops, key=lambda t: (-tops[t], t)) if tops else None
        else:
            continue
        if top is not None:
            data["domain"] = top
        data["colour"] = colours.get(top, OTHER_COLOUR) if top else OTHER_COLOUR

    graph = nx.DiGraph()
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    for iri in sorted(attrs, key=lambda n: (order[attrs[n]["kind"]], n)):
        graph.add_node(iri, **attrs[iri])
    edge_order = {kind: i for i, kind in enumerate(EDGE_ORDER)}
    for kind, source, target, count in sorted(edges, key=lambda e: (edge_order[e[0]], e[1], e[2])):
        graph.add_edge(source, target, id=f"{kind}|{source}|{target}", kind=kind, weight=count)
    for iri, (x, y) in _positions(graph).items():
        graph.nodes[iri]["x"], graph.nodes[iri]["y"] = x, y
    for (a, b), score in sorted((similarity or {}).items()):
        source, target = sorted((a, b))
        if source in attrs and target in attrs and source != target:
            graph.add_edge(
                source,
                target,
                id=f"similar-to|{source}|{target}",
                kind="similar-to",
                weight=round(float(score), 4),
            )
    return graph


@dataclass(frozen=True)
class LegendEntry:
    domain: str
    colour: str


@dataclass(frozen=True)
class Network:
    """Cytoscape.js elements and the legend (what ``/network.json`` serves)."""

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


def cytoscape_network(graph: nx.DiGraph, href: Callable[[str], str] | None = None) -> Network:
    """``graph`` (from :func:`build_graph`) as Cytoscape.js elements: each node's data holds its
    attributes plus ``id``, ``en``, ``ko``, ``domain`` (null for cities and programmes),
    ``degree`` and, with ``href``, a link; ``x``/``y`` become its ``position``."""
    nodes = []
    for iri, attrs in graph.nodes(data=True):
        data: dict[str, Any] = {k: v for k, v in attrs.items() if k not in ("x", "y")}
        data.update(
            id=iri,
            en=attrs.get("label_en"),
            ko=attrs.get("label_ko"),
            domain=attrs.get("domain"),
            degree=graph.degree(iri),
        )
        if href is not None:
            data["href"] = href(iri)
        nodes.append(
            {"data": data, "position": {"x": attrs.get("x", 0.0), "y": attrs.get("y", 0.0)}}
        )
    edges = [
        {"data": {**attrs, "source": source, "target": target}}
        for source, target, attrs in graph.edges(data=True)
    ]
    used = sorted({str(d["data"]["domain"]) for d in nodes if d["data"]["domain"]})
    colour_of = {
        str(attrs["domain"]): str(attrs["colour"])
        for _, attrs in graph.nodes(data=True)
        if "domain" in attrs
    }
    legend = tuple(LegendEntry(top, colour_of[top]) for top in used if top in colour_of)
    return Network(tuple(nodes), tuple(edges), legend)
