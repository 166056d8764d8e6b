"""Stage 1: read memberships and entity metadata, filter, and map ids to dense indices.

Order of operations (each step is vectorised):
  read -> min_value -> de-duplicate (collection, entity) -> subsample collections longer than
  max_collection_size (seeded, independent of row order) -> drop entities seen in fewer than
  min_entity_count collections (and beyond max_entities) -> drop collections left with < 2 members.
Kept entities are numbered by popularity (count descending, then id), so index 0 is the most
common entity; every later artifact uses this order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sitegen.datatypes import Collections, Entities
from sitegen.errors import DataError, excerpt
from sitegen.spec import DatasetSpec, EntitiesSpec, FieldSpec
from sitegen.stages.readers import display, read_table, table_format, to_float


@dataclass(frozen=True)
class LoadStats:
    rows: int
    collections_read: int
    entities_read: int
    collections_kept: int
    entities_kept: int
    memberships_kept: int
    subsampled_collections: int
    entities_without_metadata: int
    duplicate_ids_skipped: int = 0  # metadata rows skipped with [entities] duplicates = "first"

    def as_dict(self) -> dict:
        # a zero count is left out, so specs without duplicates keep the same stats (and about page)
        return {k: v for k, v in self.__dict__.items() if not (k == "duplicate_ids_skipped" and v == 0)}


def load_dataset(spec: DatasetSpec) -> tuple[Collections, Entities, LoadStats]:
    """Run stage 1 for `spec`. Raises DataError with a one-line message on bad input."""
    cs = spec.collections
    path = spec.resolve(cs.path)
    cols = [cs.collection, cs.entity] + [c for c in (cs.value, cs.time) if c]
    if len(set(cols)) != len(cols):
        raise DataError(f"{display(path)}: the same column is used twice in [collections]")
    table = read_table(cs, path, cols, text_columns={cs.collection, cs.entity})
    coll_ids = table.column(cs.collection)
    ent_ids = table.column(cs.entity)
    value = to_float(table.column(cs.value), path, cs.value, cs.header, allow_missing=False) if cs.value else None
    time = to_float(table.column(cs.time), path, cs.time, cs.header, allow_missing=False) if cs.time else None
    rows = table.num_rows
    del table

    if cs.edges:
        # An edge list: each person's correspondents (either direction, self-loops dropped) are one
        # collection. Both directions are emitted so every endpoint gets a collection.
        keep = pc.not_equal(coll_ids, ent_ids).to_numpy(zero_copy_only=False)
        a = pc.filter(coll_ids, keep)
        b = pc.filter(ent_ids, keep)
        coll_ids = pa.chunked_array(a.chunks + b.chunks)
        ent_ids = pa.chunked_array(b.chunks + a.chunks)
        value = None if value is None else np.concatenate([value[keep], value[keep]])
        time = None if time is None else np.concatenate([time[keep], time[keep]])

    if cs.min_value is not None and value is not None:
        keep = value >= cs.min_value
        coll_ids = pc.filter(coll_ids, keep)
        ent_ids = pc.filter(ent_ids, keep)
        value = value[keep]
        time = None if time is None else time[keep]
        if len(value) == 0:
            raise DataError(f"{display(path)}: no membership has {cs.value} >= {cs.min_value}")

    coll_code, n_coll_read = _codes(coll_ids)
    ent_code, ent_vocab = _codes_with_vocab(ent_ids)
    n_ent_read = len(ent_vocab)
    del coll_ids, ent_ids

    # De-duplicate memberships (first occurrence wins) and group by collection.
    key = coll_code.astype(np.int64) * n_ent_read + ent_code
    _, first = np.unique(key, return_index=True)  # sorted by (collection, entity code)
    coll_code, ent_code = coll_code[first], ent_code[first]
    if len(coll_code) == 0 or np.bincount(coll_code).max() < 2:
        raise DataError(
            f"{display(path)}: no collection has two members ({n_coll_read} collections, each with one entity"
            f"{' after min_value' if cs.min_value is not None else ''}): entities are related by sharing a collection; "
            f"check that collections.collection ({cs.collection!r}) is the column that groups rows, e.g. a user id")
    value = None if value is None else value[first]
    time = None if time is None else time[first]

    keep, n_sub = _subsample(coll_code, ent_code, spec.filter.max_collection_size, spec.seed)
    coll_code, ent_code = coll_code[keep], ent_code[keep]
    value = None if value is None else value[keep]
    time = None if time is None else time[keep]

    counts = np.bincount(ent_code, minlength=n_ent_read)
    ok_ent = counts >= spec.filter.min_entity_count
    if spec.filter.max_entities is not None and ok_ent.sum() > spec.filter.max_entities:
        order = _popularity_order(counts)
        ok_ent[:] = False
        ok_ent[order[: spec.filter.max_entities]] = True
    keep = ok_ent[ent_code]
    coll_code, ent_code = coll_code[keep], ent_code[keep]
    value = None if value is None else value[keep]
    time = None if time is None else time[keep]

    sizes = np.bincount(coll_code, minlength=n_coll_read)
    keep = sizes[coll_code] >= 2
    coll_code, ent_code = coll_code[keep], ent_code[keep]
    value = None if value is None else value[keep]
    time = None if time is None else time[keep]
    if len(ent_code) == 0:
        f = spec.filter
        hint = "lower filter.min_entity_count" if f.min_entity_count > 1 else \
            "no two entities that pass the filters share a collection"
        if f.max_entities is not None and f.min_entity_count <= 1:
            hint += "; raise filter.max_entities"
        raise DataError(
            f"{display(path)}: all entities were filtered out (min_entity_count = "
            f"{f.min_entity_count}, {n_ent_read} entities in {n_coll_read} collections); {hint}")

    # Dense indices by popularity among what is kept.
    final_counts = np.bincount(ent_code, minlength=n_ent_read)
    present = np.flatnonzero(final_counts > 0)
    order = present[_popularity_order(final_counts[present])]
    dense = np.full(n_ent_read, -1, dtype=np.int64)
    dense[order] = np.arange(len(order))
    ent_idx = dense[ent_code].astype(np.int32)

    # Collections renumbered densely, memberships sorted by (collection, entity index).
    coll_present, coll_dense = np.unique(coll_code, return_inverse=True)
    srt = np.lexsort((ent_idx, coll_dense))
    ent_idx, coll_dense = ent_idx[srt], coll_dense[srt]
    indptr = np.zeros(len(coll_present) + 1, dtype=np.int64)
    np.cumsum(np.bincount(coll_dense, minlength=len(coll_present)), out=indptr[1:])
    collections = Collections(
        indptr=indptr, entity=ent_idx, n_entities=len(order),
        value=None if value is None else value[srt].astype(np.float32),
        time=None if time is None else time[srt].astype(np.float64),
    )
    ids = ent_vocab[order]
    entities, n_missing, n_dup = load_entities(spec, ids, final_counts[order].astype(np.int64))
    stats = LoadStats(rows=rows, collections_read=n_coll_read, entities_read=n_ent_read,
                      collections_kept=len(coll_present), entities_kept=len(order),
                      memberships_kept=len(ent_idx), subsampled_collections=n_sub,
                      entities_without_metadata=n_missing, duplicate_ids_skipped=n_dup)
    return collections, entities, stats


def _codes(col: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    enc = pc.dictionary_encode(col).combine_chunks()
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(enc.dictionary)


def _codes_with_vocab(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Codes numbered by sorted id text, so the numbering does not depend on row order."""
    enc = pc.dictionary_encode(col).combine_chunks()
    vocab = np.asarray(enc.dictionary.to_pylist(), dtype=object)
    order = np.argsort(vocab.astype(str), kind="stable")
    remap = np.empty(len(vocab), dtype=np.int64)
    remap[order] = np.arange(len(vocab))
    return remap[enc.indices.to_numpy(zero_copy_only=False)], vocab[order].astype(str)


