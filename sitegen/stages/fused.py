"""Stages 2 + 3 fused: collections -> kNN graph and top co-occurring neighbours, never the full matrix.

`graph.knn_graph(graph.association(cooccurrence_matrix(...)))` holds the co-occurrence matrix and its
association copy (12.9 GB at S1M). Here every row is summed in a per-thread accumulator, transformed,
its k strongest associations and its `nb_k` largest raw counts kept, and the row dropped: memory is
the inverted index plus O(threads x entities + entities x (k + nb_k)). The result is the same bits as
the matrix path (tests/test_fused.py): the same float32 counts and association arithmetic, and the
same order (value descending, then column ascending).

Rows are independent, so a row range is a unit of work: `fused_rows` computes any range (a Dask task
takes one slice of rows, `executors.DaskExecutor.fused_graph`), and `assemble` turns the rows of
every entity into the pipeline's artifact (isolated entities dropped and columns renumbered, as
`orchestrator` does for the matrix path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from sitegen.datatypes import Collections
from sitegen.spec import CooccurSpec
from sitegen.stages import fused_kernels, kernels
from sitegen.stages.cooccur import _blocks, _chunk_bounds, _per_row, _prepared
from sitegen.stages.graph import association_stat

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowIndex:
    """What every row range needs: the inverted index and the transform's per-entity statistic."""

    index: tuple  # (inv_ptr, spans, ent, keys) as in fused_kernels
    weighted: bool
    assoc: tuple  # (code, stat, n_coll)
    work: np.ndarray  # (n,) int64 pair incidences of each row

    @property
    def n(self) -> int:
        return int(self.index[0].shape[0] - 1)


@dataclass(frozen=True)
class FusedRows:
    """The fused pass's output for rows[r0:r1] (positions in the rows computed)."""

    knn_idx: np.ndarray  # (R, K) int32, -1 pads
    knn_sim: np.ndarray  # (R, K) float32, 0 pads
    knn_len: np.ndarray  # (R,) int32
    nb_idx: np.ndarray  # (R, L) int32, -1 pads
    nb_w: np.ndarray  # (R, L) float32 raw co-occurrence
    nb_len: np.ndarray  # (R,) int32
    row_nnz: np.ndarray  # (R,) int64 co-occurrence entries of each row (diagonal excluded)


@dataclass(frozen=True)
class FusedGraph:
    """The artifact, over the kept entities (those with at least one association).

    kept: (n_kept,) int64 entity indices; knn_idx (n_kept, K) int32 into kept, strongest first,
    -1 pads; knn_sim (n_kept, K) float32; neighbours: CSR (indptr (n_kept + 1,) int64, indices int64
    into kept, weights float32 raw counts), each row's `nb_k` largest, as
    `datafiles.top_neighbors(cooc[kept][:, kept])`; pairs: co-occurring unordered pairs (cooc.nnz / 2).
    """

    kept: np.ndarray
    knn_idx: np.ndarray
    knn_sim: np.ndarray
    neighbors: tuple[np.ndarray, np.ndarray, np.ndarray]
    pairs: int


def row_index(coll: Collections, params: CooccurSpec, counts: np.ndarray, transform: str) -> RowIndex:
    """Validate `coll` and build what `fused_rows` needs (O(memberships + entities))."""
    n = int(coll.n_entities)
    indptr, ent, keys = _prepared(coll, params)
    inv_ptr, spans = kernels.group_by_entity(indptr, ent, n)
    work = _per_row(spans[2] - spans[1] - 1, inv_ptr)
    weighted = keys is not None
    keys = keys if weighted else np.zeros(0, np.float64)
    stat = np.ascontiguousarray(association_stat(counts, transform), dtype=np.float32)
    assoc = (np.int64(fused_kernels.TRANSFORMS[transform]), stat, np.float32(max(coll.n_collections, 1)))
    return RowIndex((inv_ptr, spans, ent, keys), weighted, assoc, work)


