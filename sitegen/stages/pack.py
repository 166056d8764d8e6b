"""Stage 7, pack: one dataset's data files for the site (points, meta, neighbors, thumbnails).

The bytes the viewer fetches, under content-hashed names in `data/`, plus what the pages need to
link them (slugs, field columns, each entity's top co-occurring neighbours). Cached like every
stage, so a template edit re-renders pages without re-encoding a million points. Formats:
docs/point-format.md and docs/site-data.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import msgpack
import numpy as np

from sitegen.datatypes import DatasetResult
from sitegen.formats import points
from sitegen.formats.datafiles import (
    EAGER_SHARDS,
    POINT_CHUNK_FIRST,
    POINT_CHUNK_ROWS,
    SHARD_ROWS,
    FieldColumn,
    cluster_objects,
    core_msgpack,
    entity_slugs,
    field_columns,
    id_buckets,
    paged_entities,
    point_table,
    search_buckets,
    shard_msgpack,
    top_neighbors,
)
from sitegen.formats.naming import hashed_name
from sitegen.formats.thumbs import point_colors, render_png


@dataclass(frozen=True)
class Packed:
    """A dataset's data files (paths relative to the dataset folder) and what the pages need."""

    files: dict[str, bytes]
    points: list[str]  # point chunk files in row order (docs/point-format.md, version 2)
    meta: str  # the core file: counts, filter / colour-by columns, clusters
    shards: list[str]  # entities [k * shard_rows, (k + 1) * shard_rows): labels, ids, slugs, text, neighbours
    ids: list[str]  # id buckets: id -> entity index (fnv1a32(id) % len(ids))
    search: list[str]  # prefix index buckets, only past EAGER_SHARDS shards (smaller atlases search in memory)
    shard_rows: int
    thumbs: dict[str, str]  # variant -> data/thumb-<variant>.<hash>.png
    slugs: list[str]
    paged: list[int]  # entities with a static page, most popular first ([site] entity_pages of them)
    fields: list[FieldColumn]
    neighbor_indptr: np.ndarray
    neighbor_indices: np.ndarray
    neighbor_weights: np.ndarray


@dataclass(frozen=True)
class PackParams:
    """What, besides the built dataset, decides the data files' bytes (the stage's cache parameters)."""

    variants: tuple[str, ...]  # the default first
    color_by: str | None
    accent: str
    theme: str  # the thumbnails' background: "light", or "dark" (also for theme = "auto")
    field_labels: tuple[tuple[str, str], ...]
    field_order: tuple[str, ...]
    entity_pages: int

    @classmethod
    def of(cls, spec) -> PackParams:
        default = spec.default_variant
        fspecs = spec.entities.fields if spec.entities else {}
        return cls(tuple([default] + [v.name for v in spec.variants if v.name != default]), spec.site.color_by,
                   spec.site.accent, "light" if spec.site.theme == "light" else "dark", tuple((k, f.label) for k, f in fspecs.items() if f.label),
                   tuple(fspecs), spec.site.entity_pages)


def pack_dataset(result: DatasetResult, params: PackParams) -> Packed:
    """Point chunks, the core metadata, entity shards, id buckets and thumbnails under content-hashed names.

    Sizes are bounded at any n: the first point chunk holds POINT_CHUNK_FIRST rows (the most popular
    entities: rows are in popularity order), later ones POINT_CHUNK_ROWS; a shard SHARD_ROWS entities.
    """
    ent = result.entities
    n = len(ent)
    variants = list(params.variants)
    slugs = entity_slugs(ent.ids, ent.labels)
    fields = field_columns(ent, dict(params.field_labels), list(params.field_order))
    nb = result.neighbors if result.neighbors is not None else top_neighbors(result.cooc)
    paged = paged_entities(ent.counts, params.entity_pages)
    page_slugs = [""] * n  # the viewer links an entity page only where one exists
    for i in paged.tolist():
        page_slugs[i] = slugs[i]
    files: dict[str, bytes] = {}

    def add(stem: str, suffix: str, data: bytes) -> str:
        rel = f"data/{hashed_name(stem, suffix, data)}"
        files[rel] = data
        return rel

    table = point_table(result, fields, variants)
    chunks = [add(f"points-{k}", ".bin", b)
              for k, b in enumerate(points.encode_chunks(table, POINT_CHUNK_FIRST, POINT_CHUNK_ROWS))]
    meta = add("meta", ".msgpack", core_msgpack(ent, fields, cluster_objects(result.clusters, variants), SHARD_ROWS))
    starts = range(0, max(n, 1), SHARD_ROWS)
    shards = [add(f"shard-{k}", ".msgpack", shard_msgpack(ent, page_slugs, fields, nb, a, min(n, a + SHARD_ROWS)))
              for k, a in enumerate(starts)]
    ids = [add(f"ids-{k}", ".msgpack", b) for k, b in enumerate(id_buckets(ent.ids, len(shards)))]
    search = [add(f"search-{k}", ".msgpack", b) for k, b in enumerate(search_buckets(ent.labels, len(shards)))] \
        if len(shards) > EAGER_SHARDS else []
    colors = layout_colors(n, fields, params.color_by, params.accent)
    thumbs = {v: add(f"thumb-{v}", ".png", render_png(result.layouts[v], colors, ent.counts, theme=params.theme))
              for v in variants}
    return Packed(files, chunks, meta, shards, ids, search, SHARD_ROWS, thumbs, slugs, paged.tolist(), fields, *nb)


