// Per-point state bytes for the shader (see shaders/points.vert): resolves filters, selection,
// neighbours, search hits and "my list" into one priority level per point.

export const NORMAL = 0, DIMMED = 1, HIDDEN = 2, HIT = 3, SELECTED = 4, HOVERED = 5;
export const LOCATOR = 6; // overlay only: a hollow ring that shows where a point is (compare page)
export const IN_AREA = 7; // in the area selection: drawn as normal while the rest fades

/**
 * pass: Uint8Array filter result or null; hide: hide (vs dim) filtered-out points;
 * hits: iterable of highlighted indices (search hits, list matches, neighbours); sel, hover: index or -1;
 * area: Uint8Array mask of the area selection or null (filtered-out points stay dimmed or hidden).
 */
export function computeState(n, { pass = null, hide = false, hits = [], sel = -1, hover = -1, area = null } = {}) {
  const st = new Uint8Array(n);
  if (pass) { const out = hide ? HIDDEN : DIMMED; for (let i = 0; i < n; i++) if (!pass[i]) st[i] = out; }
  if (area) for (let i = 0; i < n; i++) if (area[i] && st[i] === NORMAL) st[i] = IN_AREA;
  for (const i of hits) if (st[i] === NORMAL || st[i] === IN_AREA) st[i] = HIT;
  if (sel >= 0) st[sel] = SELECTED;
  if (hover >= 0 && st[hover] !== HIDDEN) st[hover] = HOVERED;
  return st;
}
