#!/usr/bin/env node
// End-to-end checks of "Select area" and "Table" (issue 10) in real headless Chromium on the tiny
// test site (see e2e.mjs: 400 entities, "kind" is "west" exactly where x < -0.3). The expected
// selections are computed here from the site's own point file and id shard, decoded with the viewer's
// decoders, and the screen positions the page uses for a view given in the URL.
// Usage: node test/e2e-select.mjs SITE_DIR DATASET
import fs from 'node:fs';
import { serve, decodePNG, bgOf, checks, launchGL, pageOpener } from './e2e-lib.mjs';
import { decodePoints, positions, categoryColumn } from '../src/format.js';
import { decodeMsgpack, strs } from '../src/msgpack.js';
import { dataToScreen } from '../src/camera.js';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e-select.mjs SITE_DIR DATASET'); process.exit(2); }
const { check, assert, finish } = checks();
const server = await serve(siteDir);
const origin = `http://127.0.0.1:${server.address().port}`;
const base = `${origin}/${dataset}/index.html`;
const browser = await launchGL();
const VIEW = 'v=0,0,1'; // a known view: data (0, 0) at the canvas centre, [-1, 1] across its shorter side

// ---- the site's data, as the viewer decodes it
const html = fs.readFileSync(`${siteDir}/${dataset}/index.html`, 'utf8');
const config = JSON.parse(/<script type="application\/json" id="atlas-config">([\s\S]*?)<\/script>/.exec(html)[1]);
const dataFile = (rel) => fs.readFileSync(`${siteDir}/${dataset}/${config.root || ''}${rel}`);
assert(config.points.length === 1 && config.shards.length === 1, 'the tiny site should be one point chunk and one shard');
const bytes = dataFile(config.points[0]);
const table = decodePoints(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const xy = positions(table, config.variant);
const N = table.n;
const shard = decodeMsgpack(dataFile(config.shards[0]));
const ids = strs(shard.ids), labels = strs(shard.labels);
const kindCats = config.fields.find((f) => f.name === 'kind').categories;
const kind = categoryColumn(table, 'kind').codes;
const nouns = config.nouns;

/** Even-odd point-in-polygon (flat [x, y, ...]), and the distance to the outline. */
function inside(poly, px, py) {
  let odd = false;
  for (let k = 0, j = poly.length - 2; k < poly.length; j = k, k += 2) {
    const ax = poly[j], ay = poly[j + 1], bx = poly[k], by = poly[k + 1];
    if ((ay <= py) !== (by <= py) && px < ax + ((py - ay) * (bx - ax)) / (by - ay)) odd = !odd;
  }
  return odd;
}
function edgeDistance(poly, px, py) {
  let best = Infinity;
  for (let k = 0, j = poly.length - 2; k < poly.length; j = k, k += 2) {
    const ax = poly[j], ay = poly[j + 1], dx = poly[k] - ax, dy = poly[k + 1] - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
  }
  return best;
}
/**
 * The entities inside `poly` (canvas px, flat) for the page's canvas size: {idx, ids}. Throws when a
 * point lies within 1.5 px of the outline (pixel rounding could then decide it): pick another shape.
 */
function expectedInside(page, poly) {
  const idx = [];
  for (let i = 0; i < N; i++) {
    const [sx, sy] = dataToScreen(page.view, page.w, page.h, xy[2 * i], xy[2 * i + 1]);
    if (edgeDistance(poly, sx, sy) < 1.5) throw new Error(`point ${i} lies on the test's outline`);
    if (inside(poly, sx, sy)) idx.push(i);
  }
  return { idx, ids: idx.map((i) => ids.get(i)) };
}
/** A five-pointed star (concave) centred at canvas (cx, cy), flat canvas px. */
const star = (cx, cy, r) => Array.from({ length: 10 }, (_, k) => {
  const a = (Math.PI * k) / 5 - Math.PI / 2, rr = k % 2 ? r * 0.45 : r;
  return [Math.round(cx + rr * Math.cos(a)), Math.round(cy + rr * Math.sin(a))];
}).flat();
/** The first of `make(dx, dy)` (shapes shifted by a few px) with no point on its outline: {poly, want}. */
function clearShape(page, make) {
  for (let k = 0; k < 200; k++) {
    const poly = make((k % 15) * 3, Math.floor(k / 15) * 3);
    try { return { poly, want: expectedInside(page, poly) }; } catch { /* a point on the outline: shift it */ }
  }
  throw new Error('no placement of the test shape keeps its outline off every point');
}
const said = (k) => `${k} ${k === 1 ? nouns.entity : nouns.entities} selected`;

const errors = [];
const newPage = pageOpener(browser, errors);
/** Open `hash` (`view` added) and wait for the viewer; page.bx, by, w, h: the canvas in the page. */
async function open(page, hash = '', view = VIEW) {
  await page.goto(`${base}#${[view, hash].filter(Boolean).join('&')}`);
  const [x, y, k] = view.slice(2).split(',').map(Number);
  page.view = { x, y, k };
  await page.waitForFunction(() => window.__atlasReady === true && window.__firstFrame > 0, null, { timeout: 30000 });
  await measure(page);
}
async function measure(page) {
  const r = await page.evaluate(() => { const c = document.querySelector('canvas'), b = c.getBoundingClientRect(); return [b.left, b.top, c.clientWidth, c.clientHeight]; });
  [page.bx, page.by, page.w, page.h] = r;
}
/** The ids in the URL's area parameter ('' none). */
const urlArea = (page) => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('area') || '');
const areaText = (page) => page.evaluate(() => { const e = document.querySelector('.atlas-area'); return e && !e.hidden ? e.textContent : ''; });
/** Draw `poly` (canvas px) with the mouse, vertex by vertex (each vertex one pointer event). */
async function mouseOutline(page, poly, shift = false) {
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.move(page.bx + poly[0], page.by + poly[1]);
  await page.mouse.down();
  for (let k = 2; k < poly.length; k += 2) await page.mouse.move(page.bx + poly[k], page.by + poly[k + 1]);
  await page.mouse.up();
  if (shift) await page.keyboard.up('Shift');
}
/** Summed distance from the background colour in a box of `r` CSS px around data point i (view: {x, y, k}). */
function inkAround(page, img, view, i, r) {
  const [sx, sy] = dataToScreen(view, page.w, page.h, xy[2 * i], xy[2 * i + 1]);
  const f = img.width / page.w, bg = bgOf(img);
  let t = 0;
  for (let y = Math.max(0, Math.floor((sy - r) * f)); y < Math.min(img.height, (sy + r) * f); y++) {
    for (let x = Math.max(0, Math.floor((sx - r) * f)); x < Math.min(img.width, (sx + r) * f); x++) {
      const o = (y * img.width + x) * img.bpp;
      t += Math.abs(img.px[o] - bg[0]) + Math.abs(img.px[o + 1] - bg[1]) + Math.abs(img.px[o + 2] - bg[2]);
    }
  }
  return t;
}
const sameSet = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

