// "Select area" at scale (a benchmark, not a test): point-in-polygon over the picking grid
// (src/lazy/lasso.js) against the plain even-odd test of every point, same points, same lassos, same
// run. Usage: node js/bench/lasso.mjs [n=1000000]
import { buildGrid } from '../src/picking.js';
import { pointsInPolygon } from '../src/lazy/lasso.js';

const n = +(process.argv[2] || 1e6);
let s = 7;
const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
// a layout's shape: 40 clusters of different spread, in [-1, 1]
const centres = Array.from({ length: 40 }, () => [rand() * 1.6 - 0.8, rand() * 1.6 - 0.8, 0.02 + rand() * 0.1]);
const xy = new Float32Array(2 * n);
for (let i = 0; i < n; i++) {
  const [cx, cy, sd] = centres[i % 40];
  xy[2 * i] = Math.max(-1, Math.min(1, cx + sd * gauss()));
  xy[2 * i + 1] = Math.max(-1, Math.min(1, cy + sd * gauss()));
}
/** A hand-drawn-like lasso: `m` vertices, wobbly radius around (cx, cy). */
const lasso = (cx, cy, r, m) => Float64Array.from({ length: 2 * m }, (_, k) => {
  const t = (2 * Math.PI * (k >> 1)) / m, rr = r * (1 + 0.25 * Math.sin(7 * t) + 0.1 * (rand() - 0.5));
  return k & 1 ? cy + rr * Math.sin(t) : cx + rr * Math.cos(t);
});
function plain(poly) {
  const out = [], m = poly.length / 2;
  for (let i = 0; i < n; i++) {
    const px = xy[2 * i], py = xy[2 * i + 1];
    let odd = false;
    for (let k = 0, j = m - 1; k < m; j = k++) {
      const ay = poly[2 * j + 1], by = poly[2 * k + 1];
      if ((ay <= py) !== (by <= py) && px < poly[2 * j] + ((py - ay) * (poly[2 * k] - poly[2 * j])) / (by - ay)) odd = !odd;
    }
    if (odd) out.push(i);
  }
  return out;
}
// CPU time (user + system) of this process: the machine is shared, wall time is not ours alone
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const median = (fn, reps) => {
  const t = [];
  let r;
  for (let k = 0; k < reps; k++) { const t0 = cpuMs(); r = fn(); t.push(cpuMs() - t0); }
  return [t.sort((a, b) => a - b)[reps >> 1], r];
};
const t0 = cpuMs();
const grid = buildGrid(xy);
console.log(`${n} points, grid ${grid.g} x ${grid.g} built in ${(cpuMs() - t0).toFixed(0)} ms CPU (once per layout, for picking)`);
for (const [name, poly] of [['big lasso (r 0.5, 600 vertices)', lasso(0, 0, 0.5, 600)], ['small lasso (r 0.05, 150 vertices)', lasso(0.3, -0.2, 0.05, 150)]]) {
  const [tg, a] = median(() => pointsInPolygon(grid, poly), 5);
  const [tp, b] = median(() => plain(poly), 3);
  if (a.length !== b.length) throw new Error(`${name}: grid ${a.length} vs plain ${b.length}`);
  console.log(`${name}: ${a.length} inside; CPU median: grid ${tg.toFixed(1)} ms, plain ${tp.toFixed(1)} ms, ratio ${(tp / tg).toFixed(1)}x`);
}
