#!/usr/bin/env node
// End-to-end check of a sharded site (docs/site-data.md, version 2) in real headless Chromium.
// Usage: node test/e2e-shards.mjs SITE_DIR DATASET
//
// Expects the tiny dataset of tests/test_viewer_browser.py built with 32-entity shards, several point
// chunks, popularity in entity order and entity pages for the 20 most popular entities only: id1
// ("Émile Zola", the most popular) has a page, id399 ("Item 399", the least popular) has none. Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { serve, decodePNG, nonBackground, ink, CHROME_ARGS, checks } from './e2e-lib.mjs';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e-shards.mjs SITE_DIR DATASET'); process.exit(2); }
const { check, assert, finish } = checks();

const server = await serve(siteDir);
const root = `http://127.0.0.1:${server.address().port}/${dataset}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [...CHROME_ARGS, '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url || '')) errors.push(m.text()); });
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname.split('/').pop()));
  const ready = () => page.waitForFunction(() => window.__atlasReady === true && window.__allPoints > 0, null, { timeout: 30000 });
  const heading = (text) => page.waitForFunction((t) => document.querySelector('.atlas-detail h2')?.textContent === t, text, { timeout: 10000 });

  await page.goto(`${root}/index.html`);
  await ready();
  await page.waitForTimeout(300);

  await check('every point chunk is drawn; before any interaction only the shards of the map labels load', async () => {
    const chunks = fetched.filter((f) => /^points-\d+\./.test(f));
    assert(chunks.length >= 3, `chunks fetched: ${chunks.join(', ')}`);
    // map labels want the 240 most popular entities in view: shards 0-7 of 13; the tail stays unfetched
    const shards = fetched.filter((f) => /^shard-\d+\./.test(f)).map((f) => +f.split('.')[0].slice(6));
    assert(shards.includes(0) && Math.max(...shards) <= 7, `shards fetched: ${shards.join(', ')}`);
    const drawn = await page.evaluate(() => window.__allPoints - window.__firstFrame);
    assert(drawn >= 0, `all points at ${drawn} ms after the first frame`);
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    const n = nonBackground(decodePNG(await page.locator('canvas.atlas-canvas').screenshot()));
    assert(n > 600, `only ${n} non-background pixels`);
  });

  await check('an entity without an entity page opens from its shareable URL, with its panel and neighbours', async () => {
    const before = fetched.length;
    await page.goto(`${root}/index.html#sel=id399`);
    await ready();
    await heading('Item 399');
    const links = await page.locator('.atlas-detail a[href*="e/"]').count();
    assert(links === 0, `${links} entity page links for an entity without a page`);
    // neighbours in other shards show '…' until their shard is in, then their names
    await page.waitForFunction(() => {
      const names = [...document.querySelectorAll('.atlas-detail .atlas-neighbors li button')].map((b) => b.textContent);
      return names.length > 0 && names.every((t) => t && t !== '…');
    }, null, { timeout: 10000 });
    const names = await page.evaluate(() => [...document.querySelectorAll('.atlas-detail .atlas-neighbors li button')].map((b) => b.textContent));
    assert(names.length && names.every((t) => /^Item \d+$|Zola|img/.test(t)), `neighbour names ${JSON.stringify(names)}`);
    const got = fetched.slice(before);
    assert(got.some((f) => /^ids-\d+\./.test(f)), `no id bucket fetched: ${got.join(', ')}`);
    assert(got.some((f) => f.startsWith(`shard-${Math.floor(399 / 32)}.`)), `the shard of id399 was not fetched: ${got.join(', ')}`);
  });

  await check('a popular entity links its entity page, and the page exists', async () => {
    await page.goto(`${root}/index.html#sel=id1`);
    await ready();
    await heading('Émile Zola');
    const href = await page.locator('.atlas-detail a[href*="e/"]').getAttribute('href');
    const resp = await page.request.get(new URL(href, page.url()).href);
    assert(resp.ok(), `${href}: HTTP ${resp.status()}`);
  });

  await check('search finds an entity from a shard that was not loaded yet, through the prefix index', async () => {
    await page.goto(`${root}/index.html`);
    await ready();
    const before = fetched.length;
    const input = page.getByRole('combobox', { name: 'Search' });
    await input.fill('Item 377');
    await page.waitForFunction(() => [...document.querySelectorAll('.atlas-results li')].some((li) => li.textContent.startsWith('Item 377')), null, { timeout: 10000 });
    await input.press('Enter');
    await heading('Item 377');
    const got = fetched.slice(before);
    assert(got.some((f) => /^search-\d+\./.test(f)), `no search bucket fetched: ${got.join(', ')}`);
    const shards = new Set(got.filter((f) => /^shard-\d+\./.test(f)));
    assert(shards.size < 13, `search loaded every shard: ${[...shards].join(', ')}`);
  });

  await check('map labels and search work while the last point chunk is still on its way', async () => {
    const last = (await page.evaluate(() => JSON.parse(document.getElementById('atlas-config').textContent).points)).length - 1;
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(/\/points-\d+\.[^/]*$/, async (route) => {
      if (+/points-(\d+)\./.exec(route.request().url())[1] === last) await held;
      await route.continue().catch(() => {}); // the page may have moved on
    });
    try {
      await page.goto('about:blank');
      await page.goto(`${root}/index.html`);
      await page.waitForFunction(() => window.__firstFrame > 0, null, { timeout: 30000 });
      // the clusters' names (most of their points are in) and entity names, none of a point not yet in
      await page.waitForFunction(() => [...document.querySelectorAll('.atlas-cluster')].some((e) => !e.hidden), null, { timeout: 15000 });
      await page.waitForFunction(() => [...document.querySelectorAll('.atlas-label')].some((e) => !e.hidden), null, { timeout: 15000 });
      const names = await page.$$eval('.atlas-label', (els) => els.filter((e) => !e.hidden).map((e) => e.textContent));
      assert(await page.evaluate(() => !window.__allPoints), 'every point was drawn although the last chunk was held back');
      const rows = await page.evaluate(() => JSON.parse(document.getElementById('atlas-config').textContent).count);
      const heldFrom = rows - 44; // the last chunk: rows 356-399 (chunks of 100, 128, 128, 44)
      const late = names.filter((t) => +(/^Item (\d+)$/.exec(t)?.[1] ?? -1) >= heldFrom);
      assert(late.length === 0, `labels of points not in yet: ${late.join(', ')}`);
      const input = page.getByRole('combobox', { name: 'Search' });
      await input.fill('Item 12');
      await page.waitForFunction(() => [...document.querySelectorAll('.atlas-results li')].some((li) => li.textContent.startsWith('Item 12')), null, { timeout: 10000 });
      assert(await page.evaluate(() => !window.__allPoints), 'the last chunk came in before the search answered');
    } finally {
      release();
    }
    await ready();
    await page.unroute(/\/points-\d+\.[^/]*$/);
  });

  await check('"Show my list" matches each line through the prefix index, without loading every shard', async () => {
    await page.goto(`${root}/index.html`);
    await ready();
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    await page.waitForTimeout(300);
    const shot = async () => ink(decodePNG(await page.locator('canvas.atlas-canvas').screenshot()));
    const before = await shot();
    const start = fetched.length;
    // exact: a title without its accent, a title in another case, a title in a shard not loaded yet
    // ("Item 37" must not take "Item 377"), an id; a close match offered; a line that matches nothing
    await page.getByRole('textbox', { name: /My list/ }).fill('emile zola\nZOLA COMPANION\nItem 377\nItem 37\nid250\nEmile Zol\nNothing Here At All');
    await page.getByRole('button', { name: /show my list/i }).click();
    const out = page.locator('.atlas-list-out');
    await page.waitForFunction(() => /5 of 7 matched/.test(document.querySelector('.atlas-list-out')?.textContent || ''), null, { timeout: 15000 })
      .catch(async () => { throw new Error(`report: ${await out.textContent()}`); });
    const rows = await out.locator('li').allTextContents();
    const want = ['emile zola → Émile Zola', 'ZOLA COMPANION → Zola Companion', 'Item 377 → Item 377', 'Item 37 → Item 37', 'id250 → Item 250', 'Emile Zol → matched Émile Zola?', 'Nothing Here At All: not found'];
    want.forEach((w, k) => assert(rows[k]?.startsWith(w), `row ${k}: ${JSON.stringify(rows[k])}, want ${w}`));
    await page.waitForTimeout(500);
    const after = await shot();
    assert(after < before * 0.75, `the rest is not dimmed (ink ${before} -> ${after})`);
    const got = fetched.slice(start);
    assert(got.some((f) => /^search-\d+\./.test(f)), `no search bucket fetched: ${got.join(', ')}`);
    const shards = new Set(got.filter((f) => /^shard-\d+\./.test(f))); // after the map's labels loaded theirs
    assert([...shards].some((f) => f.startsWith(`shard-${Math.floor(377 / 32)}.`)) && shards.size <= 3, `shards fetched for the list: ${[...shards].join(', ')}`);
    // accepting the close match writes the title into the list, which then matches exactly
    await out.getByRole('button', { name: 'Accept Émile Zola for Emile Zol' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.atlas-list-out li')[5]?.textContent.startsWith('Émile Zola → Émile Zola'), null, { timeout: 15000 });
  });

  await check('a list in the URL is matched on a fresh load of a big atlas', async () => {
    await page.goto('about:blank');
    await page.goto(`${root}/index.html#list=${encodeURIComponent('Item 300\nid12')}`);
    await ready();
    await page.waitForFunction(() => /2 of 2 matched/.test(document.querySelector('.atlas-list-out')?.textContent || ''), null, { timeout: 15000 });
  });

  await check('no page errors', async () => { assert(errors.length === 0, errors.join(' | ')); });
} finally {
  await browser.close();
  server.close();
}
finish();