def _popularity_order(counts: np.ndarray) -> np.ndarray:
    """Indices sorted by count descending, ties by index: codes are numbered by sorted id text, so
    that is id order."""
    return np.lexsort((np.arange(len(counts)), -counts))


def _subsample(coll: np.ndarray, ent: np.ndarray, max_size: int, seed: int) -> tuple[np.ndarray, int]:
    """Mask keeping at most `max_size` members per collection, chosen by a seeded hash of
    (collection, entity) so the choice does not depend on the input's row order."""
    sizes = np.bincount(coll)
    if len(sizes) == 0 or sizes.max() <= max_size:
        return np.ones(len(coll), dtype=bool), 0
    prio = _mix64(coll.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
                  ^ ent.astype(np.uint64) ^ np.uint64(seed))
    order = np.lexsort((prio, coll))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.arange(len(coll)) - starts[coll[order]]
    keep = np.zeros(len(coll), dtype=bool)
    keep[order[rank < max_size]] = True
    return keep, int((sizes > max_size).sum())


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (vectorised)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def load_entities(spec: DatasetSpec, ids: np.ndarray, counts: np.ndarray) -> tuple[Entities, int, int]:
    """Join the metadata table onto the kept entity ids (in dense order).

    Returns (entities, kept ids without a metadata row, duplicate metadata rows skipped)."""
    es = spec.entities
    if es is None:
        return Entities(ids=ids, labels=ids.copy(), counts=counts), 0, 0
    path = spec.resolve(es.path)
    sources = {es.id}
    if es.label:
        sources.add(es.label)
    for name, f in es.fields.items():
        sources.add(f.from_ or name)
    cols = sorted(sources)
    table = read_table(es, path, cols, text_columns=set(cols) - _numeric_sources(es))
    meta_ids = table.column(es.id)
    n_dup = _check_duplicates(meta_ids, es, path)
    # index_in finds an id's first row, so with duplicates = "first" the first row of each id is used
    row = pc.fill_null(pc.index_in(pa.array(ids, pa.string()), value_set=meta_ids), -1)
    row = row.to_numpy(zero_copy_only=False).astype(np.int64)
    has = row >= 0
    take = pa.array(np.where(has, row, 0))
    n_missing = int((~has).sum())

    def column(src: str) -> pa.Array:
        return pc.take(table.column(src), take).combine_chunks()

    if es.label:
        lab = np.asarray(column(es.label).to_pylist(), dtype=object)
        labels = np.where(has & (lab != ""), lab, ids).astype(object)
    else:
        labels = ids.astype(object)
    fields, types = {}, {}
    for name, f in es.fields.items():
        src = f.from_ or name
        fields[name] = _field_values(f, column(src), has, path, src, es)
        types[name] = f.type
    return Entities(ids=ids, labels=labels.astype(str), counts=counts, fields=fields,
                    field_types=types), n_missing, n_dup


