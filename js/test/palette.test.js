import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorChannel } from '../src/palette.js';
import { contrast, withContrast } from '../src/scales.js';

// the map backgrounds of the two themes (style.css --bg)
const BACKGROUNDS = { dark: '#111318', light: '#fafafa' };
const hexOf = (t, k) => '#' + [0, 1, 2].map((c) => t[4 * k + c].toString(16).padStart(2, '0')).join('');

for (const [theme, bg] of Object.entries(BACKGROUNDS)) {
  test(`every point colour keeps 3:1 contrast on the ${theme} background`, () => {
    const n = 40;
    const category = { type: 'category', categories: Array.from({ length: 14 }, (_, k) => `c${k}`), codes: Uint16Array.from({ length: n }, (_, i) => (i % 15 === 14 ? 0xffff : i % 14)) };
    const number = { type: 'number', values: Float32Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i)) };
    for (const [col, desc] of [[category, null], [number, { min: 0, max: n - 1 }], [null, null]]) {
      const ch = colorChannel(col, desc, n, '#3b6fd4', bg);
      // the colours points use: their palette entries (254 Other, 255 missing included)
      for (const k of new Set(ch.index)) {
        const c = hexOf(ch.texture, k);
        assert.ok(contrast(c, bg) >= 3, `${col?.type || 'single'} colour ${c} (entry ${k}) is ${contrast(c, bg).toFixed(2)}:1 on ${bg}`);
      }
      for (const c of ch.legend?.stops || ch.legend?.entries.map((e) => e.color) || []) assert.ok(contrast(c, bg) >= 3, `legend ${c} on ${bg}`);
    }
  });
}

test('links reach 4.5:1 on the light panel, written as the short #fff', () => {
  const link = withContrast('#3b6fd4', '#fff', 4.5);
  assert.ok(contrast(link, '#ffffff') >= 4.5, `${link} on white`);
  assert.equal(contrast('#fff', '#000000').toFixed(1), '21.0');
});
