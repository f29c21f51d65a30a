"""Graph exports: GraphML and GEXF read back by networkx with every attribute, Cytoscape JSON
that the network page accepts, CSV tables that open with Korean intact, similarity edges."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from smartkg.engine import catalogue_engine
from smartkg.export import similarity_pairs
from smartkg.graphexport.formats import GraphFormat, graph_bytes
from smartkg.graphexport.network import build_graph
from smartkg.graphexport.tables import TABLES, headers

REPO_ROOT = Path(__file__).resolve().parents[1]
SMARTKG = str(Path(sys.executable).with_name("smartkg"))
GURO = "https://w3id.org/smartkg/id/city/guro-gu"
ROBOT = "https://w3id.org/smartkg/id/service-type/walking-assist-rehab-robot"


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return build_graph(catalogue_engine(REPO_ROOT))


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [SMARTKG, "--root", str(REPO_ROOT), *args], capture_output=True, check=False
    )


@pytest.mark.parametrize("fmt", [GraphFormat.GRAPHML, GraphFormat.GEXF])
def test_networkx_reads_back_every_attribute(graph: nx.DiGraph, fmt: GraphFormat) -> None:
    content = graph_bytes(graph, fmt)
    assert content == graph_bytes(graph, fmt)
    read = nx.read_graphml if fmt is GraphFormat.GRAPHML else nx.read_gexf
    back = read(io.BytesIO(content))
    assert list(back.nodes) == list(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    guro = dict(graph.nodes[GURO])
    assert guro["label_ko"] == "구로구" and guro["certification_years"] == "2021;2023;2025"
    assert set(guro) >= {"kind", "label", "label_en", "size_class", "province", "x", "y"}
    assert dict(back.nodes[GURO]) == guro
    for node, data in graph.nodes(data=True):
        assert dict(back.nodes[node]) == dict(data), node
    edge = dict(graph.edges[GURO, ROBOT])
    assert edge["kind"] == "runs" and edge["weight"] >= 1.0
    assert dict(back.edges[GURO, ROBOT]) == edge


def test_attributes_are_scalars(graph: nx.DiGraph) -> None:
    for _, data in graph.nodes(data=True):
        assert all(isinstance(v, str | int | float) for v in data.values())
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds == {"city", "service-type", "domain", "programme"}


def test_cytoscape_json_is_what_the_network_page_reads(tmp_path: Path) -> None:
    out = tmp_path / "network.json"
    done = _run("export", "--format", "cytoscape", "--output", str(out))
    assert done.returncode == 0, done.stderr.decode()
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert nodes and edges and data["legend"]
    ids = {n["data"]["id"] for n in nodes}
    for node in nodes:  # what static/network.js uses
        assert {"id", "label", "en", "ko", "kind", "colour", "degree"} <= set(node["data"])
        assert set(node["position"]) == {"x", "y"}
    for edge in edges:
        assert edge["data"]["source"] in ids and edge["data"]["target"] in ids
        assert {"id", "kind", "weight"} <= set(edge["data"])
    page_keys = json.loads(_web_network_json())
    assert set(page_keys) == set(data) and set(page_keys["elements"]) == set(data["elements"])


def _web_network_json() -> str:
    from smartkg.web.index import build_index
    from smartkg.web.network import build_network

    engine = catalogue_engine(REPO_ROOT)
    return build_network(engine, build_index(engine)).to_json()


def test_with_similarity_adds_typed_weighted_edges(graph: nx.DiGraph) -> None:
    pairs = similarity_pairs(REPO_ROOT)
    assert pairs
    with_similarity = build_graph(catalogue_engine(REPO_ROOT), similarity=pairs)
    similar = [
        (a, b, d) for a, b, d in with_similarity.edges(data=True) if d["kind"] == "similar-to"
    ]
    assert similar
    for a, b, data in similar:
        assert with_similarity.nodes[a]["kind"] == with_similarity.nodes[b]["kind"] == "city"
        assert a < b and 0 < data["weight"] <= 1
        assert data["weight"] == round(pairs[(a, b)], 4)
    assert with_similarity.number_of_edges() == graph.number_of_edges() + len(similar)
    back = nx.read_graphml(io.BytesIO(graph_bytes(with_similarity, GraphFormat.GRAPHML)))
    a, b, data = similar[0]
    assert dict(back.edges[a, b]) == data


def test_cli_graphml_with_similarity(tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    done = _run("export", "--format", "graphml", "--with-similarity", "--output", str(out))
    assert done.returncode == 0, done.stderr.decode()
    back = nx.read_graphml(out)
    assert any(d["kind"] == "similar-to" for *_, d in back.edges(data=True))
    stdout = _run("export", "--format", "gexf")
    assert stdout.returncode == 0 and stdout.stdout.startswith(b"<gexf")


def test_csv_tables(tmp_path: Path) -> None:
    done = _run("export", "--format", "csv", "--output", str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    printed = done.stdout.decode().split()
    assert sorted(Path(p).name for p in printed) == sorted(t.file_name for t in TABLES)
    for table in TABLES:
        raw = (tmp_path / table.file_name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        with (tmp_path / table.file_name).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and list(rows[0]) == headers(table)
        assert all(row["iri"].startswith("https://w3id.org/smartkg/id/") for row in rows)
    cities = (tmp_path / "cities.csv").read_text(encoding="utf-8-sig")
    assert "구로구" in cities
    with (tmp_path / "cities.csv").open(encoding="utf-8-sig", newline="") as handle:
        guro = next(r for r in csv.DictReader(handle) if r["iri"] == GURO)
    assert guro["label_en"] == "Guro-gu" and guro["certification_years"] == "2021;2023;2025"
