"""Numba kernels for the co-occurrence stage: arithmetic on plain arrays, nothing else.

No I/O, no logging, no validation: `cooccur.py` checks inputs, chunks the rows and calls these.

Shared vocabulary (M memberships, n entities):
    indptr:  (C + 1,) int64     collection c holds ent[indptr[c]:indptr[c + 1]]
    ent:     (M,) int32         entity ids, strictly increasing within each collection
    inv_ptr: (n + 1,) int64     entity i's memberships are spans[:, inv_ptr[i]:inv_ptr[i + 1]]
    spans:   (3, M) int64       for each membership of i: spans[0] = its position q in `ent`,
                                spans[1]:spans[2] = its collection's range, so ent[q + 1:spans[2]]
                                are the entities j > i that share it
    blocks:  (B + 1,) int64     row boundaries; block b is rows blocks[b]:blocks[b + 1]; blocks run
                                in parallel, each with its own accumulator, and own their rows
    out_ptr: (n + 1,) int64     the output's row pointer (known after the structure pass)

The matrix is Gustavson's SpGEMM of B.T @ B over the inverted index (the CSC of B): row i is
accumulated in a dense per-block accumulator from every collection holding i, then read back in column
order. Two passes: `upper_structure` counts each row's distinct columns j > i (each unordered pair
once) and, by symmetry, each column's; that fixes the output layout. Then `rows_count` /
`rows_closeness` write every full row straight into place, sorted, with no atomics and no pair buffer.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

try:  # LLVM cttz; numba has no public name for it, so fall back to a portable version if it moves
    from numba.cpython.unsafe.numbers import trailing_zeros
except ImportError:  # pragma: no cover - depends on the numba version
    trailing_zeros = None

# How a row is read back from its dense accumulator, by density = entries / (largest - smallest column):
# >= 1/_DENSE: scan the accumulator (branch-free, vectorised); >= 1/_SPARSE: scan a bitmap of the
# touched columns a word at a time; sparser: collect the touched columns in a list and sort it.
_DENSE = 8
_SPARSE = 1024
_SCAN, _BITS, _LIST = 0, 1, 2
_ONE = np.uint64(1)
# exp(-700) > 0 in float64, so a touched accumulator slot never sums to exactly 0 and the scan finds
# every touched column; sums that round to 0 in float32 are removed by the driver.
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
    """Inverted index: a stable counting sort of the memberships by entity.

    Args: indptr (C + 1,) int64; ent (M,) int32 in [0, n); n int.
    Returns: inv_ptr (n + 1,) int64 and spans (3, M) int64 as in the module docstring; each
    entity's memberships are in collection order.
    """
    m = ent.shape[0]
    inv_ptr = np.zeros(n + 1, np.int64)
    for q in range(m):
        inv_ptr[ent[q] + 1] += 1
    for i in range(n):
        inv_ptr[i + 1] += inv_ptr[i]
    cursor = inv_ptr[:-1].copy()
    spans = np.empty((3, m), np.int64)
    for c in range(indptr.shape[0] - 1):
        for q in range(indptr[c], indptr[c + 1]):
            k = cursor[ent[q]]
            cursor[ent[q]] = k + 1
            spans[0, k] = q
            spans[1, k] = indptr[c]
            spans[2, k] = indptr[c + 1]
    return inv_ptr, spans


if trailing_zeros is not None:
    @njit(cache=True)
    def _ctz(word):
        """Index of the lowest set bit of a non-zero uint64 (a jitted wrapper, so py_func can call it)."""
        return np.int64(trailing_zeros(word))
else:  # pragma: no cover
    @njit(cache=True)
    def _ctz(word):
        """Index of the lowest set bit of a non-zero uint64 (binary search; portable)."""
        n = np.int64(0)
        w = np.uint64(word)
        for shift in (32, 16, 8, 4, 2, 1):
            mask = (np.uint64(1) << np.uint64(shift)) - np.uint64(1)
            if w & mask == 0:
                w = w >> np.uint64(shift)
                n += shift
        return n


@njit(cache=True)
def _mode(entries, first, last):
    """How to read back a row with `entries` columns between first and last: _SCAN, _BITS or _LIST."""
    span = last - first + 1
    if entries * _DENSE >= span:
        return _SCAN
    if entries * _SPARSE >= span:
        return _BITS
    return _LIST


@njit(parallel=True, cache=True)
def upper_structure(blocks, inv_ptr, spans, ent, row_nnz, col_nnz):
    """Structure pass: count the distinct columns j > i of each row i (the upper triangle).

    Args: blocks (B + 1,) int64; inv_ptr, spans, ent as in the module docstring.
    Writes: row_nnz (n,) int64 for the rows in blocks; col_nnz (B, n) int32: col_nnz[b, j] += the
    number of rows of block b with an entry in column j (accumulates across calls).
    """
    n = inv_ptr.shape[0] - 1
    for b in prange(blocks.shape[0] - 1):
        seen = np.zeros(n, np.int32)
        bits = np.zeros(n // 64 + 1, np.uint64)
        cols = col_nnz[b]
        for i in range(blocks[b], blocks[b + 1]):
            work, top = 0, i
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                if spans[2, k] - spans[0, k] > 1:
                    work += spans[2, k] - spans[0, k] - 1
                    top = max(top, ent[spans[2, k] - 1])
            if work == 0:
                row_nnz[i] = 0
                continue
            mode = _mode(work, i + 1, top)
            count = 0
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                for q in range(spans[0, k] + 1, spans[2, k]):
                    j = ent[q]
                    if mode == _SCAN:
                        seen[j] = 1
                    elif mode == _BITS:
                        bits[j >> 6] |= _ONE << np.uint64(j & 63)
                    elif seen[j] == 0:
                        seen[j] = 1
                        count += 1
                        cols[j] += 1
            if mode == _SCAN:
                for j in range(i + 1, top + 1):
                    hit = seen[j]
                    count += hit
                    cols[j] += hit
                    seen[j] = 0
            elif mode == _BITS:
                for w in range((i + 1) >> 6, (top >> 6) + 1):
                    word = bits[w]
                    bits[w] = 0
                    while word:
                        cols[w * 64 + _ctz(word)] += 1
                        count += 1
                        word &= word - _ONE
            else:
                for k in range(inv_ptr[i], inv_ptr[i + 1]):
                    for q in range(spans[0, k] + 1, spans[2, k]):
                        seen[ent[q]] = 0
            row_nnz[i] = count
    return row_nnz


@njit(cache=True)
def _neighbour_range(i, inv_ptr, spans, ent):
    """(smallest, largest) entity other than i sharing a collection with i; (i, i) if none."""
    bottom, top = i, i
    first = True
    for k in range(inv_ptr[i], inv_ptr[i + 1]):
        lo, hi = spans[1, k], spans[2, k]
        if hi - lo < 2:
            continue
        a = ent[lo] if ent[lo] != i else ent[lo + 1]
        z = ent[hi - 1] if ent[hi - 1] != i else ent[hi - 2]
        if first or a < bottom:
            bottom = a
        if first or z > top:
            top = z
        first = False
    return bottom, top


@njit(cache=True)
def _emit(mode, i, bottom, top, lo, acc, bits, touched, out_idx, out_val):
    """Write row i's accumulated columns (all but i) in increasing order from out[lo]; reset the
    accumulator and bitmap. `touched` holds the columns in _LIST mode.

    _SCAN writes every column of acc[bottom:top + 1] at the cursor, which only advances past non-zero
    sums (branch-free); acc[top] is non-zero, so nothing lands past the row.
    Returns the number of entries written.
    """
    acc[i] = 0  # the row's own memberships add to the diagonal, which is not stored
    p = lo
    if mode == _SCAN:
        for j in range(bottom, top + 1):
            v = acc[j]
            out_idx[p] = j
            out_val[p] = v
            p += v != 0
            acc[j] = 0
    elif mode == _BITS:
        bits[i >> 6] &= ~(_ONE << np.uint64(i & 63))
        for w in range(bottom >> 6, (top >> 6) + 1):
            word = bits[w]
            bits[w] = 0
            while word:
                j = w * 64 + _ctz(word)
                out_idx[p] = j
                out_val[p] = acc[j]
                acc[j] = 0
                p += 1
                word &= word - _ONE
    else:
        touched.sort()
        for t in range(touched.shape[0]):
            j = touched[t]
            out_idx[p] = j
            out_val[p] = acc[j]
            acc[j] = 0
            p += 1
    return p - lo


@njit(parallel=True, cache=True)
def rows_count(blocks, inv_ptr, spans, ent, out_ptr, out_idx, out_val):
    """Numeric pass, `count` weight: out[i, j] = number of collections holding both i and j (j != i).

    Args: blocks, inv_ptr, spans, ent, out_ptr as in the module docstring.
    Writes: out_idx (nnz,) int32 and out_val (nnz,) float32 for rows in blocks, sorted by column.
    Returns: (B,) int64 entries written per block (the driver checks it against out_ptr).
    """
    n = inv_ptr.shape[0] - 1
    nb = blocks.shape[0] - 1
    written = np.zeros(nb, np.int64)
    for b in prange(nb):
        acc = np.zeros(n, np.int32)
        bits = np.zeros(n // 64 + 1, np.uint64)
        mark = np.full(n, -1, np.int32)
        touched = np.empty(n, np.int32)
        for i in range(blocks[b], blocks[b + 1]):
            lo, hi = out_ptr[i], out_ptr[i + 1]
            if hi == lo:
                continue
            bottom, top = _neighbour_range(i, inv_ptr, spans, ent)
            mode = _mode(hi - lo, bottom, top)
            mark[i] = i
            t = 0
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                for q in range(spans[1, k], spans[2, k]):
                    j = ent[q]
                    acc[j] += 1
                    if mode == _BITS:
                        bits[j >> 6] |= _ONE << np.uint64(j & 63)
                    elif mode == _LIST and mark[j] != i:
                        mark[j] = i
                        touched[t] = j
                        t += 1
            if mode == _LIST and t != hi - lo:  # disagrees with the structure pass: the driver raises
                _clear(acc, touched[:t])
                continue
            written[b] += _emit(mode, i, bottom, top, lo, acc, bits, touched[:t], out_idx, out_val)
    return written


@njit(parallel=True, cache=True)
def rows_closeness(blocks, inv_ptr, spans, ent, keys, out_ptr, out_idx, out_val):
    """Numeric pass, closeness weights: out[i, j] = sum over shared collections of exp(-|k_i - k_j|).

    Args: as `rows_count`, plus keys (M,) float64: each membership's value or time already divided
    by the scale, so a pair's weight within a collection is exp(-|keys[q] - keys[q']|).
    Returns: (B,) int64 entries written per block.
    """
    n = inv_ptr.shape[0] - 1
    nb = blocks.shape[0] - 1
    written = np.zeros(nb, np.int64)
    for b in prange(nb):
        acc = np.zeros(n, np.float64)
        bits = np.zeros(n // 64 + 1, np.uint64)
        mark = np.full(n, -1, np.int32)
        touched = np.empty(n, np.int32)
        for i in range(blocks[b], blocks[b + 1]):
            lo, hi = out_ptr[i], out_ptr[i + 1]
            if hi == lo:
                continue
            bottom, top = _neighbour_range(i, inv_ptr, spans, ent)
            mode = _mode(hi - lo, bottom, top)
            mark[i] = i
            t = 0
            for k in range(inv_ptr[i], inv_ptr[i + 1]):
                own = keys[spans[0, k]]
                for q in range(spans[1, k], spans[2, k]):
                    j = ent[q]
                    acc[j] += math.exp(-min(abs(keys[q] - own), _MAX_EXPONENT))
                    if mode == _BITS:
                        bits[j >> 6] |= _ONE << np.uint64(j & 63)
                    elif mode == _LIST and mark[j] != i:
                        mark[j] = i
                        touched[t] = j
                        t += 1
            if mode == _LIST and t != hi - lo:
                _clear(acc, touched[:t])
                continue
            written[b] += _emit(mode, i, bottom, top, lo, acc, bits, touched[:t], out_idx, out_val)
    return written


@njit(cache=True)
def _clear(acc, touched):
    for t in range(touched.shape[0]):
        acc[touched[t]] = 0
