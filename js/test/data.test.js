// The streaming helpers of data.js (rows of a growing table, sizes and first-frame colours per chunk),
// the selection-based robust domain (scales.js) and the popularity order of the map labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowsOf, pointSizes, sizeBounds, earlyColors } from '../src/data.js';
import { robustDomain } from '../src/scales.js';
import { popularityOrder } from '../src/features/labeling.js';

function rand(seed) { let a = seed >>> 0; return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 2 ** 32; }; }

function table(n, seed) {
  const r = rand(seed);
  const size = Uint8Array.from({ length: n }, () => (r() < 0.05 ? 0xff : Math.floor(r() * 200) + 10)); // 0xFF: missing
  const kind = Uint8Array.from({ length: n }, () => (r() < 0.05 ? 0xff : Math.floor(r() * r() * 14)));
  return {
    version: 2, n, loaded: n, rowStart: 0, nTotal: n,
    columns: {
      size: { kind: 'size', data: size, components: 1, min: [0.5], max: [6.2] },
      kind: { kind: 'category', data: kind, components: 1, min: [0], max: [13] },
    },
  };
}

test('sizes computed chunk by chunk equal the min-max scaled sizes of the whole table', () => {
  const t = table(5000, 1);
  t.columns.size.data[17] = 0; t.columns.size.data[4000] = 254; // the file's bounds are the data's
  // the sizes as they were computed from the whole table: a min-max scan of the decoded float32 values
  const pop = Float32Array.from(t.columns.size.data, (q) => (q === 0xff ? NaN : 0.5 + q * ((6.2 - 0.5) / 254)));
  let lo = Infinity, hi = -Infinity;
  for (const v of pop) if (v === v) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const whole = Uint8Array.from(pop, (v) => (v === v ? Math.round(((v - lo) / (hi - lo)) * 255) : 0));
  const bounds = sizeBounds(t);
  const parts = new Uint8Array(t.n);
  for (const [a, b] of [[0, 700], [700, 3000], [3000, 5000]]) parts.set(pointSizes(rowsOf(t, a, b), bounds), a);
  assert.deepEqual(parts, whole);
  assert.ok(whole.some((v) => v === 0) && whole.some((v) => v === 255), 'sizes span 0..255');
});

test('first-frame colours: later rows take the colour their category got in the first chunk', () => {
  const t = table(6000, 2);
  const first = rowsOf(t, 0, 1000);
  const early = earlyColors(first, 'kind', '#3b6fd4', '#111318');
  const rest = early.rows(rowsOf(t, 1000, 6000));
  const slotOf = new Map();
  for (let i = 0; i < 1000; i++) if (t.columns.kind.data[i] !== 0xff) slotOf.set(t.columns.kind.data[i], early.index[i]);
  for (let i = 1000; i < 6000; i++) {
    const c = t.columns.kind.data[i];
    const want = c === 0xff ? 255 : slotOf.has(c) ? slotOf.get(c) : 254; // missing / "other"
    if (rest[i - 1000] !== want) assert.fail(`row ${i}: category ${c} got colour ${rest[i - 1000]}, want ${want}`);
  }
  const none = earlyColors(first, 'no such field', '#3b6fd4', '#111318');
  assert.deepEqual(none.rows(rowsOf(t, 1000, 1010)), new Uint8Array(10));
});

test('robust domain by selection equals the 1st / 99th percentile of the sorted values', () => {
  const r = rand(3);
  const reference = (values, q = 0.01) => {
    const v = Float64Array.from(values).filter(Number.isFinite).sort();
    if (!v.length) return null;
    let lo = v[Math.floor(q * (v.length - 1))], hi = v[Math.ceil((1 - q) * (v.length - 1))];
    if (!(hi > lo)) { lo = v[0]; hi = v[v.length - 1]; }
    return { lo, hi };
  };
  for (let k = 0; k < 500; k++) {
    const n = Math.floor(r() * 400);
    const values = Float32Array.from({ length: n }, () => { const u = r(); return u < 0.1 ? NaN : u < 0.3 ? Math.floor(r() * 3) : u < 0.32 ? -411 : r() * 100; });
    assert.deepEqual(robustDomain(values), reference(values), `case ${k}`);
  }
});

test('popularity order: count descending, ties by index, with or without the rows already in that order', () => {
  const sorted = Uint32Array.from([9, 7, 7, 3, 1, 1]);
  assert.deepEqual([...popularityOrder(sorted)], [0, 1, 2, 3, 4, 5]);
  const mixed = Uint32Array.from([1, 7, 9, 7, 1, 3]);
  assert.deepEqual([...popularityOrder(mixed)], [2, 1, 3, 5, 0, 4]);
});
