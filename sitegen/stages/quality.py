"""Stage 5: how good is a 2D layout? Metrics on plain arrays (no spec, no I/O).

- `neighbour_recall`: the share of each entity's k strongest graph neighbours (a row of the
  association matrix the pipeline built, before kNN sparsification) found among its k nearest 2D
  neighbours, averaged over entities.
- `label_agreement`: the share of each entity's k nearest 2D neighbours that share its label (for
  a tags field: share at least one tag), averaged over labelled entities, with the share a random
  other entity would have (the chance level).
- `trustworthiness`: scikit-learn's formula, of the 2D layout against the intermediate embedding,
  on a seeded subsample (it needs all pairwise distances).

Nearest neighbours in 2D are exact (KD-tree), self excluded.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

TRUST_SAMPLE = 5000  # trustworthiness is O(n^2) in memory; 5k points take ~1 s
CHANCE_SAMPLE = 3000  # distinct tag sets beyond which the chance level is estimated on a sample


def knn_2d(xy: np.ndarray, k: int) -> np.ndarray:
    """(n, k) int64 indices of each point's k nearest other points (exact, self excluded).

    SciPy's KD-tree, queried on every core (878k points: ~2x faster than one scikit-learn query on
    2 cores, and `layout_quality` asks once for both figures)."""
    from scipy.spatial import cKDTree

    n = xy.shape[0]
    k = min(k, n - 1)
    idx = cKDTree(np.asarray(xy, dtype=np.float64)).query(xy, k + 1, workers=-1)[1].astype(np.int64)
    # A duplicate point may come before self: drop self wherever it is, else the last column.
    is_self = idx == np.arange(n)[:, None]
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep = np.ones_like(idx, dtype=bool)
    keep[np.arange(n), drop] = False
    return idx[keep].reshape(n, k)


def top_neighbours(sim: sp.csr_matrix, k: int) -> np.ndarray:
    """(n, k) int32: each row's k largest entries, strongest first; -1 pads short rows."""
    from sitegen.stages.topk import topk_rows

    sim = sim.tocsr()
    idx, _ = topk_rows(sim.indptr.astype(np.int64), sim.indices.astype(np.int32), sim.data.astype(np.float32), k)
    return idx


def neighbour_recall(sim: sp.csr_matrix | np.ndarray, xy: np.ndarray, k: int = 10,
                     found: np.ndarray | None = None) -> float:
    """Mean over entities of |top-k graph neighbours ∩ k nearest 2D neighbours| / |top-k graph neighbours|.

    Args:
        sim: (n, n) sparse similarity (co-occurrence or association; higher = closer), no diagonal;
            or its rows' neighbours already ranked: (n, >= k) int, strongest first, -1 = none (the
            pipeline's kNN graph, which saves recomputing the association)
        xy: (n, 2) layout, same row order
        found: `knn_2d(xy, k)` when the caller has it
    Entities without any graph neighbour are left out of the mean.
    """
    truth = np.asarray(sim)[:, :k] if isinstance(sim, np.ndarray) else top_neighbours(sim, k)
    found = knn_2d(xy, k) if found is None else found
    valid = truth >= 0
    # Row-wise set intersection: compare each true neighbour with the k found ones.
    hit = (truth[:, :, None] == found[:, None, :]).any(axis=2) & valid
    size = valid.sum(axis=1)
    ok = size > 0
    return float((hit.sum(axis=1)[ok] / size[ok]).mean()) if ok.any() else float("nan")


def _incidence(labels: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """(n, n_labels) binary CSR of each entity's labels, and a mask of entities with any label.

    `labels` is a category column (str, "" = missing) or a tags column (tuples of str).
    """
    n = len(labels)
    is_tags = n > 0 and isinstance(labels[0], (tuple, list))
    rows, names = [], []
    for i, v in enumerate(labels):
        vals = v if is_tags else (() if v is None or v == "" else (v,))
        for t in vals:
            rows.append(i)
            names.append(str(t))
    vocab, codes = np.unique(np.asarray(names, dtype=str), return_inverse=True) if names else ([], np.zeros(0, int))
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (np.asarray(rows, dtype=np.int64), codes)),
                      shape=(n, max(len(vocab), 1)))
    m.sum_duplicates()
    m.data[:] = 1
    return m, np.diff(m.indptr) > 0


