#!/usr/bin/env node
// End-to-end check of the built viewer in real headless Chromium (Debian's /usr/bin/chromium via
// playwright-core). Usage: node test/e2e.mjs SITE_DIR DATASET
//
// Expects the tiny test dataset (js/bench/make_site.py --tiny, or the same entities through
// sitegen): entities "Émile Zola" (id1) and "<img src=x onerror=alert(1)>" (id0), and a category
// field "kind" that is "west" exactly for points with x < -0.3. Prints "N passed, N failed".
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, decodePNG, nonBackground, nonBackgroundIn, blueOrange, ink, CHROME_ARGS, checks, searchHostileTitle } from './e2e-lib.mjs';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e.mjs SITE_DIR DATASET'); process.exit(2); }

const { check, assert, finish } = checks();

const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}/${dataset}/index.html`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [...CHROME_ARGS, '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const errors = [];
let dialogs = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  // a browser's automatic /favicon.ico request is not the viewer's
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url || '')) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const ready = () => page.waitForFunction(() => window.__atlasReady === true && window.__firstFrame > 0, null, { timeout: 30000 });
  const hideOverlays = () => page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
  const canvasShot = async () => { const png = await page.locator('canvas').screenshot(); if (process.env.E2E_SHOTS) fs.writeFileSync(`${process.env.E2E_SHOTS}/${Date.now()}.png`, png); return decodePNG(png); };
  const box = async () => page.locator('canvas').boundingBox();
  const idle = (ms = 400) => page.waitForTimeout(ms);
  /** A freshly loaded default view with labels and tooltip hidden, for pixel comparisons. */
  const freshCanvas = async () => {
    await page.goto(base);
    await page.reload();
    await ready();
    await hideOverlays();
    await idle();
  };

  await page.goto(base);
  await ready();
  await idle();

  await check('canvas shows points', async () => {
    await hideOverlays();
    const img = await canvasShot();
    const k = nonBackground(img);
    assert(k > 200, `only ${k} non-background pixels`);
  });

  await check('the initial view fits every point inside the canvas with a margin', async () => {
    // the tiny layout has points pinned at (-1, -1) and (1, 1): the fitted view puts them ~6 % in
    const img = await canvasShot();
    const { width: w, height: hh } = img;
    const m = Math.round(0.03 * Math.min(w, hh));
    // (the outermost 2 px rows and columns can hold the neighbouring border in a screenshot)
    const edge = nonBackgroundIn(img, 2, 2, w - 2, m) + nonBackgroundIn(img, 2, hh - m, w - 2, hh - 2)
      + nonBackgroundIn(img, 2, 2, m, hh - 2) + nonBackgroundIn(img, w - m, 2, w - 2, hh - 2);
    assert(edge === 0, `${edge} point pixels within ${m} px of the canvas edge`);
    const near = Math.round(0.1 * hh);
    const top = nonBackgroundIn(img, 0, 0, w, near), bottom = nonBackgroundIn(img, 0, hh - near, w, hh);
    assert(top > 0 && bottom > 0, `fit is not tight: top band ${top}, bottom band ${bottom}`);
    assert(!(await page.evaluate(() => location.hash)).includes('v='), 'the fitted view was written to the URL');
  });

  await check('search box is named "Search"', async () => {
    assert(await page.getByRole('combobox', { name: 'Search' }).count() === 1, 'no combobox named Search');
  });

  await check('typing in Search (no accents, a typo) + Enter selects the entity and updates the URL', async () => {
    const input = page.getByRole('combobox', { name: 'Search' });
    await input.fill('emile zloa');
    await page.waitForSelector('.atlas-results li');
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelector('.atlas-detail h2')?.textContent === 'Émile Zola', null, { timeout: 5000 });
    await page.waitForFunction(() => location.hash.includes('sel=id1'), null, { timeout: 5000 });
    const nb = await page.locator('.atlas-neighbors li').count();
    assert(nb > 0, 'no co-occurring entities listed');
    assert(await page.locator('.atlas-detail a[href*="e/"]').count() === 1, 'no entity page link');
  });

  await check('hover shows a tooltip', async () => {
    await idle(1200); // fly-to has centred the selection
    const b = await box();
    await page.mouse.move(b.x + b.width / 2 + 40, b.y + b.height / 2 + 40);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
    await page.waitForSelector('.atlas-tip:not([hidden])', { state: 'attached', timeout: 3000 });
    const t = await page.evaluate(() => document.querySelector('.atlas-tip').textContent);
    assert(t.includes('Émile Zola'), `tooltip says ${JSON.stringify(t)}`);
  });

  await check('an entity titled <img src=x onerror=alert(1)> shows as text', async () => {
    await searchHostileTitle(page, '.atlas-detail h2', () => dialogs);
  });

  await check('a filter reduces the visible count and clears filtered points from their region', async () => {
    await page.click('.atlas-close');
    await page.getByRole('combobox', { name: 'Search' }).fill('');
    await page.locator('canvas').focus();
    await page.keyboard.press('0');
    await page.mouse.move(1, 1);
    await idle(800);
    const b = await box();
    const s = Math.min(b.width, b.height) / 2;
    const westRight = Math.floor(b.width / 2 - 0.3 * s - 16);
    const region = async () => {
      const img = decodePNG(await page.screenshot({ clip: { x: b.x + 2, y: b.y + 2, width: westRight - 2, height: b.height - 4 } }));
      return nonBackground(img);
    };
    const before = await region();
    assert(before > 50, `west region already empty (${before})`);
    const count0 = await page.locator('.atlas-count').textContent();
    await page.locator('.atlas-field summary', { hasText: 'Kind' }).click();
    await page.getByRole('checkbox', { name: /east/ }).check();
    await page.getByRole('checkbox', { name: /Hide filtered-out/ }).check();
    await idle(600);
    const count1 = await page.locator('.atlas-count').textContent();
    const [v0, v1] = [count0, count1].map((t) => +t.split(' of ')[0].replace(/,/g, ''));
    assert(v1 < v0 && v1 > 0, `count ${count0} -> ${count1}`);
    const after = await region();
    assert(after === 0, `${after} non-background pixels left in the filtered region (was ${before})`);
    assert((await page.evaluate(() => location.hash)).includes('f.kind=east'), 'filter not in the URL');
  });

  await check('reloading the URL restores the state', async () => {
    const hash = await page.evaluate(() => location.hash);
    const count = await page.locator('.atlas-count').textContent();
    await page.reload();
    await ready();
    await idle();
    assert(await page.evaluate(() => location.hash) === hash, 'hash changed on reload');
    assert(await page.locator('.atlas-count').textContent() === count, 'visible count not restored');
    assert(await page.getByRole('checkbox', { name: /Hide filtered-out/ }).isChecked(), 'hide toggle not restored');
  });

  await check('back and forward move through state', async () => {
    const h1 = await page.evaluate(() => location.hash);
    await page.goBack();
    await idle(500);
    const h0 = await page.evaluate(() => location.hash);
    assert(h0 !== h1, 'back did not change the state');
    await page.goForward();
    await idle(500);
    assert(await page.evaluate(() => location.hash) === h1, 'forward did not restore');
    const count = await page.locator('.atlas-count').textContent();
    assert(!count.startsWith('400 '), `filter not re-applied after forward (${count})`);
  });

  await check('a selection link reproduces the selection', async () => {
    await page.goto(`${base}#sel=id1&v=0.2,-0.4,4`);
    await ready();
    await page.waitForFunction(() => document.querySelector('.atlas-detail h2')?.textContent === 'Émile Zola', null, { timeout: 5000 });
  });

  await check('key 0 flies back to the fitted view', async () => {
    await page.goto(base);
    await ready();
    await page.locator('canvas').focus();
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => location.hash.includes('v='), null, { timeout: 3000 });
    await page.keyboard.press('0');
    await page.waitForFunction(() => !location.hash.includes('v='), null, { timeout: 3000 });
  });

  await check('switching off every legend category shows nothing, with a way back', async () => {
    await page.goto(base);
    await page.reload();
    await ready();
    const legend = page.locator('.atlas-legend button.atlas-swatch-row');
    const k = await legend.count();
    assert(k === 2, `${k} legend entries`);
    await legend.nth(0).click();
    await legend.nth(1).click();
    await page.waitForFunction(() => document.querySelector('.atlas-count')?.textContent.startsWith('0 of'), null, { timeout: 3000 });
    assert(await page.locator('.atlas-empty').isVisible(), 'no "nothing matches" note on the map');
    await hideOverlays();
    await page.getByRole('checkbox', { name: /Hide filtered-out/ }).check();
    await idle(400);
    await page.addStyleTag({ content: '.atlas-empty{visibility:hidden!important}' });
    const shot = await canvasShot();
    const left = nonBackgroundIn(shot, 2, 2, shot.width - 2, shot.height - 2);
    assert(left === 0, `${left} point pixels drawn with every category off`);
    await page.getByRole('button', { name: /show all/i }).click();  // the legend's reset
    await page.waitForFunction(() => document.querySelector('.atlas-count')?.textContent.startsWith('400 of'), null, { timeout: 3000 });
    assert(!(await page.locator('.atlas-empty').isVisible()), 'note still shown');
  });

  await check('"Show my list" highlights and counts the pasted names', async () => {
    await freshCanvas();
    const before = ink(await canvasShot());
    await page.getByRole('textbox', { name: /My list/ }).fill('Emile Zola\nzola companion\nNo Such Entity Here');
    await page.getByRole('button', { name: /show my list/i }).click();
    await page.waitForFunction(() => /2 of 3 matched/.test(document.querySelector('.atlas-list-out')?.textContent || ''), null, { timeout: 5000 });
    const out = await page.locator('.atlas-list-out').textContent();
    assert(out.includes('No Such Entity Here'), `unmatched names not reported: ${out}`);
    await idle(400);
    const img = await canvasShot();
    const after = ink(img);
    assert(after < before * 0.75, `the rest is not dimmed (ink ${before} -> ${after})`);
    // Émile Zola (0.2, -0.4) is drawn highlighted: larger, with a ring, full brightness
    const { width: w, height: hh } = img;
    const s = 0.88 * Math.min(w, hh) / 2;
    const cx = Math.round(w / 2 + 0.2 * s), cy = Math.round(hh / 2 + 0.4 * s);
    let bright = 0;
    for (let y = cy - 8; y <= cy + 8; y++) for (let x = cx - 8; x <= cx + 8; x++) { const i = (y * w + x) * img.bpp; if (img.px[i] + img.px[i + 1] + img.px[i + 2] > 600) bright++; }
    assert(bright > 3, `no highlight ring at Émile Zola (${cx}, ${cy})`);
    assert((await page.evaluate(() => location.hash)).includes('list='), 'short list not in the URL');
    await page.getByRole('button', { name: /clear my list/i }).click();
    await page.waitForFunction(() => !location.hash.includes('list='), null, { timeout: 3000 });
  });

  await check('a search hit that is neither hovered nor selected is drawn with its ring', async () => {
    // the map's own pass has no ring code (renderer.js): hits get theirs from the rings' pass
    await freshCanvas();
    await page.mouse.move(1, 1);
    const bright = (img) => {
      // Zola Companion sits at (-0.6, 0.6)
      const { width: w, height: hh } = img;
      const s = 0.88 * Math.min(w, hh) / 2;
      const cx = Math.round(w / 2 - 0.6 * s), cy = Math.round(hh / 2 - 0.6 * s);
      let k = 0;
      for (let y = cy - 8; y <= cy + 8; y++) for (let x = cx - 8; x <= cx + 8; x++) { const i = (y * w + x) * img.bpp; if (img.px[i] + img.px[i + 1] + img.px[i + 2] > 600) k++; }
      return k;
    };
    const before = bright(await canvasShot());
    await page.getByRole('combobox', { name: 'Search' }).fill('zola companion');
    await page.waitForSelector('.atlas-results li');
    await idle(400);
    const after = bright(await canvasShot());
    assert(after > before + 3, `no ring at the hit Zola Companion (bright pixels ${before} -> ${after})`);
    await page.getByRole('combobox', { name: 'Search' }).fill('');
  });

  await check('the layout switch animates the points into the other layout and updates the URL', async () => {
    await freshCanvas();
    const b = await box();
    const right = Math.round(b.width * 0.68);
    const before = blueOrange(await canvasShot(), right, b.width);
    assert(before.orange > 50 && before.blue === 0, `umap: right side ${JSON.stringify(before)}`);
    // count the frames drawn while the points travel
    await page.evaluate(() => {
      window.__frames = 0;
      const tick = () => { window.__frames++; if (window.__frames < 1000) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      const c = document.querySelector('canvas'), gl = c.getContext('webgl2') || c.getContext('webgl');
      const draw = gl.drawArrays.bind(gl);
      window.__draws = 0;
      gl.drawArrays = (...a) => { window.__draws++; return draw(...a); };
    });
    await page.getByRole('combobox', { name: 'Layout' }).selectOption('tsne');
    await page.waitForFunction(() => location.hash.includes('var=tsne'), null, { timeout: 3000 });
    await idle(1600);
    const draws = await page.evaluate(() => window.__draws);
    assert(draws >= 6, `only ${draws} draw calls during the switch: not animated`);
    const after = blueOrange(await canvasShot(), right, b.width);
    // t-SNE is the mirror image in the tiny site: the west (blue) points are now on the right
    assert(after.blue > 50 && after.blue > after.orange, `t-SNE: right side ${JSON.stringify(after)}`);
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('var='), null, { timeout: 3000 });
  });

  await check('a touch pinch zooms the map', async () => {
    const ctx = await browser.newContext({ viewport: { width: 400, height: 700 }, hasTouch: true, isMobile: true });
    const tp = await ctx.newPage();
    tp.on('pageerror', (e) => errors.push(String(e)));
    try {
      await tp.goto(base);
      await tp.waitForFunction(() => window.__atlasReady === true && window.__firstFrame > 0, null, { timeout: 30000 });
      const b = await tp.locator('canvas').boundingBox();
      const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
      const cdp = await ctx.newCDPSession(tp);
      const touch = (type, d) => cdp.send('Input.dispatchTouchEvent', {
        type, touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }],
      });
      const fit = await tp.evaluate(() => window.__atlasView()[0].k);
      // Wait for states, never for time: a frame between moves (Chromium hands touch moves to the page
      // once per frame), then the view the whole pinch gives, then the URL written from it. (The URL is
      // written 150 ms after the view last moved: under load a fixed pause between moves outlasted that,
      // the URL then held a half-done pinch, and reading it as soon as any `v=` appeared was flaky.)
      const frame = () => tp.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      await touch('touchStart', 30);
      for (let d = 40; d <= 120; d += 10) { await touch('touchMove', d); await frame(); }
      await touch('touchEnd', 0);
      await tp.waitForFunction((f) => window.__atlasView()[0].k > f * 3.5, fit, { timeout: 10000 })
        .catch(async () => { throw new Error(`zoom after a 4x pinch is ${await tp.evaluate(() => window.__atlasView()[0].k)} (fit ${fit})`); });
      const k = await tp.evaluate(() => window.__atlasView()[0].k);
      await tp.waitForFunction((want) => {
        const v = new URLSearchParams(location.hash.slice(1)).get('v');
        return v && Math.abs(+v.split(',')[2] / want - 1) < 0.01;
      }, k, { timeout: 10000 });
    } finally {
      await ctx.close();
    }
  });

  await check('every control has an accessible name, Tab reaches it, and focus is visible', async () => {
    await page.goto(base);
    await page.reload();
    await ready();
    // open the closed <details> so their controls count too
    await page.evaluate(() => document.querySelectorAll('.atlas-field').forEach((d) => { d.open = true; }));
    const report = await page.evaluate(() => {
      const sel = 'button, input, select, textarea, a[href], summary, [tabindex]:not([tabindex="-1"])';
      const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
      const nameOf = (el) => {
        const t = (x) => (x || '').replace(/\s+/g, ' ').trim();
        if (t(el.getAttribute('aria-label'))) return t(el.getAttribute('aria-label'));
        const by = el.getAttribute('aria-labelledby');
        if (by) return t(by.split(' ').map((id) => document.getElementById(id)?.textContent).join(' '));
        if (el.labels?.length) return t([...el.labels].map((l) => l.textContent).join(' '));
        if (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName)) return t(el.textContent) || t(el.title);
        return t(el.title);
      };
      const els = [...document.querySelectorAll('#atlas ' + sel.split(', ').join(', #atlas '))].filter((el) => !el.disabled && visible(el));
      els.forEach((el, k) => { el.dataset.e2e = String(k); });
      return els.map((el) => ({ k: el.dataset.e2e, tag: el.tagName, name: nameOf(el) }));
    });
    const unnamed = report.filter((r) => !r.name);
    assert(unnamed.length === 0, `no accessible name: ${JSON.stringify(unnamed)}`);
    await page.evaluate(() => document.activeElement?.blur());
    const reached = new Set();
    const unringed = [];
    for (let t = 0; t < report.length + 10; t++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || !el.dataset.e2e) return null;
        const cs = getComputedStyle(el);
        return { k: el.dataset.e2e, ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
      });
      if (!f) continue;
      reached.add(f.k);
      if (!f.ring) unringed.push(f.k);
    }
    const missed = report.filter((r) => !reached.has(r.k));
    assert(missed.length === 0, `Tab never reaches: ${JSON.stringify(missed.slice(0, 8))}`);
    assert(unringed.length === 0, `no visible focus ring on: ${JSON.stringify(report.filter((r) => unringed.includes(r.k)).slice(0, 8))}`);
  });

  await check('no console errors', async () => {
    assert(errors.length === 0, errors.join(' | '));
  });
} finally {
  await browser.close();
}

