// Data loading, the viewer's one door to the network: the point file first (the first frame needs
// nothing else), then the metadata and co-occurrences, fetched only once start() is called so that
// they do not compete with the point file for the CPU. Everything else asks this module for decoded
// data and never sees URLs or bytes.
import { decodePoints } from './format.js';
import { decodeMsgpack } from './msgpack.js';
import { decodeMeta, decodeNeighbors } from './data.js';

/**
 * createLoader(config, url) -> {points(), startRest(), meta(), neighbors()}; `url(rel)` resolves a
 * dataset-relative path. points() resolves to the decoded point table; meta() to decodeMeta's
 * {ids, labels, slugs, counts, fields, clusters}; neighbors() to {indptr, indices, weights}, or null
 * when there are none or they fail to load. meta() and neighbors() call startRest() themselves.
 */
export function createLoader(config, url) {
  const fetchBuf = (rel) => fetch(url(rel)).then((r) => {
    if (!r.ok) throw new Error(`${rel}: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  const pointsP = fetchBuf(config.points);
  let table = null, metaBuf = null, nbBuf = null, meta = null, nb = null;
  const startRest = () => {
    metaBuf ||= fetchBuf(config.meta);
    nbBuf ||= config.neighbors ? fetchBuf(config.neighbors).catch(() => null) : Promise.resolve(null);
  };
  return {
    points: () => (table ||= pointsP.then(decodePoints)),
    startRest,
    meta: () => { startRest(); return (meta ||= metaBuf.then((b) => decodeMeta(decodeMsgpack(b)))); },
    neighbors: () => { startRest(); return (nb ||= nbBuf.then((b) => (b ? decodeNeighbors(decodeMsgpack(b)) : null))); },
  };
}
