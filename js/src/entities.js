// Per-entity data on demand (docs/site-data.md, version 2): the core file (popularity counts, the
// filter and colour-by columns of every entity, cluster labels) arrives with the points; labels, ids,
// slugs, text fields and neighbours live in shards of `shardRows` entities, fetched when an entity is
// hovered, selected or searched; `#sel=<id>` finds its entity through one small id bucket.
import { decodeMsgpack, typed, strs } from './msgpack.js';
import { numberColumn } from './format.js';

/** 32-bit FNV-1a of the UTF-8 bytes of `s` (sitegen/formats/datafiles.py fnv1a32). */
export function fnv1a32(s) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** Decoded core msgpack -> {n, counts, fields, clusters, shardRows}; fields: category {categories, codes}, tags {categories, indptr, codes}, number {values}. */
export function decodeCore(raw) {
  const fields = {};
  for (const [name, c] of Object.entries(raw.fields || {})) {
    if (c.type === 'number') fields[name] = { type: 'number', values: typed(c.values, Float32Array) };
    else if (c.type === 'category') fields[name] = { type: 'category', categories: c.categories.map(String), codes: typed(c.codes, Uint16Array) };
    else if (c.type === 'tags') fields[name] = { type: 'tags', categories: c.categories.map(String), indptr: typed(c.indptr, Uint32Array), codes: typed(c.codes, Uint16Array) };
  }
  return { n: raw.n, counts: typed(raw.counts, Uint32Array), fields, clusters: raw.clusters || null, shardRows: raw.shard_rows };
}

function decodeShard(raw) {
  const text = {};
  for (const [name, v] of Object.entries(raw.text || {})) text[name] = strs(v);
  return {
    start: raw.start, ids: strs(raw.ids), labels: strs(raw.labels), slugs: strs(raw.slugs), text,
    nbIndptr: typed(raw.nb_indptr, Uint32Array), nbIndices: typed(raw.nb_indices, Uint32Array), nbWeights: typed(raw.nb_weights, Float32Array),
  };
}

/**
 * Filter and colour-by columns of the category and number fields the points file carries (the core
 * file leaves them out): category codes as Uint16Array (0xFFFF missing), numbers dequantised (NaN
 * missing). `table` must be complete; `descriptors`: the config island's fields.
 */
export function pointFields(table, descriptors) {
  const out = {};
  for (const fd of descriptors || []) {
    const col = table.columns[fd.name];
    if (fd.type === 'category' && col?.kind === 'category') {
      const top = col.data instanceof Uint8Array ? 0xff : 0xffff;
      const codes = new Uint16Array(col.data.length); // a plain loop: from() with a callback is 10x slower at 1M
      for (let i = 0; i < codes.length; i++) codes[i] = col.data[i] === top ? 0xffff : col.data[i];
      out[fd.name] = { type: 'category', categories: (fd.categories || []).map(String), codes };
    } else if (fd.type === 'number' && col?.kind === 'number') {
      out[fd.name] = { type: 'number', values: numberColumn(table, fd.name) };
    }
  }
  return out;
}

/**
 * The viewer's `meta` over shards: {n, counts, fields, images, clusters, ids, labels, slugs} as before, where
 * ids/labels/slugs and text field values are lists whose get(i) returns '' (and starts the fetch) until
 * the entity's shard is in; plus ensure(indices), loadAll(), complete(), neighbors() ({row(i)}),
 * ids.lookup(id) (-1 until its bucket is in) and findId(id) (a promise of the index). onLoad() runs after every shard or bucket arrives.
 * fetchBuf(rel) -> Promise<ArrayBuffer>; config: {shards, ids, fields}; table: the complete point table,
 * or null while the points stream in: addPointFields(table) then adds their columns to `fields`.
 */
