#!/usr/bin/env node
// End-to-end checks for the viewer's second round (issue 10): each defect a new user hit, and the
// round-2 controls, in real headless Chromium on the tiny test site (see e2e.mjs for its shape:
// "kind" is "west" exactly where x < -0.3, "year" follows y from 1900 to 2000 with one outlier at
// -411, id1 is "Émile Zola"). Usage: node test/e2e-round2.mjs SITE_DIR DATASET
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, decodePNG, bgOf, CHROME_ARGS, checks, launchGL, contrast, parseColor, pageOpener, atlasReady } from './e2e-lib.mjs';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e-round2.mjs SITE_DIR DATASET'); process.exit(2); }
const { check, assert, finish } = checks();
const server = await serve(siteDir);
const origin = `http://127.0.0.1:${server.address().port}`;
const base = `${origin}/${dataset}/index.html`;
const browser = await launchGL();

/** Mean colour of the non-background pixels in rows y0..y1 of a decoded image. */
function meanInk(img, y0, y1) {
  const bg = bgOf(img), s = [0, 0, 0];
  let k = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) for (let x = 0; x < img.width; x++) {
    const i = (y * img.width + x) * img.bpp, c = [img.px[i], img.px[i + 1], img.px[i + 2]];
    if (Math.abs(c[0] - bg[0]) + Math.abs(c[1] - bg[1]) + Math.abs(c[2] - bg[2]) > 60) { k++; s[0] += c[0]; s[1] += c[1]; s[2] += c[2]; }
  }
  return k ? s.map((v) => v / k) : null;
}

const errors = [];
const newPage = pageOpener(browser, errors);
const ready = atlasReady;
/** What a user sees of the state, as one comparable string. */
const fingerprint = (page) => page.evaluate(() => {
  const q = (s) => document.querySelector(s);
  const detail = q('.atlas-detail');
  return JSON.stringify({
    count: q('.atlas-count')?.textContent,
    color: q('select[aria-label="Colour by"]')?.value,
    legend: [...document.querySelectorAll('.atlas-legend > *')].map((e) => `${e.textContent}|${e.getAttribute('aria-pressed') || ''}`),
    detail: detail && !detail.hidden ? q('.atlas-detail h2')?.textContent : '',
    search: q('input[role=combobox]')?.value,
    list: q('.atlas-side textarea')?.value,
    layout: q('select[aria-label=Layout]')?.value,
    hide: q('.atlas-side input[type=checkbox]')?.checked,
  });
});
/** The canvas screenshot once two in a row are the same (animations over; the machine may be slow). */
async function settledShot(page) {
  let prev = null;
  for (let k = 0; k < 12; k++) {
    const png = await page.locator('canvas').screenshot();
    if (prev && png.equals(prev)) return png;
    prev = png;
    await page.waitForTimeout(400);
  }
  return prev;
}
/** Fingerprint and canvas mean colour of a fresh load of `url` in its own page. */
async function fresh(url) {
  const page = await newPage();
  await page.goto(url);
  await ready(page);
  await page.waitForTimeout(1000);
  const png = await settledShot(page);
  if (process.env.E2E_SHOTS) fs.writeFileSync(`${process.env.E2E_SHOTS}/fresh-${Date.now()}.png`, png);
  const out = { fp: await fingerprint(page), ink: meanInk(decodePNG(png), 0, 9999) };
  await page.context().close();
  return out;
}
async function sameAsFresh(page, what) {
  await page.waitForTimeout(1500);
  const url = page.url();
  const want = await fresh(url);
  const got = await fingerprint(page);
  assert(got === want.fp, `${what} (${url.split('#')[1] || 'no hash'}):\n  got   ${got}\n  fresh ${want.fp}`);
  const png = await settledShot(page);
  if (process.env.E2E_SHOTS) fs.writeFileSync(`${process.env.E2E_SHOTS}/${what.replace(/\W+/g, '-')}.png`, png);
  const ink = meanInk(decodePNG(png), 0, 9999);
  const d = ink && want.ink ? Math.hypot(ink[0] - want.ink[0], ink[1] - want.ink[1], ink[2] - want.ink[2]) : 0;
  assert(d < 12, `${what}: the map's colours differ from a fresh load (mean ${ink?.map(Math.round)} vs ${want.ink?.map(Math.round)})`);
}

