// Search latency at 100k entities (a benchmark, not a test): node js/bench/search.mjs
import { buildIndex, search } from '../src/search.js';

const n = +(process.argv[2] || 100000);
const words = ['amber', 'birch', 'cedar', 'delta', 'émile', 'zola', 'north', 'south'];
const labels = Array.from({ length: n }, (_, i) => `Entity ${words[i % 8]} ${words[(i * 7) % 8]} ${i}`);
let t = performance.now();
const ix = buildIndex(labels, labels.map((_, i) => `e${i}`), Float64Array.from({ length: n }, (_, i) => i % 97));
const buildMs = performance.now() - t;
const queries = ['c', 'ce', 'ced', 'ceda', 'cedar', 'cedar 4', 'cedar 42', 'cedar 424', 'cedar 4242', 'emile zloa'];
const times = [];
for (let rep = 0; rep < 5; rep++) {
  for (const q of queries) {
    t = performance.now();
    search(ix, q);
    times.push(performance.now() - t);
  }
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
console.log(`${n} entities: index ${buildMs.toFixed(0)} ms; keystroke median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms`);
