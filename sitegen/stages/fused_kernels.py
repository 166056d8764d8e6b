"""Numba kernels for the fused co-occurrence -> association -> top-k pass: arithmetic only.

`fused.py` validates, chunks and assembles; these kernels never hold more than one row per thread.
Vocabulary as in `kernels.py` (inv_ptr, spans, ent: the inverted index; blocks: row boundaries, one
block per thread), plus:

    rows:    (R,) int64        the entity rows to compute; outputs are indexed by position in `rows`
    index:   (inv_ptr, spans, ent, keys)   keys (M,) float64: closeness keys (empty for counts)
    assoc:   (code, stat, n_coll)          the association transform (TRANSFORMS), stat (n,) float32
                                            its per-entity statistic, n_coll float32
    allowed: (n,) uint8        columns that may enter the raw co-occurrence top list
    out:     (knn_idx (R, K) int32, knn_sim (R, K) float32, knn_len (R,) int32,
              nb_idx (R, L) int32, nb_w (R, L) float32, nb_len (R,) int32, row_nnz (R,) int64)

Each row is summed in a dense per-thread accumulator (int32 counts, float64 closeness) in exactly the order of
`kernels.rows_count` / `rows_closeness` (so the float32 counts are the same bits), each entry is
transformed with the same float32 arithmetic as `graph.association`, and two bounded lists keep the
K strongest associations and the L largest raw counts, ordered by value descending, then column
ascending (the total order of `topk.topk_rows`, so the result does not depend on visiting order).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# association transform codes (graph.association's names -> kernel codes)
TRANSFORMS = {"inv_log": 0, "cosine": 1, "jaccard": 2, "ppmi": 3}
_INV_LOG, _COSINE, _JACCARD, _PPMI = 0, 1, 2, 3
_TINY = np.float32(1e-12)
_MAX_EXPONENT = 700.0  # as kernels.py: exp(-700) > 0, so a touched slot is never exactly 0


@njit(cache=True)
def log32(x):
    """Elementwise float32 log, (m,) float32 -> (m,) float32.

    numpy's SIMD float32 log and LLVM's differ in the last bit for ~10% of inputs; PPMI uses this one
    in both the matrix path and the fused path so they agree bit for bit.
    """
    out = np.empty_like(x)
    for t in range(x.shape[0]):
        out[t] = np.log(x[t])
    return out


@njit(cache=True)
def similarity(code, c, i, j, stat, n_coll):
    """Association of entities i and j with co-occurrence c (float32), as `graph.association`.

    stat: cosine 1 / sqrt(n); jaccard and ppmi the counts n (float32). Same operation order and
    precision as the numpy code there.
    """
    if code == _COSINE:
        return (c * stat[i]) * stat[j]
    if code == _JACCARD:
        return c / max(stat[i] + stat[j] - c, _TINY)
    if code == _PPMI:
        return np.log(c * n_coll / (stat[i] * stat[j]))
    return c


@njit(cache=True)
def keep_top(idx, val, r, filled, j, v):
    """Insert (j, v) into row r of the bounded lists idx/val (its first `filled` slots are ordered by
    value descending, then index ascending); drops the weakest when full. Returns the new fill.

    Takes the 2D arrays and a row number, not row views: a view per entry costs two atomic reference
    count updates, which two threads contend on (measured 3x slower).
    """
    k = idx.shape[1]
    if filled == k:
        if v < val[r, k - 1] or (v == val[r, k - 1] and j > idx[r, k - 1]):
            return filled
        p = k - 1
    else:
        p = filled
        filled += 1
    while p > 0 and (val[r, p - 1] < v or (val[r, p - 1] == v and idx[r, p - 1] > j)):
        idx[r, p] = idx[r, p - 1]
        val[r, p] = val[r, p - 1]
        p -= 1
    idx[r, p] = j
    val[r, p] = v
    return filled


@njit(cache=True)
def _accumulate(i, index, weighted, acc, touched):
    """Add row i of B.T @ B into acc (n,) (int32 counts or float64 closeness); list first-touched columns in touched. Returns
    how many (the diagonal i included)."""
    inv_ptr, spans, ent, keys = index
    t = 0
    for k in range(inv_ptr[i], inv_ptr[i + 1]):
        own = keys[spans[0, k]] if weighted else 0.0
        for q in range(spans[1, k], spans[2, k]):
            j = ent[q]
            if acc[j] == 0:
                touched[t] = j
                t += 1
            if weighted:
                acc[j] += math.exp(-min(abs(keys[q] - own), _MAX_EXPONENT))
            else:
                acc[j] += 1
    return t


@njit(parallel=True, cache=True)
def rows_topk(rows, blocks, index, weighted, assoc, allowed, accumulators, out):
    """The fused pass over rows[blocks[0]:blocks[-1]]; writes `out` (module docstring) at those positions.

    accumulators: (B, n) zeros, one row per block, left zeroed: int32 for counts (half the cache
    footprint of float64), float64 for closeness weights.
    """
    code, stat, n_coll = assoc
    knn_idx, knn_sim, knn_len, nb_idx, nb_w, nb_len, row_nnz = out
    n = index[0].shape[0] - 1
    k_knn, k_nb = knn_idx.shape[1], nb_idx.shape[1]
    for b in prange(blocks.shape[0] - 1):
        acc = accumulators[b]
        touched = np.empty(n, np.int32)
        for r in range(blocks[b], blocks[b + 1]):
            i = rows[r]
            t = _accumulate(i, index, weighted, acc, touched)
            kf, nf, nnz = 0, 0, 0
            kth_sim, kth_w = np.float32(-np.inf), np.float32(-np.inf)  # weakest kept once a list is full
            for s in range(t):
                j = touched[s]
                c = np.float32(acc[j])
                acc[j] = 0
                if j == i or c == 0:  # no diagonal; closeness sums that underflow float32 are not entries
                    continue
                nnz += 1
                v = similarity(code, c, i, j, stat, n_coll)
                # most entries lose to the weakest kept one: test that before calling keep_top (ties
                # on the value go to keep_top, which orders them by index)
                if v >= kth_sim and (code != _PPMI or v > 0):  # PPMI keeps positive entries only
                    kf = keep_top(knn_idx, knn_sim, r, kf, j, v)
                    if kf == k_knn:
                        kth_sim = knn_sim[r, k_knn - 1]
                if c >= kth_w and allowed[j]:
                    nf = keep_top(nb_idx, nb_w, r, nf, j, c)
                    if nf == k_nb:
                        kth_w = nb_w[r, k_nb - 1]
            knn_len[r] = kf
            nb_len[r] = nf
            row_nnz[r] = nnz
