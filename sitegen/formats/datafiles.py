"""Entity metadata for the site: meta and neighbors msgpack files, field descriptors, slugs, point table.

Schemas are in docs/site-data.md. Everything here is deterministic: msgpack maps are written with sorted
keys, category lists have a fixed order (most frequent first, ties by name), binary columns are
little-endian bytes, and ties between neighbours break by entity index.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import msgpack
import numpy as np
import scipy.sparse as sp
from anyascii import anyascii

from sitegen.datatypes import DatasetResult, Entities
from sitegen.formats import points

NEIGHBORS_K = 15  # per entity, in the neighbors file and on entity pages
MAX_CATEGORIES = 0xFFFE  # uint16 codes with 0xFFFF = missing; a field with more is shipped as text
SLUG_MAX = 60


# --- slugs --------------------------------------------------------------------------------------


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug_part(text: str) -> str:
    # transliterated, not stripped: "Ünïcødé" -> "unicode" (NFKD alone drops ø), "東京" -> "dongjing"
    ascii_ = text if text.isascii() else anyascii(unicodedata.normalize("NFC", text))
    return _NOT_SLUG.sub("-", ascii_.lower()).strip("-")


def entity_slugs(ids: np.ndarray, labels: np.ndarray) -> list[str]:
    """URL-safe, unique page slugs `<label>-<id>` ([a-z0-9-], at most ~70 characters).

    The id part keeps slugs stable when labels repeat; an id with no ASCII letters or digits becomes
    a short hash of the id. Remaining collisions get `-2`, `-3`, ... in entity order.
    """
    out: list[str] = []
    seen: set[str] = set()
    for ident, label in zip(map(str, ids), map(str, labels)):
        id_part = _slug_part(ident)[:SLUG_MAX] or hashlib.sha256(ident.encode()).hexdigest()[:10]
        label_part = _slug_part(label)[:SLUG_MAX].strip("-")
        slug = base = id_part if label_part in ("", id_part) else f"{label_part}-{id_part}"
        k = 2
        while slug in seen:
            slug, k = f"{base}-{k}", k + 1
        seen.add(slug)
        out.append(slug)
    return out


# --- columns ------------------------------------------------------------------------------------


def _category_order(values: list[str]) -> list[str]:
    """Distinct values, most frequent first, ties by value (a stable legend order)."""
    return [v for v, _ in sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))]


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


@dataclass(frozen=True)
class FieldColumn:
    """One metadata field, prepared for meta.msgpack, the points file and the config island."""

    name: str
    label: str
    type: str  # "category" | "tags" | "number" | "text" | "image" (a picture's URL, carried like text)
    categories: list[str] | None = None
    codes: np.ndarray | None = None  # category: (n,) int64, -1 missing; tags: flat codes
    indptr: np.ndarray | None = None  # tags: (n + 1,)
    values: np.ndarray | list | None = None  # number: (n,) float64; text, image: list[str]

    def msgpack_obj(self) -> dict:
        if self.type == "category":
            return {"type": "category", "categories": self.categories,
                    "codes": np.where(self.codes < 0, 0xFFFF, self.codes).astype("<u2").tobytes()}
        if self.type == "tags":
            return {"type": "tags", "categories": self.categories,
                    "indptr": self.indptr.astype("<u4").tobytes(), "codes": self.codes.astype("<u2").tobytes()}
        if self.type == "number":
            return {"type": "number", "values": self.values.astype("<f4").tobytes()}
        return {"type": self.type, "values": list(self.values)}

    @property
    def textual(self) -> bool:
        """Carried as one string per entity in the shards (text and image fields)."""
        return self.type in ("text", "image")

    def descriptor(self) -> dict:
        """The config island's field descriptor."""
        d: dict = {"name": self.name, "label": self.label, "type": self.type}
        if self.categories is not None:
            d["categories"] = self.categories
        if self.type == "number":
            ok = np.isfinite(self.values)
            d["min"] = _num(self.values[ok].min()) if ok.any() else None
            d["max"] = _num(self.values[ok].max()) if ok.any() else None
        return d



