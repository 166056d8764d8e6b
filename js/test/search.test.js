import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, buildIndex, search, prefixDistance, parseListLines } from '../src/search.js';
import { matchList } from '../src/lazy/listmatch.js';

const labels = ['Émile Zola', 'Zola Companion', 'The Emile Award', 'Amélie', 'Amelia Earhart', 'Beyoncé', 'Nana', 'Zoltan'];
const ids = labels.map((_, i) => `id${i}`);
const counts = [50, 500, 5, 80, 90, 1000, 10, 7];
const index = buildIndex(labels, ids, counts);
const top = (q, o) => search(index, q, o).map((r) => labels[r.i]);

test('normalize folds case, diacritics and punctuation', () => {
  assert.equal(normalize('  Émile   ZOLA!  '), 'emile zola');
  assert.equal(normalize('Beyoncé'), 'beyonce');
  assert.equal(normalize('Straße'), 'strasse');
});

test('exact match beats prefix beats word match; ties by popularity', () => {
  assert.deepEqual(top('zola').slice(0, 2), ['Zola Companion', 'Émile Zola']);
  assert.equal(top('emile zola')[0], 'Émile Zola');
  assert.equal(top('nana')[0], 'Nana');
});

test('diacritic-insensitive both ways', () => {
  assert.equal(top('beyonce')[0], 'Beyoncé');
  assert.equal(top('AMÉLIE')[0], 'Amélie');
});

test('typos are tolerated and ranked below literal hits', () => {
  assert.equal(top('emile zloa')[0], 'Émile Zola');
  assert.equal(top('beyonse')[0], 'Beyoncé');
  assert.deepEqual(top('xyzzy'), []);
});

test('search by id', () => {
  assert.equal(top('id5')[0], 'Beyoncé');
});

test('filter-passing entities come first among equal relevance, then popularity', () => {
  const ix = buildIndex(['Twin', 'Twin', 'Twin'], ['a', 'b', 'c'], [10, 50, 5]);
  assert.deepEqual(search(ix, 'twin').map((r) => r.i), [1, 0, 2]);
  assert.deepEqual(search(ix, 'twin', { pass: Uint8Array.from([1, 0, 1]) }).map((r) => r.i), [0, 2, 1]);
});

test('prefixDistance counts edits against the closest prefix', () => {
  assert.equal(prefixDistance('zloa', 'zola', 2), 1); // transposition
  assert.equal(prefixDistance('emil', 'emile', 1), 0);
  assert.equal(prefixDistance('abcd', 'wxyz', 1), 2);
});

test('my list: lines and CSV are matched fuzzily, misses reported', () => {
  const r = matchList(index, 'emile zola\nBeyonse\nnobody at all\nZola\n');
  assert.deepEqual([...r.matched], [0]);
  assert.deepEqual(r.fuzzy.map((x) => [x.line, x.i]), [['Beyonse', 5]]); // offered, not assumed
  assert.deepEqual(r.unmatched, ['nobody at all', 'Zola']); // not "Zola Companion"
  const bare = matchList(buildIndex(['Dune (Dune Chronicles #1)', 'A Confederacy of Dunces', 'Pride and Prejudice and Zombies'], null, [9, 8, 7]),
    'Dune\nPride and Prejudice', {}, ['Dune (Dune Chronicles #1)', 'A Confederacy of Dunces', 'Pride and Prejudice and Zombies']);
  assert.deepEqual(bare.rows.map((x) => [x.kind, x.i]), [['exact', 0], ['none', -1]]);
  assert.deepEqual(parseListLines('name\n"Zola, Émile",x\nNana,3\n', { csv: true }), ['Zola, Émile', 'Nana']);
});

test('100k entities: the index finds the exact entity first (timing: js/bench/search.mjs)', () => {
  const n = 100000;
  const L = Array.from({ length: n }, (_, i) => `Entity ${['amber', 'birch', 'cedar', 'delta'][i % 4]} ${i}`);
  const ix = buildIndex(L, L.map((_, i) => `e${i}`), Float64Array.from({ length: n }, (_, i) => i % 97));
  const r = search(ix, 'cedar 4242');
  assert.equal(L[r[0].i], 'Entity cedar 4242');
});
