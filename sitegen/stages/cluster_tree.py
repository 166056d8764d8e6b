"""The geometry of a layout's cluster hierarchy: three nesting levels, label anchors and extents.

    coarse   the HDBSCAN clusters grouped into a few regions (Ward linkage of their anchors)
    clusters HDBSCAN on the whole layout (`clusters.cluster_layout`): the level entity pages link to
    fine     each cluster split by HDBSCAN run on its own points

Why agglomerate upwards and split downwards from the one HDBSCAN level, rather than run HDBSCAN at
three sizes: separate runs do not nest (a fine cluster could straddle two coarse ones, and a label
would then sit over a region its parent does not cover), while grouping whole clusters and
splitting one cluster at a time nest by construction. Ward on the anchors puts neighbouring clusters
together into compact regions; the split keeps only real sub-structure (at least two sub-clusters
holding most of the cluster), so a round blob stays a leaf and zooming into it brings entity names.

Everything here is deterministic: HDBSCAN runs in its reproducible mode, Ward has no randomness, and
subsamples are strided.
"""

from __future__ import annotations

import numpy as np

COARSE_MAX = 12  # regions at the coarsest level: names that fit a zoomed-out map
FINE_SPLIT = 5  # a cluster splits into at most about this many sub-clusters (min size = size / FINE_SPLIT)
FINE_MIN = 8  # the smallest sub-cluster
FINE_COVER = 0.5  # the sub-clusters must hold at least this share of their cluster
ANCHOR_CANDIDATES = 2000  # members tried as the densest spot (strided sample of bigger clusters)
ANCHOR_RADIUS = 0.25  # density is counted within this share of the cluster's extent


def hdbscan(xy: np.ndarray, min_cluster_size: int, max_cluster_size: int | None = None) -> np.ndarray:
    """(n,) int64 HDBSCAN cluster id per point of `xy` (n, 2), -1 = noise, in the library's order.

    fast_hdbscan builds the minimum spanning tree by Boruvka over a KD-tree, near n log n in 2D:
    878k points in ~45 s on 2 cores, where scikit-learn's Prim's over the mutual reachability graph is
    quadratic (an S1M layout did not finish in 13 minutes). `reproducible` makes the parallel Boruvka
    deterministic (same layout, same clusters, same bytes). min_samples is small (at most 5) so that
    sparse borders are not all noise.
    """
    import fast_hdbscan

    labels = fast_hdbscan.HDBSCAN(min_cluster_size=int(min_cluster_size), min_samples=int(min(min_cluster_size, 5)),
                                  max_cluster_size=np.inf if max_cluster_size is None else int(max_cluster_size),
                                  reproducible=True).fit_predict(np.asarray(xy, dtype=np.float64))
    return np.asarray(labels, dtype=np.int64)


def numbered_by_size(raw: np.ndarray) -> np.ndarray:
    """Relabel ids >= 0 so that 0 is the largest group (ties: the smaller old id first); -1 stays."""
    raw = np.asarray(raw, dtype=np.int64)
    ids = raw[raw >= 0]
    if len(ids) == 0:
        return raw.copy()
    sizes = np.bincount(ids)
    order = np.lexsort((np.arange(len(sizes)), -sizes))
    remap = np.full(len(sizes), -1, dtype=np.int64)
    remap[order] = np.arange(len(sizes))
    remap[sizes == 0] = -1
    return np.where(raw >= 0, remap[np.maximum(raw, 0)], -1)