// a separate browser without WebGL: the sentence, the overview image, and a search that links to
// the entity pages
const noGL = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [...CHROME_ARGS, '--disable-webgl', '--disable-3d-apis'] });
try {
  const page = await noGL.newPage({ viewport: { width: 1000, height: 700 } });
  const errs = [];
  page.on('pageerror', (e) => errs.push(String(e)));
  await check('without WebGL: a message, the overview image and a search linking to entity pages', async () => {
    await page.goto(base);
    await page.waitForSelector('.atlas-nogl', { timeout: 15000 });
    const msg = await page.locator('.atlas-nogl').textContent();
    assert(/WebGL/.test(msg), `message: ${msg}`);
    await page.waitForFunction(() => { const i = document.querySelector('img.atlas-overview'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 10000 });
    assert(await page.locator('canvas').count() === 0, 'a canvas is still on the page');
    const input = page.getByRole('combobox', { name: 'Search' });
    await input.fill('emile zola');
    await page.waitForSelector('.atlas-results li a', { timeout: 10000 });
    const href = await page.locator('.atlas-results li a').first().getAttribute('href');
    assert(/\/e\/emile-zola[^/]*\.html$/.test(href), `first result links to ${href}`);
    await input.press('Enter');
    await page.waitForURL(/\/e\/emile-zola[^/]*\.html$/, { timeout: 10000 });
    assert((await page.locator('h1').first().textContent()).includes('Émile Zola'), 'entity page has another title');
    assert(errs.length === 0, errs.join(' | '));
  });
} finally {
  await noGL.close();
  server.close();
}

// Cluster labels from meta.clusters: drawn as map labels, names shown as text (untrusted metadata).
{
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROME_ARGS });
  const server2 = await serve(siteDir);
  const url = `http://127.0.0.1:${server2.address().port}/${dataset}/index.html`;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let dialog = false;
    page.on('dialog', async (d) => { dialog = true; await d.dismiss(); });
    await page.goto(url);
    await check('cluster labels are drawn on the map, their names as text', async () => {
      await page.waitForSelector('.atlas-cluster', { timeout: 15000 });
      const texts = await page.$$eval('.atlas-cluster', (els) => els.map((e) => e.textContent));
      assert(texts.some((t) => t.includes('<b>West</b> side')), `cluster texts: ${JSON.stringify(texts)}`);
      assert(texts.some((t) => t.includes('East side')), `cluster texts: ${JSON.stringify(texts)}`);
      assert(await page.$$eval('.atlas-cluster b', (els) => els.length) === 0, 'markup in a cluster name was parsed');
      assert(!dialog, 'a dialog opened');
    });
  } finally {
    await browser.close();
    server2.close();
  }
}
finish();
