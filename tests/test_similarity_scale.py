"""The scalable similarity (sparse vectors, one row on demand, blocked all-pairs top k) gives
exactly what a brute-force dense computation gives, on a synthetic catalogue of a few hundred
cities: same peers, same order (``score_key``: rounded score, then IRI), same scores."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from smartkg.catalogue import Layout
from smartkg.engine import EmbeddedEngine
from smartkg.replication.features import city_node, feature_graph, feature_nodes
from smartkg.replication.params import PlannerParams, SimilarityParams
from smartkg.replication.planner import Planner, build_planner
from smartkg.replication.profiles import (
    Facet,
    ReplicationData,
    ServiceRecord,
    build_profiles,
    read_replication_data,
)
from smartkg.replication.ranking import rank_rows
from smartkg.replication.similarity import SimilarityModel, facet_weights, score_key
from smartkg.synth import synth_lines

CITIES = 300
SEED = 7
Dense = np.ndarray


@pytest.fixture(scope="module")
def synthetic(repo_root: Path) -> ReplicationData:
    layout = Layout(repo_root)
    vocabulary = Graph()
    for path in [*layout.ontology_files(), *layout.vocab_files()]:
        vocabulary.parse(path, format="turtle")
    text = vocabulary.serialize(format="nt") + "".join(synth_lines(layout, CITIES, SEED))
    store = pyoxigraph.Store()
    store.bulk_load(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return read_replication_data(EmbeddedEngine(store))


@pytest.fixture(scope="module")
def planner(synthetic: ReplicationData) -> Planner:
    return build_planner(synthetic)


def brute_force_matrix(data: ReplicationData, services: tuple[ServiceRecord, ...]) -> Dense:
    """Every pair's similarity the slow way: the networkx city-feature graph, dense TF-IDF
    matrices and one dense product per facet (the method of the model's documentation)."""
    params = SimilarityParams()
    profiles = build_profiles(data, services)
    cities = sorted(profiles)
    graph = feature_graph(profiles, data, params.ancestor_decay)
    rows = [city_node(city) for city in cities]
    n_docs = sum(1 for city in cities if not profiles[city].is_empty)
    total = np.zeros((len(cities), len(cities)))
    for facet, weight in facet_weights(params).items():
        nodes = feature_nodes(graph, facet)
        if not nodes:
            continue
        tf = nx.bipartite.biadjacency_matrix(
            graph, row_order=rows, column_order=nodes, weight="weight"
        ).toarray()
        df = np.array([graph.degree(node) for node in nodes], dtype=np.float64)
        tfidf = tf * np.log(n_docs / df)
        norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
        vectors = np.divide(tfidf, norms, out=np.zeros_like(tfidf), where=norms > 0)
        total += weight * (vectors @ vectors.T)
    np.fill_diagonal(total, 0.0)
    return total


def brute_force_top(
    matrix: Dense, cities: tuple[URIRef, ...], k: int
) -> list[list[tuple[URIRef, float]]]:
    found = []
    for i in range(len(cities)):
        row = [
            (cities[j], float(matrix[i, j]))
            for j in range(len(cities))
            if j != i and round(float(matrix[i, j]), 12) > 0
        ]
        row.sort(key=lambda pair: score_key(pair[1], pair[0]))
        found.append(row[:k])
    return found


def assert_same_peers(
    got: list[tuple[URIRef, float]], expected: list[tuple[URIRef, float]], city: URIRef
) -> None:
    assert [c for c, _ in got] == [c for c, _ in expected], city
    for (_, a), (_, b) in zip(got, expected, strict=True):
        assert math.isclose(a, b, rel_tol=0, abs_tol=1e-12), city


def test_the_synthetic_catalogue_is_big_enough(synthetic: ReplicationData) -> None:
    assert len(synthetic.cities) == CITIES
    assert len(synthetic.services) > 3 * CITIES


@pytest.mark.parametrize("block_rows", [1, 7, 64, 299, 1000, None])
def test_blocked_top_k_equals_brute_force(
    synthetic: ReplicationData, planner: Planner, block_rows: int | None
) -> None:
    model = planner.similarity
    expected = brute_force_top(brute_force_matrix(synthetic, synthetic.services), model.cities, 10)
    table = model.top_peers(10, block_rows)
    assert table.peers.shape == (CITIES, 10)
    for i, city in enumerate(model.cities):
        assert_same_peers(table.of(i), expected[i], city)


def test_one_row_on_demand_equals_brute_force(synthetic: ReplicationData, planner: Planner) -> None:
    model = planner.similarity
    matrix = brute_force_matrix(synthetic, synthetic.services)
    expected = brute_force_top(matrix, model.cities, CITIES)
    for i, city in enumerate(model.cities[:60]):
        assert_same_peers(model.peers(city), expected[i], city)
        assert_same_peers(model.peers(city, 10), expected[i][:10], city)
        assert model.comparable(city) == len(expected[i])
        assert np.allclose(model.scores(city), matrix[i], rtol=0, atol=1e-12)


def test_row_pair_and_table_agree_to_the_bit(planner: Planner) -> None:
    model = planner.similarity
    table = model.top_peers(10, 32)
    for i, city in enumerate(model.cities[:40]):
        row = model.scores(city)
        for peer, score in table.of(i):
            assert score == row[model.index(peer)]
            assert score == model.similarity(city, peer) == model.similarity(peer, city)


def test_a_city_without_services_has_no_peers_and_is_nobody_s_peer(
    synthetic: ReplicationData,
) -> None:
    silent = synthetic.cities[5].iri
    services = tuple(s for s in synthetic.services if s.city != silent)
    planner = build_planner(synthetic, services=services)
    model = planner.similarity
    table = model.top_peers(10, 50)
    row = model.index(silent)
    assert (table.peers[row] == -1).all()
    assert row not in table.peers
    assert model.peers(silent) == []
    expected = brute_force_top(brute_force_matrix(synthetic, services), model.cities, 10)
    for i, city in enumerate(model.cities):
        assert_same_peers(table.of(i), expected[i], city)


def _copies(service: ServiceRecord, cities: list[URIRef]) -> list[ServiceRecord]:
    return [
        dataclasses.replace(service, city=city, iri=URIRef(f"{service.iri}-{n}"))
        for n, city in enumerate(cities)
    ]


def test_ties_at_the_kth_place_break_by_iri(synthetic: ReplicationData) -> None:
    # Six cities run copies of two services of a seventh (which runs more), so they have
    # identical profiles and tie as its peers; with k = 3 the tie straddles the cut and the
    # smallest IRIs win.
    cities = [record.iri for record in synthetic.cities]
    source = next(c for c in cities if sum(1 for s in synthetic.services if s.city == c) >= 4)
    twins = [cities[40], cities[3], cities[250], cities[17], cities[120], cities[99]]
    assert source not in twins
    base = [s for s in synthetic.services if s.city == source][:2]
    tied = {s.iri for s in synthetic.services if s.city in twins}
    services = tuple(s for s in synthetic.services if s.iri not in tied) + tuple(
        copy for service in base for copy in _copies(service, twins)
    )
    planner = build_planner(synthetic, services=services)
    model = planner.similarity
    scores = {other: model.similarity(source, other) for other in twins}
    assert len(set(scores.values())) == 1 and next(iter(scores.values())) > 0
    matrix = brute_force_matrix(synthetic, services)
    for k in (1, 3, 10):
        expected = brute_force_top(matrix, model.cities, k)
        table = model.top_peers(k, 13)
        for i, city in enumerate(model.cities):
            assert_same_peers(table.of(i), expected[i], city)
        first = model.index(twins[1])  # a twin: its closest peers are the other twins
        assert [c for c, _ in table.of(first)][: min(k, 5)] == sorted(
            set(twins) - {twins[1]}, key=str
        )[: min(k, 5)]


def test_more_peers_asked_than_cities(synthetic: ReplicationData) -> None:
    few = tuple(s for s in synthetic.services if s.city in {c.iri for c in synthetic.cities[:9]})
    planner = build_planner(synthetic, services=few)
    model = planner.similarity
    expected = brute_force_top(brute_force_matrix(synthetic, few), model.cities, CITIES)
    table = model.top_peers(CITIES)
    for i, city in enumerate(model.cities):
        assert_same_peers(table.of(i), expected[i], city)


def test_rank_rows_orders_like_score_key() -> None:
    # Within a rounding step scores tie and the id decides; a step apart, the score decides.
    scores = np.array([0.3, 0.3 + 4e-13, 0.3 - 4e-13, 0.3 + 1.2e-12, 0.7, 0.3], dtype=np.float64)
    ids = np.array([5, 2, 1, 9, 4, 0], dtype=np.int64)
    groups = np.array([0, 0, 0, 0, 0, 1], dtype=np.int64)
    order = rank_rows(groups, scores, ids)
    expected = sorted(range(6), key=lambda p: (groups[p], -round(scores[p], 12), ids[p]))
    assert order.tolist() == expected
    assert order.tolist() == [4, 3, 2, 1, 0, 5]


def test_the_feature_graph_is_built_only_when_asked(planner: Planner) -> None:
    model: SimilarityModel = planner.similarity
    assert "graph" not in model.__dict__
    graph = model.graph
    city = model.cities[0]
    for _, feature, attributes in graph.edges(city_node(city), data=True):
        facet, concept = feature
        assert model.via(city, facet, concept) == attributes["via"]
    assert all(isinstance(f, Facet) for f in model.spaces)


def test_weights_may_leave_a_facet_out(synthetic: ReplicationData) -> None:
    params = PlannerParams(similarity=SimilarityParams(domain_weight=0.0, type_weight=0.0))
    model = build_planner(synthetic, params).similarity
    table = model.top_peers(5, 40)
    for i, city in enumerate(model.cities[:50]):
        assert table.of(i) == model.peers(city, 5)