try {
  // ---- Defect 1: Back / Forward / a pasted link render exactly as a fresh load
  await check('back and forward through colour, selection and search render as fresh loads', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('year');
    await page.waitForFunction(() => location.hash.includes('c=year'));
    const input = page.getByRole('combobox', { name: 'Search' });
    await input.fill('emile zola');
    await page.waitForSelector('.atlas-results li');
    await input.press('Enter');
    await page.waitForFunction(() => location.hash.includes('sel=id1'));
    await page.evaluate(() => document.activeElement.blur()); // an open result list is focus, not state
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('sel='));
    await sameAsFresh(page, 'after Back');
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('c=year'));
    await sameAsFresh(page, 'after Back twice');
    await page.goForward();
    await page.waitForFunction(() => location.hash.includes('c=year'));
    await sameAsFresh(page, 'after Forward');
    await page.goForward();
    await page.waitForFunction(() => location.hash.includes('sel=id1'));
    await sameAsFresh(page, 'after Forward twice');
    await page.context().close();
  });
  await check('a link pasted into an open tab renders as a fresh load of it', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    await page.evaluate(() => { location.hash = 'sel=id1&q=zola&c=year&list=Item%2012'; });
    await page.waitForTimeout(300);
    await sameAsFresh(page, 'pasted link');
    await page.context().close();
  });

  // ---- Defect 2: "Show my list" matches exactly first; fuzzy matches are offered, not assumed
  await check('"Show my list": exact matches, fuzzy ones offered to accept, wrong ones not found', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    await page.getByRole('textbox', { name: /My list/ }).fill('Item 12\nZola\nEmile Zolla\nNothing Like It');
    await page.getByRole('button', { name: /show my list/i }).click();
    await page.waitForSelector('.atlas-list-out li');
    const lines = await page.$$eval('.atlas-list-out li', (els) => els.map((e) => e.textContent));
    assert(lines.length === 4, `one line per entry expected: ${JSON.stringify(lines)}`);
    assert(/Item 12.*Item 12/.test(lines[0]), `exact match not shown: ${lines[0]}`);
    assert(/not found/i.test(lines[1]) && !/Companion/.test(lines[1]), `"Zola" must not match "Zola Companion": ${lines[1]}`);
    assert(/matched Émile Zola/.test(lines[2]), `fuzzy match not offered: ${lines[2]}`);
    assert(/not found/i.test(lines[3]), `unmatched line: ${lines[3]}`);
    const summary = await page.locator('.atlas-list-summary').textContent();
    assert(/1 of 4 matched/.test(summary), `summary: ${summary}`);
    await page.locator('.atlas-list-out li').nth(2).getByRole('button', { name: /accept/i }).click();
    await page.waitForFunction(() => /2 of 4 matched/.test(document.querySelector('.atlas-list-summary')?.textContent || ''));
    assert((await page.getByRole('textbox', { name: /My list/ }).inputValue()).includes('Émile Zola'), 'accepting did not write the matched name into the list');
    await page.locator('.atlas-list-out li').nth(1).getByRole('button', { name: /remove/i }).click();
    await page.waitForFunction(() => document.querySelectorAll('.atlas-list-out li').length === 3);
    await page.waitForTimeout(600);
    const labels = await page.$$eval('.atlas-label:not([hidden])', (els) => els.map((e) => e.textContent));
    assert(labels.includes('Item 12') && labels.includes('Émile Zola'), `matched points are not labelled: ${JSON.stringify(labels.slice(0, 20))}`);
    await page.context().close();
  });

  // ---- Defect 3: robust colour domains, >= 3:1 contrast, a histogram that is not one spike
  await check('colour by a number with an outlier: robust domain, distinct colours, 3:1 contrast', async () => {
    const page = await newPage();
    await page.goto(`${base}#c=year`);
    await ready(page);
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    await page.waitForTimeout(500);
    const ends = await page.$$eval('.atlas-ends span', (els) => els.map((e) => e.textContent));
    assert(ends.length >= 2 && parseFloat(ends[0].replace(/[^\d.-]/g, '')) >= 1800, `legend starts at the outlier: ${JSON.stringify(ends)}`);
    const img = decodePNG(await page.locator('canvas').screenshot());
    const top = meanInk(img, 0, img.height * 0.3), bottom = meanInk(img, img.height * 0.7, img.height);
    const d = Math.hypot(top[0] - bottom[0], top[1] - bottom[1], top[2] - bottom[2]);
    assert(d > 80, `top and bottom of the map have nearly the same colour (${top.map(Math.round)} vs ${bottom.map(Math.round)})`);
    const bg = parseColor(await page.evaluate(() => getComputedStyle(document.querySelector('.atlas-app')).getPropertyValue('--bg')));
    const stops = await page.evaluate(() => getComputedStyle(document.querySelector('.atlas-ramp')).backgroundImage);
    const colors = [...stops.matchAll(/rgba?\([^)]*\)|#[0-9a-f]{6}/gi)].map((m) => parseColor(m[0]));
    const low = colors.filter((c) => contrast(c, bg) < 3);
    assert(colors.length >= 2 && low.length === 0, `ramp colours below 3:1 on the background: ${JSON.stringify(low)}`);
    const bars = await page.$$eval('.atlas-field', (els) => { const d = els.find((e) => /Year/.test(e.textContent)); return [...d.querySelectorAll('.atlas-hist span')].map((s) => parseFloat(s.style.height)); });
    assert(bars.filter((b) => b > 0).length >= 10, `the Year histogram is a spike: ${JSON.stringify(bars)}`);
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('kind');
    await page.waitForSelector('.atlas-swatch');
    const sw = await page.$$eval('.atlas-swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    const lowSw = sw.map(parseColor).filter((c) => contrast(c, bg) < 3);
    assert(lowSw.length === 0, `legend colours below 3:1: ${JSON.stringify(lowSw)}`);
    await page.context().close();
  });

  // ---- Defect 5: clicking a point does not move the map; an entity link opens zoomed to it
  /** Bright (ringed) pixels within r px of (x, y) in a canvas screenshot. */
  const ringedNear = async (page, x, y, r = 10) => {
    const png = await page.locator('canvas').screenshot();
    if (process.env.E2E_SHOTS) fs.writeFileSync(`${process.env.E2E_SHOTS}/ring-${Date.now()}.png`, png);
    const img = decodePNG(png);
    let k = 0;
    for (let yy = Math.round(y - r); yy <= y + r; yy++) for (let xx = Math.round(x - r); xx <= x + r; xx++) {
      const i = (yy * img.width + xx) * img.bpp;
      if (Math.hypot(xx - x, yy - y) <= r && img.px[i] + img.px[i + 1] + img.px[i + 2] > 650) k++;
    }
    return k;
  };
  // the phone's detail sheet opens below the map, so there the test taps a point in its upper half
  // (Zola Companion, id2 at (-0.6, 0.6)); a point the sheet would cover moves just enough to stay in view
  for (const [name, opts, [px, py], id] of [['desktop', { viewport: { width: 1100, height: 700 } }, [0.2, -0.4], 'id1'],
    ['phone', { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true }, [-0.6, 0.6], 'id2']]) {
    await check(`clicking a point (${name}) selects it where it is: the map does not move`, async () => {
      const page = await newPage(opts);
      await page.goto(base);
      await ready(page);
      await page.addStyleTag({ content: '.atlas-labels{visibility:hidden!important}' });
      await page.waitForTimeout(400);
      const b = await page.locator('canvas').boundingBox();
      // where the page's camera draws (px, py) (a phone's first view is not the desktop's fit)
      const [cx, cy] = await page.evaluate(([x, y]) => {
        const [v, w, hh] = window.__atlasView(), s = (v.k * Math.min(w, hh)) / 2;
        return [w / 2 + (x - v.x) * s, hh / 2 - (y - v.y) * s];
      }, [px, py]);
      if (opts.hasTouch) await page.touchscreen.tap(b.x + cx, b.y + cy);
      else { await page.mouse.move(b.x + cx, b.y + cy); await page.mouse.click(b.x + cx, b.y + cy); }
      await page.waitForFunction((want) => location.hash.includes(`sel=${want}`), id);
      await page.waitForTimeout(900);
      const k = await ringedNear(page, cx, cy);
      assert(k > 8, `no selected point left at (${cx | 0}, ${cy | 0}) where it was clicked (${k} ring pixels)`);
      if (!opts.hasTouch) {
        assert(await page.locator('.atlas-tip').isHidden(), 'a tooltip is left behind');
        await page.mouse.move(b.x + cx + 3, b.y + cy + 3);
        await page.mouse.move(b.x + cx, b.y + cy);
        await page.waitForSelector('.atlas-tip:not([hidden])', { timeout: 3000 });
        const t = await page.locator('.atlas-tip').textContent();
        assert(t.includes('Émile Zola'), `the point under the pointer is now ${JSON.stringify(t.slice(0, 40))}`);
      }
      await page.context().close();
    });
  }
  await check('a link naming an entity ("Show on the map") opens zoomed in on it', async () => {
    const page = await newPage();
    await page.goto(`${base}#sel=id1`);
    await ready(page);
    await page.addStyleTag({ content: '.atlas-labels{visibility:hidden!important}' });
    await page.waitForTimeout(600);
    const b = await page.locator('canvas').boundingBox();
    const k = await ringedNear(page, b.width / 2, b.height / 2, 26);
    assert(k > 20, `Émile Zola is not at the centre of the map (${k} ring pixels there)`);
    await page.locator('canvas').hover({ position: { x: b.width / 2, y: b.height / 2 } });
    await page.waitForSelector('.atlas-tip:not([hidden])', { timeout: 3000 });
    assert((await page.locator('.atlas-tip').textContent()).includes('Émile Zola'), 'another point is at the centre');
    await page.context().close();
  });

  // ---- Defect 7: the neighbour list's counts line up with the first line and say what they count
  await check('neighbour counts sit on the first line of wrapped titles and name their unit', async () => {
    const page = await newPage();
    await page.goto(`${base}#sel=id1`);
    await ready(page);
    const li = page.locator('.atlas-neighbors li', { hasText: 'long enough to wrap' });
    await li.waitFor();
    const [t, w] = [await li.locator('button').boundingBox(), await li.locator('.atlas-w').boundingBox()];
    assert(t.height > 30, `the long title does not wrap (${t.height} px)`);
    assert(Math.abs(w.y - t.y) < 5, `count at y ${w.y}, title's first line at ${t.y}`);
    const text = await li.locator('.atlas-w').textContent();
    assert(/^\d[\d,]* collections? together$/.test(text), `count reads ${JSON.stringify(text)}`);
    await page.context().close();
  });

  // ---- Defect 8: keyboard
  await check('keyboard: Escape closes suggestions first, then the details; a skip link; Enter picks a point', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement.textContent);
    assert(/skip to the map/i.test(first), `the first Tab stop is ${JSON.stringify(first)}`);
    await page.keyboard.press('Enter');
    assert(await page.evaluate(() => document.activeElement.tagName) === 'CANVAS', 'the skip link does not move focus to the map');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('sel='), null, { timeout: 3000 });
    await page.waitForSelector('.atlas-detail:not([hidden])');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !location.hash.includes('sel='), null, { timeout: 3000 });
    assert(await page.locator('.atlas-detail').isHidden(), 'Escape did not close the details');
    const input = page.getByRole('combobox', { name: 'Search' });
    await input.fill('zola');
    await page.waitForSelector('.atlas-results:not([hidden])');
    await input.press('Escape');
    assert(await input.inputValue() === 'zola', 'the first Escape erased the query');
    assert(await page.locator('.atlas-results').isHidden(), 'the first Escape left the suggestions open');
    await input.press('Escape');
    assert(await input.inputValue() === '', 'the second Escape did not clear the query');
    await page.context().close();
  });

  // ---- Defect 11: links readable (4.5:1)
  await check('every link on the map page has at least 4.5:1 contrast', async () => {
    const page = await newPage();
    await page.goto(`${base}#sel=id1`);
    await ready(page);
    await page.waitForSelector('.atlas-detail a');
    const pairs = await page.$$eval('#atlas a', (els) => els.filter((a) => a.offsetWidth > 0).map((a) => {
      let e = a, bg = 'rgba(0, 0, 0, 0)';
      while (e && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) { bg = getComputedStyle(e).backgroundColor; e = e.parentElement; }
      return [a.textContent, getComputedStyle(a).color, bg];
    }));
    assert(pairs.length >= 2, `links: ${JSON.stringify(pairs)}`);
    const low = pairs.filter(([, fg, bg]) => contrast(parseColor(fg), parseColor(bg)) < 4.5);
    assert(low.length === 0, `links below 4.5:1: ${JSON.stringify(low)}`);
    await page.context().close();
  });

  // ---- Features: "Export" (lazily loaded) and "Copy link"
  await check('"Export" downloads the filtered entities as CSV; "Copy link" copies the URL', async () => {
    const page = await newPage({ viewport: { width: 1100, height: 700 }, acceptDownloads: true });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.goto(`${base}#f.kind=west`);
    await ready(page);
    // the extras module (export, search, ...) is fetched on first use only: a visit that has not
    // exported yet has not fetched it; the label overlay (its own module) comes after the first frame
    const fetched = (re) => page.evaluate((src) => performance.getEntriesByType('resource').filter((r) => new RegExp(src).test(r.name)).map((r) => r.startTime), re.source);
    assert((await fetched(/viewer-extras-/)).length === 0, 'the export code was loaded before Export was pressed');
    const labelsAt = await fetched(/viewer-labels-/);
    assert(labelsAt.length === 1 && labelsAt[0] >= await page.evaluate(() => window.__firstFrame), `label overlay fetched at ${labelsAt} (first frame ${await page.evaluate(() => window.__firstFrame)})`);
    const shown = +(await page.locator('.atlas-count').textContent()).split(' of ')[0];
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    const csv = fs.readFileSync(await dl.path(), 'utf8').trim().split(/\r\n/);
    assert(csv[0] === 'id,label,x,y,Kind,Year', `header: ${csv[0]}`);
    assert(csv.length - 1 === shown, `${csv.length - 1} rows for ${shown} shown`);
    assert(csv.slice(1).every((r) => /,west,/.test(r)), 'a row that the filter hides');
    const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').some((r) => /viewer-extras-/.test(r.name)));
    assert(await loaded(), 'the export module did not come from its own file');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => /copied/i.test(document.querySelector('.atlas-status')?.textContent || ''));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied === page.url(), `copied ${copied}`);
    await page.context().close();
  });

  // ---- Defect 4 (part): phones
  await check('phone: a one-line bar, cluster names on the map, a tap beside the menu closes it', async () => {
    const page = await newPage({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    await page.goto(base);
    await ready(page);
    await page.waitForTimeout(500);
    const bar = await page.locator('.atlas-bar').boundingBox();
    assert(bar.height <= 56, `the top bar is ${bar.height} px tall`);
    const names = await page.$$eval('.atlas-cluster', (els) => els.filter((e) => !e.hidden).length);
    assert(names >= 1, 'no cluster names on a phone');
    await page.getByRole('button', { name: 'Show filters and colours' }).tap();
    await page.waitForFunction(() => document.querySelector('.atlas-app').classList.contains('atlas-drawer-open'));
    assert(await page.getByRole('button', { name: 'Export' }).isVisible(), 'Export is not in the menu');
    const b = await page.locator('canvas').boundingBox();
    await page.touchscreen.tap(b.x + b.width - 10, b.y + b.height / 2);
    await page.waitForFunction(() => !document.querySelector('.atlas-app').classList.contains('atlas-drawer-open'), null, { timeout: 3000 });
    assert(!(await page.evaluate(() => location.hash.includes('sel='))), 'the tap that closed the menu also selected a point');
    await page.context().close();
  });

  // ---- Defect 6 (viewer part): no names over filtered-out clusters
  await check('cluster names leave when their cluster is filtered out', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}#f.kind=east&hide=1`);
    await ready(page);
    await page.waitForTimeout(600);
    const texts = await page.$$eval('.atlas-cluster', (els) => els.filter((e) => !e.hidden).map((e) => e.textContent));
    assert(texts.some((t) => /East side/.test(t)) && !texts.some((t) => /West/.test(t)), `cluster names shown: ${JSON.stringify(texts)}`);
    await page.context().close();
  });

  await check('no console errors', async () => { assert(errors.length === 0, errors.join(' | ')); });
} finally {
  await browser.close();
}

