// Which points lie inside a lasso ("Select area"): point-in-polygon over the picking grid
// (picking.js), so that a lasso over a million points tests only the points near its outline. The
// cells the outline passes through are tested point by point; every other cell in the lasso's
// bounding box is wholly inside or wholly outside, decided once by its centre.

/**
 * Ascending indices (Uint32Array) of the grid's points inside the polygon `poly`: flat
 * [x0, y0, x1, y1, ...] in data units, closed implicitly, any shape (concave, self-crossing: the
 * even-odd rule). A point exactly on a horizontal crossing counts by the half-open rule, the same
 * for the cell test and the point test.
 */
export function pointsInPolygon(grid, poly) {
  const { g, start, items, xy } = grid;
  const m = poly.length >> 1;
  if (m < 3) return new Uint32Array(0);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < m; k++) {
    const x = poly[2 * k], y = poly[2 * k + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  const size = 2 / g;
  // the same expression as picking.js, so that a point's row here is the row the grid put it in
  const cell = (v) => { const c = Math.floor(((v + 1) / 2) * g); return c < 0 ? 0 : c >= g ? g - 1 : c; };
  const c0 = cell(x0), c1 = cell(x1), r0 = cell(y0), r1 = cell(y1);
  const W = c1 - c0 + 1, H = r1 - r0 + 1;

  // 1. Mark the cells near the outline: samples along each edge at most half a cell apart, and the
  // 3 x 3 cells around each. A sample lies within a quarter cell of any stretch of the edge, so every
  // cell the edge crosses is marked (marking a few more only costs exact tests).
  const near = new Uint8Array(W * H);
  const mark = (c, r) => {
    for (let rr = Math.max(0, r - 1); rr <= Math.min(H - 1, r + 1); rr++) {
      for (let cc = Math.max(0, c - 1); cc <= Math.min(W - 1, c + 1); cc++) near[rr * W + cc] = 1;
    }
  };
  // per cell row, the edges whose y-range reaches into it (the only ones a row's crossings need)
  const rowEdges = Array.from({ length: H }, () => []);
  for (let k = 0; k < m; k++) {
    const ax = poly[2 * k], ay = poly[2 * k + 1];
    const bx = poly[(2 * k + 2) % (2 * m)], by = poly[(2 * k + 3) % (2 * m)];
    const steps = Math.max(1, Math.ceil((2 * Math.hypot(bx - ax, by - ay)) / size));
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      mark(cell(ax + (bx - ax) * t) - c0, cell(ay + (by - ay) * t) - r0);
    }
    for (let r = cell(Math.min(ay, by)) - r0; r <= cell(Math.max(ay, by)) - r0; r++) rowEdges[r].push(k);
  }

  // 2. Even-odd test of (px, py) against the edges `es` (indices into poly).
  const inside = (es, px, py) => {
    let odd = false;
    for (const k of es) {
      const ay = poly[2 * k + 1], by = poly[(2 * k + 3) % (2 * m)];
      if ((ay <= py) === (by <= py)) continue;
      const ax = poly[2 * k], bx = poly[(2 * k + 2) % (2 * m)];
      if (px < ax + ((py - ay) * (bx - ax)) / (by - ay)) odd = !odd;
    }
    return odd;
  };

  // 3. Mark the points inside (a mask, then read in index order: no sort)
  const n = items.length, hit = new Uint8Array(n);
  let count = 0;
  for (let r = 0; r < H; r++) {
    const row = r0 + r, es = rowEdges[r];
    const yc = -1 + (row + 0.5) * size;
    for (let c = 0; c < W; c++) {
      const col = c0 + c, cid = col + row * g;
      const a = start[cid], b = start[cid + 1];
      if (a === b) continue;
      // border cells also hold any point outside [-1, 1] (picking.js clamps): always test exactly
      const exact = near[r * W + c] || col === 0 || row === 0 || col === g - 1 || row === g - 1;
      if (exact) {
        for (let k = a; k < b; k++) { const i = items[k]; if (inside(es, xy[2 * i], xy[2 * i + 1])) { hit[i] = 1; count++; } }
      } else if (inside(es, -1 + (col + 0.5) * size, yc)) {
        for (let k = a; k < b; k++) hit[items[k]] = 1;
        count += b - a;
      }
    }
  }
  const out = new Uint32Array(count);
  for (let i = 0, k = 0; k < count; i++) if (hit[i]) out[k++] = i;
  return out;
}
