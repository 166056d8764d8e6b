"""Cluster labels for a 2D layout: HDBSCAN regions named by their popular members and tags.

`find_clusters` returns the per-variant `clusters` object of docs/site-data.md (meta msgpack):
    {"variant": str, "labels": [str], "x": [float], "y": [float], "size": [int],
     "members": [[int]], "terms": [[str]], "membership": bytes (int16 LE per entity, -1 = noise)}
Clusters are numbered by size, largest first. `x`, `y` are each cluster's median position (a map
label anchor); `members` holds the indices of its most popular entities (entity pages list cluster
membership through `membership`); `terms` are its most over-represented tag / category values.
"""

from __future__ import annotations

import numpy as np

MAX_TERMS = 2
MAX_MEMBERS = 3
MIN_LIFT = 1.5  # a term must be this much more common in the cluster than overall
MAX_CATEGORIES = 5000  # fields with more distinct values than this are identifiers, not themes


def cluster_layout(xy: np.ndarray, min_cluster_size: int | None = None) -> np.ndarray:
    """(n,) int64 cluster id per point (-1 = noise), ids numbered by cluster size, largest first.

    HDBSCAN (scikit-learn) with min_cluster_size ~ sqrt(n) / 2 (at least 8): a few dozen clusters
    at any size; min_samples is kept small so sparse borders are not all noise.
    """
    from sklearn.cluster import HDBSCAN

    n = xy.shape[0]
    if n < 16:
        return np.full(n, -1, dtype=np.int64)
    mcs = min_cluster_size or max(8, int(round(np.sqrt(n) / 2)))
    raw = HDBSCAN(min_cluster_size=mcs, min_samples=min(mcs, 5), copy=True).fit_predict(
        np.asarray(xy, dtype=np.float64))
    ids = raw[raw >= 0]
    if len(ids) == 0:
        return raw.astype(np.int64)
    sizes = np.bincount(ids)
    order = np.lexsort((np.arange(len(sizes)), -sizes))  # by size desc, then old id
    remap = np.full(len(sizes), -1, dtype=np.int64)
    remap[order] = np.arange(len(sizes))
    return np.where(raw >= 0, remap[np.maximum(raw, 0)], -1).astype(np.int64)


def over_represented(values: np.ndarray, member: np.ndarray, k: int = MAX_TERMS) -> list[tuple[str, float]]:
    """The `k` values most over-represented among `member` entities.

    values: (n,) object column: str (category, "" = missing) or tuple of str (tags)
    member: (n,) bool mask of the cluster
    Score: p(t | cluster) * log(p(t | cluster) / p(t)), the term's share of the KL divergence,
    which favours values both frequent in the cluster and specific to it; lift >= MIN_LIFT.
    """
    is_tags = len(values) > 0 and isinstance(values[0], (tuple, list))
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, v in enumerate(values):
        for t in (v if is_tags else ((v,) if v else ())):
            rows.append(i)
            cols.append(vocab.setdefault(str(t), len(vocab)))
    if not vocab or len(vocab) > MAX_CATEGORIES:
        return []
    rows, cols = np.asarray(rows), np.asarray(cols)
    total = np.bincount(cols, minlength=len(vocab)).astype(np.float64)
    inside = np.bincount(cols[member[rows]], minlength=len(vocab)).astype(np.float64)
    p_all = total / len(values)
    p_in = inside / max(int(member.sum()), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(p_all > 0, p_in / p_all, 0.0)
        score = np.where((lift >= MIN_LIFT) & (inside >= 2), p_in * np.log(lift), -np.inf)
    names = np.array(list(vocab), dtype=object)
    best = np.argsort(-score, kind="stable")[:k]
    return [(str(names[j]), float(score[j])) for j in best if np.isfinite(score[j])]


def find_clusters(xy: np.ndarray, variant: str, labels: np.ndarray, counts: np.ndarray,
                  fields: dict[str, np.ndarray] | None = None, field_types: dict[str, str] | None = None,
                  min_cluster_size: int | None = None) -> dict:
    """Detect and name the clusters of one layout (see the module docstring for the shape).

    Args:
        xy: (n, 2) layout; labels: (n,) display names; counts: (n,) popularity
        fields / field_types: entity metadata (`tables.Entities.fields`); category and tags
            fields name the clusters by their over-represented values
    """
    ids = cluster_layout(xy, min_cluster_size)
    n_clusters = int(ids.max()) + 1 if len(ids) and ids.max() >= 0 else 0
    themed = {name: col for name, col in (fields or {}).items()
              if (field_types or {}).get(name) in ("category", "tags")}
    out: dict = {"variant": variant, "labels": [], "x": [], "y": [], "size": [], "members": [], "terms": []}
    for c in range(n_clusters):
        member = ids == c
        where = np.flatnonzero(member)
        top = where[np.lexsort((where, -counts[where]))][:MAX_MEMBERS]
        terms = _terms(themed, member)
        names = [str(labels[i]) for i in top]
        out["labels"].append(" · ".join(terms) if terms else ", ".join(names[:2]))
        cx, cy = np.median(xy[member], axis=0)
        out["x"].append(round(float(cx), 5))
        out["y"].append(round(float(cy), 5))
        out["size"].append(int(member.sum()))
        out["members"].append([int(i) for i in top])
        out["terms"].append(terms)
    out["membership"] = ids.astype("<i2").tobytes()
    return out


def _terms(themed: dict[str, np.ndarray], member: np.ndarray) -> list[str]:
    scored = []
    for name, col in themed.items():
        for value, score in over_represented(col, member):
            scored.append((score, name, value))
    scored.sort(key=lambda t: -t[0])
    out, named = [], set()
    for _, name, value in scored[:MAX_TERMS]:
        # A bare number ("36") says nothing on a map: name its field once ("department 36 · 9").
        out.append(f"{name} {value}" if value.isdigit() and name not in named else value)
        named.add(name)
    return out