def _num(x: float) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def field_columns(entities: Entities, labels: dict[str, str] | None = None,
                  order: list[str] | None = None) -> list[FieldColumn]:
    """Prepare every metadata field. `order`: display order (the spec's); others follow by name."""
    labels = labels or {}
    names = [f for f in (order or []) if f in entities.fields]
    names += sorted(f for f in entities.fields if f not in names)
    cols = []
    for name in names:
        raw = entities.fields[name]
        kind = entities.field_types.get(name, "text")
        label = labels.get(name) or name
        if kind in ("category", "tags"):
            items = [v for v in raw if not _is_missing(v)] if kind == "category" else \
                [str(t) for v in raw if v is not None and not _is_missing(v) for t in v]
            cats = _category_order([str(v) for v in items])
            if len(cats) <= MAX_CATEGORIES:
                index = {c: k for k, c in enumerate(cats)}
                if kind == "category":
                    codes = np.array([-1 if _is_missing(v) else index[str(v)] for v in raw], dtype=np.int64)
                    cols.append(FieldColumn(name, label, kind, cats, codes=codes))
                else:
                    per = [[] if v is None or _is_missing(v) else [index[str(t)] for t in v] for v in raw]
                    indptr = np.zeros(len(per) + 1, dtype=np.int64)
                    indptr[1:] = np.cumsum([len(p) for p in per])
                    flat = np.array([c for p in per for c in p], dtype=np.int64)
                    cols.append(FieldColumn(name, label, kind, cats, codes=flat, indptr=indptr))
                continue
            raw = ["" if v is None or _is_missing(v) else (str(v) if kind == "category" else ", ".join(map(str, v)))
                   for v in raw]
            kind = "text"
        if kind == "number":
            cols.append(FieldColumn(name, label, kind, values=np.asarray(raw, dtype=np.float64)))
        else:
            cols.append(FieldColumn(name, label, "image" if kind == "image" else "text",
                                    values=["" if _is_missing(v) else str(v) for v in raw]))
    return cols


