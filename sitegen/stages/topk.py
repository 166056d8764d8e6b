"""Numba kernel: the k strongest entries of each CSR row. Arithmetic only; graph.py drives it."""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def topk_rows(indptr, indices, data, k):
    """k largest `data` entries per row of a CSR matrix.

    Args:
        indptr: (n + 1,) int64/int32; indices: (nnz,) int32; data: (nnz,) float32
        k: neighbours per row
    Returns:
        idx: (n, k) int32 column indices, strongest first, -1 where a row has fewer than k entries
        val: (n, k) float32 their values (0 where idx is -1)
    Ties are broken by the smaller column index, so the result does not depend on thread count.
    """
    n = len(indptr) - 1
    idx = np.full((n, k), -1, dtype=np.int32)
    val = np.zeros((n, k), dtype=np.float32)
    for r in prange(n):
        lo, hi = indptr[r], indptr[r + 1]
        m = hi - lo
        if m == 0:
            continue
        # key sorts by value descending, then column ascending
        vals = data[lo:hi]
        cols = indices[lo:hi]
        order = np.argsort(-vals, kind="mergesort")
        take = min(k, m)
        for t in range(take):
            j = order[t]
            idx[r, t] = cols[j]
            val[r, t] = vals[j]
    return idx, val
