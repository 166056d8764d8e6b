// Hover/click picking: a uniform grid over [-1, 1]^2 built once per layout (counting sort, O(n)),
// then nearest-point queries that visit only the cells within the pick radius.

/** Build the grid for interleaved positions xy (Float32Array, 2n). */
export function buildGrid(xy, n = xy.length / 2) {
  const g = Math.max(16, Math.min(2048, Math.ceil(Math.sqrt(n))));
  const cellOf = new Uint32Array(n);
  const start = new Uint32Array(g * g + 1);
  for (let i = 0; i < n; i++) {
    const c = cell(xy[2 * i], g) + g * cell(xy[2 * i + 1], g);
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < g * g; c++) start[c + 1] += start[c];
  const fill = start.slice(0, g * g);
  const items = new Uint32Array(n);
  for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
  return { g, start, items, xy };
}

function cell(v, g) {
  const c = Math.floor(((v + 1) / 2) * g);
  return c < 0 ? 0 : c >= g ? g - 1 : c;
}

/**
 * Nearest point to (x, y) within data-space radius r, among points where ok[i] is non-zero
 * (ok optional). Returns the index or -1. `visitLimit` bounds the work in pathological cells.
 */
export function nearest(grid, x, y, r, ok = null, visitLimit = 200000) {
  const { g, start, items, xy } = grid;
  const c0 = cell(x - r, g), c1 = cell(x + r, g);
  const r0 = cell(y - r, g), r1 = cell(y + r, g);
  let best = -1, bestD = r * r, visited = 0;
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      const c = col + row * g;
      for (let k = start[c]; k < start[c + 1]; k++) {
        const i = items[k];
        if (ok && !ok[i]) continue;
        const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y;
        const d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      if ((visited += start[c + 1] - start[c]) > visitLimit) return best;
    }
  }
  return best;
}

/** Indices of points inside the data rectangle [x0, x1] x [y0, y1] (for labels), unordered. */
export function inRect(grid, x0, y0, x1, y1, cb) {
  const { g, start, items, xy } = grid;
  for (let row = cell(y0, g); row <= cell(y1, g); row++) {
    for (let col = cell(x0, g); col <= cell(x1, g); col++) {
      const c = col + row * g;
      for (let k = start[c]; k < start[c + 1]; k++) {
        const i = items[k];
        const px = xy[2 * i], py = xy[2 * i + 1];
        if (px >= x0 && px <= x1 && py >= y0 && py <= y1) cb(i);
      }
    }
  }
}
