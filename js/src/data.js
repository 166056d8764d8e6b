// Helpers shared by the viewer (main.js) and the compare page (compare.js): point sizes, layout
// bounds, id lookup and the first frame's colours. The metadata files are decoded in entities.js.
import { numberColumn, categoryColumn } from './format.js';
import { colorChannel } from './palette.js';

/** Point sizes 0..255 from the popularity (size) column, min-max scaled; zeros when there is none. */
export function pointSizes(table) {
  const n = table.n;
  const sizeName = Object.keys(table.columns).find((k) => table.columns[k].kind === 'size');
  const pop = sizeName ? numberColumn(table, sizeName) : null;
  const sizes = new Uint8Array(n);
  if (pop) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { const v = pop[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < n; i++) sizes[i] = pop[i] === pop[i] ? Math.round(((pop[i] - lo) / span) * 255) : 0;
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

/**
 * The colour channel for the first frame, before the metadata arrives: a category colour field's
 * codes from the point file (same category order as meta), else the single accent colour.
 */
export function earlyColors(table, color, accent, bg) {
  const c = table.columns[color]?.kind === 'category' ? categoryColumn(table, color) : null;
  const col = c ? {
    type: 'category', categories: Array.from({ length: c.count }, (_, k) => String(k)),
    codes: c.missing === 0xff ? Uint16Array.from(c.codes, (x) => (x === 0xff ? 0xffff : x)) : c.codes,
  } : null;
  return colorChannel(col, null, table.n, accent, bg);
}
