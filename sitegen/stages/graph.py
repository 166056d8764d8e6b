"""Stage 3: co-occurrence -> association -> kNN graph -> intermediate PyMDE embedding.

The kNN graph is taken straight from each sparse row (numba top-k) and handed to PyMDE as the
edges of a `preserve_neighbors`-style problem. `pymde.preserve_neighbors(pymde.Graph(D))` would
first run a shortest-path search from every node (memory ~ n^2; 25 s and 1.6 GB at 5k entities
against 0.2 s here) and `torch.quantile` over all distances, which fails past 16.7M values. The
problem we build is the one preserve_neighbors builds from a kNN graph: weight +2 for mutual
neighbours, +1 otherwise, Log1p attraction, as many random repulsive pairs with Log repulsion,
centred constraint, random init.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sitegen.errors import DataError
from sitegen.spec import GraphSpec
from sitegen.stages.fused_kernels import log32
from sitegen.stages.topk import topk_rows


def association(cooc: sp.csr_matrix, counts: np.ndarray, n_collections: int, transform: str) -> sp.csr_matrix:
    """Similarity matrix (higher = more alike) with the same sparsity as `cooc`.

    inv_log:  the documented process, which passes d = 1 / log(1 + c_ij) to PyMDE as a distance.
              Only the order of each row matters for the kNN graph, so we keep s = c_ij (the same
              order) and report d for reference.
    jaccard:  s = c_ij / (n_i + n_j - c_ij)     (n_i = collections containing i)
    cosine:   s = c_ij / sqrt(n_i * n_j)
    ppmi:     s = max(0, log(c_ij * N / (n_i * n_j)))   (N = number of collections); entries <= 0
              are dropped. The float32 log is LLVM's (`fused_kernels.log32`), as in the fused pass.
    Weighted co-occurrence (value/time closeness) is used as c_ij as is.
    """
    cooc = cooc.tocsr()
    c = cooc.data.astype(np.float32)  # a new array: the input matrix is never modified
    if transform != "inv_log":
        # float32 and shared index arrays: this runs over every stored pair (7.6M on MovieLens)
        rows = np.repeat(np.arange(cooc.shape[0], dtype=np.int32), np.diff(cooc.indptr))
        stat = association_stat(counts, transform)
        if transform == "cosine":
            c *= stat[rows]
            c *= stat[cooc.indices]
        elif transform == "jaccard":
            c /= np.maximum(stat[rows] + stat[cooc.indices] - c, np.float32(1e-12))
        elif transform == "ppmi":
            c = log32(c * np.float32(max(n_collections, 1)) / (stat[rows] * stat[cooc.indices]))
            np.maximum(c, 0, out=c)
    if transform == "ppmi":  # drops entries in place, so it must not share the input's index arrays
        sim = sp.csr_matrix((c, cooc.indices.copy(), cooc.indptr.copy()), shape=cooc.shape)
        sim.eliminate_zeros()
        return sim
    return sp.csr_matrix((c, cooc.indices, cooc.indptr), shape=cooc.shape)


def association_stat(counts: np.ndarray, transform: str) -> np.ndarray:
    """(n,) float32 per-entity statistic of a transform: cosine 1 / sqrt(n_i); jaccard, ppmi n_i;
    inv_log none (ones). Shared with the fused pass (`stages.fused`), which needs the same bits."""
    n = np.asarray(counts, dtype=np.float32)
    if transform == "cosine":
        return 1.0 / np.sqrt(np.maximum(n, 1e-12))
    if transform in ("jaccard", "ppmi"):
        return n
    if transform == "inv_log":
        return np.ones_like(n)
    raise ValueError(transform)


@dataclass(frozen=True)
class KnnGraph:
    """idx: (n, k) int32 neighbour ids strongest first (-1 = none); sim: (n, k) float32."""

    idx: np.ndarray
    sim: np.ndarray

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Undirected edges (m, 2) int64 with i < j, and weights (m,) float32: 2 if mutual else 1."""
        n, k = self.idx.shape
        src = np.repeat(np.arange(n, dtype=np.int64), k)
        dst = self.idx.reshape(-1).astype(np.int64)
        ok = dst >= 0
        src, dst = src[ok], dst[ok]
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        key = lo * n + hi
        uniq, cnt = np.unique(key, return_counts=True)
        e = np.stack([uniq // n, uniq % n], axis=1)
        return e, cnt.astype(np.float32)


def knn_graph(sim: sp.csr_matrix, k: int) -> KnnGraph:
    sim = sim.tocsr()
    if not sim.has_sorted_indices:  # a sorted copy: `association` shares index arrays with its input
        sim = sim.sorted_indices()
    idx, val = topk_rows(sim.indptr.astype(np.int64), sim.indices.astype(np.int32),
                         sim.data.astype(np.float32), k)
    return KnnGraph(idx=idx, sim=val)


def knn_from_matrix(cooc: sp.csr_matrix, counts: np.ndarray, n_collections: int, transform: str,
                    k: int) -> tuple[np.ndarray, KnnGraph]:
    """The matrix path: association, isolated entities dropped, top-k of each row.

    Returns kept (n_kept,) int64 entity indices and the kNN graph over them (columns renumbered).
    `stages.fused.fused_graph` computes the same without holding `cooc` (tests/test_fused.py).
    """
    sim = association(cooc, counts, n_collections, transform)
    kept = np.setdiff1d(np.arange(sim.shape[0]), isolated(sim)).astype(np.int64)
    if len(kept) < sim.shape[0]:
        sim = sim[kept][:, kept].tocsr()
    return kept, knn_graph(sim, k)


def isolated(sim: sp.csr_matrix) -> np.ndarray:
    """Indices of entities with no association to any other (left so by filtering)."""
    return np.flatnonzero(np.diff(sim.tocsr().indptr) == 0)


@dataclass(frozen=True)
class Embedding:
    """coords: (n, d) float32 intermediate embedding; iterations run; final average distortion."""

    coords: np.ndarray
    iterations: int
    distortion: float


def embed(knn: KnnGraph, params: GraphSpec, seed: int, progress=None) -> Embedding:
    """PyMDE embedding of the kNN graph into `params.embedding_dim` dimensions.

    The problem is PyMDE's `preserve_neighbors` (attractive kNN edges, as many random repulsive pairs,
    centred); `sitegen.stages.mde` solves it (the same objective and L-BFGS, a leaner evaluation, and
    no torch on the CPU). Stops once ROUND iterations improve the average distortion by less than
    `params.tol` (relative), or at `params.max_iter`.
    """
    from sitegen.stages import mde as mde_solver

    n = knn.idx.shape[0]
    if n < 3:
        raise DataError(f"only {n} entities left: need at least 3 to embed")
    if params.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise DataError("graph.device: 'cuda' requested but torch sees no CUDA device")
    rng = np.random.default_rng(seed)
    e, w = knn.edges()
    n_rep = min(len(e), n * (n - 1) // 2 - len(e))
    neg = sample_negatives(n, n_rep, e, rng)
    all_edges = np.concatenate([e, neg])
    all_w = np.concatenate([w, -np.ones(len(neg), np.float32)])
    if params.init == "quadratic":
        x0 = _quadratic_init(n, params, e, w, seed)
    else:  # PyMDE's Centered initialisation: standard normal, centred
        x0 = rng.standard_normal((n, params.embedding_dim), dtype=np.float32)
    x0 -= x0.mean(axis=0)
    # coincident endpoints have no gradient direction: nudge them apart (a quadratic init can do this)
    if (np.linalg.norm(x0[all_edges[:, 0]] - x0[all_edges[:, 1]], axis=1) == 0).any():
        x0 += 1e-4 * rng.standard_normal(x0.shape, dtype=np.float32)
    objective = mde_solver.NeighborObjective(n, all_edges, all_w, params.threads)
    if params.device == "cuda":
        import torch

        torch.set_num_threads(params.threads)
        x = torch.as_tensor(x0, device="cuda")
        result = mde_solver.solve_torch(objective, x, params.max_iter, params.tol, progress)
    else:
        result = mde_solver.solve(objective, x0, params.max_iter, params.tol, progress)
    if progress:
        progress(params.max_iter, params.max_iter)
    return Embedding(coords=result.x, iterations=result.iterations, distortion=result.loss)


def sample_negatives(n: int, count: int, exclude: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`count` distinct pairs (i < j) of n items, uniformly among those not in `exclude`.

    exclude: (m, 2) int64 pairs with i < j. Returns (count, 2) int64, ordered by pair.
    Pairs are numbered row by row over the upper triangle; a draw among the free numbers is mapped to
    its pair by counting the excluded numbers below it. So no dense (n, n) matrix is built (PyMDE's
    `sample_edges` builds one for dense graphs) and exactly `count` pairs come back (PyMDE's may
    return fewer, dropping draws that hit an excluded pair).
    """
    starts = np.arange(n, dtype=np.int64)
    starts = starts * n - starts * (starts + 1) // 2  # number of the first pair (i, i + 1) of row i
    taken = np.unique(starts[exclude[:, 0]] + exclude[:, 1] - exclude[:, 0] - 1)
    free = n * (n - 1) // 2 - len(taken)
    ranks = np.sort(rng.choice(free, size=count, replace=False, shuffle=False))
    ids = ranks + np.searchsorted(taken - np.arange(len(taken)), ranks, side="right")
    i = np.searchsorted(starts, ids, side="right") - 1
    return np.stack([i, ids - starts[i] + i + 1], axis=1)


def _quadratic_init(n: int, params: GraphSpec, edges: np.ndarray, weights: np.ndarray, seed: int) -> np.ndarray:
    """PyMDE's spectral (quadratic MDE) initialisation, (n, embedding_dim) float32 (needs torch)."""
    import pymde
    import torch
    from pymde import quadratic

    device = params.device
    pymde.seed(seed)
    x = quadratic.spectral(n, params.embedding_dim, torch.as_tensor(edges, device=device),
                           torch.as_tensor(weights, device=device), max_iter=1000, device=device,
                           cg=device == "cuda")
    # Not bit-reproducible: PyMDE's eigensolver starts from a vector pymde.seed does not fix (same as
    # before this stage left torch; tests/test_graph.py checks the result's quality only).
    return x.cpu().numpy().astype(np.float32)
