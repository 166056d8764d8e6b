import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultState, formatHash, parseHash, createStore } from '../src/store.js';

const defaults = defaultState({ colorBy: 'genre', variant: 'umap' });

test('defaults give an empty hash and parse back to the defaults', () => {
  assert.equal(formatHash(defaults, defaults), '');
  assert.deepEqual(parseHash('', defaults), defaults);
});

test('full state round trip through the hash', () => {
  const s = {
    view: { x: 0.1234, y: -0.5, k: 3.25 }, sel: 'id 42/é', q: 'émile zola', hide: true, color: '', variant: 'tsne',
    filters: { genre: { values: ['Sci|Fi', 'Back\\slash', 'Drama'] }, lang: { exclude: ['ara'] }, year: { min: 1990, max: 2000 }, pop: { min: 5 } },
    list: 'one\ntwo', size: 2.5, opacity: 0.4,
    area: { ids: ['12', 'a b\\c', 'id+7'], idx: null },
  };
  const h = formatHash(s, defaults);
  assert.deepEqual(parseHash('#' + h, defaults), s);
});

test('garbage in the hash falls back to defaults', () => {
  const s = parseHash('#v=a,b&r.year=x~2000&zz=1', defaults);
  assert.deepEqual(s.view, { x: 0, y: 0, k: 1, fit: true });
  assert.deepEqual(s.filters.year, { max: 2000 });
});

test('long lists are not put in the URL', () => {
  const h = formatHash({ ...defaults, list: 'x'.repeat(5000) }, defaults);
  assert.equal(h, '');
});

test('store notifies with the changed keys only', () => {
  const st = createStore(defaults);
  const seen = [];
  st.subscribe((_, changed) => seen.push([...changed]));
  st.set({ q: 'a' });
  st.set({ q: 'a' });
  st.set({ q: 'b', sel: 'x' });
  assert.deepEqual(seen, [['q'], ['q', 'sel']]);
});

test('the fitted view is the default and stays out of the URL; any explicit view is written', () => {
  assert.equal(formatHash({ ...defaults, view: { x: 0.3, y: 0.1, k: 0.9, fit: true } }, defaults), '');
  assert.equal(formatHash({ ...defaults, view: { x: 0, y: 0, k: 1 } }, defaults), 'v=0%2C0%2C1');
  assert.deepEqual(parseHash('#v=0,0,1', defaults).view, { x: 0, y: 0, k: 1 });
  assert.equal(parseHash('#sel=a', defaults).view.fit, true);
});

test('a small area selection is kept in the URL as its ids, "+"-separated; a big one is left out', () => {
  const area = { ids: ['12', '45', '99'], idx: Uint32Array.of(3, 4, 5) };
  assert.equal(formatHash({ ...defaults, area }, defaults), 'area=12+45+99');
  assert.deepEqual(parseHash('#area=12+45+99', defaults).area, { ids: ['12', '45', '99'], idx: null });
  const ids = Array.from({ length: 201 }, (_, i) => `id${i}`);
  assert.equal(formatHash({ ...defaults, area: { ids, idx: null } }, defaults), '');
  assert.equal(formatHash({ ...defaults, area: { ids: null, idx: new Uint32Array(5000) } }, defaults), '');
  assert.equal(formatHash({ ...defaults, area: { ids: ['x'.repeat(3000), 'y'.repeat(3000)], idx: null } }, defaults), '', 'too long for a link');
  assert.equal(parseHash('#area=', defaults).area, null);
});

test('point size and opacity: in the URL only when not the default, clamped to their ranges', () => {
  assert.equal(formatHash({ ...defaults, size: 1, opacity: 1 }, defaults), '');
  assert.equal(formatHash({ ...defaults, size: 1.5, opacity: 0.5 }, defaults), 'size=1.5&opacity=0.5');
  assert.deepEqual([parseHash('#size=99&opacity=0', defaults).size, parseHash('#size=99&opacity=0', defaults).opacity], [4, 0.1]);
  assert.deepEqual([parseHash('#size=abc', defaults).size, parseHash('#opacity=', defaults).opacity], [1, 1]);
});
