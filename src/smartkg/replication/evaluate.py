"""Offline evaluation of the recommender: leave-one-out and a time split, against baselines.

The unit is a *link*: a city runs a service type (one or more of its services, operating or
planned, have that type). Every held-out link is ranked against **all** candidate types of its
city — no sampled negatives — by three methods:

- ``recommender``: :meth:`Planner.scores` with the default parameters;
- ``peers-only``: an ablation, the same score without the feature-fit term (the first version
  of the method, kept in the table because the fit term was added after it had been
  evaluated);
- ``popularity``: the number of training cities that run the type;
- ``random``: every candidate tied, i.e. the exact expectation over random orders.

Metrics are HR@5, HR@10, MRR and nDCG@10 with fair ties (:mod:`smartkg.replication.metrics`),
averaged per city first and then over cities, with 95% bootstrap intervals over cities.

Leave-one-out
    For each link (city C, type T): every service of C with type T is removed, and *everything*
    is rebuilt from the remaining services — C's profile (so T and every domain, technology and
    target group that only those services gave C disappear), the IDF weights, all
    similarities, the adopters and the popularity counts. T is then ranked among C's
    candidates in that training model. A city with a single link would have an empty training
    profile and is skipped (the count is reported). A held-out type is *warm* when another city
    runs it in training, *cold* otherwise: no similarity-based method can recommend a type
    nobody else runs, so cold links measure only the sibling-type credit.

Time split
    Training: the services first documented up to 2023 (``skg:firstDocumentedYear``). Test: the
    links first documented in 2024-2025, i.e. a city's type whose earliest service of that type
    is documented in those years. Each test link is ranked among the city's training
    candidates, with the city's *other* test types removed from the list (they are relevant
    too, and must not push the ranked one down). Cities with no training services still count:
    the recommender has no evidence for them and falls to the random baseline, as it would in
    practice. Warm and cold types are reported apart as well as together.

Results are reported overall and by the city's certification size class (large,
small-medium, unknown). Everything is deterministic: candidates and cities in IRI order, ties
averaged, bootstrap generators seeded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rdflib import URIRef

from smartkg.namespaces import SIZE
from smartkg.replication.metrics import (
    METRICS,
    Interval,
    bootstrap,
    expected_metrics,
    miss,
    resample_indices,
)
from smartkg.replication.params import PlannerParams
from smartkg.replication.planner import Planner, build_planner
from smartkg.replication.profiles import ReplicationData, ServiceRecord

__all__ = [
    "LOO",
    "METHODS",
    "TIME_SPLIT",
    "Case",
    "EvaluationReport",
    "LooFold",
    "ResultRow",
    "evaluate",
    "leave_one_out_folds",
    "time_split_cases",
]

LOO = "leave-one-out"
TIME_SPLIT = "time-split"
METHODS: tuple[str, ...] = ("recommender", "peers-only", "popularity", "random")
SUBSETS: tuple[str, ...] = ("all", "warm", "cold")
SIZE_GROUPS: tuple[str, ...] = ("large", "small-medium", "unknown")
TRAIN_UNTIL = 2023
TEST_YEARS = (2024, 2025)


@dataclass(frozen=True)
class Case:
    """One held-out link ranked by every method."""

    protocol: str
    city: URIRef
    service_type: URIRef
    warm: bool
    size_group: str
    candidates: int
    reachable: bool  # the held-out type was among the candidates
    metrics: dict[str, tuple[float, ...]] = field(repr=False)


@dataclass(frozen=True)
class LooFold:
    """A held-out link and the model trained without it."""

    city: URIRef
    service_type: URIRef
    held_out: tuple[ServiceRecord, ...]
    training: Planner


@dataclass(frozen=True)
class ResultRow:
    protocol: str
    subset: str
    group: str
    method: str
    cities: int
    links: int
    interval: Interval


@dataclass(frozen=True)
class EvaluationReport:
    rows: tuple[ResultRow, ...]
    cases: tuple[Case, ...]
    notes: dict[str, dict[str, int]]
    params: PlannerParams
    resamples: int
    seed: int


def _size_group(data: ReplicationData, city: URIRef) -> str:
    size = data.city(city).size_class
    if size == SIZE.large:
        return "large"
    if size == SIZE["small-medium"]:
        return "small-medium"
    return "unknown"


def _links(services: tuple[ServiceRecord, ...]) -> dict[tuple[URIRef, URIRef], list[ServiceRecord]]:
    links: dict[tuple[URIRef, URIRef], list[ServiceRecord]] = defaultdict(list)
    for service in services:
        links[(service.city, service.service_type)].append(service)
    return dict(sorted(links.items()))


def leave_one_out_folds(
    data: ReplicationData, params: PlannerParams | None = None
) -> tuple[list[URIRef], Iterator[LooFold]]:
    """The cities skipped (a single link), and the folds: one per link of the other cities."""
    links = _links(data.services)
    per_city: dict[URIRef, int] = defaultdict(int)
    for city, _ in links:
        per_city[city] += 1
    skipped = sorted(city for city, count in per_city.items() if count < 2)

    def folds() -> Iterator[LooFold]:
        for (city, service_type), held in links.items():
            if per_city[city] < 2:
                continue
            held_iris = {s.iri for s in held}
            training = [s for s in data.services if s.iri not in held_iris]
            yield LooFold(
                city=city,
                service_type=service_type,
                held_out=tuple(held),
                training=build_planner(data, params, training),
            )

    return skipped, folds()


def _rank(
    protocol: str,
    training: Planner,
    city: URIRef,
    target: URIRef,
    excluded: frozenset[URIRef],
    size_group: str,
) -> Case:
    candidates = [t for t in training.candidates_for(city) if t == target or t not in excluded]
    warm = training.document_frequency(target) > 0
    if target not in candidates:
        metrics = {method: tuple(float(v) for v in miss()) for method in METHODS}
        return Case(protocol, city, target, warm, size_group, len(candidates), False, metrics)
    index = candidates.index(target)
    parts = training.score_parts(city, None, candidates)
    by_method: dict[str, npt.NDArray[np.float64]] = {
        "recommender": np.array([parts[t].score for t in candidates], dtype=np.float64),
        "peers-only": np.array(
            [(parts[t].exact + parts[t].related) / parts[t].divisor for t in candidates],
            dtype=np.float64,
        ),
        "popularity": np.array(
            [training.document_frequency(t) for t in candidates], dtype=np.float64
        ),
        "random": np.zeros(len(candidates), dtype=np.float64),
    }
    metrics = {
        method: tuple(float(v) for v in expected_metrics(by_method[method], index))
        for method in METHODS
    }
    return Case(protocol, city, target, warm, size_group, len(candidates), True, metrics)


def _loo_cases(data: ReplicationData, params: PlannerParams) -> tuple[list[Case], dict[str, int]]:
    skipped, folds = leave_one_out_folds(data, params)
    cases = [
        _rank(
            LOO,
            fold.training,
            fold.city,
            fold.service_type,
            frozenset(),
            _size_group(data, fold.city),
        )
        for fold in folds
    ]
    notes = {
        "links": len(_links(data.services)),
        "evaluated_links": len(cases),
        "evaluated_cities": len({c.city for c in cases}),
        "skipped_cities": len(skipped),
        "skipped_links": len(skipped),
        "warm_links": sum(1 for c in cases if c.warm),
        "cold_links": sum(1 for c in cases if not c.warm),
    }
    return cases, notes


def time_split_cases(
    data: ReplicationData, params: PlannerParams | None = None
) -> tuple[Planner, dict[URIRef, frozenset[URIRef]]]:
    """The model trained on services documented up to 2023, and each city's test types."""
    training_services = [s for s in data.services if s.year is not None and s.year <= TRAIN_UNTIL]
    training = build_planner(data, params, training_services)
    first_year: dict[tuple[URIRef, URIRef], int] = {}
    for service in data.services:
        if service.year is None:
            continue
        key = (service.city, service.service_type)
        first_year[key] = min(first_year.get(key, service.year), service.year)
    tests: dict[URIRef, set[URIRef]] = defaultdict(set)
    for (city, service_type), year in sorted(first_year.items()):
        if year in TEST_YEARS and not training.profiles[city].runs(service_type):
            tests[city].add(service_type)
    return training, {city: frozenset(types) for city, types in sorted(tests.items())}


