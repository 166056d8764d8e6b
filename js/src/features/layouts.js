// The layouts (variants) in the point file: their positions, picking grids and bounds, decoded
// lazily and cached; and the view helpers that depend on them (the fitted "home" view).
import { positions } from '../format.js';
import { buildGrid } from '../picking.js';
import { layoutBounds, rowsOf } from '../data.js';
import { homeView } from '../camera.js';

/**
 * -> {names, variantOf(name), xyOf(v), gridOf(v), boundsOf(v), coreOf(v), reset()} for the table's layouts. A
 * streaming table (loader.js) grows: xyOf(v) is one Float32Array of all n rows per layout, filled up
 * to the rows `loaded` so far on each call (only the new rows are decoded); picking sees only the
 * loaded rows; reset() drops the grids and bounds derived from fewer rows.
 */
export function createLayouts(table, config) {
  const names = (config.variants || []).map((v) => v.name).filter((v) => table.columns[`xy:${v}`]);
  if (!names.length) names.push(...Object.keys(table.columns).filter((k) => k.startsWith('xy:')).map((k) => k.slice(3)));
  const xyCache = {};
  let gridCache = {}, boundsCache = {};
  const xyOf = (v) => {
    const c = (xyCache[v] ||= { xy: new Float32Array(2 * table.n), rows: 0 });
    const loaded = table.loaded ?? table.n;
    if (c.rows < loaded) {
      c.xy.set(positions(rowsOf(table, c.rows, loaded), v), 2 * c.rows);
      c.rows = loaded;
    }
    return c.xy;
  };
  return {
    names,
    /** The layout to show for a requested name: that one if it exists, else the page's, else the first. */
    variantOf: (v) => (names.includes(v) ? v : names.includes(config.variant) ? config.variant : names[0]),
    xyOf,
    gridOf: (v) => (gridCache[v] ||= buildGrid(xyOf(v), table.loaded ?? table.n)),
    // the file's per-column min/max, or a scan when they are missing
    boundsOf: (v) => (boundsCache[v] ||= layoutBounds(table, v, xyOf(v).subarray(0, 2 * (table.loaded ?? table.n)))),
    // the dense core the first view fits (config.cores, outliers left out), else the bounds
    coreOf(v) { const c = config.cores?.[v]; return c ? { x0: c[0], y0: c[1], x1: c[2], y1: c[3] } : this.boundsOf(v); },
    reset: () => { gridCache = {}; boundsCache = {}; },
  };
}

/** Adds size(), home() and viewNow() to ctx (needs ctx.ui, ctx.store, ctx.live, ctx.layouts). */
export function addViewHelpers(ctx) {
  const { canvas } = ctx.ui;
  ctx.size = () => [canvas.clientWidth || 1, canvas.clientHeight || 1];
  // the fitted view for the current layout and canvas size (camera.js homeView)
  ctx.home = () => { const [w, hh] = ctx.size(); return { ...homeView(ctx.layouts.coreOf(ctx.live.get().variant), w, hh), fit: true }; };
  // the store's view, with "fitted" resolved against the canvas as it is now
  ctx.viewNow = () => { const v = ctx.store.get().view; return v.fit ? ctx.home() : v; };
  // for the browser tests: the view as drawn and the canvas size, to place data points on screen
  window.__atlasView = () => [ctx.viewNow(), ...ctx.size()];
}
