"""Ordering scores exactly as :func:`~smartkg.replication.similarity.score_key` does, in numpy.

``score_key`` sorts by the score *rounded to 12 decimals* (descending), then by IRI. Cities are
numbered in IRI order, so the IRI tie-break is the row number. Rounding only reorders scores
that lie within ``NEAR`` of each other, so an array is sorted by (score descending, row)
in numpy and only the runs of near-equal neighbours (the rare ones that are not exactly
equal) are re-sorted in Python with ``score_key`` itself: the result is the order ``score_key``
gives, at numpy speed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["DECIMALS", "NEAR", "IntVector", "Vector", "positive", "rank_rows"]

Vector = npt.NDArray[np.float64]
IntVector = npt.NDArray[np.int64]

#: Scores are compared after rounding to this many decimals, so that two equal scores computed
#: in a different order (and so differing in the last bits) tie, and ties break by IRI.
DECIMALS = 12

#: Two scores further apart than this never round to the same value (the grid is 1e-12).
NEAR = 2e-12


def positive(scores: Vector) -> npt.NDArray[np.bool_]:
    """Which scores are above 0 once rounded (``round(score, 12) > 0``)."""
    surely = scores >= 1e-11
    unsure = np.flatnonzero((scores > 0) & ~surely)
    for i in unsure:  # within a rounding step of 0: decide exactly as score_key does
        surely[i] = round(float(scores[i]), DECIMALS) > 0
    return surely


def rank_rows(groups: IntVector, scores: Vector, ids: IntVector) -> IntVector:
    """Positions of the entries ordered by group, then by ``score_key(score, id)`` within each
    group (ids stand for IRIs: a smaller id is a smaller IRI)."""
    order: IntVector = np.lexsort((ids, -scores, groups)).astype(np.int64)
    if order.size < 2:
        return order
    s, g = scores[order], groups[order]
    gaps = s[:-1] - s[1:]
    linked = (g[:-1] == g[1:]) & (gaps < NEAR)
    if not (linked & (gaps > 0)).any():  # exact ties only: already in score_key order
        return order
    starts = np.flatnonzero(linked & ~np.concatenate(([False], linked[:-1])))
    for start in starts:
        end = int(start) + 1
        while end < linked.size and linked[end]:
            end += 1
        run = order[start : end + 1]
        if not (gaps[start:end] > 0).any():
            continue
        keyed = sorted(
            run.tolist(), key=lambda p: (-round(float(scores[p]), DECIMALS), int(ids[p]))
        )
        order[start : end + 1] = keyed
    return order
