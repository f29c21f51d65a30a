"""The offline evaluation: fair tie handling, the leakage guard of leave-one-out, the time split,
determinism, and the command line."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from smartkg.catalogue import load_catalogue
from smartkg.engine import EmbeddedEngine
from smartkg.namespaces import CITY, DOM, ST, SVC, TECH, TG
from smartkg.replication.evaluate import (
    LOO,
    TIME_SPLIT,
    evaluate,
    leave_one_out_folds,
    time_split_cases,
)
from smartkg.replication.features import city_node
from smartkg.replication.metrics import expected_metrics
from smartkg.replication.planner import build_planner
from smartkg.replication.profiles import (
    Facet,
    ReplicationData,
    build_profiles,
    read_replication_data,
)
from smartkg.replication.report import report_json, report_markdown, report_text

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "replication"
REPO = Path(__file__).resolve().parents[1]
SMARTKG = Path(sys.executable).parent / "smartkg"


def _data(root: Path) -> ReplicationData:
    catalogue = load_catalogue(root, include_shapes=False)
    return read_replication_data(EmbeddedEngine.from_graph(catalogue.graph))


@pytest.fixture(scope="module")
def fixture_data() -> ReplicationData:
    return _data(FIXTURE)


@pytest.fixture(scope="module")
def real_data() -> ReplicationData:
    return _data(REPO)


# ---------------------------------------------------------------- metrics


def test_a_unique_first_place_scores_one() -> None:
    assert expected_metrics(np.array([0.9, 0.5, 0.1]), 0).tolist() == [1.0, 1.0, 1.0, 1.0]


def test_ties_count_at_their_expected_position() -> None:
    scores = np.array([1.0, 0.5, 0.5, 0.5, 0.0])
    hr5, hr10, mrr, ndcg = expected_metrics(scores, 2).tolist()
    assert hr5 == hr10 == 1.0
    assert mrr == pytest.approx((1 / 2 + 1 / 3 + 1 / 4) / 3)
    assert ndcg == pytest.approx(sum(1 / np.log2(r + 1) for r in (2, 3, 4)) / 3)


def test_all_tied_is_the_exact_random_expectation() -> None:
    hr5, hr10, mrr, ndcg = expected_metrics(np.zeros(20), 7).tolist()
    assert (hr5, hr10) == (0.25, 0.5)
    assert mrr == pytest.approx(sum(1 / r for r in range(1, 21)) / 20)
    assert ndcg == pytest.approx(sum(1 / np.log2(r + 1) for r in range(1, 11)) / 20)


def test_scores_equal_up_to_rounding_noise_tie() -> None:
    scores = np.array([0.1 + 0.2, 0.3, 0.0])  # 0.30000000000000004 and 0.3
    assert expected_metrics(scores, 1)[2] == pytest.approx(0.75)


# ---------------------------------------------------------------- leakage guard


def test_held_out_link_and_its_features_are_absent_from_training(
    fixture_data: ReplicationData,
) -> None:
    _, folds = leave_one_out_folds(fixture_data)
    fold = next(f for f in folds if (f.city, f.service_type) == (CITY.alpha, ST["rare-a"]))
    assert [s.iri for s in fold.held_out] == [SVC["alpha-rare-a"]]
    profile = fold.training.profiles[CITY.alpha]
    assert SVC["alpha-rare-a"] not in {s.iri for s in profile.services}
    # the held-out type ...
    assert ST["rare-a"] not in profile.features[Facet.TYPE]
    assert not profile.runs(ST["rare-a"])
    # ... and the features only the held-out service gave the city are gone
    assert TECH["fx-sensing"] not in profile.features[Facet.TECHNOLOGY]
    assert TG["fx-carers"] not in profile.features[Facet.TARGET_GROUP]
    # features another of its services also has stay, counted once fewer
    assert profile.features[Facet.DOMAIN][DOM.health] == 1
    assert profile.features[Facet.TECHNOLOGY][TECH.robotics] == 1
    # the similarity graph, IDF and popularity are rebuilt without the link
    graph = fold.training.similarity.graph
    assert not graph.has_edge(city_node(CITY.alpha), (Facet.TYPE, ST["rare-a"]))
    assert not graph.has_node((Facet.TECHNOLOGY, TECH["fx-sensing"]))
    assert fold.training.document_frequency(ST["rare-a"]) == 1  # Bravo only
    full = build_planner(fixture_data)
    assert full.document_frequency(ST["rare-a"]) == 2
    remaining = [s for s in fixture_data.services if s.iri != SVC["alpha-rare-a"]]
    rebuilt = build_planner(fixture_data, services=remaining)
    assert (fold.training.similarity.matrix == rebuilt.similarity.matrix).all()
    assert not (fold.training.similarity.matrix == full.similarity.matrix).all()
    # and the held-out type is ranked among the city's candidates
    assert ST["rare-a"] in fold.training.candidates_for(CITY.alpha)


def test_every_fold_of_the_catalogue_is_free_of_leakage(real_data: ReplicationData) -> None:
    skipped, folds = leave_one_out_folds(real_data)
    count = 0
    for fold in folds:
        count += 1
        held = {s.iri for s in fold.held_out}
        assert held and all(s.city == fold.city for s in fold.held_out)
        assert all(s.service_type == fold.service_type for s in fold.held_out)
        remaining = [s for s in real_data.services if s.iri not in held]
        expected = build_profiles(real_data, remaining)[fold.city]
        profile = fold.training.profiles[fold.city]
        assert profile == expected
        assert not profile.runs(fold.service_type)
        assert held.isdisjoint(s.iri for p in fold.training.profiles.values() for s in p.services)
        graph = fold.training.similarity.graph
        for facet in Facet:
            kept = {c for s in remaining if s.city == fold.city for c in s.features(facet)}
            gone = {c for s in fold.held_out for c in s.features(facet)} - kept
            assert gone.isdisjoint(profile.features[facet])
            # every edge of the city in the training graph comes from a remaining service
            # (a broader concept may stay, but only when a remaining concept leads to it)
            for _, feature, attributes in graph.edges(city_node(fold.city), data=True):
                if feature[0] is facet:
                    assert attributes["via"] <= kept, (fold, feature)
    assert count == 69 and skipped == []


def test_a_city_with_a_single_link_is_skipped(fixture_data: ReplicationData) -> None:
    services = tuple(s for s in fixture_data.services if s.iri != SVC["charlie-popular"])
    skipped, folds = leave_one_out_folds(dataclasses.replace(fixture_data, services=services))
    assert skipped == [CITY.charlie]
    assert all(fold.city != CITY.charlie for fold in folds)


# ---------------------------------------------------------------- time split


def test_time_split_trains_on_the_past_only(fixture_data: ReplicationData) -> None:
    training, tests = time_split_cases(fixture_data)
    assert all(
        s.year is not None and s.year <= 2023
        for p in training.profiles.values()
        for s in p.services
    )
    assert tests == {
        CITY.alpha: frozenset({ST["rare-b"]}),
        CITY.bravo: frozenset({ST["rare-c"]}),
        CITY.delta: frozenset({ST.bus}),
        CITY.echo: frozenset({ST.shuttle}),
    }
    report = evaluate(fixture_data, resamples=50)
    cases = {(c.city, c.service_type): c for c in report.cases if c.protocol == TIME_SPLIT}
    assert cases[(CITY.alpha, ST["rare-b"])].warm  # Bravo ran rare-b before 2024
    assert not cases[(CITY.bravo, ST["rare-c"])].warm
    # Bravo, Alpha's closest city, ran rare-b: the recommender puts it first
    assert cases[(CITY.alpha, ST["rare-b"])].metrics["recommender"][2] == 1.0


def test_report_has_every_protocol_method_and_size_class(fixture_data: ReplicationData) -> None:
    report = evaluate(fixture_data, resamples=50)
    keys = {(r.protocol, r.subset, r.group, r.method) for r in report.rows}
    for protocol in (LOO, TIME_SPLIT):
        for method in ("recommender", "popularity", "random"):
            assert (protocol, "all", "all", method) in keys
            assert (protocol, "all", "large", method) in keys
            assert (protocol, "all", "small-medium", method) in keys
    markdown = report_markdown(report)
    assert "| protocol | types | method |" in markdown and "smartkg evaluate" in markdown
    assert "HR@5" in report_text(report)


# ---------------------------------------------------------------- determinism and CLI


def test_two_runs_give_identical_output(real_data: ReplicationData) -> None:
    first = report_json(evaluate(real_data, resamples=200))
    second = report_json(evaluate(real_data, resamples=200))
    assert first == second


def test_cli_evaluate_is_fast_readable_and_hash_seed_independent() -> None:
    outputs = set()
    for seed in ("0", "987"):
        started = time.perf_counter()
        result = subprocess.run(
            [str(SMARTKG), "evaluate", "--format", "markdown"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        elapsed = time.perf_counter() - started
        assert result.returncode == 0, result.stderr
        assert elapsed < 60
        outputs.add(result.stdout)
    assert len(outputs) == 1
    (text,) = outputs
    for needle in ("| leave-one-out | all | recommender |", "| time-split | cold |", "nDCG@10"):
        assert needle in text
    assert "Reproduce: `smartkg evaluate --format markdown`" in text
