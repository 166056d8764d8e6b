#!/usr/bin/env node
// The viewer on a phone (issue 10, defect 4), in real headless Chromium at 360x740 with touch, for
// each dataset named: the first view fits the dense core so that the drawn points span at least half
// of the screen's height; cluster names show; the colour legend is a strip of chips under the map
// (at most 15 % of the height) whose chips hide and show their category and which folds away.
// Usage: node test/e2e-phone.mjs SITE_DIR DATASET [DATASET ...]
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve, decodePNG, bgOf, CHROME_ARGS, checks } from './e2e-lib.mjs';
import { decodePoints, positions } from '../src/format.js';
import { dataToScreen } from '../src/camera.js';

const [siteDir, ...datasets] = process.argv.slice(2);
if (!siteDir || !datasets.length) { console.error('usage: node test/e2e-phone.mjs SITE_DIR DATASET [DATASET ...]'); process.exit(2); }
const { check, assert, finish } = checks();
const server = await serve(siteDir);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [...CHROME_ARGS, '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };
const errors = [];

/** Every point of the page's layout, read from the site's point files: Float32Array [x0, y0, x1, ...]. */
function layoutOf(dataset, config) {
  const parts = config.points.map((f) => {
    const b = fs.readFileSync(path.join(siteDir, dataset, f));
    return positions(decodePoints(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), config.variant);
  });
  const xy = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => { xy.set(p, at); return at + p.length; }, 0);
  return xy;
}
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
/** Rows of a screenshot (top and bottom) between which 98 % of the ink lies (1st to 99th percentile). */
function inkRows(img) {
  const bg = bgOf(img), ys = [];
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
    const i = (y * img.width + x) * img.bpp;
    if (Math.abs(img.px[i] - bg[0]) + Math.abs(img.px[i + 1] - bg[1]) + Math.abs(img.px[i + 2] - bg[2]) > 24) ys.push(y);
  }
  return ys.length ? [quantile(ys, 0.01), quantile(ys, 0.99)] : [0, 0];
}

