"""Stage 4: project the intermediate embedding to 2D with UMAP or t-SNE, one variant at a time.

t-SNE uses openTSNE rather than scikit-learn: it has both Barnes-Hut (faster below ~10k points)
and FFT-interpolated gradients (O(n) per iteration, several times faster than scikit-learn's
Barnes-Hut from ~10k points up), and gives deterministic output for a fixed random_state.
UMAP gets its kNN graph precomputed exactly (a KD-tree is fast in 3-4 dimensions), which skips
NN-descent's compile and approximate search for the large n_neighbors atlases use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sitegen.spec import TsneVariant, UmapVariant
from sitegen.stages.islands import pack_islands
from sitegen.stages.jitcache import enable_umap_cache


@dataclass(frozen=True)
class GraphInput:
    """What a projection may start from: the intermediate embedding and the association kNN graph.

    coords: (n, d) float32, or None when no variant projects the embedding;
    knn_idx: (n, k) int32 strongest first, -1 = none; knn_sim: (n, k) float32
    """

    coords: np.ndarray | None
    knn_idx: np.ndarray
    knn_sim: np.ndarray


def project(coords: np.ndarray | GraphInput, variant: UmapVariant | TsneVariant, seed: int,
            threads: int = 1) -> np.ndarray:
    """(n, d) float32 (or a GraphInput) -> (n, 2) float32 in [-1, 1], aspect ratio kept.

    A variant with `input = "graph"` needs a GraphInput; the others use its coords.
    """
    if isinstance(coords, GraphInput):
        if variant.input == "graph":
            return project_graph(coords.knn_idx, coords.knn_sim, variant, seed, threads)
        coords = coords.coords
    elif variant.input == "graph":
        raise ValueError(f"variant {variant.name!r}: input = 'graph' needs the kNN graph (a GraphInput)")
    if variant.method == "umap":
        xy = _umap(coords, variant, seed)
    else:
        xy = _tsne(coords, variant, seed, threads)
    if variant.pack_islands:
        xy = pack_islands(xy)
    return normalise(xy)


def normalise(xy: np.ndarray) -> np.ndarray:
    """Centre on the bounding box and scale uniformly so the longer side spans [-1, 1]."""
    xy = np.asarray(xy, dtype=np.float64)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    half = float((hi - lo).max()) / 2 or 1.0
    return ((xy - (lo + hi) / 2) / half).clip(-1, 1).astype(np.float32)


def exact_knn(coords: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, k) neighbour indices (self first, as UMAP expects) and Euclidean distances."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k, algorithm="kd_tree").fit(coords)
    dist, idx = nn.kneighbors(coords)
    return idx.astype(np.int32), dist.astype(np.float32)


def _umap(coords: np.ndarray, v: UmapVariant, seed: int) -> np.ndarray:
    import warnings

    import umap

    # Expected, not actionable: a seed makes UMAP single-threaded, and our precomputed kNN has no
    # search index (we never call transform on new data).
    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
    enable_umap_cache()

    n = coords.shape[0]
    k = min(v.n_neighbors, n - 1)
    knn = exact_knn(coords, k)
    model = umap.UMAP(n_neighbors=k, min_dist=v.min_dist, n_components=2, random_state=seed,
                      precomputed_knn=(knn[0], knn[1], None), n_epochs=v.n_epochs,
                      init=_embedding_init(coords) if n > 2 else "random", verbose=False)
    return model.fit_transform(coords)


def _embedding_init(coords: np.ndarray) -> np.ndarray:
    """UMAP's start from the embedding itself: its first two principal components, scaled to UMAP's
    usual [-10, 10] box. UMAP's spectral start on the embedding's kNN graph ran ARPACK over every
    connected component: at 88k points it had not finished after 20 minutes (benchmarks/RESULTS.md)."""
    centred = coords.astype(np.float64) - coords.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    if xy.shape[1] < 2:
        xy = np.pad(xy, ((0, 0), (0, 2 - xy.shape[1])))
    xy *= 10.0 / max(float(np.abs(xy).max()), 1e-12)
    return xy.astype(np.float32)


def _tsne(coords: np.ndarray, v: TsneVariant, seed: int, threads: int) -> np.ndarray:
    from openTSNE import affinity, initialization

    n = coords.shape[0]
    perplexity = min(v.perplexity, max(2.0, (n - 1) / 3.0))
    # Exact neighbours are cheap in 3-4 dimensions (0.3 s vs 3.5 s for Annoy at 3.4k).
    p = affinity.PerplexityBasedNN(coords, perplexity=perplexity, method="exact" if n <= 100_000 else "annoy",
                                   n_jobs=threads, random_state=seed, verbose=False)
    init = initialization.pca(coords, random_state=seed)
    # theta 0.8: a coarser Barnes-Hut tree, a third less time than openTSNE's 0.5 at the same label
    # agreement on MovieLens's embedding (0.6643 vs 0.6644, 4 seeds); the graph lost 0.006 with it
    return tsne_optimise(init, p, v.n_iter, seed, threads, theta=0.8)


def tsne_optimise(init: np.ndarray, p, n_iter: int, seed: int, threads: int, theta: float = 0.5) -> np.ndarray:
    """t-SNE from `init` (n, 2) with affinities `p` (an openTSNE affinity object): early
    exaggeration (12) for n_iter // 4 iterations, then n_iter free ones. Returns (n, 2) float64.

    openTSNE's own schedule is a fixed 250 + n_iter. The layouts start from an informed
    initialisation (PCA of the embedding, spectral for the graph), not from noise, and need less:
    measured on MovieLens (benchmarks/RESULTS.md, "Documented path on MovieLens"), 50 + 200 matched
    250 + 500 on the embedding (label@10 0.6643 vs 0.6645, 4 seeds) in a quarter of the time, and
    75 + 300 came within one standard error of 125 + 500 on the kNN graph (0.7317 vs 0.7337, 7 seeds).
    """
    from openTSNE import TSNEEmbedding

    n = init.shape[0]
    # Barnes-Hut below 10k points, FFT above (openTSNE's own rule): on MovieLens's 3.4k graph BH took
    # 5.0 s against FFT's 14.4 s.
    emb = TSNEEmbedding(init, p, random_state=seed, n_jobs=threads, negative_gradient_method="fft" if n >= 10_000 else "bh",
                        theta=theta, verbose=False)
    emb = emb.optimize(max(n_iter // 4, 1), exaggeration=12, momentum=0.5).optimize(n_iter, momentum=0.8)
    return np.asarray(emb)


def project_graph(knn_idx: np.ndarray, knn_sim: np.ndarray, variant: UmapVariant | TsneVariant, seed: int,
                  threads: int = 1) -> np.ndarray:
    """2D layout straight from the association kNN graph (a variant with `input = "graph"`).

    Args:
        knn_idx: (n, k) int32 neighbour ids, strongest first, -1 = none; knn_sim: (n, k) similarities
    Returns (n, 2) float32 in [-1, 1]. Measured in benchmarks/QUALITY.md: on every labelled dataset
    this beats projecting the intermediate embedding, which only approximates the graph.
    """
    if variant.method == "umap":
        xy = _umap_graph(knn_idx, knn_sim, variant, seed)
    else:
        xy = _tsne_graph(knn_idx, knn_sim, variant, seed, threads)
    if variant.pack_islands:
        xy = pack_islands(xy)
    return normalise(xy)


def graph_affinities(knn_idx: np.ndarray, knn_sim: np.ndarray):
    """t-SNE's P from a kNN graph: each row's similarities normalised to sum 1, then P = (P + P^T) / 2n.

    Returns a (n, n) scipy.sparse.csr_matrix float64 summing to 1.
    """
    import scipy.sparse as sp

    n, k = knn_idx.shape
    ok = knn_idx.reshape(-1) >= 0
    rows = np.repeat(np.arange(n), k)[ok]
    w = np.maximum(knn_sim.reshape(-1)[ok].astype(np.float64), 1e-12)
    p = sp.csr_matrix((w, (rows, knn_idx.reshape(-1)[ok])), shape=(n, n))
    p = sp.diags(1.0 / np.maximum(np.asarray(p.sum(axis=1)).ravel(), 1e-12)) @ p
    p = (p + p.T).tocsr()
    return p / p.sum()


def _tsne_graph(knn_idx: np.ndarray, knn_sim: np.ndarray, v: TsneVariant, seed: int, threads: int) -> np.ndarray:
    from openTSNE import affinity, initialization

    p = graph_affinities(knn_idx, knn_sim)
    init = initialization.spectral(p, random_state=seed)
    return tsne_optimise(init, affinity.PrecomputedAffinities(p, normalize=False), v.n_iter, seed, threads)


def _umap_graph(knn_idx: np.ndarray, knn_sim: np.ndarray, v: UmapVariant, seed: int) -> np.ndarray:
    import warnings

    import umap

    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
    enable_umap_cache()
    n = knn_idx.shape[0]
    # UMAP uses each row's order and spacing relative to its nearest neighbour (rho, sigma), so any
    # decreasing map of similarity will do: d = 1 - s / s_max keeps 0 for the strongest neighbour.
    top = np.maximum(knn_sim[:, :1].astype(np.float64), 1e-12)
    dist = np.where(knn_idx >= 0, 1.0 - knn_sim / top, np.inf).astype(np.float32)
    idx = np.concatenate([np.arange(n, dtype=np.int32)[:, None], knn_idx.astype(np.int32)], axis=1)
    dist = np.concatenate([np.zeros((n, 1), np.float32), dist], axis=1)
    # force_approximation_algorithm: below 4096 points UMAP would otherwise ignore the precomputed
    # kNN and compute all pairwise distances of X, which is only a placeholder here.
    model = umap.UMAP(n_neighbors=idx.shape[1], min_dist=v.min_dist, random_state=seed, n_epochs=v.n_epochs,
                      precomputed_knn=(idx, dist, None), force_approximation_algorithm=True,
                      init="spectral", verbose=False)
    return model.fit_transform(np.zeros((n, 1), dtype=np.float32))
