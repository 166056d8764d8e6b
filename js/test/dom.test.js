import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plain } from '../src/dom.js';

test('plain drops bidirectional embedding, override and isolate controls, nothing else', () => {
  const hostile = 'evil\u202Egnp.exe\u202C \u2066x\u2069 \u202Ay\u202B\u202D';
  assert.equal(plain(hostile), 'evilgnp.exe x y');
  assert.equal(plain('שלום Zoë 東京 \u200F'), 'שלום Zoë 東京 \u200F');  // letters and marks stay
  assert.equal(plain(42), '42');
});
