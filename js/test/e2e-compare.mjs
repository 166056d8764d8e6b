#!/usr/bin/env node
// End-to-end check of the compare page (dist/<dataset>/compare.html) in real headless Chromium.
// Usage: node test/e2e-compare.mjs SITE_DIR DATASET
//
// Expects the tiny test dataset of tests/test_viewer_browser.py: layouts "umap" (the default) and
// "tsne" = -umap, both spanning [-1, 1]^2; "Émile Zola" (id1) at (0.2, -0.4) in umap with co-occurring
// entities, "<img src=x onerror=alert(1)>" (id0). Prints "N passed, N failed".
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, decodePNG, bgOf, nonBackground, CHROME_ARGS, checks, searchHostileTitle } from './e2e-lib.mjs';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e-compare.mjs SITE_DIR DATASET'); process.exit(2); }

const { check, assert, finish } = checks();

/** Pixels that differ between two same-sized decoded images inside [x0, x1) x [y0, y1) (all when omitted). */
function changed(a, b, x0 = 0, y0 = 0, x1 = a.width, y1 = a.height) {
  let k = 0;
  for (let y = Math.max(0, y0 | 0); y < Math.min(a.height, y1); y++) {
    for (let x = Math.max(0, x0 | 0); x < Math.min(a.width, x1); x++) {
      const i = (y * a.width + x) * a.bpp, j = (y * b.width + x) * b.bpp;
      if (Math.abs(a.px[i] - b.px[j]) + Math.abs(a.px[i + 1] - b.px[j + 1]) + Math.abs(a.px[i + 2] - b.px[j + 2]) > 40) k++;
    }
  }
  return k;
}