try {
  for (const dataset of datasets) {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`${dataset}: ${e}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url || '')) errors.push(`${dataset}: ${m.text()}`); });
    await page.goto(`${origin}/${dataset}/index.html`);
    await page.waitForFunction(() => window.__atlasReady === true && window.__firstFrame > 0, null, { timeout: 60000 });
    const config = await page.evaluate(() => JSON.parse(document.getElementById('atlas-config').textContent));

    await check(`${dataset}: the first view fits the dense core; the points span at least half the screen height`, async () => {
      const [view, w, hh] = await page.evaluate(() => window.__atlasView());
      const xy = layoutOf(dataset, config);
      const n = xy.length / 2, ys = [];
      let shown = 0;
      for (let i = 0; i < n; i++) {
        const [sx, sy] = dataToScreen(view, w, hh, xy[2 * i], xy[2 * i + 1]);
        if (sx >= 0 && sx <= w && sy >= 0 && sy <= hh) { shown++; ys.push(sy); }
      }
      ys.sort((a, b) => a - b);
      const span = quantile(ys, 0.99) - quantile(ys, 0.01);
      assert(span >= 370, `the points on screen span ${span | 0} px of the 740 px screen height`);
      assert(shown >= 0.6 * n, `only ${shown} of ${n} points are in the first view`);
      // and that is what is drawn: the ink of a screenshot spans as much
      await page.addStyleTag({ content: '.atlas-labels{visibility:hidden!important}' });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const [top, bottom] = inkRows(decodePNG(await page.locator('canvas').screenshot()));
      assert(bottom - top >= 370, `drawn points span rows ${top}-${bottom} of the canvas`);
      await page.addStyleTag({ content: '.atlas-labels{visibility:visible!important}' });
    });

    await check(`${dataset}: cluster names show on the phone, inside the map`, async () => {
      await page.waitForFunction(() => [...document.querySelectorAll('.atlas-cluster')].filter((e) => !e.hidden).length >= 2, null, { timeout: 10000 });
      const stage = await page.locator('.atlas-stage').boundingBox();
      const boxes = await page.$$eval('.atlas-cluster', (els) => els.filter((e) => !e.hidden).map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent]; }));
      const inside = boxes.filter(([l, t, r, b]) => l >= stage.x - 1 && r <= stage.x + stage.width + 1 && t >= stage.y - 1 && b <= stage.y + stage.height + 1);
      assert(inside.length >= 2, `cluster names inside the map: ${JSON.stringify(boxes.map((b) => b[4]))}`);
    });

    await check(`${dataset}: the legend is a strip of chips under the map, at most 15 % of the height`, async () => {
      const chips = page.getByRole('group', { name: 'Legend' }).getByRole('button');
      await chips.first().waitFor({ timeout: 10000 });
      const strip = await page.locator('.atlas-chips').boundingBox();
      const canvas = await page.locator('canvas').boundingBox();
      assert(strip.height <= 0.15 * 740, `the strip is ${strip.height} px tall`);
      assert(strip.y >= canvas.y + canvas.height - 1 && strip.y + strip.height <= 741, `strip at ${strip.y}-${strip.y + strip.height}, map ends at ${canvas.y + canvas.height}`);
      const names = await chips.allTextContents();
      assert(names.length >= 2, `chips: ${JSON.stringify(names)}`);
      const first = await chips.first().boundingBox();
      assert(first.x >= 0 && first.x + first.width <= 360 && first.y >= strip.y, 'the first chip is not on screen');
    });

    await check(`${dataset}: a chip hides its category and shows it again`, async () => {
      const chip = page.getByRole('group', { name: 'Legend' }).getByRole('button').first();
      const name = (await chip.textContent()).replace(/[\d,]+$/, '');
      const count = () => page.locator('.atlas-count').textContent();
      const before = await count();
      await chip.tap();
      await page.waitForFunction((f) => location.hash.includes(`.${f}=`), config.colorBy, { timeout: 5000 });
      await page.waitForFunction((c) => document.querySelector('.atlas-count').textContent !== c, before, { timeout: 5000 });
      const off = page.getByRole('group', { name: 'Legend' }).getByRole('button', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first();
      assert(await off.getAttribute('aria-pressed') === 'false', `${name}: still pressed after a tap`);
      await off.tap();
      await page.waitForFunction((f) => !location.hash.includes(`.${f}=`), config.colorBy, { timeout: 5000 });
      await page.waitForFunction((c) => document.querySelector('.atlas-count').textContent === c, before, { timeout: 5000 });
    });

    await check(`${dataset}: the Legend button unfolds every chip, within 15 % of the height, and folds them back`, async () => {
      const fold = page.getByRole('button', { name: 'Legend', exact: true });
      const group = page.getByRole('group', { name: 'Legend' });
      const row = await page.locator('.atlas-chips').boundingBox();
      const seen = async () => {
        const g = await group.boundingBox();
        const boxes = await group.getByRole('button').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }));
        return boxes.filter(([l, t, r, b]) => l >= g.x - 1 && r <= g.x + g.width + 1 && t >= g.y - 1 && b <= g.y + g.height + 1).length;
      };
      const inRow = await seen();
      await fold.tap();
      assert(await fold.getAttribute('aria-expanded') === 'true', 'aria-expanded is not true');
      const all = await page.locator('.atlas-chips').boundingBox();
      assert(all.height <= 0.15 * 740 + 1 && all.y + all.height <= 741, `the unfolded strip is ${all.height} px tall`);
      const total = await group.getByRole('button').count();
      assert(await seen() >= Math.min(total, inRow + 1), `unfolded: ${await seen()} of ${total} chips in view (one row: ${inRow})`);
      await fold.tap();
      assert(await fold.getAttribute('aria-expanded') === 'false', 'aria-expanded stays true');
      assert((await page.locator('.atlas-chips').boundingBox()).height === row.height, 'the folded strip changed height');
    });
    await ctx.close();
  }
  await check('no console errors', async () => { assert(errors.length === 0, errors.join(' | ')); });
} finally {
  await browser.close();
  server.close();
}
finish();
