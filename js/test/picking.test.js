import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGrid, nearest, inRect } from '../src/picking.js';

function rand(seed) { let a = seed >>> 0; return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 2 ** 32; }; }

test('nearest agrees with brute force on random points', () => {
  const r = rand(1);
  const n = 20000;
  const xy = Float32Array.from({ length: 2 * n }, () => r() * 2 - 1);
  const grid = buildGrid(xy, n);
  for (let q = 0; q < 300; q++) {
    const x = r() * 2.2 - 1.1, y = r() * 2.2 - 1.1, rad = 0.02;
    let best = -1, bd = rad * rad;
    for (let i = 0; i < n; i++) { const d = (xy[2 * i] - x) ** 2 + (xy[2 * i + 1] - y) ** 2; if (d <= bd) { bd = d; best = i; } }
    const got = nearest(grid, x, y, rad);
    if (best < 0) assert.equal(got, -1);
    else assert.equal((xy[2 * got] - x) ** 2 + (xy[2 * got + 1] - y) ** 2, bd);
  }
});

test('mask excludes points; rect query finds exactly the inside points', () => {
  const xy = Float32Array.from([0, 0, 0.01, 0, 0.5, 0.5, -1, -1, 1, 1]);
  const grid = buildGrid(xy);
  assert.equal(nearest(grid, 0.001, 0, 0.1), 0);
  assert.equal(nearest(grid, 0.001, 0, 0.1, Uint8Array.from([0, 1, 1, 1, 1])), 1);
  assert.equal(nearest(grid, 0.3, 0.3, 0.05), -1);
  const got = [];
  inRect(grid, -0.1, -0.1, 0.6, 0.6, (i) => got.push(i));
  assert.deepEqual(got.sort(), [0, 1, 2]);
  const edge = [];
  inRect(grid, 0.9, 0.9, 1, 1, (i) => edge.push(i));
  assert.deepEqual(edge, [4]);
});

// Correctness only: how fast the grid builds and answers belongs in a benchmark, not in a test.
test('1M points: the grid indexes every loaded point once, in its cell, and a query sees only nearby cells', () => {
  const r = rand(2);
  const n = 1_000_000, loaded = 900_000; // a streaming table: the last rows are not in yet
  const xy = Float32Array.from({ length: 2 * n }, () => r() * 2 - 1);
  const grid = buildGrid(xy, loaded);
  const { g, start, items } = grid;
  assert.equal(g, 949); // ceil(sqrt(900k)) cells a side, so about one point per cell
  assert.equal(start[g * g], loaded);
  const seen = new Uint8Array(loaded);
  const cellOf = (v) => Math.min(g - 1, Math.max(0, Math.floor(((v + 1) / 2) * g)));
  for (let c = 0; c < g * g; c++) {
    for (let k = start[c]; k < start[c + 1]; k++) {
      const i = items[k];
      assert.ok(i < loaded && !seen[i], `item ${i} at ${k}`);
      seen[i] = 1;
      if (cellOf(xy[2 * i]) + g * cellOf(xy[2 * i + 1]) !== c) assert.fail(`point ${i} is not in cell ${c}`);
    }
  }
  // a pick of radius 0.004 (a few pixels) looks at the 3 x 3 or 4 x 4 cells around it: a few dozen points
  for (let q = 0; q < 20; q++) {
    const x = r() * 2 - 1, y = r() * 2 - 1, rad = 0.004;
    let inCells = 0;
    for (let row = cellOf(y - rad); row <= cellOf(y + rad); row++) {
      for (let col = cellOf(x - rad); col <= cellOf(x + rad); col++) inCells += start[col + row * g + 1] - start[col + row * g];
    }
    assert.ok(inCells < 100, `a query's cells hold ${inCells} points`);
    let best = -1, bd = rad * rad;
    for (let i = 0; i < loaded; i++) { const d = (xy[2 * i] - x) ** 2 + (xy[2 * i + 1] - y) ** 2; if (d <= bd) { bd = d; best = i; } }
    const got = nearest(grid, x, y, rad);
    if (best < 0) assert.equal(got, -1);
    else assert.equal((xy[2 * got] - x) ** 2 + (xy[2 * got + 1] - y) ** 2, bd);
  }
});
