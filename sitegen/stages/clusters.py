"""Cluster labels for a 2D layout: HDBSCAN regions named by their popular members and tags.

`find_clusters` returns, per variant:
    {"variant": str, "labels": [str], "x": [float], "y": [float], "size": [int], "extent": [float],
     "members": [[int]], "terms": [[str]], "membership": bytes (int16 LE per entity, -1 = noise)}
Clusters are numbered by size, largest first. `x`, `y` are each cluster's median position (a map
label anchor) and `extent` the larger side of the box holding its central 80% (data units: what the
viewer and entity-page links zoom to); `members` holds the indices of its most popular entities;
`terms` are its most over-represented tag / category values. The meta msgpack carries all but
`members` and `terms` (`sitegen.formats.datafiles.cluster_objects`, docs/site-data.md).
"""

from __future__ import annotations

import re

import numpy as np

MAX_TERMS = 2
MAX_MEMBERS = 3
MIN_LIFT = 1.5  # a term must be this much more common in the cluster than overall
MAX_CATEGORIES = 5000  # fields with more distinct values than this are identifiers, not themes
MEMBER_CHARS = 28  # a member's name added to tell apart clusters with the same terms


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
    out: dict = {"variant": variant, "labels": [], "x": [], "y": [], "size": [], "extent": [],
                 "members": [], "terms": []}
    for c in range(n_clusters):
        member = ids == c
        where = np.flatnonzero(member)
        top = where[np.lexsort((where, -counts[where]))][:MAX_MEMBERS]
        terms = _terms(themed, member)
        names = [str(labels[i]) for i in top]
        out["labels"].append(" · ".join(terms) if terms else ", ".join(names[:2]))
        pts = xy[member]
        cx, cy = np.median(pts, axis=0)
        lo, hi = np.percentile(pts, [10, 90], axis=0)
        out["x"].append(round(float(cx), 5))
        out["y"].append(round(float(cy), 5))
        out["size"].append(int(member.sum()))
        out["extent"].append(round(float(max(hi - lo)), 5))
        out["members"].append([int(i) for i in top])
        out["terms"].append(terms)
    out["labels"] = _distinct(out["labels"], [[str(labels[i]) for i in m] for m in out["members"]])
    out["membership"] = ids.astype("<i2").tobytes()
    return out


def _distinct(names: list[str], members: list[list[str]]) -> list[str]:
    """Clusters whose terms coincide ("children" three times) also get their most popular member."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [f"{name}: {_short(m[0])}" if seen[name] > 1 and m and m[0] not in name else name
            for name, m in zip(names, members)]


def _short(text: str) -> str:
    """A member's name cut for a map label: series notes in brackets dropped, at most MEMBER_CHARS."""
    text = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", text).strip() or text
    return text if len(text) <= MEMBER_CHARS else text[: MEMBER_CHARS - 1].rstrip() + "…"


def _terms(themed: dict[str, np.ndarray], member: np.ndarray) -> list[str]:
    """The MAX_TERMS best-scoring distinct values over all themed fields (a top genre that is also a
    shelf is named once)."""
    scored = []
    for name, col in themed.items():
        for value, score in over_represented(col, member, k=MAX_TERMS + 2):
            scored.append((-score, name, value))
    scored.sort()
    out, named, used = [], set(), set()
    for _, name, value in scored:
        if value.casefold() in used:
            continue
        used.add(value.casefold())
        # A bare number ("36") says nothing on a map: name its field once ("department 36 · 9").
        out.append(f"{name} {value}" if value.isdigit() and name not in named else value)
        named.add(name)
        if len(out) == MAX_TERMS:
            break
    return out

