import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortRows } from '../src/lazy/table.js';

// decoded metadata in the viewer's shape (entities.js): lists with get(i), typed columns
const list = (a) => ({ length: a.length, get: (i) => a[i] });
const meta = {
  labels: list(['Item 10', 'item 2', 'Émile', '', 'Zola']),
  fields: {
    year: { type: 'number', values: Float32Array.of(1990, NaN, 1850, 2001, 1850) },
    kind: { type: 'category', categories: ['west', 'east'], codes: Uint16Array.of(0, 1, 0xffff, 1, 0) },
  },
};
const rows = [0, 1, 2, 3, 4];

test('sortRows: numbers, missing values last in either direction, ties in index order', () => {
  assert.deepEqual(sortRows(meta, rows, { name: 'year' }, 1), [2, 4, 0, 3, 1]);
  assert.deepEqual(sortRows(meta, rows, { name: 'year' }, -1), [3, 0, 2, 4, 1]);
});

test('sortRows: names by a numeric, case- and accent-blind collation; categories by name', () => {
  assert.deepEqual(sortRows(meta, rows, 'label', 1), [2, 1, 0, 4, 3]); // Émile, item 2, Item 10, Zola, (none)
  assert.deepEqual(sortRows(meta, rows, { name: 'kind' }, 1), [1, 3, 0, 4, 2]);
  assert.deepEqual(sortRows(meta, [4, 0], { name: 'kind' }, 1), [0, 4], 'ties in index order');
});
