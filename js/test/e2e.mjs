#!/usr/bin/env node
// End-to-end check of the built viewer in real headless Chromium (Debian's /usr/bin/chromium via
// playwright-core). Usage: node test/e2e.mjs SITE_DIR DATASET
//
// Expects the tiny test dataset (js/bench/make_site.py --tiny, or the same entities through
// sitegen): entities "Émile Zola" (id1) and "<img src=x onerror=alert(1)>" (id0), and a category
// field "kind" that is "west" exactly for points with x < -0.3. Prints "N passed, N failed".
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e.mjs SITE_DIR DATASET'); process.exit(2); }

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png' };
function serve(root) {
  const abs = path.resolve(root);
  const server = http.createServer((req, res) => {
    let file = path.join(abs, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(abs)) return res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

/** Decode an 8-bit RGB(A) PNG (what Chromium's screenshots are). */
function decodePNG(buf) {
  let pos = 8, width = 0, height = 0, colorType = 6;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('ascii', pos + 4, pos + 8), data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); colorType = data[9]; }
    else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3, stride = width * bpp;
  const raw = zlib.inflateSync(Buffer.concat(idat)), px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], o = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[o + x - bpp] : 0, b = y > 0 ? px[o - stride + x] : 0, c = x >= bpp && y > 0 ? px[o - stride + x - bpp] : 0;
      let v = raw[y * (stride + 1) + 1 + x];
      if (f === 1) v += a; else if (f === 2) v += b; else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      px[o + x] = v & 255;
    }
  }
  return { width, height, bpp, px };
}
/** Count pixels differing from the top-left pixel's colour (the background) in a decoded image. */
function nonBackground(img) {
  const { width, height, bpp, px } = img;
  const bg = [px[0], px[1], px[2]];
  let k = 0;
  for (let i = 0; i < width * height; i++) {
    if (Math.abs(px[i * bpp] - bg[0]) + Math.abs(px[i * bpp + 1] - bg[1]) + Math.abs(px[i * bpp + 2] - bg[2]) > 24) k++;
  }
  return k;
}

const results = [];
async function check(name, fn) {
  try { await fn(); results.push([name, true]); console.log(`ok   ${name}`); }
  catch (e) { results.push([name, false]); console.log(`FAIL ${name}: ${e.message}`); }
}
const assert = (c, msg) => { if (!c) throw new Error(msg); };

const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}/${dataset}/index.html`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
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
  const canvasShot = async () => decodePNG(await page.locator('canvas').screenshot());
  const box = async () => page.locator('canvas').boundingBox();
  const idle = (ms = 400) => page.waitForTimeout(ms);

  await page.goto(base);
  await ready();
  await idle();

  await check('canvas shows points', async () => {
    await hideOverlays();
    const img = await canvasShot();
    const k = nonBackground(img);
    assert(k > 200, `only ${k} non-background pixels`);
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
    const input = page.getByRole('combobox', { name: 'Search' });
    await input.fill('img src');
    await page.waitForSelector('.atlas-results li');
    await input.press('Enter');
    await page.waitForFunction(() => location.hash.includes('sel=id0'), null, { timeout: 5000 });
    const h2 = await page.evaluate(() => document.querySelector('.atlas-detail h2').textContent);
    assert(h2 === '<img src=x onerror=alert(1)>', `heading is ${JSON.stringify(h2)}`);
    const imgs = await page.evaluate(() => [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length);
    assert(imgs === 0 && dialogs === 0, `injected: ${imgs} img, ${dialogs} dialogs`);
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

  await check('no console errors', async () => {
    assert(errors.length === 0, errors.join(' | '));
  });
} finally {
  await browser.close();
  server.close();
}
const passed = results.filter((r) => r[1]).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed ? 1 : 0);
