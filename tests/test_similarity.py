"""City similarity on the hand-built fixture (tests/fixtures/replication/README.md says why each
answer is right), its explanation, and profiles read through SPARQL."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from smartkg.catalogue import load_catalogue
from smartkg.engine import EmbeddedEngine
from smartkg.namespaces import CITY, DOM, REGION, SIZE, SSTATUS, ST, SVC, TECH, TG
from smartkg.replication.params import PlannerParams, SimilarityParams
from smartkg.replication.planner import Planner, build_planner
from smartkg.replication.profiles import Facet, ReplicationData, read_replication_data
from smartkg.replication.similar import similar_cities

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "replication"


@pytest.fixture(scope="module")
def data() -> ReplicationData:
    catalogue = load_catalogue(FIXTURE, include_shapes=False)
    return read_replication_data(EmbeddedEngine.from_graph(catalogue.graph))


@pytest.fixture(scope="module")
def planner(data: ReplicationData) -> Planner:
    return build_planner(data)


def test_profiles_are_read_through_sparql(data: ReplicationData) -> None:
    assert [c.iri for c in data.cities] == [
        CITY[s] for s in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
    ]
    assert len(data.services) == 14
    alpha = data.city(CITY.alpha)
    assert (alpha.size_class, alpha.province) == (SIZE["small-medium"], REGION.seoul)
    assert alpha.labels.en == "Alpha" and alpha.labels.ko == "알파구"
    rare_a = next(s for s in data.services if s.iri == SVC["alpha-rare-a"])
    assert rare_a.service_type == ST["rare-a"]
    assert rare_a.technologies == {TECH.robotics, TECH["fx-sensing"]}
    assert rare_a.target_groups == {TG.elderly, TG["fx-carers"]}
    assert rare_a.year == 2021
    planned = next(s for s in data.services if s.iri == SVC["bravo-rare-c"])
    assert planned.status == SSTATUS.planned and planned.planned
    assert data.broader[ST["rare-c"]] == (ST.care,)
    assert data.ancestors(TG.elderly) == {TG["vulnerable-groups"]: 1}


def test_planned_services_count_as_runs(planner: Planner) -> None:
    assert planner.profiles[CITY.bravo].runs(ST["rare-c"])  # Bravo's rare-c is planned
    assert planner.adopters[ST["rare-c"]] == (CITY.bravo,)


def test_rare_shared_types_outrank_a_common_one(planner: Planner) -> None:
    model = planner.similarity
    peers = [city for city, _ in model.peers(CITY.alpha)]
    assert peers[0] == CITY.bravo
    assert model.similarity(CITY.alpha, CITY.bravo) > 3 * model.similarity(CITY.alpha, CITY.charlie)
    assert CITY.foxtrot not in peers  # no services: similarity 0, never a peer


def test_similarity_is_symmetric_and_never_self(planner: Planner) -> None:
    matrix = planner.similarity.matrix
    assert (matrix == matrix.T).all()
    assert (matrix.diagonal() == 0).all()
    assert all(city != CITY.alpha for city, _ in planner.similarity.peers(CITY.alpha))


def test_a_type_every_city_has_counts_for_nothing(data: ReplicationData) -> None:
    only_common = [s for s in data.services if s.service_type == ST.common]
    planner = build_planner(data, services=only_common)
    space = planner.similarity.spaces[Facet.TYPE]
    column = space.concepts.index(ST.common)
    assert space.idf[column] == 0.0
    assert planner.similarity.similarity(CITY.alpha, CITY.charlie) == 0.0


def test_sibling_types_give_partial_credit_through_their_parent(planner: Planner) -> None:
    items = planner.similarity.explain(CITY.delta, CITY.echo)
    transit = [it for it in items if it.concept == ST.transit]
    assert len(transit) == 1
    assert not transit[0].direct
    assert transit[0].via_a == {ST.bus} and transit[0].via_b == {ST.shuttle}
    assert transit[0].contribution > 0
    assert all(it.concept not in (ST.bus, ST.shuttle) for it in items)  # not shared directly


def test_without_ancestor_expansion_siblings_share_nothing(data: ReplicationData) -> None:
    flat = build_planner(data, PlannerParams(similarity=SimilarityParams(ancestor_decay=0.0)))
    assert all(it.concept != ST.transit for it in flat.similarity.explain(CITY.delta, CITY.echo))


def test_explanation_adds_up_to_the_similarity(planner: Planner) -> None:
    for a in planner.similarity.cities:
        for b in planner.similarity.cities:
            if a == b:
                continue
            total = sum(it.contribution for it in planner.similarity.explain(a, b))
            assert math.isclose(total, planner.similarity.similarity(a, b), abs_tol=1e-12)


def test_explanation_names_the_shared_items(planner: Planner) -> None:
    items = planner.similarity.explain(CITY.alpha, CITY.bravo)
    direct = {(it.facet, it.concept) for it in items if it.direct}
    assert {
        (Facet.TYPE, ST["rare-a"]),
        (Facet.TYPE, ST["rare-b"]),
        (Facet.DOMAIN, DOM.health),
        (Facet.TECHNOLOGY, TECH.robotics),
        (Facet.TARGET_GROUP, TG.elderly),
    } <= direct
    contributions = [it.contribution for it in items]
    assert contributions == sorted(contributions, reverse=True)


def test_similar_cities_reports_each_facet_share(planner: Planner) -> None:
    result = similar_cities(planner, CITY.alpha, top=2)
    assert [p.city for p in result.peers] == [CITY.bravo, CITY.charlie]
    first = result.peers[0]
    assert math.isclose(sum(first.by_facet.values()), first.similarity, abs_tol=1e-12)
    assert result.comparable == 4  # Bravo, Charlie, Delta, Echo


def test_ties_break_by_iri(data: ReplicationData) -> None:
    # Keep the common and popular services (and Bravo's rare-a, so that the common type is not
    # held by every city): Charlie, Delta and Echo then have the same profile, so they tie as
    # Alpha's peers and must come out in IRI order.
    services = [
        s
        for s in data.services
        if s.service_type in (ST.common, ST.popular) or s.iri == SVC["bravo-rare-a"]
    ]
    planner = build_planner(data, services=services)
    peers = planner.similarity.peers(CITY.alpha)
    scores = {city: score for city, score in peers}
    assert scores[CITY.charlie] > 0
    assert scores[CITY.charlie] == pytest.approx(scores[CITY.delta])
    assert scores[CITY.delta] == pytest.approx(scores[CITY.echo])
    order = [city for city, _ in peers]
    assert order.index(CITY.charlie) < order.index(CITY.delta) < order.index(CITY.echo)


def test_profiles_do_not_depend_on_service_order(data: ReplicationData) -> None:
    forward = build_planner(data, services=data.services)
    backward = build_planner(data, services=tuple(reversed(data.services)))
    assert (forward.similarity.matrix == backward.similarity.matrix).all()
    assert forward.candidates == backward.candidates


def test_real_catalogue_similarity_of_guro_gu(real_planner: Planner) -> None:
    peers = real_planner.similarity.peers(CITY["guro-gu"], 5)
    assert peers, "Guro-gu should have peers"
    names = [city for city, _ in peers]
    # Seongdong-gu and Gwanak-gu share service types with Guro-gu (living lab; facility IoT
    # monitoring and the integrated platform); they must be its two closest cities.
    assert set(names[:2]) == {CITY["seongdong-gu"], CITY["gwanak-gu"]}


@pytest.fixture(scope="module")
def real_planner(repo_root: Path) -> Planner:
    catalogue = load_catalogue(repo_root, include_shapes=False)
    return build_planner(read_replication_data(EmbeddedEngine.from_graph(catalogue.graph)))


def test_no_iri_is_typed_in_the_replication_package() -> None:
    package = Path(__file__).resolve().parents[1] / "src" / "smartkg" / "replication"
    offenders = [
        path.name
        for path in sorted(package.glob("*.py"))
        if "http://" in path.read_text(encoding="utf-8")
        or "https://" in path.read_text(encoding="utf-8")
    ]
    assert not offenders, f"IRI strings typed outside namespaces.py: {offenders}"
