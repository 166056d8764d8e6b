// Picking grid at scale (the timing that js/test/picking.test.js must not assert): build time for N
// uniform points and the mean time of a nearest-point query of a few pixels' radius.
//   node js/bench/picking.mjs [N=1000000] [REPS=5]
import { buildGrid, nearest } from '../src/picking.js';

const n = +(process.argv[2] || 1_000_000), reps = +(process.argv[3] || 5);
let a = 2;
const r = () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 2 ** 32; };
const xy = Float32Array.from({ length: 2 * n }, () => r() * 2 - 1);
const builds = [], queries = [];
for (let k = 0; k < reps; k++) {
  const t0 = performance.now();
  const grid = buildGrid(xy, n);
  builds.push(performance.now() - t0);
  const t1 = performance.now();
  for (let q = 0; q < 1000; q++) nearest(grid, r() * 2 - 1, r() * 2 - 1, 0.004);
  queries.push((performance.now() - t1) / 1000);
}
const med = (xs) => xs.sort((x, y) => x - y)[(xs.length - 1) >> 1];
console.log(`N=${n}: grid build median ${med(builds).toFixed(1)} ms, query median ${(1000 * med(queries)).toFixed(1)} µs (${reps} reps)`);
