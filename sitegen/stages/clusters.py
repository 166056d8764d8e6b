"""Cluster labels for a 2D layout: HDBSCAN regions at three levels, named by their tags and popular members.

`find_clusters` returns, per variant:
    {"variant": str, "labels": [str], "x": [float], "y": [float], "size": [int], "extent": [float],
     "members": [[int]], "terms": [[str]], "membership": bytes (int16 LE per entity, -1 = noise),
     "parent": [int] (each cluster's coarse region),
     "coarse": {"labels", "x", "y", "size", "extent"},
     "fine": {"labels", "x", "y", "size", "extent", "parent": [int] (its cluster),
              "membership": bytes (int16 LE per entity, -1 = in no sub-cluster)}}
The top-level keys are the HDBSCAN clusters (what entity pages link to); `coarse` groups them into a
few regions and `fine` splits them (`cluster_tree`: why the levels nest). Each level is numbered by
size, largest first. `x`, `y` are a label anchor in the densest part of the group and `extent` the
larger side of the box holding its central 80% (data units: what the viewer and entity-page links
zoom to); `members` holds the indices of a cluster's most popular entities; `terms` its most
over-represented tag / category values. The meta msgpack carries all but `members` and `terms`
(`sitegen.formats.datafiles.cluster_objects`, docs/site-data.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sitegen.stages.cluster_tree import coarse_groups, dense_anchor, extent, hdbscan, numbered_by_size, split_clusters

MAX_TERMS = 2
MAX_MEMBERS = 3
MIN_LIFT = 1.5  # a term must be this much more common in the cluster than overall
MIN_SHARE = 0.4  # ... and carried by at least this share of the cluster's members
REGION_SHARE = 0.25  # ... or of a coarse region's (a region holds several themes; a quarter of it is its theme)
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

    HDBSCAN (`cluster_tree.hdbscan`) with min_cluster_size ~ sqrt(n) / 2 (at least 8): a few dozen
    clusters at any size; min_samples is kept small so sparse borders are not all noise; no cluster
    holds more than half of the points.
    """
    n = xy.shape[0]
    if n < 16:
        return np.full(n, -1, dtype=np.int64)
    mcs = min_cluster_size or max(8, int(round(np.sqrt(n) / 2)))
    # max_cluster_size: a structureless body beside a small island is otherwise one cluster of ~all
    # points, and the map gets a single name; capped, the body is split into its denser parts.
    return numbered_by_size(hdbscan(xy, mcs, max_cluster_size=max(mcs, n // 2)))


@dataclass(frozen=True)
class ValueCodes:
    """A category or tags column as (entity, value) incidences, coded once for every cluster's count.

    rows: (m,) int64 entity of each incidence; cols: (m,) int64 its value's code; names: (v,) the
    values, coded in order of first appearance (what breaks ties between equal scores).
    """

    rows: np.ndarray
    cols: np.ndarray
    names: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> ValueCodes:
        """Code `values`: (n,) object column of str (category, "" = missing) or tuples of str (tags)."""
        values = np.asarray(values, dtype=object)
        if len(values) and isinstance(values[0], (tuple, list)):
            lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
            flat = np.fromiter((str(t) for v in values for t in v), dtype=object, count=int(lengths.sum()))
            rows = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
        else:
            flat = np.array([str(v) if v else "" for v in values], dtype=object)
            rows = np.flatnonzero(flat != "")
            flat = flat[rows]
        if len(flat) == 0:
            return cls(rows[:0], rows[:0], np.array([], dtype=object))
        uniq, first, code = np.unique(flat.astype(str), return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # code by first appearance, as a dict would
        recode = np.empty(len(order), dtype=np.int64)
        recode[order] = np.arange(len(order))
        return cls(rows, recode[code.reshape(-1)], np.asarray(uniq[order], dtype=object))


def over_represented(values: np.ndarray | ValueCodes, member: np.ndarray, k: int = MAX_TERMS,
                     weights: np.ndarray | None = None, background: np.ndarray | None = None,
                     min_share: float = MIN_SHARE) -> list[tuple[str, float]]:
    """The `k` values most over-represented among `member` entities, best first, with their scores.

    values: (n,) object column: str (category, "" = missing) or tuple of str (tags), or its
        `ValueCodes` (what `find_clusters` passes: coded once, counted for every cluster)
    member: (n,) bool mask of the cluster
    background: (n,) bool mask holding `member`, what "over" is measured against (default: the whole
        map); a sub-cluster against its parent cluster gets the terms that set it apart from its siblings
    weights: (n,) popularity; when given, the members carrying the value must also hold min_share
        of the cluster's popularity: a map name is read against the titles people know, so a value
        of the long tail alone ("memoir" over Me Before You and The Martian) does not qualify
    A value qualifies when at least min_share of the cluster carries it (a name must describe the
    cluster, not a handful of its members), it is at least MIN_LIFT times as common in the cluster
    as on the whole map, and at least two members carry it.
    Score: share * log(lift) = p(t | cluster) * log(p(t | cluster) / p(t)), the term's part of the
    KL divergence: frequent in the cluster and specific to it, where lift alone would crown rare values.
    """
    codes = values if isinstance(values, ValueCodes) else ValueCodes.of(values)
    if not len(codes.names) or len(codes.names) > MAX_CATEGORIES:
        return []
    rows, cols, n_values = codes.rows, codes.cols, len(codes.names)
    member = np.asarray(member, dtype=bool)
    among = np.ones(len(member), dtype=bool) if background is None else np.asarray(background, dtype=bool)
    total = np.bincount(cols[among[rows]], minlength=n_values).astype(np.float64)
    inside = np.bincount(cols[member[rows]], minlength=n_values).astype(np.float64)
    p_all = total / max(int(among.sum()), 1)
    share = inside / max(int(member.sum()), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(p_all > 0, share / p_all, 0.0)
        ok = (lift >= MIN_LIFT) & (inside >= 2) & (share >= min_share)
        if weights is not None:
            w = np.asarray(weights, dtype=np.float64)
            held = np.bincount(cols[member[rows]], weights=w[rows][member[rows]], minlength=n_values)
            ok &= held >= min_share * max(float(w[member].sum()), 1e-12)
        score = np.where(ok, share * np.log(lift), -np.inf)
    best = np.argsort(-score, kind="stable")[:k]
    return [(str(codes.names[j]), float(score[j])) for j in best if np.isfinite(score[j])]


def naming_fields(fields: dict[str, np.ndarray], field_types: dict[str, str],
                  preferred: tuple[str | None, ...] = ()) -> dict[str, tuple[ValueCodes, bool]]:
    """The category / tags fields whose values may name clusters: name -> (coded column, is preferred).

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
        coded = ValueCodes.of(col)
        values = [v for v in coded.names if v]
        codes = [v for v in values if _is_code(v)]
        if values and len(codes) >= CODE_SHARE * len(values):
            numeric = all(NUMBER.fullmatch(v) for v in values)
            if not (numeric and name in preferred):
                continue
        out[name] = (coded, name in preferred)
    return out


def _is_code(value: str) -> bool:
    return bool(CODE.fullmatch(value) or NUMBER.fullmatch(value))


def find_clusters(xy: np.ndarray, variant: str, labels: np.ndarray, counts: np.ndarray,
                  fields: dict[str, np.ndarray] | None = None, field_types: dict[str, str] | None = None,
                  min_cluster_size: int | None = None, preferred: tuple[str | None, ...] = ()) -> dict:
    """Detect and name the clusters of one layout at three nesting levels (module docstring: the shape).

    Args:
        xy: (n, 2) layout; labels: (n,) display names; counts: (n,) popularity
        fields / field_types: entity metadata (`tables.Entities.fields`); category and tags
            fields name the clusters by their over-represented values (`naming_fields`)
        preferred: the fields the spec colours by or evaluates against; their values match the
            map's legend, so they name a cluster first when they qualify
    Names: the cluster's best terms in alphabetical order ("classics · children" and "children ·
    classics" are one wording), or its two most popular members when no term qualifies; no two
    clusters of a level share a name (`_distinct`). A region of one cluster has that cluster's name
    (zooming in keeps it); a region of several with no qualifying term is unnamed (""); a sub-cluster
    is named by what sets it apart from its siblings (terms over-represented against its parent
    cluster first) and never by its parent's name.
    """
    xy = np.asarray(xy)
    ids = cluster_layout(xy, min_cluster_size)
    themed = naming_fields(fields or {}, field_types or {}, tuple(p for p in preferred if p))
    shorts = lambda level: [[_short(str(labels[i])) for i in m] for m in level["members"]]  # noqa: E731

    out: dict = {"variant": variant, **_level(xy, ids, counts)}
    ranked = [_terms(themed, ids == c, counts) for c in range(len(out["size"]))]
    out["terms"] = [_canonical(r[:MAX_TERMS]) for r in ranked]
    out["labels"] = _distinct(ranked, shorts(out))
    out["membership"] = ids.astype("<i2").tobytes()

    region = coarse_groups(np.column_stack([out["x"], out["y"]]), np.asarray(out["size"]))
    out["parent"] = region.tolist()
    coarse = _level(xy, np.where(ids >= 0, region[np.maximum(ids, 0)] if len(region) else -1, -1), counts)
    only = [np.flatnonzero(region == r) for r in range(len(coarse["size"]))]
    names = set(out["labels"])  # a region's name is none of the clusters' (they can show side by side)
    # A region of several clusters with no term of its own is left unnamed (""): two popular members
    # written over a dozen clusters would read as what the region is about; the viewer names its
    # clusters instead.
    themes = [_region_terms(themed, np.isin(ids, kids), counts) for kids in only]
    coarse["labels"] = _distinct(themes, shorts(coarse), avoid=[names] * len(only),
                                 fixed=[out["labels"][kids[0]] if len(kids) == 1 else None if t else ""
                                        for kids, t in zip(only, themes)])
    del coarse["members"]
    out["coarse"] = coarse

    fine_ids, parent = split_clusters(xy, ids)
    fine = _level(xy, fine_ids, counts)
    fine_ranked = []
    for f, p in enumerate(parent.tolist()):
        own = _terms(themed, fine_ids == f, counts, background=ids == p)
        fine_ranked.append(own + [t for t in _terms(themed, fine_ids == f, counts)
                                  if t not in own and t not in ranked[p][:MAX_TERMS]])
    names |= set(coarse["labels"]) - {""}  # nor is a sub-cluster's: zoomed in on one region, the next may show its names
    fine["labels"] = _distinct(fine_ranked, shorts(fine), avoid=[names] * len(fine_ranked))
    del fine["members"]
    fine["parent"] = parent.tolist()
    fine["membership"] = fine_ids.astype("<i2").tobytes()
    out["fine"] = fine
    return out


def _level(xy: np.ndarray, ids: np.ndarray, counts: np.ndarray) -> dict:
    """Anchors, sizes, extents and most popular members of the groups 0..k-1 of `ids` (-1 = none)."""
    k = int(ids.max()) + 1 if len(ids) and ids.max() >= 0 else 0
    out: dict = {"x": [], "y": [], "size": [], "extent": [], "members": []}
    for c in range(k):
        where = np.flatnonzero(ids == c)
        pts = xy[where]
        ext = extent(pts)
        x, y = dense_anchor(pts, ext)
        out["x"].append(round(x, 5))
        out["y"].append(round(y, 5))
        out["size"].append(len(where))
        out["extent"].append(round(ext, 5))
        out["members"].append([int(i) for i in where[np.lexsort((where, -counts[where]))][:MAX_MEMBERS]])
    return out


def _canonical(terms: list[str]) -> list[str]:
    """Terms in one order whatever their scores: the same terms always read the same."""
    return sorted(terms, key=lambda t: (t.casefold(), t))


def _distinct(ranked: list[list[str]], members: list[list[str]], avoid: list[set[str]] | None = None,
              fixed: list[str | None] | None = None) -> list[str]:
    """One name per cluster, no two alike (so no two neighbours alike either).

    ranked: per cluster, its qualifying terms best first; members: its most popular members' names;
    avoid: per cluster, names it must not have (the other levels'); fixed: per cluster, a name it
    keeps as it is (None: name it here), which the others then avoid.
    A name is the best MAX_TERMS terms in canonical order, else the two most popular members.
    Clusters that share a name are told apart by one more term of their own when that makes every
    one of them unique ("paranormal · urban-fantasy · vampires"), else by their most popular member
    ("paranormal · urban-fantasy: Obsidian").
    """
    avoid = avoid or [set()] * len(ranked)
    fixed = fixed or [None] * len(ranked)

    def wording(terms: list[str]) -> str:
        return SEP.join(_canonical(terms))

    names = [f if f is not None else wording(t[:MAX_TERMS]) if t else ", ".join(m[:2])
             for t, m, f in zip(ranked, members, fixed)]
    free = [c for c in range(len(names)) if fixed[c] is None]
    kept = {f for f in fixed if f is not None}
    for name in sorted({names[c] for c in free}):
        group = [c for c in free if names[c] == name]
        if len(group) < 2 and name not in kept and name not in avoid[group[0]]:
            continue
        others = set(names) - {name}
        extra = [wording(ranked[c][:MAX_TERMS + 1]) if len(ranked[c]) > MAX_TERMS else None for c in group]
        if None not in extra and len(set(extra)) == len(group) and not others & set(extra) \
                and all(e not in avoid[c] for e, c in zip(extra, group)):
            new = extra
        else:
            new = [f"{name}: {members[c][0]}" if members[c] and members[c][0] not in name else name for c in group]
        for c, n in zip(group, new):
            names[c] = n
    # Two clusters whose members share titles too: number them, the last resort that keeps names unique.
    used = set(kept)
    for c in free:
        name, k = names[c], 1
        while name in used or name in avoid[c]:
            k += 1
            name = f"{names[c]} ({k})"
        used.add(name)
        names[c] = name
    return names


def _region_terms(themed: dict[str, tuple[ValueCodes, bool]], member: np.ndarray, counts: np.ndarray) -> list[str]:
    """A coarse region's terms: a cluster's when any qualify, else its one best term at REGION_SHARE (a
    region mixes themes; a quarter of it sharing one is its theme, but a second such term would
    name a minority as if it were the whole)."""
    return _terms(themed, member, counts) or _terms(themed, member, counts, min_share=REGION_SHARE)[:1]


def _short(text: str) -> str:
    """A member's name cut for a map label: series notes in brackets dropped, at most MEMBER_CHARS."""
    text = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", text).strip() or text
    return text if len(text) <= MEMBER_CHARS else text[: MEMBER_CHARS - 1].rstrip() + "…"


def _terms(themed: dict[str, tuple[ValueCodes, bool]], member: np.ndarray, counts: np.ndarray,
           background: np.ndarray | None = None, min_share: float = MIN_SHARE) -> list[str]:
    """Every qualifying value of the naming fields, best first: the preferred fields' values before
    the others', then by score. A value in two fields (a top genre that is also a shelf) counts once;
    a number is named with its field ("department 36")."""
    scored = []
    for name, (col, preferred) in themed.items():
        for value, score in over_represented(col, member, k=MAX_TERMS + 2, weights=counts, background=background,
                                             min_share=min_share):
            scored.append((not preferred, -score, name, value))
    scored.sort()
    out, used = [], set()
    for _, _, name, value in scored:
        if value.casefold() in used:
            continue
        used.add(value.casefold())
        out.append(f"{name} {value}" if NUMBER.fullmatch(value) else value)
    return out
