#!/usr/bin/env node
// End-to-end checks of the viewer's display controls (issue 10, round 2) in headless Chromium on the
// tiny controls site (tests/test_viewer_browser.py, tiny_controls_result): histogram brushing, pictures
// of an image field, light and dark, point size and opacity. The site is the tiny atlas of e2e.mjs
// ("year" follows y from 1900 to 2000, "kind" is "west" where x < -0.3, id1 "Émile Zola" at (0.2, -0.4))
// with theme "auto" and an image field: id1's picture is on http://localhost:IMAGE_PORT (an allowed
// host, served here), id0's is missing there (404), id2's is on blocked.example (not allowed).
// Usage: node test/e2e-controls.mjs SITE_DIR DATASET IMAGE_PORT
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve, decodePNG, bgOf, nonBackground, ink, checks, launchGL, contrast, parseColor, atlasReady } from './e2e-lib.mjs';

const [siteDir, dataset, imagePort] = process.argv.slice(2);
if (!siteDir || !dataset || !imagePort) { console.error('usage: node test/e2e-controls.mjs SITE_DIR DATASET IMAGE_PORT'); process.exit(2); }
const { check, assert, finish } = checks();
const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}/${dataset}/index.html`;

// the picture host: any /img/<n>.png is a real PNG (the site's own thumbnail), /img/missing.png is a 404
const dataDir = path.join(siteDir, dataset, 'data');
const png = fs.readFileSync(path.join(dataDir, fs.readdirSync(dataDir).find((f) => /^thumb-.*\.png$/.test(f))));
const imageRequests = [];
const images = http.createServer((req, res) => {
  imageRequests.push(req.url);
  if (/^\/img\/\d+\.png$/.test(req.url)) res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  else res.writeHead(404).end();
});
await new Promise((r) => images.listen(+imagePort, '127.0.0.1', r));

const browser = await launchGL();

const luminance = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

const errors = [];
const requests = [];
async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 700 }, ...opts });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  // a picture that fails (the 404 on purpose) logs a resource error: that one is expected
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon\.ico$|\/img\/missing\.png$/.test(m.location()?.url || '')) errors.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  return page;
}
const ready = atlasReady;
const shown = async (page) => +(await page.locator('.atlas-count').textContent()).split(' of ')[0].replace(/,/g, '');
/** The canvas screenshot once two in a row are the same (animations over; the machine may be slow). */
async function settledShot(page) {
  let prev = null;
  for (let k = 0; k < 12; k++) {
    const shot = await page.locator('canvas').screenshot();
    if (prev && shot.equals(prev)) return decodePNG(shot);
    prev = shot;
    await page.waitForTimeout(300);
  }
  return decodePNG(prev);
}
const yearHist = (page) => page.locator('.atlas-field').filter({ has: page.locator('summary', { hasText: /^Year$/ }) }).locator('.atlas-hist');
/** [outline heights, bar heights] of the Year histogram's bins, in % of the tallest outline. */
const bins = (page) => yearHist(page).evaluate((el) => [...el.querySelectorAll('span')].map((s) => {
  const full = parseFloat(s.style.height) || 0;
  return [full, (full * (parseFloat(s.firstChild.style.height) || 0)) / 100];
}));
const rangeOf = (hash) => {
  const m = /r\.year=([-\d.]*)~([-\d.]*)/.exec(decodeURIComponent(hash));
  return m ? [m[1] === '' ? null : +m[1], m[2] === '' ? null : +m[2]] : null;
};

try {
  // ---- Histogram brushing
  await check('brushing: a mouse drag across the Year histogram sets the range (count, URL, inputs, one history entry)', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    const total = await shown(page);
    const b = await yearHist(page).boundingBox();
    const y = b.y + b.height / 2;
    await page.mouse.move(b.x + b.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.5, y, { steps: 4 });
    await page.mouse.move(b.x + b.width * 0.75, y, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => /r\.year=/.test(location.hash), null, { timeout: 5000 });
    await page.waitForTimeout(300);
    const [lo, hi] = rangeOf(await page.evaluate(() => location.hash));
    // the robust domain is about 1906-1994: a quarter in is about 1928, three quarters about 1972; whole
    // years, as the domain spans 88 of them
    assert(lo > 1915 && lo < 1940 && hi > 1960 && hi < 1985 && Number.isInteger(lo) && Number.isInteger(hi), `range ${lo}~${hi}`);
    const n = await shown(page);
    assert(n > 0.3 * total && n < 0.7 * total, `${n} of ${total} shown after brushing the middle half`);
    const inputs = await page.$$eval('.atlas-field input[type=number]', (els) => els.filter((e) => /Year/.test(e.getAttribute('aria-label'))).map((e) => e.value));
    assert(inputs[0] === String(lo) && inputs[1] === String(hi), `inputs ${inputs} for ${lo}~${hi}`);
    const brush = await page.locator('.atlas-brush').boundingBox();
    assert(brush && Math.abs(brush.x - (b.x + b.width * 0.25)) < 8 && Math.abs(brush.x + brush.width - (b.x + b.width * 0.75)) < 8,
      `brushed range drawn at ${JSON.stringify(brush)} in ${JSON.stringify(b)}`);
    // bars outside the range are dimmed, the ones inside are not
    const off = await yearHist(page).evaluate((el) => [...el.querySelectorAll('span')].map((s) => s.className === 'off'));
    assert(off[0] && off[off.length - 1] && !off[Math.floor(off.length / 2)], `dimmed bars: ${off}`);
    await page.goBack();
    await page.waitForFunction(() => !/r\.year=/.test(location.hash), null, { timeout: 5000 });
    assert(await shown(page) === total, 'Back after one drag does not return to no range');
    assert(await page.locator('.atlas-brush').isHidden(), 'the brushed range is still drawn after Back');
    await page.goForward();
    await page.waitForFunction(() => /r\.year=/.test(location.hash), null, { timeout: 5000 });
    assert(await shown(page) === n, 'Forward does not restore the brushed range');
    // a click without a drag clears the range
    await page.mouse.click(b.x + b.width * 0.5, y);
    await page.waitForFunction(() => !/r\.year=/.test(location.hash), null, { timeout: 5000 });
    assert(await shown(page) === total, 'a click on the histogram did not clear the range');
    await page.context().close();
  });

  await check('brushing: bars count the points other filters show; the unfiltered distribution stays as the outline', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    const before = await bins(page);
    assert(before.every(([full, bar]) => Math.abs(full - bar) < 0.01), 'without filters the bars are not the whole distribution');
    await page.getByRole('button', { name: /^west/ }).click(); // hide the "west" category in the legend
    await page.waitForFunction(() => /x\.kind=|f\.kind=/.test(location.hash), null, { timeout: 5000 });
    const after = await bins(page);
    assert(after.every(([full], k) => Math.abs(full - before[k][0]) < 0.01), 'the outline changed with another filter');
    const sum = (v) => v.reduce((s, [, bar]) => s + bar, 0);
    assert(sum(after) < 0.9 * sum(before) && sum(after) > 0, `bars did not follow the kind filter: ${sum(before)} -> ${sum(after)}`);
    await page.context().close();
  });

  await check('brushing: a touch drag sets the range; the number inputs set it by keyboard and move the brush', async () => {
    const page = await newPage({ hasTouch: true });
    await page.goto(base);
    await ready(page);
    const total = await shown(page);
    const b = await yearHist(page).boundingBox();
    const cdp = await page.context().newCDPSession(page);
    const y = b.y + b.height / 2;
    const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }] });
    await touch('touchStart', b.x + b.width * 0.1);
    for (let u = 0.15; u <= 0.5; u += 0.05) { await touch('touchMove', b.x + b.width * u); await page.waitForTimeout(16); }
    await touch('touchEnd');
    await page.waitForFunction(() => /r\.year=/.test(location.hash), null, { timeout: 5000 });
    await page.waitForTimeout(500); // the drag's later steps replace the URL after a short pause
    const [lo, hi] = rangeOf(await page.evaluate(() => location.hash));
    assert(lo > 1906 && lo < 1925 && hi > 1940 && hi < 1960, `touch range ${lo}~${hi}`);
    assert(await shown(page) < total, 'the touch drag did not filter');
    // keyboard: the Minimum input
    const min = page.getByRole('spinbutton', { name: 'Minimum Year' });
    await min.fill('1930');
    await min.press('Tab');
    await page.waitForFunction(() => /r\.year=1930~/.test(decodeURIComponent(location.hash)), null, { timeout: 5000 });
    const brush = await page.locator('.atlas-brush').boundingBox();
    assert(brush.x > b.x + b.width * 0.2 && brush.x < b.x + b.width * 0.35, `brush starts at ${brush.x - b.x} of ${b.width} px for 1930`);
    await page.context().close();
  });

  // ---- Pictures of an image field
  await check('pictures: the tooltip and the panel show an allowed picture (lazy, sized, alt text)', async () => {
    const page = await newPage();
    await page.goto(`${base}#v=0.2,-0.4,8`); // Émile Zola in the middle of the map
    await ready(page);
    assert(!imageRequests.some((u) => u === '/img/1.png'), 'the picture was requested before any hover');
    const c = await page.locator('canvas').boundingBox();
    await page.mouse.move(c.x + c.width / 2 + 30, c.y + c.height / 2 + 30);
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2, { steps: 3 });
    await page.waitForSelector('.atlas-tip:not([hidden]) img', { timeout: 5000 });
    const tip = await page.$eval('.atlas-tip img', (i) => ({ src: i.src, alt: i.alt, w: i.getAttribute('width'), h: i.getAttribute('height'), loading: i.loading }));
    assert(tip.src === `http://localhost:${imagePort}/img/1.png` && tip.alt === 'Émile Zola' && tip.w === '50' && tip.h === '75' && tip.loading === 'lazy',
      `tooltip picture ${JSON.stringify(tip)}`);
    await page.waitForFunction(() => document.querySelector('.atlas-tip img')?.naturalWidth > 0, null, { timeout: 5000 });
    await page.goto(`${base}#sel=id1`);
    await page.reload();
    await ready(page);
    await page.waitForFunction(() => document.querySelector('.atlas-detail img')?.naturalWidth > 0, null, { timeout: 5000 });
    const panel = await page.$eval('.atlas-detail img', (i) => ({ alt: i.alt, w: i.width, h: i.height, hidden: i.hidden, loading: i.loading }));
    assert(panel.alt === 'Émile Zola' && panel.w === 80 && panel.h === 120 && !panel.hidden && panel.loading === 'lazy', `panel picture ${JSON.stringify(panel)}`);
    await page.context().close();
  });

  await check('pictures: a failed one is hidden quietly; one on a host not allowed is never requested', async () => {
    const page = await newPage();
    await page.goto(`${base}#sel=id0`);
    await ready(page);
    await page.waitForFunction(() => document.querySelector('.atlas-detail img')?.hidden === true, null, { timeout: 5000 });
    assert(imageRequests.includes('/img/missing.png'), 'the missing picture was not even tried');
    await page.goto(`${base}#sel=id2`);
    await page.reload();
    await ready(page);
    await page.waitForFunction(() => document.querySelector('.atlas-detail h2')?.textContent === 'Zola Companion', null, { timeout: 5000 });
    assert(await page.locator('.atlas-detail img').count() === 0, 'a picture element for a host that is not allowed');
    await page.goto(`${base}#v=-0.6,0.6,8`); // hover Zola Companion too
    await page.reload();
    await ready(page);
    const c = await page.locator('canvas').boundingBox();
    await page.mouse.move(c.x + c.width / 2 + 30, c.y + c.height / 2 + 30);
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2, { steps: 3 });
    await page.waitForFunction(() => /Zola Companion/.test(document.querySelector('.atlas-tip:not([hidden])')?.textContent || ''), null, { timeout: 5000 });
    assert(await page.locator('.atlas-tip img').count() === 0, 'the tooltip shows a picture from a host that is not allowed');
    const blocked = requests.filter((u) => /blocked\.example/.test(u));
    assert(blocked.length === 0, `requested: ${blocked}`);
    await page.context().close();
  });

  // ---- Light and dark
  for (const scheme of ['dark', 'light']) {
    await check(`theme: a ${scheme} system gives a ${scheme} map whose colours keep 3:1 contrast`, async () => {
      const page = await newPage({ colorScheme: scheme });
      await page.goto(`${base}#c=year`);
      await ready(page);
      await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
      const bg = parseColor(await page.evaluate(() => getComputedStyle(document.querySelector('.atlas-app')).getPropertyValue('--bg')));
      const shot = await settledShot(page);
      const clear = bgOf(shot);
      assert(scheme === 'dark' ? luminance(clear) < 0.15 : luminance(clear) > 0.85, `map background ${clear} on a ${scheme} system`);
      assert(Math.hypot(clear[0] - bg[0], clear[1] - bg[1], clear[2] - bg[2]) < 6, `map clear colour ${clear} is not the page's ${bg}`);
      const stops = await page.evaluate(() => getComputedStyle(document.querySelector('.atlas-ramp')).backgroundImage);
      const ramp = [...stops.matchAll(/rgba?\([^)]*\)|#[0-9a-f]{6}/gi)].map((m) => parseColor(m[0]));
      await page.getByRole('combobox', { name: 'Colour by' }).selectOption('kind');
      await page.waitForSelector('.atlas-swatch');
      const sw = (await page.$$eval('.atlas-swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor))).map(parseColor);
      const low = [...ramp, ...sw].filter((c) => contrast(c, bg) < 3);
      assert(ramp.length >= 2 && sw.length >= 2 && low.length === 0, `colours below 3:1 on ${bg}: ${JSON.stringify(low)}`);
      // links on the panels stay readable in both themes (4.5:1)
      const panel = parseColor(await page.evaluate(() => getComputedStyle(document.querySelector('.atlas-side')).backgroundColor));
      const link = parseColor(await page.evaluate(() => getComputedStyle(document.querySelector('.atlas-app')).getPropertyValue('--link')));
      assert(contrast(link, panel) >= 4.5, `links ${link} on the panel ${panel}: ${contrast(link, panel).toFixed(2)}:1`);
      await page.context().close();
    });
  }

  await check('theme: the map follows a change of the system setting, and the toggle wins and persists across a reload', async () => {
    const page = await newPage({ colorScheme: 'light' });
    await page.goto(base);
    await ready(page);
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    assert(luminance(bgOf(await settledShot(page))) > 0.85, 'not light on a light system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.querySelector('.atlas-app').dataset.theme === 'dark', null, { timeout: 5000 });
    assert(luminance(bgOf(await settledShot(page))) < 0.15, 'the map stayed light after the system turned dark');
    await page.locator('summary', { hasText: 'Display' }).click();
    const theme = page.getByRole('group', { name: 'Theme' });
    await theme.getByRole('button', { name: 'Light' }).click();
    await page.waitForFunction(() => document.querySelector('.atlas-app').dataset.theme === 'light', null, { timeout: 5000 });
    assert(luminance(bgOf(await settledShot(page))) > 0.85, 'the Light choice did not clear the map light');
    assert(!/theme|light/.test(await page.evaluate(() => location.hash)), 'the theme went into the URL');
    await page.reload();
    await ready(page);
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    assert(await page.evaluate(() => document.querySelector('.atlas-app').dataset.theme) === 'light', 'the choice did not survive a reload');
    assert(luminance(bgOf(await settledShot(page))) > 0.85, 'the map is not light after the reload');
    await page.locator('summary', { hasText: 'Display' }).click();
    const pressed = await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Light' }).getAttribute('aria-pressed');
    assert(pressed === 'true', 'the toggle does not show the stored choice');
    await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'System' }).click();
    await page.waitForFunction(() => document.querySelector('.atlas-app').dataset.theme === 'dark', null, { timeout: 5000 });
    await page.context().close();
  });

  // ---- Point size and opacity
  await check('display: the size slider draws bigger points, the opacity slider fainter ones; the URL has them only when not 1', async () => {
    const page = await newPage();
    await page.goto(base);
    await ready(page);
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    const plain = await settledShot(page);
    await page.locator('summary', { hasText: 'Display' }).click();
    const size = page.getByRole('slider', { name: 'Point size' });
    await size.fill('3');
    await page.waitForFunction(() => /size=3(&|$)/.test(location.hash), null, { timeout: 5000 });
    const big = await settledShot(page);
    assert(nonBackground(big) > 1.8 * nonBackground(plain), `size x3 covers ${nonBackground(big)} px vs ${nonBackground(plain)}`);
    await size.fill('1');
    await page.waitForFunction(() => !/size=/.test(location.hash), null, { timeout: 5000 });
    const opacity = page.getByRole('slider', { name: 'Point opacity' });
    await opacity.fill('0.3');
    await page.waitForFunction(() => /opacity=0\.3/.test(location.hash), null, { timeout: 5000 });
    const faint = await settledShot(page);
    assert(ink(faint) < 0.6 * ink(plain), `opacity 0.3 puts down ${ink(faint)} vs ${ink(plain)}`);
    // a link with them reproduces them; Reset puts both back (and takes them out of the URL)
    await page.goto(`${base}#size=3&opacity=0.3`);
    await page.reload();
    await ready(page);
    await page.addStyleTag({ content: '.atlas-labels,.atlas-tip{visibility:hidden!important}' });
    const linked = await settledShot(page);
    assert(nonBackground(linked) > 1.5 * nonBackground(plain), 'a link with size=3 does not draw big points');
    await page.locator('summary', { hasText: 'Display' }).click();
    assert(await page.getByRole('slider', { name: 'Point size' }).inputValue() === '3', 'the slider does not show the linked size');
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForFunction(() => !/size=|opacity=/.test(location.hash), null, { timeout: 5000 });
    await page.context().close();
  });

  await check('no console errors', async () => {
    assert(errors.length === 0, errors.join(' | '));
  });
} finally {
  await browser.close();
  server.close();
  images.close();
}
finish();
