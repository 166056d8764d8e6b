import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDefaults, compareCodec, normalizePair, pickVariant, nearRanks } from '../src/compare-state.js';

const config = { variants: [{ name: 'map' }, { name: 'umap' }, { name: 'tsne' }] };
const names = ['map', 'umap', 'tsne'];
const defaults = compareDefaults(config);
const codec = compareCodec(names);

test('defaults are the first two variants; the default state has an empty hash', () => {
  assert.deepEqual(defaults, { a: 'map', b: 'umap', sel: '' });
  assert.equal(codec.format(defaults, defaults), '');
  assert.deepEqual(codec.parse('', defaults), defaults);
  assert.deepEqual(compareDefaults({ ...config, a: 'tsne', b: 'tsne' }), { a: 'tsne', b: 'map', sel: '' });
});

test('round trip through the hash', () => {
  const s = { a: 'tsne', b: 'map', sel: 'id 42/é&x' };
  assert.deepEqual(codec.parse('#' + codec.format(s, defaults), defaults), s);
  assert.equal(codec.format({ ...defaults, sel: 'x' }, defaults), 'sel=x');
});

test('unknown variants fall back and the two sides never show the same layout', () => {
  assert.deepEqual(codec.parse('#a=nope&b=tsne', defaults), { a: 'map', b: 'tsne', sel: '' });
  // the viewer's link for its second layout: a = the default b, so b takes the default a
  assert.deepEqual(codec.parse('#a=umap', defaults), { a: 'umap', b: 'map', sel: '' });
  assert.deepEqual(normalizePair({ a: 'tsne', b: 'tsne' }, defaults, names), { a: 'tsne', b: 'umap' });
  assert.deepEqual(normalizePair({ a: 'x', b: 'x' }, { a: 'x', b: 'x' }, ['x']), { a: 'x', b: 'x' });
});

test('picking the other side\'s layout swaps the sides', () => {
  assert.deepEqual(pickVariant({ a: 'map', b: 'umap' }, 'a', 'umap'), { a: 'umap', b: 'map' });
  assert.deepEqual(pickVariant({ a: 'map', b: 'umap' }, 'b', 'tsne'), { b: 'tsne' });
});

test('nearRanks matches a brute-force count of nearer points', () => {
  let seed = 3;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const n = 300;
  const xy = Float32Array.from({ length: 2 * n }, rnd);
  const d2 = (i, j) => Math.fround(Math.fround((xy[2 * i] - xy[2 * j]) ** 2) + Math.fround((xy[2 * i + 1] - xy[2 * j + 1]) ** 2));
  for (const i of [0, 17, 299]) {
    const targets = [1, 5, 200, (i + 1) % n];
    const got = nearRanks(xy, i, targets);
    targets.forEach((t, k) => {
      let closer = 0;
      for (let j = 0; j < n; j++) if (j !== i && d2(i, j) < d2(i, t)) closer++;
      assert.ok(Math.abs(got[k] - (closer + 1)) <= 1, `i ${i} target ${t}: ${got[k]} vs ${closer + 1}`);
    });
  }
  // the nearest other point has rank 1
  const pts = Float32Array.from([0, 0, 0.1, 0, 0.5, 0, -0.2, 0]);
  assert.deepEqual([...nearRanks(pts, 0, [1, 3, 2])], [1, 2, 3]);
});
