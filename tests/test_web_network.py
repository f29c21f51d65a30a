"""The network view: Cytoscape elements built from the graph, coloured by domain, the same on
every build, each node linked to its page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smartkg.engine import catalogue_engine
from smartkg.namespaces import SKG
from smartkg.web import WebApp
from smartkg.web.index import build_index
from smartkg.web.network import CITY_COLOUR, build_network

REPO_ROOT = Path(__file__).resolve().parents[1]

_CITIES_WITH_SERVICES = f"""
SELECT (COUNT(DISTINCT ?city) AS ?n) (COUNT(DISTINCT ?type) AS ?t)
WHERE {{ ?s a <{SKG.SmartService}> ; <{SKG.provider}> ?city ; <{SKG.serviceType}> ?type .
        ?city a <{SKG.LocalGovernment}> }}
"""


@pytest.fixture(scope="module")
def web() -> WebApp:
    return WebApp(REPO_ROOT)


@pytest.fixture(scope="module")
def elements(web: WebApp) -> dict[str, Any]:
    answer = web.handle("GET", "/network.json")
    assert answer is not None and answer.status == 200
    assert answer.content_type.startswith("application/json")
    data: dict[str, Any] = json.loads(answer.body)
    return data


def test_nodes_are_cities_service_types_and_domains(web: WebApp, elements: dict[str, Any]) -> None:
    nodes = elements["elements"]["nodes"]
    kinds = {node["data"]["kind"] for node in nodes}
    assert kinds == {"city", "service-type", "domain"}
    _, [(cities, types)] = web.engine.select(_CITIES_WITH_SERVICES)
    assert sum(n["data"]["kind"] == "city" for n in nodes) == int(cities)
    assert sum(n["data"]["kind"] == "service-type" for n in nodes) == int(types)


def test_edges_join_existing_nodes(elements: dict[str, Any]) -> None:
    nodes = {node["data"]["id"]: node["data"]["kind"] for node in elements["elements"]["nodes"]}
    edges = elements["elements"]["edges"]
    assert edges
    for edge in edges:
        data = edge["data"]
        pair = (nodes[data["source"]], nodes[data["target"]])
        expected = (
            ("city", "service-type") if data["kind"] == "runs" else ("service-type", "domain")
        )
        assert pair == expected
        assert data["weight"] >= 1
    assert len({edge["data"]["id"] for edge in edges}) == len(edges)


def test_guro_gu_runs_the_walking_assist_robot(elements: dict[str, Any]) -> None:
    edges = {(e["data"]["source"], e["data"]["target"]) for e in elements["elements"]["edges"]}
    assert (
        "https://w3id.org/smartkg/id/city/guro-gu",
        "https://w3id.org/smartkg/id/service-type/walking-assist-rehab-robot",
    ) in edges


def test_nodes_carry_labels_colours_links_and_positions(elements: dict[str, Any]) -> None:
    legend = {entry["domain"]: entry["colour"] for entry in elements["legend"]}
    assert len(set(legend.values())) == len(legend), "two domains share a colour"
    for node in elements["elements"]["nodes"]:
        data = node["data"]
        assert data["href"].startswith("/id/")
        assert data["label"]
        assert data["en"] and data["ko"], data["id"]
        if data["kind"] == "city":
            assert data["colour"] == CITY_COLOUR
        else:
            assert data["domain"] in legend
            assert data["colour"] == legend[data["domain"]]
        assert set(node["position"]) == {"x", "y"}


def test_the_network_is_the_same_on_every_build(web: WebApp) -> None:
    engine = catalogue_engine(REPO_ROOT)
    again = build_network(engine, build_index(engine))
    assert again.to_json() == web.network.to_json()


def test_network_page(web: WebApp) -> None:
    answer = web.handle("GET", "/network")
    assert answer is not None
    html = answer.text
    assert 'id="cy"' in html and 'data-src="/network.json"' in html
    assert 'data-nodes="0"' in html
    assert '<script src="/static/vendor/cytoscape/cytoscape.min.js"></script>' in html
    assert '<script src="/static/network.js"></script>' in html
    assert 'href="/id/domain/transport"' in html
    assert "<noscript>" in html and 'href="/id/city/guro-gu"' in html