def _time_cases(data: ReplicationData, params: PlannerParams) -> tuple[list[Case], dict[str, int]]:
    training, tests = time_split_cases(data, params)
    cases = [
        _rank(TIME_SPLIT, training, city, target, types, _size_group(data, city))
        for city, types in tests.items()
        for target in sorted(types)
    ]
    notes = {
        "training_services": sum(len(p.services) for p in training.profiles.values()),
        "training_cities": sum(1 for p in training.profiles.values() if not p.is_empty),
        "evaluated_links": len(cases),
        "evaluated_cities": len(tests),
        "cities_without_training_services": sum(
            1 for city in tests if training.profiles[city].is_empty
        ),
        "warm_links": sum(1 for c in cases if c.warm),
        "cold_links": sum(1 for c in cases if not c.warm),
    }
    return cases, notes


def _per_city(cases: list[Case], method: str) -> npt.NDArray[np.float64]:
    by_city: dict[URIRef, list[tuple[float, ...]]] = defaultdict(list)
    for case in cases:
        by_city[case.city].append(case.metrics[method])
    if not by_city:
        return np.zeros((0, len(METRICS)))
    return np.array([np.mean(by_city[c], axis=0) for c in sorted(by_city)], dtype=np.float64)


def _rows(cases: list[Case], protocol: str, resamples: int, seed: int) -> list[ResultRow]:
    rows: list[ResultRow] = []
    groups = [("all", None), *((g, g) for g in SIZE_GROUPS)]
    for subset in SUBSETS:
        chosen = [
            c for c in cases if subset == "all" or (c.warm if subset == "warm" else not c.warm)
        ]
        for group, size in groups:
            members = [c for c in chosen if size is None or c.size_group == size]
            cities = len({c.city for c in members})
            if not members:
                continue
            indices = resample_indices(cities, resamples, seed, f"{protocol}/{subset}/{group}")
            for method in METHODS:
                rows.append(
                    ResultRow(
                        protocol,
                        subset,
                        group,
                        method,
                        cities,
                        len(members),
                        bootstrap(_per_city(members, method), indices),
                    )
                )
    return rows


def evaluate(
    data: ReplicationData,
    params: PlannerParams | None = None,
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> EvaluationReport:
    """Run both protocols and every method; aggregate with bootstrap intervals."""
    chosen = PlannerParams() if params is None else params
    loo, loo_notes = _loo_cases(data, chosen)
    timed, time_notes = _time_cases(data, chosen)
    rows = [*_rows(loo, LOO, resamples, seed), *_rows(timed, TIME_SPLIT, resamples, seed)]
    return EvaluationReport(
        rows=tuple(rows),
        cases=tuple([*loo, *timed]),
        notes={LOO: loo_notes, TIME_SPLIT: time_notes},
        params=chosen,
        resamples=resamples,
        seed=seed,
    )
