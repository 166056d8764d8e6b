import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitView, homeView, dataToScreen, zoomAbout, panBy, screenToData } from '../src/camera.js';

const corners = (b) => [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]];

test('fitView keeps every corner of the bounds inside the canvas with the margin', () => {
  for (const [w, h] of [[1280, 800], [1000, 757], [720, 757], [360, 661], [300, 300]]) {
    for (const b of [{ x0: -0.975, y0: -1, x1: 0.975, y1: 1 }, { x0: -1, y0: -0.803, x1: 1, y1: 0.803 }, { x0: 0.1, y0: 0.2, x1: 0.3, y1: 0.9 }]) {
      const v = fitView(b, w, h, 0.06);
      const pts = corners(b).map(([x, y]) => dataToScreen(v, w, h, x, y));
      for (const [sx, sy] of pts) {
        assert.ok(sx >= 0.06 * w - 1e-6 && sx <= 0.94 * w + 1e-6, `x ${sx} of ${w}`);
        assert.ok(sy >= 0.06 * h - 1e-6 && sy <= 0.94 * h + 1e-6, `y ${sy} of ${h}`);
      }
      // and it is tight on one axis: the limiting side touches the margin
      const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
      const fillX = (Math.max(...xs) - Math.min(...xs)) / (0.88 * w), fillY = (Math.max(...ys) - Math.min(...ys)) / (0.88 * h);
      assert.ok(Math.abs(Math.max(fillX, fillY) - 1) < 1e-6, `fill ${fillX} ${fillY}`);
    }
  }
});

test('fitView survives degenerate bounds', () => {
  const v = fitView({ x0: 0.5, y0: 0.5, x1: 0.5, y1: 0.5 }, 800, 600);
  assert.ok(Number.isFinite(v.k) && v.k > 0);
  assert.equal(v.x, 0.5);
});

test('zoom about a point keeps it fixed; pan moves by screen pixels', () => {
  const v = { x: 0.1, y: -0.2, k: 2 };
  const [px, py] = screenToData(v, 800, 600, 200, 150);
  const z = zoomAbout(v, 3, 800, 600, 200, 150);
  const [sx, sy] = dataToScreen(z, 800, 600, px, py);
  assert.ok(Math.abs(sx - 200) < 1e-9 && Math.abs(sy - 150) < 1e-9);
  const p = panBy(v, 800, 600, 30, -20);
  const [qx, qy] = dataToScreen(p, 800, 600, v.x, v.y);
  assert.ok(Math.abs(qx - 430) < 1e-9 && Math.abs(qy - 280) < 1e-9);
  assert.equal(z.fit, undefined);
});

test('homeView fits the core whole on a landscape canvas, and fills a portrait one\'s height', () => {
  const wide = { x0: -1, y0: -0.6, x1: 1, y1: 0.6 }, tall = { x0: -0.3, y0: -1, x1: 0.3, y1: 1 };
  for (const b of [wide, tall]) assert.deepEqual(homeView(b, 1100, 700), fitView(b, 1100, 700));
  assert.deepEqual(homeView(tall, 360, 660), fitView(tall, 360, 660)); // it fills the height already
  for (const b of [wide, { x0: -1, y0: -1, x1: 1, y1: 1 }]) {
    const v = homeView(b, 360, 660);
    const [, top] = dataToScreen(v, 360, 660, b.x0, b.y1), [, bottom] = dataToScreen(v, 360, 660, b.x0, b.y0);
    assert.ok(bottom - top >= 0.66 * 660 - 1e-6, `the core spans ${bottom - top} px of 660`);
    assert.ok(top > 0 && bottom < 660, 'the core\'s height stays on screen');
    assert.ok(v.k > fitView(b, 360, 660).k && v.x === 0 && v.y === 0);
  }
});
