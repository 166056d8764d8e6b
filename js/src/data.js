// Helpers shared by the viewer (main.js) and the compare page (compare.js): point sizes, layout
// bounds, id lookup and the first frame's colours. The metadata files are decoded in entities.js.
import { numberColumn, categoryColumn } from './format.js';
import { colorChannel, OTHER, MISSING } from './palette.js';

/**
 * Rows [start, end) of a (growing) point table as a table of their own: the same columns, their data
 * subarrays (no copy), so format.js's positions / numberColumn / categoryColumn work on just those rows.
 */
export function rowsOf(table, start, end) {
  const columns = {};
  for (const [name, c] of Object.entries(table.columns)) columns[name] = { ...c, data: c.data.subarray(start * c.components, end * c.components) };
  return { ...table, n: end - start, rowStart: start, columns };
}

const sizeColumn = (table) => Object.keys(table.columns).find((k) => table.columns[k].kind === 'size');

/**
 * [lo, hi] of the popularity (size) column: its bounds in the file (every chunk carries the whole
 * table's, docs/point-format.md), else a scan of the rows at hand; null when there is no size column.
 */
export function sizeBounds(table) {
  const name = sizeColumn(table);
  if (!name) return null;
  const c = table.columns[name];
  // as float32, like the decoded values: the scale is then the same as a min-max scan of them
  if (Number.isFinite(c.min?.[0]) && Number.isFinite(c.max?.[0]) && c.max[0] >= c.min[0]) return [Math.fround(c.min[0]), Math.fround(c.max[0])];
  const pop = numberColumn(table, name);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < pop.length; i++) { const v = pop[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

/**
 * Point sizes 0..255 of the table's rows from the popularity (size) column, scaled from `bounds`
 * (sizeBounds of the whole table) to 0..255; zeros when there is none.
 */
export function pointSizes(table, bounds = sizeBounds(table)) {
  const n = table.n;
  const name = sizeColumn(table);
  const sizes = new Uint8Array(n);
  if (name && bounds) {
    const pop = numberColumn(table, name);
    const [lo, hi] = bounds;
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < n; i++) sizes[i] = pop[i] === pop[i] ? Math.round(Math.max(0, Math.min(1, (pop[i] - lo) / span)) * 255) : 0;
  }
  return sizes;
}

/** Base point size in CSS px: smaller points for bigger maps, so the overview is not a solid blob. */
export const baseSize = (n) => (n > 300000 ? 1.5 : n > 30000 ? 2 : n > 3000 ? 3 : 5);

/** Bounds {x0, y0, x1, y1} of layout `v`: the file's per-column min/max, or a scan of `xy`. */
export function layoutBounds(table, v, xy) {
  const c = table.columns[`xy:${v}`];
  if (c && c.min?.length === 2 && [...c.min, ...c.max].every(Number.isFinite) && c.max[0] >= c.min[0] && c.max[1] >= c.min[1]) {
    return { x0: c.min[0], y0: c.min[1], x1: c.max[0], y1: c.max[1] };
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  return x0 <= x1 ? { x0, y0, x1, y1 } : { x0: -1, y0: -1, x1: 1, y1: 1 };
}

/**
 * Index of entity id `id`, or -1. Sharded ids (entities.js) look it up in the id's bucket (-1 until the
 * bucket is in: its arrival calls the loader's onLoad); a plain list is scanned, only on selection changes.
 */
export function indexOfId(ids, id) {
  if (ids.lookup) return ids.lookup(id);
  for (let i = 0; i < ids.length; i++) if (ids.get(i) === id) return i;
  return -1;
}

/** uint8 category codes as uint16, the missing code 0xFF as 0xFFFF. */
function widen(codes) {
  const out = new Uint16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] === 0xff ? 0xffff : codes[i];
  return out;
}

/**
 * The colour channel for the first frame, before the metadata arrives: a category colour field's
 * codes from the point file (same category order as meta), else the single accent colour. `table`
 * is the first chunk's rows; rows(part) colours later rows the same way (a category keeps its colour
 * while the points stream in; one the first rows lack is "other").
 */
export function earlyColors(table, color, accent, bg) {
  const isCat = table.columns[color]?.kind === 'category';
  const c = isCat ? categoryColumn(table, color) : null;
  const col = c ? {
    type: 'category', categories: Array.from({ length: c.count }, (_, k) => String(k)),
    codes: c.missing === 0xff ? widen(c.codes) : c.codes,
  } : null;
  const ch = colorChannel(col, null, table.n, accent, bg);
  const slot = new Uint8Array(c ? c.count : 0).fill(OTHER);
  if (c) for (let i = 0; i < table.n; i++) if (c.codes[i] !== c.missing) slot[c.codes[i]] = ch.index[i];
  ch.rows = (part) => {
    if (!c) return new Uint8Array(part.n);
    const p = categoryColumn(part, color), out = new Uint8Array(part.n);
    for (let i = 0; i < out.length; i++) { const x = p.codes[i]; out[i] = x === p.missing || x >= slot.length ? MISSING : slot[x]; }
    return out;
  };
  return ch;
}