def _sorted(obj):
    """Recursively rebuild dicts with sorted keys (msgpack keeps insertion order)."""
    if isinstance(obj, dict):
        return {k: _sorted(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return [_sorted(v) for v in obj]
    return obj  # a list of scalars (labels, ids: a million at a time) as it is


def packb(obj) -> bytes:
    return msgpack.packb(_sorted(obj), use_bin_type=True)


CLUSTER_KEYS = ("variant", "labels", "x", "y", "size", "extent", "membership", "parent", "coarse", "fine")
LEVEL_KEYS = {"coarse": ("labels", "x", "y", "size", "extent"),
              "fine": ("labels", "x", "y", "size", "extent", "parent", "membership")}


def cluster_objects(clusters: dict[str, dict], variants: list[str]) -> dict[str, dict]:
    """meta's `clusters` map: variant -> the viewer's part of `clusters.find_clusters`'s dict (the
    coarse and fine levels only where the clusters have them)."""
    def viewer_part(c: dict) -> dict:
        out = {k: c[k] for k in CLUSTER_KEYS if k in c and k not in LEVEL_KEYS}
        out.update({level: {k: c[level][k] for k in keys} for level, keys in LEVEL_KEYS.items() if level in c})
        return out
    return {v: viewer_part(clusters[v]) for v in variants if v in clusters}


# --- neighbours ---------------------------------------------------------------------------------


def top_neighbors(cooc, k: int = NEIGHBORS_K) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k entries of each row of a sparse matrix, strongest first, ties by column index.

    Returns indptr (n + 1,) int64, indices (nnz',) int64, weights (nnz',) float32. The diagonal and
    non-positive weights are dropped.
    """
    m = sp.csr_matrix(cooc)
    m.sum_duplicates()
    n = m.shape[0]
    rows = np.repeat(np.arange(n), np.diff(m.indptr))
    keep = (m.indices != rows) & (m.data > 0)
    rows, cols, w = rows[keep], m.indices[keep].astype(np.int64), m.data[keep].astype(np.float32)
    # Order by (row, weight descending, column): canonical CSR is already by (row, column), so one
    # stable sort on row and weight does it. A positive float32's bit pattern orders like its value,
    # so the key is row * 2**32 + (2**32 - 1 - bits): one integer sort, not a three-key lexsort.
    desc = np.uint32(0xFFFFFFFF) - w.view(np.uint32)
    order = np.argsort((rows.astype(np.uint64) << np.uint64(32)) | desc, kind="stable")
    rows, cols, w = rows[order], cols[order], w[order]
    starts = np.searchsorted(rows, np.arange(n))
    rank = np.arange(len(rows)) - starts[rows]
    sel = rank < k
    rows, cols, w = rows[sel], cols[sel], w[sel]
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=n))
    return indptr, cols, w


# --- points -------------------------------------------------------------------------------------


RESERVED_COLUMNS = ("size",)


def point_table(result: DatasetResult, fields: list[FieldColumn], variants: list[str]) -> points.PointTable:
    """The points file: positions of every variant, `size` = ln(1 + count), category and number fields.

    A tags field contributes each entity's first tag as its category code. Fields whose names are
    reserved (`size`, `xy:*`) or longer than the format allows stay in meta.msgpack only.
    """
    n = len(result.entities)
    cols: dict[str, points.Column] = {}
    for v in variants:
        cols[f"xy:{v}"] = points.position_column(result.layouts[v])
    cols["size"] = points.number_column(np.log1p(np.asarray(result.entities.counts, dtype=np.float64)),
                                        kind="size", dtype="uint8")
    for f in fields:
        if f.type in ("category", "number") and not in_point_file(f):
            continue
        if f.name in RESERVED_COLUMNS or f.name.startswith("xy:") or len(f.name.encode()) > points.NAME_MAX:
            continue
        if f.type == "category":
            cols[f.name] = points.category_column(f.codes, len(f.categories))
        elif f.type == "tags":
            has = np.diff(f.indptr) > 0
            first = np.where(has, f.codes[np.minimum(f.indptr[:-1], max(len(f.codes) - 1, 0))] if len(f.codes) else -1, -1)
            cols[f.name] = points.category_column(first, len(f.categories))
        elif f.type == "number":
            cols[f.name] = points.number_column(f.values)
    return points.PointTable(n, cols)


def membership(c: dict) -> np.ndarray:
    """(n,) int16 cluster index of every entity (-1 = noise) from a `find_clusters` dict."""
    return np.frombuffer(c["membership"], dtype="<i2")


# --- version 2: a core file loaded with the points, and shards fetched on demand ----------------

DATA_VERSION = 2
SHARD_ROWS = 2048  # entities per shard: ~100 KB brotli at 1M entities, ~490 shards (x3 files with .br/.gz)
POINT_CHUNK_FIRST = 65_536  # rows in the first point chunk: drawn at once
POINT_CHUNK_ROWS = 262_144  # rows in every later chunk


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes (js/src/data.js computes the same to find an id's bucket)."""
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def in_point_file(f: FieldColumn) -> bool:
    """Whether the points file carries field `f` in full (category and number fields, unless the name is
    reserved or too long); the viewer then takes its filter and colour-by column from there."""
    return f.type in ("category", "number") and f.name not in RESERVED_COLUMNS and not f.name.startswith("xy:") \
        and len(f.name.encode()) <= points.NAME_MAX


def core_msgpack(entities: Entities, fields: list[FieldColumn], clusters: dict[str, dict] | None,
                 shard_rows: int) -> bytes:
    """What the viewer needs for every point before any interaction, besides the points file: popularity
    counts, the filter and colour-by columns the points file does not carry in full (tags lists; text
    fields live in the shards) and the cluster labels."""
    return packb({
        "version": DATA_VERSION,
        "n": len(entities),
        "counts": np.asarray(entities.counts, dtype="<u4").tobytes(),
        "fields": {f.name: f.msgpack_obj() for f in fields if not f.textual and not in_point_file(f)},
        "shard_rows": shard_rows,
        **({"clusters": clusters} if clusters else {}),
    })


def paged_entities(counts, limit: int) -> np.ndarray:
    """Indices of the entities that get a static page: the `limit` most popular (count descending, then
    index), in that order."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.lexsort((np.arange(len(counts)), -counts))[:limit]


def shard_msgpack(entities: Entities, slugs: list[str], fields: list[FieldColumn], nb: tuple, start: int,
                  stop: int) -> bytes:
    """Entities [start, stop): ids, labels, slugs ("" for an entity without a page), text fields and
    their top co-occurring neighbours (indptr local to the shard, indices global)."""
    ip, idx, w = nb
    lo, hi = int(ip[start]), int(ip[stop])
    return packb({
        "version": DATA_VERSION,
        "start": start,
        "ids": [str(x) for x in entities.ids[start:stop]],
        "labels": [str(x) for x in entities.labels[start:stop]],
        "slugs": list(slugs[start:stop]),
        "text": {f.name: list(f.values[start:stop]) for f in fields if f.textual},
        "nb_indptr": (np.asarray(ip[start : stop + 1]) - lo).astype("<u4").tobytes(),
        "nb_indices": np.asarray(idx[lo:hi]).astype("<u4").tobytes(),
        "nb_weights": np.asarray(w[lo:hi]).astype("<f4").tobytes(),
    })


def fnv1a32_many(texts: list[str]) -> np.ndarray:
    """(n,) uint32: fnv1a32 of every text, one numpy pass per byte position instead of a loop per byte."""
    data = [t.encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    flat = np.frombuffer(b"".join(data), dtype=np.uint8)
    order = np.argsort(-lengths, kind="stable")  # longest first: position j touches a prefix of them
    starts = (np.cumsum(lengths) - lengths)[order]
    by_len = lengths[order]
    h = np.full(len(data), 0x811C9DC5, dtype=np.uint32)
    for j in range(int(by_len[0]) if len(data) else 0):
        m = int(np.searchsorted(-by_len, -j, side="left"))  # texts longer than j bytes
        h[:m] = (h[:m] ^ flat[starts[:m] + j]) * np.uint32(0x01000193)  # uint32 arithmetic wraps mod 2**32
    out = np.empty_like(h)
    out[order] = h
    return out


def id_buckets(ids, n_buckets: int) -> list[bytes]:
    """Bucket b lists the ids with fnv1a32(id) % n_buckets == b and their entity indices, so that a
    `#sel=<id>` URL finds its entity by fetching one small file."""
    strs = [str(x) for x in ids]
    bucket = fnv1a32_many(strs) % np.uint32(n_buckets)
    order = np.argsort(bucket, kind="stable")  # by bucket, entity order within one
    bounds = np.searchsorted(bucket[order], np.arange(n_buckets + 1))
    return [packb({"version": DATA_VERSION, "ids": [strs[i] for i in order[a:b].tolist()],
                   "index": order[a:b].astype("<u4").tobytes()})
            for a, b in zip(bounds[:-1], bounds[1:])]


# --- the search index: label tokens by prefix, for atlases too big to search in the browser -----

SEARCH_TOP = 200  # per 1- and 2-character prefix: its most popular matching entities
EAGER_SHARDS = 8  # js/src/loader.js: atlases with more shards search with the prefix index


class _WordChars(dict):
    """str.translate table: letters and digits (Unicode categories L*, N*) kept, every other character
    -> a space, except those preset. Filled as characters are met: str.translate caches ASCII look-ups
    per call, so one call over many labels joined costs little more than a copy."""

    def __missing__(self, cp: int) -> int:
        self[cp] = cp if unicodedata.category(chr(cp))[0] in "LN" else 0x20
        return self[cp]


_WORD_CHARS = _WordChars()
_WORD_CHARS_KEEP_NUL = _WordChars({0: 0})  # NUL separates labels joined into one string
_NO_MARKS = dict.fromkeys(range(0x300, 0x370))  # combining diacritical marks, deleted


def _normalize_text(s: str, table: dict) -> str:
    """normalize() without the final split: non-word characters are spaces, not yet collapsed."""
    return unicodedata.normalize("NFD", s).translate(_NO_MARKS).lower().replace("ß", "ss").translate(table)


def normalize(text: str) -> str:
    """The viewer's search normalisation (js/src/search.js normalize): NFD without combining marks,
    lowercase, ß -> ss, every run of characters that are not letters or digits -> one space, trimmed."""
    return " ".join(_normalize_text(str(text), _WORD_CHARS).split())


def label_tokens(labels) -> list[list[str]]:
    """normalize(label).split() for every label, in one pass of each string operation over all labels
    joined by NUL. Each step maps characters one by one or (NFD, lower's final sigma) stops at a
    character that, like NUL, has no case, no combining class and no decomposition, so the joined
    result splits into exactly the per-label results."""
    texts = [str(x) for x in labels]
    joined = "\0".join(texts)
    if joined.count("\0") != max(len(texts) - 1, 0):  # a label holds NUL itself
        return [normalize(t).split() for t in texts]
    return [part.split() for part in _normalize_text(joined, _WORD_CHARS_KEEP_NUL).split("\0")] if texts else []


def prefix_key(token: str) -> str:
    """A token's bucket key: its first two characters (the whole token when shorter)."""
    return token[:2]


def search_buckets(labels, n_buckets: int) -> list[bytes]:
    """The prefix index in `n_buckets` files; key k (1-2 characters) lives in bucket fnv1a32(k) % n_buckets.

    Each bucket maps its keys to {"tokens": [sorted distinct tokens with that 2-character prefix],
    "postings": bytes (uint32 LE, per token its entity indices ascending = most popular first, delta
    coded within the token), "counts": bytes (uint32 LE, postings per token), "top": bytes (uint32 LE,
    up to SEARCH_TOP most popular entities with a token starting with the key)}. A 1-character key
    holds only "top" (its tokens are under their 2-character keys, or are that character alone).
    """
    # (token, entity) pairs, each token once per label; tokens numbered in sorted order
    per_label = [list(dict.fromkeys(ts)) for ts in label_tokens(labels)]
    counts_per_label = np.fromiter(map(len, per_label), dtype=np.int64, count=len(per_label))
    flat = [t for ts in per_label for t in ts]
    tokens = sorted(set(flat))
    number = {t: k for k, t in enumerate(tokens)}
    tok = np.fromiter(map(number.__getitem__, flat), dtype=np.int64, count=len(flat))
    ent = np.repeat(np.arange(len(per_label), dtype=np.int64), counts_per_label)
    order = np.argsort(tok, kind="stable")  # postings: by token, then entity (already ascending)
    tok, ent = tok[order], ent[order]
    tok_start = np.searchsorted(tok, np.arange(len(tokens) + 1))  # postings of token k: [start[k], start[k+1])
    deltas = np.diff(ent, prepend=0)
    deltas[tok_start[:-1]] = ent[tok_start[:-1]]  # each token's list starts from 0 again
    per: list[dict] = [{} for _ in range(n_buckets)]
    # Sorted tokens that share their first 1 (or 2) characters are consecutive: a key is a token range.
    for width in (1, 2):
        keys = [t[:width] for t in tokens]
        bounds = [0] + [k for k in range(1, len(tokens)) if keys[k] != keys[k - 1]] + [len(tokens)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            key = keys[a]
            if len(key) < width:
                continue  # a 1-character token: its key is the 1-character one
            obj = per[fnv1a32(key) % n_buckets].setdefault(key, {})
            obj["top"] = np.unique(ent[tok_start[a] : tok_start[b]])[:SEARCH_TOP].astype("<u4").tobytes()
            # the tokens whose prefix_key is this key: a 1-character key only the token equal to it
            listed = list(range(a, b)) if width == 2 else [k for k in range(a, b) if len(tokens[k]) == 1]
            if listed:
                first, last = listed[0], listed[-1]
                obj["tokens"] = tokens[first : last + 1]
                obj["counts"] = np.diff(tok_start[first : last + 2]).astype("<u4").tobytes()
                obj["postings"] = deltas[tok_start[first] : tok_start[last + 1]].astype("<u4").tobytes()
    return [packb({"version": DATA_VERSION, "keys": b}) for b in per]