def _shares(m: sp.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a),) bool: entity a[t] and entity b[t] have a label in common."""
    return np.asarray(m[a].multiply(m[b]).sum(axis=1)).ravel() > 0


def label_agreement(labels: np.ndarray, xy: np.ndarray, k: int = 10, seed: int = 0,
                    found: np.ndarray | None = None) -> tuple[float, float]:
    """(agreement, chance) for the k nearest 2D neighbours.

    agreement: mean over labelled entities of the share of their k nearest 2D neighbours (among all
               entities) that share a label with them.
    chance:    mean over labelled entities of the share of all *other* entities sharing a label:
               what a random layout scores on average.
    found: `knn_2d(xy, k)` when the caller has it.
    """
    m, has = _incidence(np.asarray(labels, dtype=object))
    n = len(labels)
    q = np.flatnonzero(has)
    if len(q) == 0 or n < 2:
        return float("nan"), float("nan")
    nb = (knn_2d(xy, k) if found is None else found)[q]
    kk = nb.shape[1]
    agree = _shares(m, np.repeat(q, kk), nb.ravel()).reshape(len(q), kk).mean(axis=1)
    return float(agree.mean()), _chance(m, q, seed)


def _chance(m: sp.csr_matrix, q: np.ndarray, seed: int) -> float:
    """Exact over distinct label sets (entities with the same set share the same chance)."""
    n = m.shape[0]
    keys = [tuple(m.indices[m.indptr[i]:m.indptr[i + 1]]) for i in range(n)]
    uniq: dict[tuple, int] = {}
    set_id = np.array([uniq.setdefault(key, len(uniq)) for key in keys])
    size = np.bincount(set_id, minlength=len(uniq)).astype(np.float64)
    rep = np.zeros(len(uniq), dtype=np.int64)
    rep[set_id[::-1]] = np.arange(n)[::-1]  # first entity of each set
    qs = set_id[q]
    wanted = np.unique(qs)
    if len(wanted) > CHANCE_SAMPLE:  # many distinct sets: estimate on a seeded sample of them
        wanted = np.random.default_rng(seed).choice(wanted, CHANCE_SAMPLE, replace=False)
    mu = m[rep]  # (n_sets, n_labels)
    overlap = (mu[wanted] @ mu.T) > 0  # (n_wanted, n_sets)
    others = np.asarray(overlap.multiply(size[None, :]).sum(axis=1)).ravel() - 1.0  # not itself
    per_set = np.full(len(uniq), np.nan)
    per_set[wanted] = others / (n - 1)
    vals = per_set[qs]
    return float(np.nanmean(vals))


def trustworthiness(high: np.ndarray, xy: np.ndarray, k: int = 10, sample: int = TRUST_SAMPLE,
                    seed: int = 0) -> float:
    """scikit-learn's trustworthiness of `xy` (n, 2) against `high` (n, d), on <= `sample` points:

        T = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_k(i) in xy} max(0, r(i, j) - k)

    where r(i, j) is j's rank among i's neighbours by distance in `high` (1 = nearest).
    scikit-learn sorts all n^2 distances; here each row's ranks are counted only for its k 2D
    neighbours, in blocks of rows (the same value up to rounding ties, tests/test_quality.py; 0.05 s against 1 s at 3.4k
    points, and no import of sklearn.manifold).
    """
    from scipy.spatial import cKDTree

    n = xy.shape[0]
    pick = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False)) if n > sample else slice(None)
    h, low = np.asarray(high, dtype=np.float64)[pick], np.asarray(xy, dtype=np.float64)[pick]
    n = h.shape[0]
    k = min(k, n // 2 - 1)
    near = cKDTree(low).query(low, k + 1)[1]
    nb = np.array([row[row != i][:k] for i, row in enumerate(near)])  # self excluded wherever it sorts
    sq = (h * h).sum(axis=1)
    penalty = 0
    block = max(1, 4_000_000 // n)
    for lo in range(0, n, block):
        rows = np.arange(lo, min(lo + block, n))
        d = np.sqrt(np.maximum(sq[rows, None] - 2 * h[rows] @ h.T + sq[None, :], 0))  # as sklearn computes it
        d[np.arange(len(rows)), rows] = -1.0  # self: nearer than anything, taken off below
        dj = np.take_along_axis(d, nb[rows], axis=1)  # (b, k) distances to the 2D neighbours
        # rank = how many (self included) are nearer: one searchsorted over the sorted rows, each
        # row shifted above the previous one
        d.sort(axis=1)
        offset = np.arange(len(rows))[:, None] * (float(d[:, -1].max()) + 2.0)
        nearer = np.searchsorted((d + offset).ravel(), (dj + offset).ravel(), side="left").reshape(dj.shape)
        rank = nearer - np.arange(len(rows))[:, None] * n
        penalty += int(np.maximum(rank - k, 0).sum())
    return float(1.0 - penalty * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)))


def layout_quality(xy: np.ndarray, sim: sp.csr_matrix | np.ndarray, k: int = 10, labels: np.ndarray | None = None,
                   high: np.ndarray | None = None, seed: int = 0) -> dict:
    """The figures `evaluate` reports for one layout, rounded, JSON-able."""
    found = knn_2d(xy, min(k, xy.shape[0] - 1))
    out = {f"recall@{k}": round(neighbour_recall(sim, xy, k, found), 4)}
    if labels is not None:
        agree, chance = label_agreement(labels, xy, k, seed, found)
        out[f"label@{k}"] = round(agree, 4)
        out["label_chance"] = round(chance, 4)
    if high is not None:
        out["trust"] = round(trustworthiness(high, xy, k, seed=seed), 4)
    return out

