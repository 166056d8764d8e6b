#!/usr/bin/env node
// Where the viewer's load time goes: opens a built atlas page in headless Debian chromium (SwiftShader,
// the viewer-bench flags), waits until every point is drawn, and prints one line per event in time
// order: navigation (DOMContentLoaded, load), each fetched file (request start, response end), the
// viewer's own performance marks ("atlas:*", set by loader.js, app.js and renderer.js), when the
// first frame and the all-points frame reached the screen (the next animation frame after their draw),
// each draw call of more than 100k points ("drawArrays N #k") and when the page was seen ready.
//
//   node js/bench/load-timeline.mjs SITE_DIR /synth/index.html [--reps 2] [--json OUT.json]
//
// Times are ms since navigation start, as viewer-bench's. With --reps, the pages load in fresh browsers
// and the table shows each event's median.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, CHROME_ARGS } from '../test/e2e-lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const k = args.indexOf(name); return k >= 0 ? args.splice(k, 2)[1] : dflt; };
const reps = +opt('--reps', 1), jsonOut = opt('--json', '');
const [siteDir, pagePath] = args;
if (!siteDir || !pagePath) { console.error('usage: node js/bench/load-timeline.mjs SITE_DIR /atlas/index.html [--reps N] [--json OUT]'); process.exit(2); }

// the first frame / all-points frame "presented": the next rAF after the page sets its flag (as viewer-bench)
// and every drawArrays of more than 100k points (full redraws of a big atlas) as a mark
const PRESENTED = `(() => {
  for (const C of [self.WebGLRenderingContext, self.WebGL2RenderingContext]) {
    const orig = C.prototype.drawArrays;
    C.prototype.drawArrays = function (mode, first, count) {
      if (count > 100000) performance.mark('drawArrays ' + count + ' #' + (window.__bigDraws = (window.__bigDraws || 0) + 1));
      return orig.call(this, mode, first, count);
    };
  }
  for (const name of ['__firstFrame', '__allPoints']) {
    let v;
    Object.defineProperty(window, name, { configurable: true, get: () => v, set: (x) => {
      v = x; requestAnimationFrame(() => performance.mark(name + ' presented'));
    } });
  }
})();`;

async function once() {
  const server = await serve(siteDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [...CHROME_ARGS, '--disable-quic', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(PRESENTED);
    await page.goto(`http://127.0.0.1:${server.address().port}${pagePath}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => performance.getEntriesByName('__allPoints presented').length > 0 && window.__atlasReady, null, { timeout: 180000, polling: 100 });
    await page.evaluate(() => performance.mark('__atlasReady seen'));
    const events = await page.evaluate(() => {
      const out = [];
      const nav = performance.getEntriesByType('navigation')[0];
      out.push(['responseEnd (page)', nav.responseEnd], ['DOMContentLoaded', nav.domContentLoadedEventEnd], ['load', nav.loadEventEnd]);
      for (const r of performance.getEntriesByType('resource')) {
        const name = r.name.split('/').pop().replace(/\.[0-9a-f]{8,}\./, '.');
        out.push([`${name} requested`, r.startTime], [`${name} in`, r.responseEnd]);
      }
      for (const m of performance.getEntriesByType('mark')) out.push([m.name, m.startTime]);
      for (const m of performance.getEntriesByType('measure')) out.push([`${m.name} (${m.duration.toFixed(0)} ms)`, m.startTime]);
      out.push(['__firstFrame flag', window.__firstFrame], ['__allPoints flag', window.__allPoints]);
      return out;
    });
    if (errors.length) throw new Error(errors.join(' | '));
    return Object.fromEntries(events);
  } finally {
    await browser.close();
    server.close();
  }
}

const runs = [];
for (let r = 0; r < reps; r++) runs.push(await once());
const med = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : null; };
const rows = Object.keys(runs[0]).map((k) => [k, med(runs.map((x) => x[k])), runs.map((x) => x[k])]);
rows.sort((a, b) => a[1] - b[1]);
for (const [k, m, all] of rows) console.log(`${m.toFixed(0).padStart(7)} ms  ${k}${reps > 1 ? `   (${all.map((v) => (v == null ? '-' : v.toFixed(0))).join(' / ')})` : ''}`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(runs, null, 1));
