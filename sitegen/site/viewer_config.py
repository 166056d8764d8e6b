"""The JSON config island that the viewer and the compare page read (docs/site-data.md)."""

from __future__ import annotations

import numpy as np

from sitegen.datatypes import DatasetResult

CONFIG_VERSION = 2


def core_box(xy: np.ndarray, q: float = 1.0, fence: float = 0.1) -> list[float]:
    """[x0, y0, x1, y1]: the box the viewer's first view fits, the layout's dense core.

    Per axis the q-th to (100 - q)-th percentile, widened by `fence` of its span on each side and
    clipped to the points' own range: points beyond the fence are outliers left outside the first view,
    points within it are kept (a layout without outliers gets its full bounds). Rounded to 4 decimals
    (well below a pixel of any first view) so the page's bytes do not depend on float noise.
    """
    xy = np.asarray(xy, dtype=np.float64)
    if not len(xy):
        return [-1.0, -1.0, 1.0, 1.0]
    lo, hi = np.percentile(xy, q, axis=0), np.percentile(xy, 100 - q, axis=0)
    pad = fence * (hi - lo)
    lo, hi = np.maximum(xy.min(axis=0), lo - pad), np.minimum(xy.max(axis=0), hi + pad)
    return [round(float(v), 4) for v in (lo[0], lo[1], hi[0], hi[1])]


def plural(noun: str) -> str:
    """English plural of a simple noun: "book" -> "books", "box" -> "boxes", "story" -> "stories"."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def nouns(site) -> dict[str, str]:
    """The spec's names for its things, singular and plural (the viewer's `nouns`); the plurals are
    `entity_noun_plural` / `collection_noun_plural` where given."""
    return {"entity": site.entity_noun, "entities": site.entity_noun_plural or plural(site.entity_noun),
            "collection": site.collection_noun, "collections": site.collection_noun_plural or plural(site.collection_noun)}


def viewer_config(r: DatasetResult, variant: str, variants: list[dict], root: str, overview: str) -> dict:
    """The keys both pages share. variants: [{"name", "label", "url", ...}] in menu order, default first;
    root: the path from the page to the dataset folder ("" or "../"); overview: the thumbnail's path."""
    spec, packed = r.spec, r.packed
    site = spec.site
    return {
        "version": CONFIG_VERSION, "dataset": spec.name, "title": site.title or spec.title, "accent": site.accent,
        "theme": site.theme, "variant": variant, "variants": variants,
        "points": packed.points, "meta": packed.meta, "shards": packed.shards, "ids": packed.ids,
        **({"search": packed.search} if packed.search else {}),
        "shardRows": packed.shard_rows,
        "root": root, "entityPage": "e/{slug}.html", "colorBy": site.color_by,
        "fields": [f.descriptor() for f in packed.fields], "count": len(r.entities), "overview": overview,
        "nouns": nouns(site),
        "imageHosts": list(site.image_hosts),  # image fields show pictures from these hosts only
        # per layout, the box the first view fits (outliers left out): the viewer has it before any point
        "cores": {name: core_box(xy) for name, xy in sorted(r.layouts.items())},
    }

