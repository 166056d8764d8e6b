"""Stage 2: collections -> symmetric co-occurrence matrix (scipy CSR, float32, no diagonal).

`cooc[i, j] = sum of w over the collections holding both i and j`, with w from `CooccurSpec.weight`.
This module owns validation, chunking, progress and memory; the arithmetic is in `kernels.py`.

How it runs (Gustavson's SpGEMM of B.T @ B, B the collection x entity incidence matrix):
1. sort entities within each collection (skipped when already sorted) and build the inverted index
   entity -> memberships (the CSC of B);
2. structure pass over the upper triangle (each unordered pair visited once): distinct columns per
   row and, by symmetry, per column, which gives the exact layout of the output, allocated once;
3. numeric pass: each full row is accumulated in a dense per-thread accumulator and written straight
   into place in column order. Rows are partitioned across threads, so there are no atomics, no
   pair buffer and no transpose.

Both passes walk the rows in chunks of about `chunk_pairs` pair incidences, one progress step each,
split into one block of equal work per thread. Peak memory is the output (8 bytes per stored entry)
plus O(memberships + threads x n_entities); no pair list is ever materialised, so `chunk_pairs` only
sets the progress and scheduling granularity, not the memory.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import Collections
from sitegen.errors import DataError
from sitegen.spec import CooccurSpec
from sitegen.stages import kernels

Progress = Callable[[int, int], None]


def cooccurrence_matrix(coll: Collections, params: CooccurSpec, progress: Progress | None = None) -> sp.csr_matrix:
    """The co-occurrence matrix of `coll` under `params`.

    Returns: (n_entities, n_entities) csr_matrix, float32, symmetric, empty diagonal, sorted indices,
    no duplicates and no explicit zeros.
    `progress(done, total)` is called after each chunk of each pass, in pair incidences visited
    (total = 1.5 x `coll.pair_count()`: the structure pass visits each unordered pair once, the
    numeric pass each ordered pair).
    """
    n = int(coll.n_entities)
    indptr, ent, keys = _prepared(coll, params)
    inv_ptr, spans = kernels.group_by_entity(indptr, ent, n)
    row_len = spans[2] - spans[1] - 1  # pairs per membership of an entity, its row's work
    upper_len = spans[2] - spans[0] - 1
    work, upper = _per_row(row_len, inv_ptr), _per_row(upper_len, inv_ptr)
    chunks = _chunk_bounds(work, params.chunk_pairs)
    threads = numba.get_num_threads()
    total, done = int(upper.sum()) + int(work.sum()), 0  # pair incidences visited by the two passes

    row_nnz = np.zeros(n, np.int64)
    col_nnz = np.zeros((threads, n), np.int32)
    for r0, r1 in zip(chunks[:-1], chunks[1:]):
        kernels.upper_structure(_blocks(upper, r0, r1, threads), inv_ptr, spans, ent, row_nnz, col_nnz)
        done += int(upper[r0:r1].sum())
        _report(progress, done, total)
    row_nnz += col_nnz.sum(axis=0, dtype=np.int64)
    del col_nnz

    out_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(row_nnz, out=out_ptr[1:])
    out_idx = np.empty(int(out_ptr[-1]), np.int32)
    out_val = np.empty(int(out_ptr[-1]), np.float32)
    for r0, r1 in zip(chunks[:-1], chunks[1:]):
        blocks = _blocks(work + row_nnz, r0, r1, threads)
        if keys is None:
            written = kernels.rows_count(blocks, inv_ptr, spans, ent, out_ptr, out_idx, out_val)
        else:
            written = kernels.rows_closeness(blocks, inv_ptr, spans, ent, keys, out_ptr, out_idx, out_val)
        if int(written.sum()) != int(out_ptr[r1] - out_ptr[r0]):
            raise RuntimeError(f"co-occurrence rows {r0}:{r1}: numeric pass disagrees with structure pass")
        done += int(work[r0:r1].sum())
        _report(progress, done, total)
    return _csr(out_val, out_idx, out_ptr, n, weighted=keys is not None)


def estimate_memory(coll: Collections, params: CooccurSpec | None = None, k: int = 15, nb_k: int = 15) -> dict:
    """Sizes for `atlasgen validate` and the build's memory check, without computing anything big.

    Returns: pair_incidences (ordered pairs, the work), memberships, max_nnz (an upper bound on the
    stored entries of the full matrix), output_bytes (the full matrix for max_nnz), work_bytes
    (index + per-thread accumulators), matrix_peak_bytes (this module's `cooccurrence_matrix`: their
    sum), and peak_bytes: the fused co-occurrence -> kNN pass (`stages.fused`, what a build runs),
    which holds the collections, the inverted index, the per-thread accumulators and k + nb_k
    entries per entity, never the matrix. Both peaks are upper bounds on what the stage adds to a
    process that holds the loaded collections (counted in peak_bytes, not in matrix_peak_bytes).
    """
    n = int(coll.n_entities)
    c = int(coll.n_collections)
    sizes = coll.sizes.astype(np.int64)
    m = int(sizes.sum())
    per_row = np.bincount(np.asarray(coll.entity), weights=np.repeat(sizes - 1, sizes).astype(np.float64),
                          minlength=n)
    max_nnz = int(np.minimum(per_row, max(n - 1, 0)).sum())
    threads = numba.get_num_threads()
    weighted = params is not None and params.weight != "count"
    index_bytes = m * (16 + 4 + (8 if weighted else 0)) + 8 * (n + 1)
    thread_bytes = threads * n * (4 + 4 + 8 + (8 if weighted else 4))
    output_bytes = 8 * max_nnz + 8 * (n + 1) + 3 * 8 * n
    # fused: collections (indptr, entity, value, time) + sorted copy + index (spans 24 B, keys) +
    # numpy temporaries while building the per-row work (2 x 8 B per membership) + accumulators
    # (float64 + int32 per entity per thread) + the row lists, twice while they are assembled
    loaded_bytes = 8 * (c + 1) + m * (4 + (4 if coll.value is not None else 0) + (8 if coll.time is not None else 0))
    fused_index = m * (4 + 24 + 16 + (8 if weighted else 0)) + 8 * 3 * (n + 1)
    fused_rows = 2 * n * (8 * (k + nb_k) + 16)
    return {
        "pair_incidences": coll.pair_count(),
        "memberships": m,
        "max_nnz": max_nnz,
        "output_bytes": output_bytes,
        "work_bytes": index_bytes + thread_bytes,
        "matrix_peak_bytes": output_bytes + index_bytes + thread_bytes,
        "peak_bytes": loaded_bytes + fused_index + threads * n * 12 + fused_rows,
    }


def _prepared(coll: Collections, params: CooccurSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validated (indptr int64, ent int32, keys float64 | None) with entities sorted within collections.

    keys are the weighted mode's value or time column, shifted to start at 0 and divided by the scale.
    """
    n = int(coll.n_entities)
    indptr = np.ascontiguousarray(coll.indptr, dtype=np.int64)
    ent = np.asarray(coll.entity)
    m = ent.shape[0]
    if indptr.ndim != 1 or indptr.shape[0] < 1 or indptr[0] != 0 or indptr[-1] != m:
        raise DataError(f"collections: indptr must run from 0 to {m} (the number of memberships)")
    if np.any(np.diff(indptr) < 0):
        raise DataError("collections: indptr must be non-decreasing")
    if m and (ent.min() < 0 or ent.max() >= n):
        raise DataError(f"collections: entity ids must lie in [0, {n}), got {ent.min()}..{ent.max()}")
    ent = np.ascontiguousarray(ent, dtype=np.int32)

    keys = None
    if params.weight != "count":
        column = "value" if params.weight == "value_closeness" else "time"
        raw = getattr(coll, column)
        if raw is None:
            raise DataError(f"cooccurrence.weight: {params.weight} needs the collections' {column} column")
        if raw.shape != (m,):
            raise DataError(f"collections: {column} has {raw.shape[0]} entries, expected {m}")
        keys = np.asarray(raw, dtype=np.float64)
        if m and not np.isfinite(keys).all():
            raise DataError(f"collections: {column} holds NaN or infinite entries")
        keys = (keys - (keys.min() if m else 0.0)) / params.scale

    inner = _inner_positions(indptr, m)
    if m > 1 and not np.all(ent[1:][inner] > ent[:-1][inner]):
        perm = kernels.sort_within(indptr, ent)
        ent = ent[perm]
        keys = keys[perm] if keys is not None else None
        dup = np.flatnonzero(ent[1:][inner] == ent[:-1][inner])
        if dup.size:
            q = np.flatnonzero(inner)[dup[0]]
            c = int(np.searchsorted(indptr, q, side="right") - 1)
            raise DataError(f"collections: collection {c} lists entity {ent[q]} twice")
    return indptr, ent, keys


