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
MIN_SHARE = 0.4  # ... and carried by at least this share of the cluster's members
SEP = " · "
# Code-like values: ISO 639 / locale codes ("eng", "en-US"), short abbreviations, identifiers
# ("B00X12", "tt0111161"), numbers. A field with CODE_SHARE of its distinct values such is a code field.
CODE = re.compile(r"[A-Za-z]{1,3}(?:[-_][A-Za-z0-9]{2,4})?|[A-Za-z]{0,3}\d[\w-]*")
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
CODE_SHARE = 0.8
MAX_CATEGORIES = 5000  # fields with more distinct values than this are identifiers, not themes
MEMBER_CHARS = 28  # a member's name added to tell apart clusters with the same terms


def cluster_layout(xy: np.ndarray, min_cluster_size: int | None = None) -> np.ndarray:
    """(n,) int64 cluster id per point (-1 = noise), ids numbered by cluster size, largest first.

    HDBSCAN (scikit-learn) with min_cluster_size ~ sqrt(n) / 2 (at least 8): a few dozen clusters
    at any size; min_samples is kept small so sparse borders are not all noise; no cluster holds
    more than half of the points.
    """
    from sklearn.cluster import HDBSCAN

    n = xy.shape[0]
    if n < 16:
        return np.full(n, -1, dtype=np.int64)
    mcs = min_cluster_size or max(8, int(round(np.sqrt(n) / 2)))
    # max_cluster_size: a structureless body beside a small island is otherwise one cluster of ~all
    # points, and the map gets a single name; capped, the body is split into its denser parts.
    raw = HDBSCAN(min_cluster_size=mcs, min_samples=min(mcs, 5), max_cluster_size=max(mcs, n // 2), copy=True).fit_predict(
        np.asarray(xy, dtype=np.float64))
    ids = raw[raw >= 0]
    if len(ids) == 0:
        return raw.astype(np.int64)
    sizes = np.bincount(ids)
    order = np.lexsort((np.arange(len(sizes)), -sizes))  # by size desc, then old id
    remap = np.full(len(sizes), -1, dtype=np.int64)
    remap[order] = np.arange(len(sizes))
    return np.where(raw >= 0, remap[np.maximum(raw, 0)], -1).astype(np.int64)


def over_represented(values: np.ndarray, member: np.ndarray, k: int = MAX_TERMS,
                     weights: np.ndarray | None = None) -> list[tuple[str, float]]:
    """The `k` values most over-represented among `member` entities, best first, with their scores.

    values: (n,) object column: str (category, "" = missing) or tuple of str (tags)
    member: (n,) bool mask of the cluster
    weights: (n,) popularity; when given, the members carrying the value must also hold MIN_SHARE
        of the cluster's popularity: a map name is read against the titles people know, so a value
        of the long tail alone ("memoir" over Me Before You and The Martian) does not qualify
    A value qualifies when at least MIN_SHARE of the cluster carries it (a name must describe the
    cluster, not a handful of its members), it is at least MIN_LIFT times as common in the cluster
    as on the whole map, and at least two members carry it.
    Score: share * log(lift) = p(t | cluster) * log(p(t | cluster) / p(t)), the term's part of the
    KL divergence: frequent in the cluster and specific to it, where lift alone would crown rare values.
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
    share = inside / max(int(member.sum()), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(p_all > 0, share / p_all, 0.0)
        ok = (lift >= MIN_LIFT) & (inside >= 2) & (share >= MIN_SHARE)
        if weights is not None:
            w = np.asarray(weights, dtype=np.float64)
            held = np.bincount(cols[member[rows]], weights=w[rows][member[rows]], minlength=len(vocab))
            ok &= held >= MIN_SHARE * max(float(w[member].sum()), 1e-12)
        score = np.where(ok, share * np.log(lift), -np.inf)
    names = np.array(list(vocab), dtype=object)
    best = np.argsort(-score, kind="stable")[:k]
    return [(str(names[j]), float(score[j])) for j in best if np.isfinite(score[j])]


def naming_fields(fields: dict[str, np.ndarray], field_types: dict[str, str],
                  preferred: tuple[str | None, ...] = ()) -> dict[str, tuple[np.ndarray, bool]]:
    """The category / tags fields whose values may name clusters: name -> (column, is preferred).

    Fields of codes are left out: a map label reading "ara" or "B00X12" says nothing. A field is one
    when most of its distinct values look like codes (`_is_code`: ISO language / locale codes,
    identifiers, numbers). The one exception is a number-valued field the spec colours by or
    evaluates against (email-eu-core's "department"): its values are the legend's entries, and
    they are named with the field ("department 36"), never bare.
    """
    out = {}
    for name, col in fields.items():
        if field_types.get(name) not in ("category", "tags"):
            continue
        values = {str(t) for v in col for t in (v if isinstance(v, (tuple, list)) else (v,)) if t}
        codes = [v for v in values if _is_code(v)]
        if values and len(codes) >= CODE_SHARE * len(values):
            numeric = all(NUMBER.fullmatch(v) for v in values)
            if not (numeric and name in preferred):
                continue
        out[name] = (col, name in preferred)
    return out


def _is_code(value: str) -> bool:
    return bool(CODE.fullmatch(value) or NUMBER.fullmatch(value))


def find_clusters(xy: np.ndarray, variant: str, labels: np.ndarray, counts: np.ndarray,
                  fields: dict[str, np.ndarray] | None = None, field_types: dict[str, str] | None = None,
                  min_cluster_size: int | None = None, preferred: tuple[str | None, ...] = ()) -> dict:
    """Detect and name the clusters of one layout (see the module docstring for the shape).

    Args:
        xy: (n, 2) layout; labels: (n,) display names; counts: (n,) popularity
        fields / field_types: entity metadata (`tables.Entities.fields`); category and tags
            fields name the clusters by their over-represented values (`naming_fields`)
        preferred: the fields the spec colours by or evaluates against; their values match the
            map's legend, so they name a cluster first when they qualify
    Names: the cluster's best terms in alphabetical order ("classics · children" and "children ·
    classics" are one wording), or its two most popular members when no term qualifies; no two
    clusters share a name (`_distinct`).
    """
    ids = cluster_layout(xy, min_cluster_size)
    n_clusters = int(ids.max()) + 1 if len(ids) and ids.max() >= 0 else 0
    themed = naming_fields(fields or {}, field_types or {}, tuple(p for p in preferred if p))
    out: dict = {"variant": variant, "labels": [], "x": [], "y": [], "size": [], "extent": [],
                 "members": [], "terms": []}
    ranked = []
    for c in range(n_clusters):
        member = ids == c
        where = np.flatnonzero(member)
        top = where[np.lexsort((where, -counts[where]))][:MAX_MEMBERS]
        ranked.append(_terms(themed, member, counts))
        pts = xy[member]
        cx, cy = np.median(pts, axis=0)
        lo, hi = np.percentile(pts, [10, 90], axis=0)
        out["x"].append(round(float(cx), 5))
        out["y"].append(round(float(cy), 5))
        out["size"].append(int(member.sum()))
        out["extent"].append(round(float(max(hi - lo)), 5))
        out["members"].append([int(i) for i in top])
        out["terms"].append(_canonical(ranked[-1][:MAX_TERMS]))
    out["labels"] = _distinct(ranked, [[_short(str(labels[i])) for i in m] for m in out["members"]])
    out["membership"] = ids.astype("<i2").tobytes()
    return out


def _canonical(terms: list[str]) -> list[str]:
    """Terms in one order whatever their scores: the same terms always read the same."""
    return sorted(terms, key=lambda t: (t.casefold(), t))


def _distinct(ranked: list[list[str]], members: list[list[str]]) -> list[str]:
    """One name per cluster, no two alike (so no two neighbours alike either).

    ranked: per cluster, its qualifying terms best first; members: its most popular members' names.
    A name is the best MAX_TERMS terms in canonical order, else the two most popular members.
    Clusters that share a name are told apart by one more term of their own when that makes every
    one of them unique ("paranormal · urban-fantasy · vampires"), else by their most popular member
    ("paranormal · urban-fantasy: Obsidian").
    """
    def wording(terms: list[str]) -> str:
        return SEP.join(_canonical(terms))

    names = [wording(t[:MAX_TERMS]) if t else ", ".join(m[:2]) for t, m in zip(ranked, members)]
    for name in sorted(set(names)):
        group = [c for c, n in enumerate(names) if n == name]
        if len(group) < 2:
            continue
        others = set(names) - {name}
        extra = [wording(ranked[c][:MAX_TERMS + 1]) if len(ranked[c]) > MAX_TERMS else None for c in group]
        if None not in extra and len(set(extra)) == len(group) and not others & set(extra):
            new = extra
        else:
            new = [f"{name}: {members[c][0]}" if members[c] and members[c][0] not in name else name for c in group]
        for c, n in zip(group, new):
            names[c] = n
    # Two clusters whose members share titles too: number them, the last resort that keeps names unique.
    seen: dict[str, int] = {}
    for c, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[c] = f"{name} ({seen[name]})"
    return names


def _short(text: str) -> str:
    """A member's name cut for a map label: series notes in brackets dropped, at most MEMBER_CHARS."""
    text = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", text).strip() or text
    return text if len(text) <= MEMBER_CHARS else text[: MEMBER_CHARS - 1].rstrip() + "…"


def _terms(themed: dict[str, tuple[np.ndarray, bool]], member: np.ndarray, counts: np.ndarray) -> list[str]:
    """Every qualifying value of the naming fields, best first: the preferred fields' values before
    the others', then by score. A value in two fields (a top genre that is also a shelf) counts once;
    a number is named with its field ("department 36")."""
    scored = []
    for name, (col, preferred) in themed.items():
        for value, score in over_represented(col, member, k=MAX_TERMS + 2, weights=counts):
            scored.append((not preferred, -score, name, value))
    scored.sort()
    out, used = [], set()
    for _, _, name, value in scored:
        if value.casefold() in used:
            continue
        used.add(value.casefold())
        out.append(f"{name} {value}" if NUMBER.fullmatch(value) else value)
    return out