def coarse_groups(anchors: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(k,) int64 region of each of k clusters, regions numbered by their total size, largest first.

    anchors: (k, 2) label anchors; sizes: (k,) member counts. The clusters' Ward tree is cut where
    its merge height jumps most (the number of regions the layout shows, 2 to COARSE_MAX; at least 3
    with 9 clusters or more, so a zoomed-out map has a few names; at most sqrt(2k), so a region holds
    a few clusters on average); with fewer than 4 clusters each cluster is its own region.
    """
    k = len(anchors)
    if k < 4:
        return np.arange(k, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(np.asarray(anchors, dtype=np.float64), method="ward")
    heights = np.maximum(tree[:, 2], 1e-12)  # heights[j]: the merge that leaves k - 1 - j groups
    fewest = 2 if k < 9 else 3
    most = min(COARSE_MAX, k - 1, int(np.ceil(np.sqrt(2 * k))))
    best = max(range(fewest, max(fewest, most) + 1), key=lambda g: (heights[k - g] / heights[k - g - 1], -g))
    raw = fcluster(tree, t=best, criterion="maxclust").astype(np.int64) - 1
    totals = np.bincount(raw, weights=np.asarray(sizes, dtype=np.float64))
    order = np.lexsort((np.arange(len(totals)), -totals))
    remap = np.empty(len(totals), dtype=np.int64)
    remap[order] = np.arange(len(totals))
    return remap[raw]


def split_clusters(xy: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sub-clusters of every cluster: (fine id per point (n,) int64, -1 = in none; parent (m,) int64).

    A cluster of s points is split by HDBSCAN on its own points with min_cluster_size
    max(FINE_MIN, s // FINE_SPLIT); the split is kept when it finds at least two sub-clusters that
    together hold FINE_COVER of the cluster and stand apart (`_apart`: HDBSCAN also cuts a round
    blob into halves, which are not sub-structure). Fine ids are numbered largest first.
    """
    n = len(ids)
    raw = np.full(n, -1, dtype=np.int64)
    parents: list[int] = []
    n_clusters = int(ids.max()) + 1 if n and ids.max() >= 0 else 0
    for c in range(n_clusters):
        where = np.flatnonzero(ids == c)
        mcs = max(FINE_MIN, len(where) // FINE_SPLIT)
        if len(where) < 2 * mcs:
            continue
        sub = hdbscan(xy[where], mcs)
        found = int(sub.max()) + 1
        if found < 2 or (sub >= 0).sum() < FINE_COVER * len(where) or not _apart(xy[where], sub, found):
            continue
        raw[where[sub >= 0]] = sub[sub >= 0] + len(parents)
        parents.extend([c] * found)
    fine = numbered_by_size(raw)
    parent = np.empty(len(parents), dtype=np.int64)
    has = fine >= 0
    parent[fine[has]] = np.asarray(parents, dtype=np.int64)[raw[has]] if has.any() else parent[:0]
    return fine, parent


def _apart(pts: np.ndarray, sub: np.ndarray, found: int) -> bool:
    """Whether every sub-cluster's median is at least as far from its nearest sibling's as the mean of
    their extents (their central boxes barely meet: a gap, or a waist, between them)."""
    med = np.array([np.median(pts[sub == j], axis=0) for j in range(found)])
    ext = np.array([extent(pts[sub == j]) for j in range(found)])
    dist = np.hypot(*(med[:, None, :] - med[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(dist, np.inf)
    need = (ext[:, None] + ext[None, :]) / 2
    return bool(np.all(np.min(dist - need, axis=1) >= 0))


def extent(pts: np.ndarray) -> float:
    """The larger side of the box holding the central 80% of `pts` (n, 2): what the viewer zooms to."""
    lo, hi = np.percentile(pts, [10, 90], axis=0)
    return float(max(hi - lo))


def dense_anchor(pts: np.ndarray, ext: float) -> tuple[float, float]:
    """Where a cluster's name goes: the middle of its densest spot, not its centroid.

    The centroid or median of a crescent, a ring or two lobes lies in empty space; this is the mean of
    the members within ANCHOR_RADIUS * ext of the member with the most such neighbours (one mean-shift
    step from the densest member, so the anchor is smooth, not one point's idiosyncrasy). A wide radius
    makes it the middle of a round blob and a spot on the body of a crescent. Ties: the candidate
    nearest the median.
    """
    pts = np.asarray(pts, dtype=np.float64)
    if len(pts) <= 2 or ext <= 0:
        return tuple(float(v) for v in np.median(pts, axis=0))
    from scipy.spatial import cKDTree

    tree = cKDTree(pts)
    cand = pts[:: max(1, len(pts) // ANCHOR_CANDIDATES)]
    r = ANCHOR_RADIUS * ext
    counts = tree.query_ball_point(cand, r, return_length=True)
    near_median = np.hypot(*(cand - np.median(pts, axis=0)).T)
    best = np.lexsort((near_median, -counts))[0]
    local = pts[tree.query_ball_point(cand[best], r)]
    return float(local[:, 0].mean()), float(local[:, 1].mean())