const server = await serve(siteDir);
const root = `http://127.0.0.1:${server.address().port}/${dataset}`;
const url = `${root}/compare.html`;
const launch = (extra) => chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [...CHROME_ARGS, ...extra] });
const browser = await launch(['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']);
const errors = [];
let dialogs = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url || '')) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const ready = () => page.waitForFunction(() => window.__atlasReady === true && window.__firstFrame > 0, null, { timeout: 30000 });
  const hideOverlays = () => page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
  const canvases = page.locator('canvas.atlas-canvas');
  const shot = async (k) => {
    const png = await canvases.nth(k).screenshot();
    if (process.env.E2E_SHOTS) fs.writeFileSync(`${process.env.E2E_SHOTS}/compare-${Date.now()}-${k}.png`, png);
    return decodePNG(png);
  };
  /** Page position of data point (x, y) in canvas k under the fitted view (layouts span [-1, 1]^2, 6 % margin). */
  const at = async (k, x, y) => {
    const b = await canvases.nth(k).boundingBox();
    const s = Math.min(b.width, b.height) * 0.44;
    return { x: b.x + b.width / 2 + x * s, y: b.y + b.height / 2 - y * s, local: [b.width / 2 + x * s, b.height / 2 - y * s] };
  };
  const idle = (ms = 400) => page.waitForTimeout(ms);
  const zola = { a: [0.2, -0.4], b: [-0.2, 0.4] }; // id1 in umap (left) and tsne (right)

  await page.goto(url);
  await ready();
  await idle();

  await check('both canvases draw points, side by side', async () => {
    assert(await canvases.count() === 2, `${await canvases.count()} canvases`);
    await hideOverlays();
    for (const k of [0, 1]) {
      const n = nonBackground(await shot(k));
      assert(n > 200, `canvas ${k}: only ${n} non-background pixels`);
    }
    const [l, r] = [await canvases.nth(0).boundingBox(), await canvases.nth(1).boundingBox()];
    assert(r.x >= l.x + l.width - 2 && Math.abs(r.y - l.y) < 2, `not side by side: ${JSON.stringify([l, r])}`);
    const sel = await page.evaluate(() => [...document.querySelectorAll('.cmp-head select')].map((s) => s.value));
    assert(sel.join() === 'umap,tsne', `layouts ${sel}`);
  });

  await check('the two canvases show different layouts (tsne is the mirror image)', async () => {
    const [a, b] = [await shot(0), await shot(1)];
    const bg = bgOf(a);
    const close = (i, j) => Math.abs(a.px[i] - b.px[j]) + Math.abs(a.px[i + 1] - b.px[j + 1]) + Math.abs(a.px[i + 2] - b.px[j + 2]) < 60;
    let ink = 0, mirrored = 0, direct = 0;
    for (let y = 0; y < a.height; y += 2) for (let x = 0; x < a.width; x += 2) {
      const i = (y * a.width + x) * a.bpp;
      if (Math.abs(a.px[i] - bg[0]) + Math.abs(a.px[i + 1] - bg[1]) + Math.abs(a.px[i + 2] - bg[2]) < 40) continue;
      ink++;
      // within a pixel: the mirror image of an anti-aliased edge can land half a pixel off
      const near = (mx, my) => [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => {
        const xx = mx + dx, yy = my + dy;
        return xx >= 0 && yy >= 0 && xx < b.width && yy < b.height && close(i, (yy * b.width + xx) * b.bpp);
      }));
      if (near(a.width - 1 - x, a.height - 1 - y)) mirrored++;
      if (near(x, y)) direct++;
    }
    assert(ink > 100 && mirrored / ink > 0.8 && direct / ink < 0.5, `point pixels ${ink}: ${mirrored} match the mirror image, ${direct} the same spot`);
  });

  await check('hovering an entity on the left shows a tooltip there and a ring at the same entity on the right', async () => {
    const before = await shot(1);
    const p = await at(0, ...zola.a);
    await page.mouse.move(p.x + 30, p.y + 30);
    await page.mouse.move(p.x, p.y, { steps: 4 });
    await page.waitForFunction(() => [...document.querySelectorAll('.atlas-tip')].some((t) => !t.hidden), null, { timeout: 3000 });
    const tips = await page.evaluate(() => [...document.querySelectorAll('.cmp-pane')].map((pane) => {
      const t = pane.querySelector('.atlas-tip');
      return t && !t.hidden ? t.textContent : null;
    }));
    assert(tips[0]?.includes('Émile Zola') && tips[1] === null, `tooltips ${JSON.stringify(tips)}`);
    await idle(200);
    const after = await shot(1);
    const q = (await at(1, ...zola.b)).local;
    const near = changed(before, after, q[0] - 30, q[1] - 30, q[0] + 30, q[1] + 30);
    const total = changed(before, after);
    assert(near > 40, `only ${near} pixels changed around the entity on the right`);
    assert(total - near < 20, `${total - near} pixels changed elsewhere on the right`);
  });

  await check('clicking selects in both panes, draws the co-occurrence lines and updates the URL', async () => {
    const before = await shot(1);
    const p = await at(0, ...zola.a);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => location.hash.includes('sel=id1'), null, { timeout: 5000 });
    await page.waitForFunction(() => document.querySelector('.cmp-detail h2')?.textContent === 'Émile Zola', null, { timeout: 5000 });
    const rows = await page.locator('.cmp-table tbody tr').count();
    assert(rows > 0, 'no co-occurring entities listed');
    const ranks = await page.evaluate(() => [...document.querySelectorAll('.cmp-table tbody tr')].map((tr) => [...tr.cells].slice(2).map((c) => +c.textContent)));
    assert(ranks.every(([a, b]) => a >= 1 && b >= 1), `ranks ${JSON.stringify(ranks)}`);
    // tsne is the mirror image of umap: every distance, so every rank, is the same on both sides
    assert(ranks.every(([a, b]) => a === b), `mirror layouts give different ranks ${JSON.stringify(ranks)}`);
    await page.mouse.move(2, 2);
    await idle(300);
    const after = await shot(1);
    assert(changed(before, after) > 200, 'the right canvas did not change on selection');
    assert(await page.locator('.cmp-detail a[href*="e/"]').count() === 1, 'no entity page link');
  });

  await check('hovering a co-occurring entity in the list rings it in both panes', async () => {
    const [a0, b0] = [await shot(0), await shot(1)];
    await page.locator('.cmp-table tbody tr').first().hover();
    await idle(200);
    const [a1, b1] = [await shot(0), await shot(1)];
    assert(changed(a0, a1) > 40 && changed(b0, b1) > 40, `changes: left ${changed(a0, a1)}, right ${changed(b0, b1)}`);
    await page.mouse.move(2, 2);
  });

  await check('reloading restores the selection and the layouts', async () => {
    const hash = await page.evaluate(() => location.hash);
    await page.reload();
    await ready();
    await page.waitForFunction(() => document.querySelector('.cmp-detail h2')?.textContent === 'Émile Zola', null, { timeout: 5000 });
    assert(await page.evaluate(() => location.hash) === hash, 'hash changed on reload');
  });

  await check('choosing the other layout for A swaps the sides; back and forward work', async () => {
    await page.locator('.cmp-head select').first().selectOption('tsne');
    await page.waitForFunction(() => location.hash.includes('a=tsne') && location.hash.includes('b=umap'), null, { timeout: 3000 });
    let sel = await page.evaluate(() => [...document.querySelectorAll('.cmp-head select')].map((s) => s.value));
    assert(sel.join() === 'tsne,umap', `selects ${sel}`);
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('a='), null, { timeout: 3000 });
    sel = await page.evaluate(() => [...document.querySelectorAll('.cmp-head select')].map((s) => s.value));
    assert(sel.join() === 'umap,tsne', `after back: ${sel}`);
    assert((await page.evaluate(() => location.hash)).includes('sel=id1'), 'selection lost on back');
    await page.goForward();
    await page.waitForFunction(() => location.hash.includes('a=tsne'), null, { timeout: 3000 });
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('a='), null, { timeout: 3000 });
  });

  await check('search selects in both; an entity titled <img src=x onerror=alert(1)> shows as text', async () => {
    await searchHostileTitle(page, '.cmp-detail h2', () => dialogs);
    assert(await page.title() && !(await page.title()).includes('<img'), 'page title');
  });

  await check('the viewer links to the compare page with its layout and selection', async () => {
    await page.goto(`${root}/index.html#sel=id1`);
    await ready();
    const link = page.getByRole('link', { name: 'Compare layouts' });
    await link.waitFor({ timeout: 5000 });
    await link.click();
    await page.waitForURL(/compare\.html#sel=id1$/, { timeout: 5000 });
    await ready();
    await page.waitForFunction(() => document.querySelector('.cmp-detail h2')?.textContent === 'Émile Zola', null, { timeout: 5000 });
  });

  await check('on a phone the panes are stacked and both draw', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await idle(600);
    await hideOverlays();
    const [t, b] = [await canvases.nth(0).boundingBox(), await canvases.nth(1).boundingBox()];
    assert(b.y >= t.y + t.height - 2 && Math.abs(b.x - t.x) < 2 && t.width > 300, `not stacked: ${JSON.stringify([t, b])}`);
    for (const k of [0, 1]) {
      const n = nonBackground(await shot(k));
      assert(n > 100, `canvas ${k}: only ${n} non-background pixels`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
    assert(!overflow, 'the page scrolls sideways');
  });

  await check('no console errors', async () => {
    assert(errors.length === 0, errors.join(' | '));
  });
} finally {
  await browser.close();
}

const noGL = await launch(['--disable-webgl', '--disable-3d-apis']);
try {
  const page = await noGL.newPage({ viewport: { width: 1000, height: 700 } });
  const errs = [];
  page.on('pageerror', (e) => errs.push(String(e)));
  await check('without WebGL: a message linking each layout\'s own page', async () => {
    await page.goto(url);
    await page.waitForSelector('.atlas-nogl', { timeout: 15000 });
    const hrefs = await page.locator('.atlas-nogl a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(hrefs.some((h) => /\/index\.html$/.test(h)) && hrefs.some((h) => /tsne\/index\.html$/.test(h)), `links ${hrefs}`);
    assert(errs.length === 0, errs.join(' | '));
  });
} finally {
  await noGL.close();
  server.close();
}
finish();