def _check_duplicates(meta_ids: pa.ChunkedArray, es: EntitiesSpec, path) -> int:
    """The number of metadata rows whose id an earlier row has; an error unless the spec allows it."""
    enc = pc.dictionary_encode(meta_ids).combine_chunks()
    codes = enc.indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    n_dup = len(codes) - len(first)
    if n_dup and es.duplicates == "error":
        seen_first = np.zeros(len(codes), dtype=bool)
        seen_first[first] = True
        row = int(np.flatnonzero(~seen_first)[0])
        earlier = int(np.flatnonzero(codes == codes[row])[0])
        head = int(es.header) if table_format(es, path) != "jsonl" else 0
        raise DataError(
            f"{display(path)}:{row + 1 + head}: {es.id}: duplicate id {excerpt(meta_ids[row].as_py())} (first on line "
            f"{earlier + 1 + head}; {n_dup} repeated row{'s' if n_dup > 1 else ''} in all); ids must be unique, or set "
            '[entities] duplicates = "first" to keep the first row of each')
    return n_dup


def _numeric_sources(es: EntitiesSpec) -> set[str]:
    """Columns read only by number fields without a pattern (kept in their inferred type)."""
    used_as_text = {es.id} | ({es.label} if es.label else set())
    num, other = set(), set(used_as_text)
    for name, f in es.fields.items():
        src = f.from_ or name
        (num if f.type == "number" and f.pattern is None else other).add(src)
    return num - other


def _field_values(f: FieldSpec, col: pa.Array, has: np.ndarray, path, src: str, es: EntitiesSpec) -> np.ndarray:
    if f.type == "number":
        if f.pattern:
            col = pc.cast(col, pa.string())
            extracted = pc.extract_regex(col, pattern=_named(f.pattern))
            col = pc.struct_field(extracted, [0])
        vals = to_float(pa.chunked_array([col]), path, src, es.header, allow_missing=True) \
            if not _all_null(col) else np.full(len(has), np.nan)
        return np.where(has, vals, np.nan)
    text = np.asarray(pc.cast(col, pa.string()).to_pylist(), dtype=object)
    text = np.where(has, text, "")
    text = np.array(["" if t is None else t for t in text], dtype=object)
    if f.pattern:
        rx = re.compile(f.pattern)
        text = np.array([(m.group(1) if (m := rx.search(t)) else "") for t in text], dtype=object)
    if f.type == "tags":
        # the extra () keeps numpy from turning equal-length tuples into a 2-D array
        return np.array([tuple(s.strip() for s in t.split(f.sep) if s.strip()) for t in text] + [()],
                        dtype=object)[:-1]
    return text


def _all_null(col: pa.Array) -> bool:
    return col.null_count == len(col)


def _named(pattern: str) -> str:
    """pyarrow's extract_regex needs named groups: name the first capturing group."""
    rx = re.compile(pattern)
    if rx.groupindex:
        return pattern
    # Insert a name into the first unnamed "(" that is not "(?".
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "(" and not pattern.startswith("(?", i):
            return pattern[:i + 1] + "?P<v>" + pattern[i + 1:]
        i += 1
    return pattern