// ---- Defect 9: the page without WebGL has the legend, the navigation and links to entity pages
const noGL = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [...CHROME_ARGS, '--disable-webgl', '--disable-3d-apis'] });
try {
  await check('without WebGL: legend, navigation, entity links; a #sel= link opens the entity page', async () => {
    const page = await noGL.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(base);
    await page.waitForSelector('.atlas-nogl');
    const nav = await page.$$eval('nav a', (els) => els.map((a) => [a.textContent, a.getAttribute('href')]));
    assert(nav.some(([, href]) => /\/e\/index\.html$/.test(href)) && nav.some(([, href]) => /about\.html$/.test(href)), `navigation: ${JSON.stringify(nav)}`);
    assert(nav.some(([t, href]) => /layout/i.test(t) && /tsne\/index\.html$/.test(href)), `no link to the other layout: ${JSON.stringify(nav)}`);
    await page.waitForSelector('.atlas-legend .atlas-swatch');
    const legend = await page.locator('.atlas-legend').textContent();
    assert(/east/.test(legend) && /west/.test(legend), `legend: ${legend}`);
    const links = await page.$$eval('.atlas-nogl-top a', (els) => els.map((a) => a.getAttribute('href')));
    assert(links.length >= 20 && links.every((x) => /\/e\/[a-z0-9-]+\.html$/.test(x)), `entity links: ${links.slice(0, 3)} (${links.length})`);
    await page.goto(`${base}#sel=id1`);
    await page.waitForURL(/\/e\/emile-zola[^/]*\.html$/, { timeout: 10000 });
    await page.close();
  });
} finally {
  await noGL.close();
}
server.close();
finish();
