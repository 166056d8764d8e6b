import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, filterMask, toggleCategory, toggleCategories, binOf, HIST_BINS } from '../src/filters.js';

// 6 entities: kind category, tags, year number (one missing)
const columns = {
  kind: { type: 'category', categories: ['a', 'b', 'c'], codes: Uint16Array.from([0, 1, 2, 0, 0xffff, 1]) },
  tags: { type: 'tags', categories: ['x', 'y'], indptr: Uint32Array.from([0, 1, 3, 3, 4, 5, 6]), codes: Uint16Array.from([0, 0, 1, 1, 0, 1]) },
  year: { type: 'number', values: Float32Array.from([1990, 2000, 2010, NaN, 1995, 2005]) },
};
const fields = [
  { name: 'kind', type: 'category' }, { name: 'tags', type: 'tags' }, { name: 'year', type: 'number', min: 1990, max: 2010 },
];

test('no filters: everything passes', () => {
  const r = evaluate(columns, fields, {}, 6);
  assert.equal(r.visible, 6);
  assert.deepEqual([...r.facets.kind], [2, 2, 1]);
  assert.deepEqual([...r.facets.tags], [3, 3]);
});

test('category, tags and range masks', () => {
  assert.deepEqual([...filterMask(columns.kind, { values: ['a', 'c'] }, 6)], [1, 0, 1, 1, 0, 0]);
  assert.deepEqual([...filterMask(columns.tags, { values: ['y'] }, 6)], [0, 1, 0, 1, 0, 1]);
  assert.deepEqual([...filterMask(columns.year, { min: 1995, max: 2005 }, 6)], [0, 1, 0, 0, 1, 1]);
  assert.deepEqual([...filterMask(columns.year, { min: 2000 }, 6)], [0, 1, 1, 0, 0, 1]);
});

test('filters combine with AND; facets count under the other filters', () => {
  const r = evaluate(columns, fields, { kind: { values: ['a'] }, year: { max: 2000 } }, 6);
  assert.deepEqual([...r.pass], [1, 0, 0, 0, 0, 0]);
  assert.equal(r.visible, 1);
  // kind facet ignores the kind filter but applies the year filter: years <= 2000 are 0, 1, 4
  assert.deepEqual([...r.facets.kind], [1, 1, 0]);
  // year histogram ignores the year filter: kind a = entities 0, 3 (3 has no year)
  assert.equal(r.facets.year.reduce((a, b) => a + b, 0), 1);
});

test('empty value list passes nothing; no entry is no filter', () => {
  const r = evaluate(columns, fields, { kind: { values: [] } }, 6);
  assert.equal(r.visible, 0);
  assert.deepEqual([...r.facets.kind], [2, 2, 1]); // its own options still show their counts
  assert.equal(evaluate(columns, fields, {}, 6).visible, 6);
});

test('legend toggle flips one category', () => {
  let f = toggleCategory({}, 'kind', ['a', 'b', 'c'], 'b');
  assert.deepEqual(f, { kind: { exclude: ['b'] } }); // the shorter form
  assert.deepEqual([...filterMask(columns.kind, f.kind, 6)], [1, 0, 1, 1, 0, 0]);
  f = toggleCategory(f, 'kind', ['a', 'b', 'c'], 'b');
  assert.deepEqual(f, {});
});

test('legend: switching off the last category shows nothing, switching one back shows it', () => {
  let f = {};
  for (const c of ['a', 'b', 'c']) f = toggleCategory(f, 'kind', ['a', 'b', 'c'], c);
  assert.deepEqual(f, { kind: { values: [] } });
  assert.equal(evaluate(columns, fields, f, 6).visible, 0);
  f = toggleCategory(f, 'kind', ['a', 'b', 'c'], 'c');
  assert.deepEqual(f, { kind: { values: ['c'] } });
  assert.equal(evaluate(columns, fields, f, 6).visible, 1);
});

test('legend: the Other group toggles as one', () => {
  const cats = ['a', 'b', 'c', 'd'];
  let f = toggleCategories({}, 'kind', cats, ['c', 'd']);
  assert.deepEqual(f, { kind: { values: ['a', 'b'] } });
  f = toggleCategories(f, 'kind', cats, ['a']);
  f = toggleCategories(f, 'kind', cats, ['b']);
  assert.deepEqual(f, { kind: { values: [] } });
  f = toggleCategories({ kind: { values: ['a', 'c'] } }, 'kind', cats, ['c', 'd']); // partly on: all on
  assert.deepEqual(f, { kind: { exclude: ['b'] } });
});

test('histogram bins', () => {
  assert.equal(binOf(1990, 1990, 2010), 0);
  assert.equal(binOf(2010, 1990, 2010), HIST_BINS - 1);
  assert.equal(binOf(NaN, 1990, 2010), -1);
});