def fused_rows(ri: RowIndex, rows: np.ndarray, k: int, nb_k: int, chunk_pairs: int = 1 << 24,
               allowed: np.ndarray | None = None, progress: Progress | None = None) -> FusedRows:
    """Top-k associations and top-`nb_k` raw counts of each entity in `rows` ((R,) int64).

    `allowed` (n,) bool limits the raw-count lists to those columns (default: all).
    `progress(done, total)` after each chunk of about `chunk_pairs` pair incidences.
    """
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    r = rows.shape[0]
    out = (np.full((r, k), -1, np.int32), np.zeros((r, k), np.float32), np.zeros(r, np.int32),
           np.full((r, nb_k), -1, np.int32), np.zeros((r, nb_k), np.float32), np.zeros(r, np.int32),
           np.zeros(r, np.int64))
    mask = np.ones(ri.n, np.uint8) if allowed is None else np.ascontiguousarray(allowed, dtype=np.uint8)
    work = ri.work[rows]
    threads = numba.get_num_threads()
    chunks = _chunk_bounds(work, chunk_pairs) if r else np.zeros(1, np.int64)
    total, done = int(work.sum()), 0
    acc = np.zeros((threads, ri.n), np.float64 if ri.weighted else np.int32)
    for p0, p1 in zip(chunks[:-1], chunks[1:]):
        blocks = _blocks(work + 1, int(p0), int(p1), threads)
        fused_kernels.rows_topk(rows, blocks, ri.index, ri.weighted, ri.assoc, mask, acc, out)
        done += int(work[p0:p1].sum())
        if progress is not None:
            progress(done, total)
    return FusedRows(*out)


def slice_rows(coll: Collections, params: CooccurSpec, counts: np.ndarray, transform: str, rows: np.ndarray,
               k: int, nb_k: int, allowed: np.ndarray | None = None) -> FusedRows:
    """`fused_rows` of some rows, from the collections alone (one Dask task: it builds its own index)."""
    return fused_rows(row_index(coll, params, counts, transform), rows, k, nb_k, params.chunk_pairs, allowed)


def row_work(coll: Collections) -> np.ndarray:
    """(n,) int64 pair incidences of each entity's row (to split rows into slices of equal work)."""
    sizes = coll.sizes.astype(np.int64)
    per = np.bincount(np.asarray(coll.entity), weights=np.repeat(sizes - 1, sizes).astype(np.float64),
                      minlength=int(coll.n_entities))
    return per.astype(np.int64)


def concat(parts: list[FusedRows]) -> FusedRows:
    """The rows of consecutive ranges, in order."""
    return FusedRows(*(np.concatenate([getattr(p, f) for p in parts]) for f in FusedRows.__dataclass_fields__))


def fused_graph(coll: Collections, params: CooccurSpec, counts: np.ndarray, transform: str, k: int,
                nb_k: int, progress: Progress | None = None) -> FusedGraph:
    """The whole fused stage in this process: every row, then `assemble`."""
    ri = row_index(coll, params, counts, transform)
    rows = fused_rows(ri, np.arange(ri.n, dtype=np.int64), k, nb_k, params.chunk_pairs, progress=progress)
    return assemble(rows, lambda sel, allowed: fused_rows(ri, sel, k, nb_k, params.chunk_pairs, allowed))


def assemble(rows: FusedRows, recompute: Callable[[np.ndarray, np.ndarray], FusedRows]) -> FusedGraph:
    """Drop isolated entities and renumber columns into the kept ones.

    A dropped entity has no association with anyone (the matrix is symmetric), so no kNN list holds
    it; but with PPMI it can still co-occur, and the matrix path's neighbour lists come from the
    co-occurrence restricted to kept entities. Rows whose raw-count list holds a dropped column are
    computed again with those columns masked (`recompute(rows, allowed)`; few rows, only for PPMI).
    """
    n = rows.knn_len.shape[0]
    alive = rows.knn_len > 0
    kept = np.flatnonzero(alive).astype(np.int64)
    nb_idx, nb_w, nb_len = rows.nb_idx, rows.nb_w, rows.nb_len
    if len(kept) < n:
        hit = (nb_idx >= 0) & ~alive[np.maximum(nb_idx, 0)]
        redo = np.flatnonzero(hit.any(axis=1) & alive)
        if len(redo):
            again = recompute(redo.astype(np.int64), alive)
            nb_idx, nb_w, nb_len = nb_idx.copy(), nb_w.copy(), nb_len.copy()
            nb_idx[redo], nb_w[redo], nb_len[redo] = again.nb_idx, again.nb_w, again.nb_len
    rank = np.full(n + 1, -1, np.int32)  # rank[-1] = -1 keeps the padding
    rank[kept] = np.arange(len(kept), dtype=np.int32)
    knn_idx = rank[rows.knn_idx[kept]]
    lens = nb_len[kept].astype(np.int64)
    indptr = np.zeros(len(kept) + 1, np.int64)
    np.cumsum(lens, out=indptr[1:])
    sel = np.arange(nb_idx.shape[1])[None, :] < lens[:, None]
    indices = rank[nb_idx[kept][sel]].astype(np.int64)
    return FusedGraph(kept=kept, knn_idx=knn_idx, knn_sim=rows.knn_sim[kept].copy(),
                      neighbors=(indptr, indices, nb_w[kept][sel].astype(np.float32)),
                      pairs=int(rows.row_nnz.sum()) // 2)