try {
  const page = await newPage({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
  let lasso = null;

  await check('"Select area" then a lasso drawn with the mouse selects exactly the points inside it', async () => {
    await open(page);
    const button = page.getByRole('button', { name: 'Select area' });
    await button.click();
    assert(await button.getAttribute('aria-pressed') === 'true', 'the button is not pressed');
    const { poly, want } = clearShape(page, (dx, dy) => star(Math.round(page.w / 2) - 40 + dx, Math.round(page.h / 2) + 10 + dy, 170));
    lasso = want;
    assert(lasso.idx.length >= 10 && lasso.idx.length <= 200, `the test's star holds ${lasso.idx.length} points`);
    await mouseOutline(page, poly);
    await page.waitForFunction(() => location.hash.includes('area='));
    const got = (await urlArea(page)).split(' ');
    assert(sameSet(got, lasso.ids), `selected ${got.length}: ${got.slice(0, 8)}…; inside ${lasso.ids.length}: ${lasso.ids.slice(0, 8)}…`);
    assert(await areaText(page) === `${said(lasso.idx.length)} Clear`, `count line: ${await areaText(page)}`);
    assert(await button.getAttribute('aria-pressed') === 'false', 'the mode stays on after a lasso');
    assert((await page.evaluate(() => location.hash)).includes(VIEW.replace(/,/g, '%2C')), 'drawing the lasso moved the map');
  });

  await check('the selection is highlighted on the map (the points outside it fade)', async () => {
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip,.atlas-area{visibility:hidden!important}' });
    const shot = async () => decodePNG(await page.locator('canvas').screenshot());
    const box = (img, i) => inkAround(page, img, { x: 0, y: 0, k: 1 }, i, 3);
    const inArea = lasso.idx.slice(0, 5);
    const outside = [...Array(N).keys()].filter((i) => !lasso.idx.includes(i)).slice(0, 40);
    const withSel = await shot();
    await page.keyboard.press('Escape'); // clears it (the canvas has no details open)
    await page.waitForFunction(() => !location.hash.includes('area='));
    const without = await shot();
    // points far from others: their own pixels only
    const sum = (img, list) => list.reduce((a, i) => a + box(img, i), 0);
    assert(sum(withSel, outside) < 0.6 * sum(without, outside), `outside the area: ${sum(withSel, outside)} vs ${sum(without, outside)} without a selection`);
    assert(sum(withSel, inArea) >= 0.9 * sum(without, inArea), `inside the area: ${sum(withSel, inArea)} vs ${sum(without, inArea)}`);
    await page.goBack(); // the selection again, from the URL
    await page.waitForFunction(() => location.hash.includes('area='));
  });

  await check('Shift-drag draws a box without the mode; a Shift-click still selects a point', async () => {
    await open(page);
    let rect = null;
    const { want } = clearShape(page, (dx, dy) => {
      rect = [Math.round(page.w * 0.55) + dx, Math.round(page.h * 0.2) + dy, Math.round(page.w * 0.75) - dy, Math.round(page.h * 0.45) - dx];
      return [rect[0], rect[1], rect[2], rect[1], rect[2], rect[3], rect[0], rect[3]];
    });
    assert(want.idx.length >= 5, `the test's box holds ${want.idx.length} points`);
    await mouseOutline(page, [rect[0], rect[1], Math.round((rect[0] + rect[2]) / 2), rect[1] + 30, rect[2], rect[3]], true);
    await page.waitForFunction(() => location.hash.includes('area='));
    assert(sameSet((await urlArea(page)).split(' '), want.ids), 'the box selected other points');
    assert((await page.evaluate(() => location.hash)).includes(VIEW.replace(/,/g, '%2C')), 'the Shift-drag panned the map');
    // a Shift-click on a point is still the camera's: it selects that point
    const i = want.idx[0];
    const [sx, sy] = dataToScreen({ x: 0, y: 0, k: 1 }, page.w, page.h, xy[2 * i], xy[2 * i + 1]);
    await page.keyboard.down('Shift');
    await page.mouse.click(page.bx + sx, page.by + sy);
    await page.keyboard.up('Shift');
    await page.waitForFunction(() => location.hash.includes('sel='));
  });

  await check('the selection is in the URL: a reload restores it, Back and Forward leave and restore it', async () => {
    await open(page, `area=${lasso.ids.join('+')}`);
    await page.waitForFunction((t) => document.querySelector('.atlas-area')?.textContent === t, `${said(lasso.idx.length)} Clear`);
    await page.reload();
    await page.waitForFunction(() => window.__atlasReady === true);
    await page.waitForFunction((t) => document.querySelector('.atlas-area')?.textContent === t, `${said(lasso.idx.length)} Clear`);
    await page.getByRole('button', { name: 'Clear the selected area' }).click();
    await page.waitForFunction(() => !location.hash.includes('area=') && document.querySelector('.atlas-area').hidden);
    await page.goBack();
    await page.waitForFunction((t) => location.hash.includes('area=') && document.querySelector('.atlas-area')?.textContent === t, `${said(lasso.idx.length)} Clear`);
    await page.goForward();
    await page.waitForFunction(() => !location.hash.includes('area=') && document.querySelector('.atlas-area').hidden);
  });

  await check('a big selection is kept out of the URL and still counted', async () => {
    await open(page, '', 'v=0,0,0.8'); // every point well inside the canvas
    await mouseOutline(page, [2, 2, page.w / 2, page.h / 3, page.w - 2, page.h - 2], true); // a box: corner to corner
    await page.waitForFunction((t) => document.querySelector('.atlas-area')?.textContent === t, `${said(N)} Clear`, { timeout: 5000 })
      .catch(async () => { throw new Error(`count line: ${await areaText(page)} (${page.url()})`); });
    assert(await urlArea(page) === '', 'a selection of every point was written into the URL');
    assert(await page.locator('.atlas-area').getAttribute('title') === 'Too many to keep in the link', 'the count line does not say the link lacks it');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('.atlas-area').hidden);
  });

  await check('the selection is intersected with the filters; a search inside it is counted', async () => {
    await open(page, `area=${lasso.ids.join('+')}`);
    const east = lasso.idx.filter((i) => kindCats[kind[i]] === 'east');
    assert(east.length > 0 && east.length < lasso.idx.length, `the star should span both kinds (${east.length} of ${lasso.idx.length} east)`);
    await page.locator('.atlas-legend button', { hasText: 'west' }).click(); // hide the west category
    await page.waitForFunction((t) => document.querySelector('.atlas-area')?.textContent === t, `${said(east.length)} Clear`);
    const name = labels.get(east[0]);
    await page.getByRole('combobox', { name: 'Search' }).fill(name);
    await page.waitForFunction((t) => document.querySelector('.atlas-area')?.textContent.startsWith(t), `${said(east.length)}, 1 matching the search`);
  });

  await check('"Export" downloads the selected area (within the filters) as CSV', async () => {
    await open(page, `area=${lasso.ids.join('+')}&x.kind=west`);
    const east = lasso.idx.filter((i) => kindCats[kind[i]] === 'east');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    assert(/-selection\.csv$/.test(dl.suggestedFilename()), `file name ${dl.suggestedFilename()}`);
    const rows = fs.readFileSync(await dl.path(), 'utf8').trim().split(/\r\n/).slice(1).map((r) => r.split(',')[0]);
    assert(sameSet(rows, east.map((i) => ids.get(i))), `exported ${rows.length} rows for ${east.length} selected`);
  });

  await check('"Table" lists the selection; headers sort it (aria-sort)', async () => {
    await open(page, `area=${lasso.ids.join('+')}`);
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    await page.waitForSelector('.atlas-table tbody tr');
    assert(await page.getByRole('button', { name: 'Table', exact: true }).getAttribute('aria-expanded') === 'true', 'aria-expanded');
    const caption = await page.locator('.atlas-table-caption').textContent();
    assert(caption === said(lasso.idx.length), `caption: ${caption}`);
    const cells = (col) => page.$$eval('.atlas-table tbody tr', (trs, c) => trs.map((tr) => tr.children[c].textContent), col);
    const names = await cells(0);
    assert(sameSet(names, lasso.idx.map((i) => labels.get(i))), 'the rows are not the selection');
    const yearCol = 1 + config.fields.findIndex((f) => f.name === 'year');
    const yearHeader = page.locator('.atlas-table thead th').nth(yearCol);
    await yearHeader.getByRole('button').click();
    assert(await yearHeader.getAttribute('aria-sort') === 'ascending', 'aria-sort after one click');
    let years = (await cells(yearCol)).map(Number);
    assert(years.every((v, k) => k === 0 || years[k - 1] <= v), `not ascending: ${years}`);
    await yearHeader.getByRole('button').click();
    assert(await yearHeader.getAttribute('aria-sort') === 'descending', 'aria-sort after two clicks');
    years = (await cells(yearCol)).map(Number);
    assert(years.every((v, k) => k === 0 || years[k - 1] >= v), `not descending: ${years}`);
    const nameHeader = page.locator('.atlas-table thead th').nth(0);
    await nameHeader.getByRole('button').click();
    assert(await nameHeader.getAttribute('aria-sort') === 'ascending' && await yearHeader.getAttribute('aria-sort') === 'none', 'aria-sort moves to the sorted column');
    const sorted = await cells(0);
    const want = sorted.slice().sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare);
    assert(sorted.join('|') === want.join('|'), `names not in order: ${sorted.slice(0, 6)}`);
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    assert(await page.locator('.atlas-table').count() === 0, 'the "Table" button did not close the table');
  });

  await check('"Table" without a selection lists what the filters or the search show, else all (first 300 shown)', async () => {
    await open(page);
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    await page.waitForFunction((t) => document.querySelector('.atlas-table-caption')?.textContent === t, `All ${N} ${nouns.entities}`, { timeout: 5000 })
      .catch(async () => { throw new Error(`caption: ${await page.locator('.atlas-table-caption').textContent()}`); });
    assert(await page.locator('.atlas-table-more').textContent() === `Showing the first 300 of ${N}`, 'no "showing first N of M" line');
    assert(await page.locator('.atlas-table tbody tr').count() === 300, 'not capped at 300 rows');
    await page.locator('.atlas-legend button', { hasText: 'west' }).click();
    const east = [...Array(N).keys()].filter((i) => kindCats[kind[i]] === 'east').length;
    await page.waitForFunction((t) => document.querySelector('.atlas-table-caption')?.textContent === t, `${east} ${nouns.entities} matching the filters`);
    await page.getByRole('combobox', { name: 'Search' }).fill('Item 1');
    await page.waitForFunction(() => /matching the search and filters$/.test(document.querySelector('.atlas-table-caption')?.textContent));
    const names = await page.$$eval('.atlas-table tbody th', (ths) => ths.map((th) => th.textContent));
    assert(names.length > 0 && names.every((t) => /Item 1/.test(t)), `search rows: ${names.slice(0, 5)}`);
    await page.getByRole('button', { name: 'Close the table' }).click();
    await open(page, `area=${lasso.ids.join('+')}`);
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    await page.waitForSelector('.atlas-table tbody tr');
  });

  await check('hovering a table row highlights its point on the map; clicking the row selects it', async () => {
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip,.atlas-area{visibility:hidden!important}' });
    await page.waitForTimeout(600); // the map's new size and view reach the URL (150 ms after a move)
    await measure(page); // the table took room from the map
    const view = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('v').split(',').map(Number));
    // the table took the right of the map (nothing moved): a row whose point is still in view
    const names = await page.$$eval('.atlas-table tbody th', (ths) => ths.map((th) => th.textContent));
    const r = names.findIndex((t) => {
      const k = lasso.idx.find((j) => labels.get(j) === t);
      const [sx, sy] = dataToScreen({ x: view[0], y: view[1], k: view[2] }, page.w, page.h, xy[2 * k], xy[2 * k + 1]);
      return sx > 15 && sy > 15 && sx < page.w - 15 && sy < page.h - 15;
    });
    assert(r >= 0, 'no row of the table has its point in view');
    const row = page.locator('.atlas-table tbody tr').nth(r);
    const name = names[r];
    const i = lasso.idx.find((k) => labels.get(k) === name);
    const around = async () => inkAround(page, decodePNG(await page.locator('canvas').screenshot()), { x: view[0], y: view[1], k: view[2] }, i, 12);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    const before = await around();
    await row.hover();
    await page.waitForTimeout(300);
    const during = await around();
    assert(during > before * 1.3, `hovering the row of ${name}: ink ${during} around its point, ${before} before`);
    await row.locator('td').first().click();
    await page.waitForFunction((id) => location.hash.includes(`sel=${encodeURIComponent(id)}`), ids.get(i));
    await page.waitForFunction((t) => document.querySelector('.atlas-detail h2')?.textContent === t, name);
    assert(await row.evaluate((tr) => tr.classList.contains('atlas-row-sel')), 'the selected row is not marked');
    await page.getByRole('button', { name: 'Close the table' }).click();
    assert(await page.locator('.atlas-table').count() === 0, 'the table did not close');
  });

  await check('"Select area" is keyboard reachable; Escape leaves the mode', async () => {
    await open(page);
    const button = page.getByRole('button', { name: 'Select area' });
    await button.focus();
    await page.keyboard.press('Enter');
    assert(await button.getAttribute('aria-pressed') === 'true', 'Enter did not turn the mode on');
    await page.locator('canvas').focus();
    await page.keyboard.press('Escape');
    assert(await button.getAttribute('aria-pressed') === 'false', 'Escape did not leave the mode');
  });
  await page.context().close();

  await check('phone (360x740, touch): a lasso drawn with a finger selects the points inside', async () => {
    const phone = await newPage({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    await open(phone, '', 'v=0,0,2'); // zoomed in: fewer points near the outline
    await phone.getByRole('button', { name: 'Show filters and colours' }).tap();
    await phone.getByRole('button', { name: 'Select area' }).tap();
    // the drawer closes (it slides away over the map first)
    await phone.waitForFunction(() => getComputedStyle(document.querySelector('.atlas-side')).visibility === 'hidden');
    await measure(phone);
    const { poly, want } = clearShape(phone, (dx, dy) => star(Math.round(phone.w / 2) + dx, Math.round(phone.h / 2) + dy, 100));
    assert(want.idx.length >= 5, `the test's star holds ${want.idx.length} points`);
    const cdp = await phone.context().newCDPSession(phone);
    const touch = (type, k) => cdp.send('Input.dispatchTouchEvent', {
      type, touchPoints: type === 'touchEnd' ? [] : [{ x: phone.bx + poly[k], y: phone.by + poly[k + 1], id: 1 }],
    });
    await touch('touchStart', 0);
    for (let k = 2; k < poly.length; k += 2) await touch('touchMove', k);
    await touch('touchEnd', 0);
    await phone.waitForFunction(() => location.hash.includes('area='), null, { timeout: 10000 })
      .catch(async () => { throw new Error(`no area in ${phone.url()}; count line: ${await areaText(phone)}; mode ${await phone.getByRole('button', { name: 'Select area' }).getAttribute('aria-pressed')}`); });
    assert(sameSet((await urlArea(phone)).split(' '), want.ids), 'the finger lasso selected other points');
    assert(await areaText(phone) === `${said(want.idx.length)} Clear`, `count line: ${await areaText(phone)}`);
    await phone.context().close();
  });

  await check('no console errors', async () => { assert(errors.length === 0, errors.join(' | ')); });
} finally {
  await browser.close();
}
server.close();
finish();
