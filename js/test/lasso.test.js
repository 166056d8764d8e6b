import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGrid } from '../src/picking.js';
import { pointsInPolygon } from '../src/lazy/lasso.js';

// a small seeded generator, so that a failure repeats
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}
/** The plain even-odd test over every point: the reference. */
function bruteForce(xy, poly) {
  const out = [], m = poly.length / 2;
  for (let i = 0; i < xy.length / 2; i++) {
    const px = xy[2 * i], py = xy[2 * i + 1];
    let odd = false;
    for (let k = 0, j = m - 1; k < m; j = k++) {
      const ax = poly[2 * j], ay = poly[2 * j + 1], bx = poly[2 * k], by = poly[2 * k + 1];
      if ((ay <= py) !== (by <= py) && px < ax + ((py - ay) * (bx - ax)) / (by - ay)) odd = !odd;
    }
    if (odd) out.push(i);
  }
  return out;
}
function points(n, rand) {
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    // half uniform, half in a tight blob (dense cells, as real layouts have)
    const blob = i % 2;
    xy[2 * i] = blob ? 0.2 + (rand() - 0.5) * 0.1 : rand() * 2 - 1;
    xy[2 * i + 1] = blob ? -0.3 + (rand() - 0.5) * 0.1 : rand() * 2 - 1;
  }
  return xy;
}
/** A wobbly closed loop around (cx, cy): concave when `wobble` is large, self-crossing when `twist`. */
function loop(rand, cx, cy, r, m, wobble, twist = false) {
  const p = [];
  for (let k = 0; k < m; k++) {
    const t = (2 * Math.PI * k * (twist ? 2 : 1)) / m;
    const rr = r * (1 + wobble * (rand() - 0.5));
    p.push(cx + rr * Math.cos(t) * (twist ? Math.sin(t / 2) : 1), cy + rr * Math.sin(t));
  }
  return p;
}

test('pointsInPolygon selects exactly what the plain even-odd test does, on many shapes and grids', () => {
  const rand = rng(42);
  for (const n of [50, 3000, 40000]) {
    const xy = points(n, rand);
    const grid = buildGrid(xy);
    const shapes = [
      loop(rand, 0, 0, 0.5, 64, 0.1),          // a round lasso
      loop(rand, 0.2, -0.3, 0.04, 40, 0.9),    // a spiky one inside the blob
      loop(rand, 0.1, 0.1, 0.7, 300, 0.6),     // big and concave
      loop(rand, 0, 0, 0.6, 200, 0.2, true),   // self-crossing figure of eight
      loop(rand, 0.9, 0.9, 0.5, 50, 0.3),      // partly outside [-1, 1]
      [0.2, -0.3, 0.2003, -0.3, 0.2003, -0.2997], // a tiny triangle within one cell
      [-2, -2, 2, -2, 2, 2, -2, 2],              // around everything
      [-1, -1, 1, -1, 1, 1, -1, 1],              // the grid's own border
    ];
    for (const poly of shapes) {
      const got = [...pointsInPolygon(grid, Float64Array.from(poly))];
      assert.deepEqual(got, bruteForce(xy, poly), `n=${n}, polygon of ${poly.length / 2} vertices`);
    }
  }
});

test('fewer than three vertices select nothing; the result is ascending', () => {
  const xy = points(1000, rng(1));
  const grid = buildGrid(xy);
  assert.equal(pointsInPolygon(grid, [0, 0, 1, 1]).length, 0);
  const r = pointsInPolygon(grid, [-1, -1, 1, -1, 0, 1]);
  assert.ok(r.length > 100);
  for (let k = 1; k < r.length; k++) assert.ok(r[k] > r[k - 1]);
});
