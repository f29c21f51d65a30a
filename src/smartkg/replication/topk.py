"""Every city's top-k peers without ever holding the n x n similarity matrix.

Rows are taken in blocks. For each block a float32 product of the (weighted, stacked) TF-IDF
vectors gives approximate similarities; their error is bounded (below), so every city whose
exact similarity can reach the k-th best is kept as a candidate: those within twice the bound,
plus the rounding step, of the approximate k-th best. Only the candidates (about k per row) get
their exact similarity (:func:`exact_pairs`, the same arithmetic as
:meth:`SimilarityModel.scores`), and are ranked by ``score_key``. So the result is exactly the
brute-force one, in the time of one float32 matrix product and a partial sort per block.

Error bound: the stacked vectors have entries ``w_f · v[c]`` with every facet's ``v`` of norm at
most 1, so a product's terms add up to at most ``Σ|w_f|`` in absolute value; rounding the
entries to float32 and summing ``C`` terms moves the sum by at most ``(C + 2) · 2⁻²⁴`` times
that. The margin used is twice as much.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from smartkg.replication.ranking import NEAR, IntVector, Vector, positive, rank_rows

__all__ = ["BLOCK_ELEMENTS", "exact_pairs", "top_k"]

#: Approximate similarities per block (float32): 4M, i.e. 16 MB per block.
BLOCK_ELEMENTS = 1 << 22

#: Blocks computed at once.
WORKERS = 2


def exact_pairs(
    vectors: Sequence[Any], weights: Sequence[float], rows: IntVector, columns: IntVector
) -> Vector:
    """The similarity of each pair (rows[i], columns[i]): per facet, the products of the two
    vectors over their shared concepts summed in concept order, then weighted and added."""
    total: Vector = np.zeros(rows.size, dtype=np.float64)
    if rows.size == 0:
        return total
    for matrix, weight in zip(vectors, weights, strict=True):
        shared = matrix[rows].multiply(matrix[columns]).tocsr()
        total += weight * (shared @ np.ones(matrix.shape[1]))
    return total


def _stacked(vectors: Sequence[Any], weights: Sequence[float]) -> npt.NDArray[np.float32]:
    """The facets' vectors side by side, each times its weight, as a dense float32 array."""
    stacked = sparse.hstack(
        [matrix * weight for matrix, weight in zip(vectors, weights, strict=True)], format="csr"
    )
    dense: npt.NDArray[np.float32] = stacked.astype(np.float32).toarray()
    return dense


def _kth_largest(values: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.float32]:
    """Each row's k-th largest value (-inf for a row with fewer than k)."""
    width = values.shape[1]
    if width < k:
        return np.full(values.shape[0], -np.inf, dtype=np.float32)
    kth: npt.NDArray[np.float32] = np.partition(values, width - k, axis=1)[:, width - k]
    return kth


def _candidates(
    approx: npt.NDArray[np.float32], k: int, slack: np.float32, floor: np.float32
) -> tuple[IntVector, IntVector]:
    """(row, column) of the entries within ``slack`` of their row's k-th largest, and at least
    ``floor``. The k-th largest of every 16th column bounds the row's from below: the entries
    above that bound are few (about 16 k a row), and the row's k-th largest is among them."""
    n = approx.shape[1]
    stride = max(1, min(16, n // (4 * k)))
    bound = _kth_largest(np.ascontiguousarray(approx[:, ::stride]), k)
    first = np.maximum(bound - slack, floor)
    flat = np.flatnonzero(approx >= first[:, None])
    rows, columns = np.divmod(flat, n)
    values = approx.ravel()[flat]
    order = np.lexsort((-values, rows))
    counts = np.bincount(rows, minlength=approx.shape[0])
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    kth = np.full(approx.shape[0], -np.inf, dtype=np.float32)
    full = counts >= k
    kth[full] = values[order[starts[full] + k - 1]]
    keep = values >= np.maximum(kth - slack, floor)[rows]
    return rows[keep].astype(np.int64), columns[keep].astype(np.int64)


def top_k(
    vectors: Sequence[Any],
    weights: Sequence[float],
    k: int,
    block_rows: int | None = None,
) -> tuple[npt.NDArray[np.int64], Vector]:
    """Each row's ``k`` best other rows by similarity (rounded score > 0 only, ``score_key``
    order): an n x k array of row numbers (-1 where a row has fewer peers) and their scores."""
    n = vectors[0].shape[0]
    peers = np.full((n, k), -1, dtype=np.int64)
    scores: Vector = np.zeros((n, k), dtype=np.float64)
    if n == 0 or k <= 0:
        return peers, scores
    left = _stacked(vectors, weights)
    right = np.ascontiguousarray(_stacked(vectors, [1.0] * len(vectors)).T)
    margin = 2.0 * (left.shape[1] + 2) * 2.0**-24 * sum(abs(w) for w in weights)
    slack = np.float32(2 * margin + NEAR)
    # with non-negative weights an approximate 0 is an exact 0 (no shared concept)
    floor = np.float32(np.nextafter(np.float32(0), np.float32(1)))
    if any(w < 0 for w in weights):
        floor = np.float32(-np.inf)
    size = block_rows or max(1, BLOCK_ELEMENTS // n)

    def block(start: int) -> tuple[IntVector, IntVector, Vector]:
        stop = min(n, start + size)
        approx = left[start:stop] @ right
        local = np.arange(stop - start)
        approx[local, start + local] = -np.inf  # a city is never its own peer
        rows, columns = _candidates(approx, k, slack, floor)
        rows += start
        exact = exact_pairs(vectors, weights, rows, columns)
        keep = positive(exact)
        rows, columns, exact = rows[keep], columns[keep], exact[keep]
        order = rank_rows(rows, exact, columns)
        return rows[order], columns[order], exact[order]

    # numpy and BLAS release the GIL: two blocks at a time keep two cores busy
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for rows, columns, exact in pool.map(block, range(0, n, size)):
            first = np.searchsorted(rows, rows, side="left")
            place = np.arange(rows.size) - first
            chosen = place < k
            peers[rows[chosen], place[chosen]] = columns[chosen]
            scores[rows[chosen], place[chosen]] = exact[chosen]
    return peers, scores
