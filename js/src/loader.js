// Data loading, the viewer's one door to the network. The point file comes in chunks (format
// version 2, rows in popularity order): the first, small chunk draws the first frame and the rest
// stream into the same arrays. The core metadata and the first shard are fetched once startRest() is
// called, so that they do not compete with the first chunk; other shards when an entity needs them
// (entities.js). Everything else asks this module for decoded data and never sees URLs or bytes.
import { decodePoints, FormatError } from './format.js';
import { decodeMsgpack } from './msgpack.js';
import { decodeCore, createEntities, fnv1a32 } from './entities.js';

// Sites with at most this many shards load them all up front (search and "my list" need every
// label; 8 shards are ~16k entities), bigger ones on demand.
const EAGER_SHARDS = 8;

/** A growing table: chunk 0's columns widened to all nTotal rows; `loaded` rows are filled so far. */
function startTable(chunk) {
  const columns = {};
  for (const [name, c] of Object.entries(chunk.columns)) {
    const data = new c.data.constructor(chunk.nTotal * c.components);
    data.set(c.data, chunk.rowStart * c.components);
    columns[name] = { ...c, data };
  }
  return { version: chunk.version, n: chunk.nTotal, loaded: chunk.rowStart + chunk.n, columns };
}

function addChunk(table, chunk, rel) {
  if (chunk.nTotal !== table.n || chunk.rowStart !== table.loaded) {
    throw new FormatError(`point file: ${rel}: rows [${chunk.rowStart}, ${chunk.rowStart + chunk.n}) of ${chunk.nTotal} do not continue the table at row ${table.loaded} of ${table.n}`);
  }
  for (const [name, c] of Object.entries(table.columns)) {
    const part = chunk.columns[name];
    if (!part || part.kind !== c.kind || part.data.constructor !== c.data.constructor) throw new FormatError(`point file: ${rel}: column '${name}' differs from the first chunk`);
    c.data.set(part.data, chunk.rowStart * c.components);
  }
  table.loaded += chunk.n;
}

/**
 * createLoader(config, url, onLoad?) -> {points(), streamPoints(onChunk), allPoints(), startRest(), meta(),
 * neighbors(), prefixIndex(create, onBucket)}; `url(rel)` resolves a dataset-relative path; onLoad() runs whenever a shard or id bucket
 * arrives. points() resolves to the growing table once its first chunk is in: {n (all rows), loaded,
 * columns} as decodePoints' columns with data for all n rows. streamPoints(onChunk) adds the other
 * chunks in order, calling onChunk(table) after each; allPoints() resolves to the complete table.
 * entities() resolves to entities.js's sharded meta once the core file and the first shard are in,
 * without the filter and colour-by columns the points carry (labels, counts, clusters, neighbours:
 * what map labels, search and the selection need); meta() to the same object once every chunk is in
 * and those columns are added; neighbors() to its {row(i)}.
 */
export function createLoader(config, url, onLoad) {
  const fetchBuf = (rel) => fetch(url(rel)).then((r) => {
    if (!r.ok) throw new Error(`${rel}: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  const files = Array.isArray(config.points) ? config.points : [config.points];
  // every chunk is requested now: the first is preloaded by the page, the others queue behind it
  const bufs = files.map((rel) => fetchBuf(rel));
  let first = null, all = null, coreP = null, early = null, meta = null, prefix = null;
  const points = () => (first ||= bufs[0].then((b) => { const t = startTable(decodePoints(b)); performance.mark('atlas:chunk 0 decoded'); return t; }));
  const streamPoints = (onChunk) => (all ||= points().then(async (table) => {
    for (let k = 1; k < files.length; k++) {
      addChunk(table, decodePoints(await bufs[k]), files[k]);
      performance.mark(`atlas:chunk ${k} decoded`);
      onChunk?.(table);
    }
    if (table.loaded !== table.n) throw new FormatError(`point file: the chunks hold ${table.loaded} of ${table.n} rows`);
    return table;
  }));
  // the core file and the first shard (the labels of the most popular entities) come together
  let shard0 = null;
  const startRest = () => {
    coreP ||= fetchBuf(config.meta);
    shard0 ||= (config.shards || []).length ? fetchBuf(config.shards[0]) : null;
  };
  const fetchShard = (rel) => (rel === config.shards?.[0] && shard0 ? shard0 : fetchBuf(rel));
  // labels, counts and clusters do not wait for the point chunks (the first chunk only, so that the
  // core file does not compete with it)
  const entities = () => {
    startRest();
    return (early ||= Promise.all([coreP, points()]).then(async ([b]) => {
      const m = createEntities(decodeCore(decodeMsgpack(b)), config, fetchShard, onLoad, null);
      // the first shard holds the most popular entities: the map's labels need it at once
      await ((config.shards || []).length <= EAGER_SHARDS ? m.loadAll() : m.ensure([0]));
      return m;
    }));
  };
  // the filter and colour-by columns of category and number fields come from the points, all of them
  const withFields = () => (meta ||= Promise.all([entities(), streamPoints()]).then(([m, table]) => {
    m.addPointFields(table);
    return m;
  }));
  return {
    points,
    streamPoints,
    allPoints: () => streamPoints(),
    startRest,
    entities,
    meta: withFields,
    neighbors: () => entities().then((m) => m.neighbors()),
    /**
     * The prefix search index of a big atlas (config.search), or null: search the labels in memory.
     * create: search.js's createPrefixIndex (it comes with the lazily loaded extras module).
     */
    prefixIndex: (create, onBucket) => (config.search ? (prefix ||= create(config.search, fetchBuf, onBucket, decodeMsgpack, fnv1a32)) : null),
  };
}
