"""Ranking metrics with fair ties, and bootstrap confidence intervals over cities.

Ties
    A held-out item whose score ties with others is not given the best (or the alphabetical)
    position among them: every metric is its *expected value* when the tied items are put in
    uniformly random order. If ``b`` candidates score higher and ``m`` (the item included) score
    the same, the rank is uniform on ``b+1 … b+m``. This keeps the tables honest — a type would
    otherwise score by its IRI's place in the alphabet — and makes the random baseline exact:
    all its scores tie, so its metrics are the expectation over every permutation, with no
    sampling at all. (The rankings the planner *prints* break ties by IRI; only the evaluation
    averages over them.)

Metrics (one relevant item per ranking)
    HR@K is 1 when the item is in the top K; MRR is 1/rank; nDCG@10 is 1/log2(rank + 1) when
    the rank is at most 10, else 0 (the ideal DCG of one relevant item is 1). An item that is
    not among the candidates at all scores 0 on every metric.

Confidence intervals
    Percentile bootstrap over cities: the cities of a group are resampled with replacement
    (``resamples`` times, from a seeded generator), the mean of their per-city means taken each
    time, and the 2.5th and 97.5th percentiles reported. The same resamples serve every method,
    so methods are compared on the same draws.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["METRICS", "Interval", "bootstrap", "expected_metrics", "miss"]

METRICS: tuple[str, ...] = ("HR@5", "HR@10", "MRR", "nDCG@10")

Vector = npt.NDArray[np.float64]

_DECIMALS = 12


def miss() -> Vector:
    """The metrics of an item that is not among the candidates."""
    return np.zeros(len(METRICS))


def expected_metrics(scores: Vector, target: int) -> Vector:
    """HR@5, HR@10, MRR and nDCG@10 of the candidate at index ``target`` of ``scores``
    (higher is better), averaged over the orders of its ties."""
    rounded = np.round(np.asarray(scores, dtype=np.float64), _DECIMALS)
    value = rounded[target]
    better = int(np.count_nonzero(rounded > value))
    tied = int(np.count_nonzero(rounded == value))
    ranks = np.arange(better + 1, better + tied + 1, dtype=np.float64)
    gains = np.where(ranks <= 10, 1.0 / np.log2(ranks + 1.0), 0.0)
    return np.array(
        [
            float(np.mean(ranks <= 5)),
            float(np.mean(ranks <= 10)),
            float(np.mean(1.0 / ranks)),
            float(np.mean(gains)),
        ]
    )


@dataclass(frozen=True)
class Interval:
    """A mean with its bootstrap 95% interval, per metric (in :data:`METRICS` order)."""

    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


def resample_indices(count: int, resamples: int, seed: int, key: str) -> npt.NDArray[np.int64]:
    """``resamples`` x ``count`` indices drawn with replacement; the generator is seeded from
    ``seed`` and a checksum of ``key`` (never Python's salted ``hash``)."""
    rng = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])
    return rng.integers(0, count, size=(resamples, count), dtype=np.int64)


def bootstrap(per_city: npt.NDArray[np.float64], indices: npt.NDArray[np.int64]) -> Interval:
    """Mean over cities (rows of ``per_city``) and its percentile interval over ``indices``."""
    if per_city.shape[0] == 0:
        nothing = tuple(float("nan") for _ in METRICS)
        return Interval(nothing, nothing, nothing)
    mean = per_city.mean(axis=0)
    means = per_city[indices].mean(axis=1)  # resamples x metrics
    low = np.percentile(means, 2.5, axis=0)
    high = np.percentile(means, 97.5, axis=0)
    return Interval(
        tuple(float(v) for v in mean), tuple(float(v) for v in low), tuple(float(v) for v in high)
    )
