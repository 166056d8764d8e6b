"""The JSON config island that the viewer and the compare page read (docs/site-data.md)."""

from __future__ import annotations

from sitegen.datatypes import DatasetResult

CONFIG_VERSION = 2


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
    }

