"""Stage 4: project the intermediate embedding to 2D with UMAP or t-SNE, one variant at a time.

t-SNE uses openTSNE rather than scikit-learn: its FFT-interpolated gradients are O(n) per
iteration against scikit-learn's Barnes-Hut O(n log n), several times faster from ~10k points,
and it accepts a fixed random_state with deterministic output.
UMAP gets its kNN graph precomputed exactly (a KD-tree is fast in 3-4 dimensions), which skips
NN-descent's compile and approximate search for the large n_neighbors atlases use.
"""

from __future__ import annotations

import numpy as np

from .spec import TsneVariant, UmapVariant


def project(coords: np.ndarray, variant: UmapVariant | TsneVariant, seed: int, threads: int = 1) -> np.ndarray:
    """(n, d) float32 -> (n, 2) float32 in [-1, 1], aspect ratio kept."""
    if variant.method == "umap":
        xy = _umap(coords, variant, seed)
    else:
        xy = _tsne(coords, variant, seed, threads)
    if variant.pack_islands:
        xy = pack_islands(xy)
    return normalise(xy)


def islands(xy: np.ndarray, gap: float) -> np.ndarray:
    """Component label per point: points closer than `gap` (through chains of neighbours) share one."""
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(gap, output_type="ndarray")
    import scipy.sparse as sp

    n = len(xy)
    adj = sp.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(adj, directed=False)[1]


def pack_islands(xy: np.ndarray, gap_frac: float = 0.04, margin_frac: float = 0.03) -> np.ndarray:
    """Pull far-off islands in towards the main body, each moved rigidly along its own direction.

    UMAP places disconnected parts of the graph arbitrarily far away (spectral init per component),
    so after normalisation the main body shrinks to a speck. Islands are real structure (a book
    series, a niche), so they are kept whole and in the same direction, just brought to within a
    small margin of what is already placed. Islands are found as groups separated by more than
    `gap_frac` of the robust (1st-99th percentile) extent.
    """
    from scipy.spatial import cKDTree

    xy = np.asarray(xy, dtype=np.float64).copy()
    n = len(xy)
    if n < 20:
        return xy
    lo, hi = np.percentile(xy, 1, axis=0), np.percentile(xy, 99, axis=0)
    extent = float((hi - lo).max()) or 1.0
    labels = islands(xy, gap_frac * extent)
    sizes = np.bincount(labels)
    main = int(sizes.argmax())
    if sizes[main] == n:
        return xy
    margin = margin_frac * extent
    centre = xy[labels == main].mean(axis=0)
    placed = xy[labels == main]
    # biggest islands first, so small ones settle around them
    for lab in np.argsort(-sizes, kind="stable"):
        if lab == main:
            continue
        pts = xy[labels == lab]
        offset = pts.mean(axis=0) - centre
        dist = float(np.hypot(*offset))
        tree = cKDTree(placed)
        if dist == 0 or tree.query(pts)[0].min() <= 2 * margin:
            placed = np.vstack([placed, pts])
            continue
        unit = offset / dist
        lo_t, hi_t = 0.0, dist  # translate by -t * unit; hi_t is the current (clear) position
        for _ in range(30):
            mid = (lo_t + hi_t) / 2
            if tree.query(pts - mid * unit)[0].min() >= margin:
                lo_t = mid
            else:
                hi_t = mid
        moved = pts - lo_t * unit
        xy[labels == lab] = moved
        placed = np.vstack([placed, moved])
    return xy


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

    n = coords.shape[0]
    k = min(v.n_neighbors, n - 1)
    knn = exact_knn(coords, k)
    model = umap.UMAP(n_neighbors=k, min_dist=v.min_dist, n_components=2, random_state=seed,
                      precomputed_knn=(knn[0], knn[1], None), n_epochs=v.n_epochs,
                      init="spectral" if n > k + 2 else "random", verbose=False)
    return model.fit_transform(coords)


def _tsne(coords: np.ndarray, v: TsneVariant, seed: int, threads: int) -> np.ndarray:
    from openTSNE import TSNE

    n = coords.shape[0]
    perplexity = min(v.perplexity, max(2.0, (n - 1) / 3.0))
    model = TSNE(perplexity=perplexity, n_iter=v.n_iter, random_state=seed, n_jobs=threads,
                 negative_gradient_method="fft", neighbors="exact" if n < 2000 else "annoy",
                 initialization="pca", verbose=False)
    return np.asarray(model.fit(coords))