def _inner_positions(indptr: np.ndarray, m: int) -> np.ndarray:
    """(m - 1,) bool: position p and p + 1 belong to the same collection."""
    inner = np.ones(max(m - 1, 0), bool)
    starts = indptr[1:-1]
    starts = starts[(starts >= 1) & (starts <= m - 1)]
    inner[starts - 1] = False
    return inner


def _per_row(per_entry: np.ndarray, inv_ptr: np.ndarray) -> np.ndarray:
    """(n,) int64: per_entry summed over each entity's memberships (inverted-index order)."""
    cum = np.zeros(per_entry.shape[0] + 1, np.int64)
    np.cumsum(per_entry, out=cum[1:])
    return cum[inv_ptr[1:]] - cum[inv_ptr[:-1]]


def _chunk_bounds(work: np.ndarray, chunk_pairs: int) -> np.ndarray:
    """Row boundaries (k + 1,) int64 such that each chunk holds about chunk_pairs of work (at least one row)."""
    n = work.shape[0]
    cum = np.cumsum(work)
    total = int(cum[-1]) if n else 0
    targets = np.arange(chunk_pairs, total, chunk_pairs, dtype=np.int64)
    cuts = np.searchsorted(cum, targets, side="right")
    return np.unique(np.concatenate(([0], cuts, [n]))).astype(np.int64)


def _blocks(cost: np.ndarray, r0: int, r1: int, parts: int) -> np.ndarray:
    """Split rows r0:r1 into `parts` contiguous blocks of about equal cost: (parts + 1,) int64 boundaries."""
    cum = np.cumsum(cost[r0:r1])
    total = int(cum[-1]) if r1 > r0 else 0
    targets = (np.arange(1, parts, dtype=np.int64) * total) // parts
    cuts = r0 + np.searchsorted(cum, targets, side="right")
    return np.concatenate(([r0], cuts, [r1])).astype(np.int64)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _csr(val: np.ndarray, idx: np.ndarray, ptr: np.ndarray, n: int, weighted: bool) -> sp.csr_matrix:
    """Wrap the arrays without copying; the kernels produce sorted, duplicate-free rows."""
    if ptr[-1] <= np.iinfo(np.int32).max:
        ptr = ptr.astype(np.int32)
    m = sp.csr_matrix((val, idx, ptr), shape=(n, n), copy=False)
    if weighted and not val.all():  # closeness weights that underflow float32
        m.eliminate_zeros()
    m.has_sorted_indices = True
    m.has_canonical_format = True
    return m
