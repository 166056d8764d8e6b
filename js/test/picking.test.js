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

test('1M points: grid build is linear and a query visits few points', () => {
  const r = rand(2);
  const n = 1_000_000;
  const xy = Float32Array.from({ length: 2 * n }, () => r() * 2 - 1);
  const t0 = performance.now();
  const grid = buildGrid(xy, n);
  const build = performance.now() - t0;
  const t1 = performance.now();
  for (let q = 0; q < 1000; q++) nearest(grid, r() * 2 - 1, r() * 2 - 1, 0.004);
  const per = (performance.now() - t1) / 1000;
  assert.ok(build < 1500, `build ${build} ms`);
  assert.ok(per < 0.5, `query ${per} ms`);
});
