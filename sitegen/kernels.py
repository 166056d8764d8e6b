"""Numba kernels for the co-occurrence stage: arithmetic on plain arrays, nothing else.

No I/O, no logging, no validation: `cooccur.py` checks inputs, chunks the rows and calls these.

Shared vocabulary (M memberships, n entities, L = M inverted-index entries):
    indptr:  (n_collections + 1,) int64   collection c holds ent[indptr[c]:indptr[c + 1]]
    ent:     (M,) int32                   entity ids, strictly increasing within each collection
    inv_ptr: (n + 1,) int64               entity i's memberships are tails[:, inv_ptr[i]:inv_ptr[i + 1]]
    tails:   (2, M) int64                 tails[0] = membership q of i, tails[1] = end of q's collection,
                                          so ent[q + 1:tails[1]] are the entities j > i sharing it
    blocks:  (B + 1,) int64               row boundaries; block b is rows blocks[b]:blocks[b + 1];
                                          blocks run in parallel and each owns workspace row b
    spans:   (2, n) int64                 where row i's upper part (columns > i) lives in the output:
                                          out[spans[0, i]:spans[1, i]]; its lower part precedes it

The upper triangle is computed row by row (Gustavson's SpGEMM over the inverted index with a dense
accumulator): each unordered pair is generated once, from its smaller entity, and `mirror_lower`
then writes the transposed copy. Rows are owned by one block, so no atomics are needed.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# A row whose upper part is sparser than 1/_SPARSE of its column range is gathered with a touched
# list and sorted; denser rows are read back by scanning the accumulator (no sort).
_SPARSE = 24
# exp(-700) > 0 in float64: a touched accumulator slot never sums to 0, so a scan finds every
# touched column; values that round to 0 in float32 are removed by the driver.
_MAX_EXPONENT = 700.0


@njit(parallel=True, cache=True)
def sort_within(indptr, ent):
    """Permutation that sorts entities within each collection.

    Args: indptr (C + 1,) int64; ent (M,) int32.
    Returns: perm (M,) int64 such that ent[perm] is increasing within each collection.
    """
    perm = np.empty(ent.shape[0], np.int64)
    for c in prange(indptr.shape[0] - 1):
        lo, hi = indptr[c], indptr[c + 1]
        order = np.argsort(ent[lo:hi], kind="mergesort")
        for k in range(hi - lo):
            perm[lo + k] = lo + order[k]
    return perm


@njit(cache=True)
def group_by_entity(indptr, ent, n):
    """Inverted index (a stable counting sort of memberships by entity).

    Args: indptr (C + 1,) int64; ent (M,) int32 in [0, n); n int.
    Returns: inv_ptr (n + 1,) int64 and tails (2, M) int64 as in the module docstring; each
    entity's memberships are in collection order.
    """
    m = ent.shape[0]
    inv_ptr = np.zeros(n + 1, np.int64)
    for q in range(m):
        inv_ptr[ent[q] + 1] += 1
    for i in range(n):
        inv_ptr[i + 1] += inv_ptr[i]
    cursor = inv_ptr[:-1].copy()
    tails = np.empty((2, m), np.int64)
    for c in range(indptr.shape[0] - 1):
        for q in range(indptr[c], indptr[c + 1]):
            k = cursor[ent[q]]
            cursor[ent[q]] = k + 1
            tails[0, k] = q
            tails[1, k] = indptr[c + 1]
    return inv_ptr, tails


@njit(parallel=True, cache=True)
def upper_structure(blocks, inv_ptr, tails, ent, row_nnz, col_nnz):
    """Symbolic pass: count the distinct columns j > i of each row i of the upper triangle.

    Args: blocks (B + 1,) int64; inv_ptr, tails, ent as in the module docstring.
    Writes: row_nnz (n,) int64 for the rows in blocks; col_nnz (B, n) int64: col_nnz[b, j] += the
    number of rows of block b with an entry in column j (accumulates across calls).
    """
    n = inv_ptr.shape[0] - 1
    for b in prange(blocks.shape[0] - 1):
        mark = np.full(n, -1, np.int32)
        cols = col_nnz[b]
        for i in range(blocks[b], blocks[b + 1]):
            count = 0
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                for q in range(tails[0, k] + 1, tails[1, k]):
                    j = ent[q]
                    if mark[j] != i:
                        mark[j] = i
                        count += 1
                        cols[j] += 1
            row_nnz[i] = count
    return row_nnz


@njit(cache=True)
def _row_extent(i, inv_ptr, tails, ent):
    """Largest column j touched by row i (i when the row is empty)."""
    top = i
    for k in range(inv_ptr[i], inv_ptr[i + 1]):
        stop = tails[1, k]
        if stop - tails[0, k] > 1 and ent[stop - 1] > top:
            top = ent[stop - 1]
    return top


@njit(cache=True)
def _emit(i, top, lo, hi, acc, touched, out_idx, out_val):
    """Write row i's accumulated columns (i, top] in increasing order to out[lo:hi]; reset acc.

    Sparse rows (`touched` non-empty) sort the touched list; dense rows scan the accumulator.
    Returns the number of entries written (hi - lo when the structure pass agrees).
    """
    p = lo
    if touched.shape[0] > 0:
        touched.sort()
        for t in range(touched.shape[0]):
            j = touched[t]
            if p < hi:
                out_idx[p] = j
                out_val[p] = acc[j]
            acc[j] = 0
            p += 1
    else:
        for j in range(i + 1, top + 1):
            if acc[j] != 0:
                if p < hi:
                    out_idx[p] = j
                    out_val[p] = acc[j]
                acc[j] = 0
                p += 1
    return p - lo


@njit(parallel=True, cache=True)
def upper_counts(blocks, inv_ptr, tails, ent, spans, out_idx, out_val):
    """Numeric pass, `count` weight: out[i, j] = number of collections holding both i and j, j > i.

    Args: blocks, inv_ptr, tails, ent, spans as in the module docstring (spans from the symbolic pass).
    Writes: out_idx (nnz,) int32 and out_val (nnz,) float32 at out[spans[0, i]:spans[1, i]].
    Returns: (B,) int64 entries written per block (equals the spans' total when consistent).
    """
    n = inv_ptr.shape[0] - 1
    nb = blocks.shape[0] - 1
    written = np.zeros(nb, np.int64)
    for b in prange(nb):
        acc = np.zeros(n, np.int32)
        mark = np.full(n, -1, np.int32)
        touched = np.empty(n, np.int32)
        for i in range(blocks[b], blocks[b + 1]):
            lo, hi = spans[0, i], spans[1, i]
            if hi == lo:
                continue
            top = _row_extent(i, inv_ptr, tails, ent)
            sparse = (hi - lo) * _SPARSE < top - i
            t = 0
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                if sparse:
                    for q in range(tails[0, k] + 1, tails[1, k]):
                        j = ent[q]
                        acc[j] += 1
                        if mark[j] != i:
                            mark[j] = i
                            touched[t] = j
                            t += 1
                else:
                    for q in range(tails[0, k] + 1, tails[1, k]):
                        acc[ent[q]] += 1
            written[b] += _emit(i, top, lo, hi, acc, touched[:t], out_idx, out_val)
    return written


@njit(parallel=True, cache=True)
def upper_closeness(blocks, inv_ptr, tails, ent, keys, spans, out_idx, out_val):
    """Numeric pass, closeness weights: out[i, j] = sum over shared collections of exp(-|k_i - k_j|).

    Args: as `upper_counts`, plus keys (M,) float64: each membership's value or time already divided
    by the scale, so the weight of a pair within a collection is exp(-|keys[q] - keys[q']|).
    Returns: (B,) int64 entries written per block.
    """
    n = inv_ptr.shape[0] - 1
    nb = blocks.shape[0] - 1
    written = np.zeros(nb, np.int64)
    for b in prange(nb):
        acc = np.zeros(n, np.float64)
        mark = np.full(n, -1, np.int32)
        touched = np.empty(n, np.int32)
        for i in range(blocks[b], blocks[b + 1]):
            lo, hi = spans[0, i], spans[1, i]
            if hi == lo:
                continue
            top = _row_extent(i, inv_ptr, tails, ent)
            sparse = (hi - lo) * _SPARSE < top - i
            t = 0
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                own = keys[tails[0, k]]
                for q in range(tails[0, k] + 1, tails[1, k]):
                    j = ent[q]
                    acc[j] += math.exp(-min(abs(keys[q] - own), _MAX_EXPONENT))
                    if sparse and mark[j] != i:
                        mark[j] = i
                        touched[t] = j
                        t += 1
            written[b] += _emit(i, top, lo, hi, acc, touched[:t], out_idx, out_val)
    return written


@njit(parallel=True, cache=True)
def mirror_lower(dest_blocks, indptr, spans, out_idx, out_val):
    """Fill each row's lower part (columns < i) with the transpose of the upper parts.

    Args: dest_blocks (B + 1,) int64 boundaries over destination rows; indptr (n + 1,) int64 of the
    full output; spans (2, n) int64; out_idx (nnz,) int32 and out_val (nnz,) float32 whose upper
    parts are filled. Block b scans every source row r < its last row in order and copies entries
    (r, j) with j in its range to (j, r), so each lower part comes out sorted without atomics.
    """
    for b in prange(dest_blocks.shape[0] - 1):
        a, z = dest_blocks[b], dest_blocks[b + 1]
        if z <= a:
            continue
        cursor = indptr[a:z].copy()
        for r in range(z - 1):
            lo, hi = spans[0, r], spans[1, r]
            if hi == lo or out_idx[hi - 1] < a:
                continue
            p = lo + np.searchsorted(out_idx[lo:hi], a)
            while p < hi and out_idx[p] < z:
                j = out_idx[p]
                out_idx[cursor[j - a]] = r
                out_val[cursor[j - a]] = out_val[p]
                cursor[j - a] += 1
                p += 1
