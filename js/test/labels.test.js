import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterTree, namedGroups } from '../src/labels.js';

// two regions of two clusters each; extents in layout units (the canvas below is 1000 x 800 px)
const clusters = (regionLabels) => ({
  labels: ['a', 'b', 'c', 'd'], x: [0, 0.2, 0.6, 0.8], y: [0, 0, 0, 0], size: [40, 30, 20, 10],
  extent: [0.1, 0.1, 0.1, 0.1], parent: [0, 0, 1, 1],
  coarse: { labels: regionLabels, x: [0.1, 0.7], y: [0, 0], size: [70, 30], extent: [0.3, 0.3] },
});
const named = (c, s) => { const t = clusterTree(c); return namedGroups(t, s, 1000, 800).map((id) => t[id].label); };

test('a named region below half the view keeps its name, its clusters with room named after it', () => {
  assert.deepEqual(named(clusters(['west', 'east']), 200), ['west', 'east']); // clusters 20 px: too small
  assert.deepEqual(named(clusters(['west', 'east']), 600), ['west', 'east', 'a', 'b', 'c', 'd']); // 60 px
  assert.deepEqual(named(clusters(['west', 'east']), 1500), ['a', 'b', 'c', 'd']); // regions opened (450 px > 400)
});

test('an unnamed region ("") is never named: its clusters show in its place, wherever they have room', () => {
  assert.deepEqual(named(clusters(['', 'east']), 200), ['east']);
  assert.deepEqual(named(clusters(['', 'east']), 600), ['east', 'a', 'b', 'c', 'd']);
  assert.deepEqual(named(clusters(['', '']), 600), ['a', 'b', 'c', 'd']);
});