def with_packed(result: DatasetResult) -> DatasetResult:
    """`result` with its data files packed (`result.packed`); the pipeline's `pack_result` caches this."""
    return result.with_packed(pack_dataset(result, PackParams.of(result.spec)))


def layout_colors(n: int, fields: list[FieldColumn], color_by: str | None, accent: str) -> np.ndarray:
    """(n, 3) uint8: the viewer's default colouring (`color_by` field, else the accent), for thumbnails."""
    color = next((f for f in fields if f.name == color_by), None)
    if color is not None and color.type == "category":
        return point_colors(n, codes=color.codes)
    if color is not None and color.type == "tags":
        first = np.array([color.codes[a] if b > a else -1 for a, b in zip(color.indptr[:-1], color.indptr[1:])])
        return point_colors(n, codes=first)
    if color is not None and color.type == "number":
        return point_colors(n, values=color.values)
    return point_colors(n, accent=accent)


# --- the cached artifact: the files as they are, and an index of what the pages need ------------


def params_json(params: PackParams) -> dict:
    return json.loads(json.dumps(params.__dict__))


def save_packed(p: Packed, d: Path) -> None:
    for rel, data in p.files.items():
        target = d / "files" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    index = {"files": sorted(p.files), "points": p.points, "meta": p.meta, "shards": p.shards, "ids": p.ids, "search": p.search,
             "shard_rows": p.shard_rows, "thumbs": p.thumbs, "slugs": p.slugs, "paged": p.paged, "fields": [_field_obj(f) for f in p.fields]}
    (d / "index.msgpack").write_bytes(msgpack.packb(index, use_bin_type=True))
    np.savez(d / "neighbors.npz", indptr=p.neighbor_indptr, indices=p.neighbor_indices, weights=p.neighbor_weights)


def read_packed(d: Path) -> Packed:
    index = msgpack.unpackb((d / "index.msgpack").read_bytes(), raw=False)
    files = {rel: (d / "files" / rel).read_bytes() for rel in index["files"]}
    nb = np.load(d / "neighbors.npz")
    return Packed(files, index["points"], index["meta"], index["shards"], index["ids"], index["search"], index["shard_rows"],
                  index["thumbs"], index["slugs"], index["paged"], [_field_from(o) for o in index["fields"]],
                  nb["indptr"], nb["indices"], nb["weights"])


def _field_obj(f: FieldColumn) -> dict:
    arr = lambda a: None if a is None else np.asarray(a).astype("<i8").tobytes()  # noqa: E731
    values = None
    if f.type == "number":
        values = np.asarray(f.values, dtype="<f8").tobytes()
    elif f.values is not None:
        values = list(f.values)
    return {"name": f.name, "label": f.label, "type": f.type, "categories": f.categories,
            "codes": arr(f.codes), "indptr": arr(f.indptr), "values": values}


def _field_from(o: dict) -> FieldColumn:
    arr = lambda b: None if b is None else np.frombuffer(b, dtype="<i8").copy()  # noqa: E731
    values = o["values"]
    if o["type"] == "number":
        values = np.frombuffer(values, dtype="<f8").copy()
    return FieldColumn(o["name"], o["label"], o["type"], o["categories"], arr(o["codes"]), arr(o["indptr"]), values)