export function createEntities(core, config, fetchBuf, onLoad, table) {
  const n = core.n, rows = core.shardRows;
  const shardFiles = config.shards || [], bucketFiles = config.ids || [];
  const shards = new Array(shardFiles.length).fill(null);
  const pending = new Map();
  const buckets = new Array(bucketFiles.length).fill(null);
  const bucketPending = new Map();
  let loaded = 0;

  function load(k) {
    if (shards[k]) return Promise.resolve(shards[k]);
    if (!pending.has(k)) {
      pending.set(k, fetchBuf(shardFiles[k]).then((buf) => {
        shards[k] = decodeShard(decodeMsgpack(buf));
        pending.delete(k);
        loaded++;
        onLoad?.();
        return shards[k];
      }));
    }
    return pending.get(k);
  }
  const shardOf = (i) => {
    const k = Math.floor(i / rows);
    if (!shards[k] && k >= 0 && k < shards.length) load(k).catch(() => {});
    return shards[k];
  };
  const list = (pick) => ({
    length: n,
    get(i) { const s = shardOf(i); return s ? pick(s).get(i - s.start) : ''; },
  });
  const ids = list((s) => s.ids);
  ids.lookup = (id) => {
    if (!buckets.length) return -1;
    const b = fnv1a32(id) % buckets.length;
    if (buckets[b]) return buckets[b].get(id) ?? -1;
    // a shard already in may hold it (a small atlas has them all): answer now, without the bucket
    for (const s of shards) {
      if (!s) continue;
      for (let k = 0; k < s.ids.length; k++) if (s.ids.get(k) === id) return s.start + k;
    }
    if (!bucketPending.has(b)) {
      bucketPending.set(b, fetchBuf(bucketFiles[b]).then((buf) => {
        const raw = decodeMsgpack(buf);
        const list = strs(raw.ids), index = typed(raw.index, Uint32Array);
        const map = new Map();
        for (let k = 0; k < list.length; k++) map.set(list.get(k), index[k]);
        buckets[b] = map;
        onLoad?.();
      }).catch(() => {}));
    }
    return -1;
  };
  /** Resolves to the index of entity `id` (-1: none), fetching its bucket if needed. */
  const findId = async (id) => {
    const i = ids.lookup(id);
    if (i >= 0 || !buckets.length) return i;
    await bucketPending.get(fnv1a32(id) % buckets.length);
    return ids.lookup(id);
  };
  const fields = { ...(table ? pointFields(table, config.fields) : {}), ...core.fields };
  for (const fd of config.fields || []) {
    if (fd.type === 'text') fields[fd.name] = { type: 'text', values: list((s) => s.text[fd.name] || { get: () => '' }) };
  }
  // image fields (picture URLs, in the shards' text) are shown as pictures, never filtered or coloured by
  const images = {};
  for (const fd of config.fields || []) if (fd.type === 'image') images[fd.name] = list((s) => s.text[fd.name] || { get: () => '' });
  const neighbors = () => ({
    /** {indices, weights} of entity i, strongest first; null until its shard is in. */
    row(i) {
      const s = shardOf(i);
      if (!s) return null;
      const a = s.nbIndptr[i - s.start], b = s.nbIndptr[i - s.start + 1];
      return { indices: s.nbIndices.subarray(a, b), weights: s.nbWeights.subarray(a, b) };
    },
  });
  return {
    n, counts: core.counts, fields, images, clusters: core.clusters, ids, findId, labels: list((s) => s.labels), slugs: list((s) => s.slugs),
    /** Fetch the shards holding `indices`; resolves when they are all in. */
    ensure: (indices) => Promise.all([...new Set(Array.from(indices, (i) => Math.floor(i / rows)))].filter((k) => k >= 0 && k < shards.length).map(load)),
    loadAll: () => Promise.all(shards.map((_, k) => load(k))),
    complete: () => loaded === shards.length,
    neighbors,
    /** The category and number columns of the complete point table (core fields keep precedence). */
    addPointFields: (t) => { for (const [k, v] of Object.entries(pointFields(t, config.fields))) if (!core.fields[k]) fields[k] = v; },
  };
}
