// The static pages in headless Chromium at phone and desktop sizes (run by tests/test_gallery_browser.py):
// no horizontal scrolling, large gallery thumbnails, and every link's text at >= 4.5:1 against what is
// behind it. Usage: node tests/gallery_browser.mjs DIST PAGE...  Prints one JSON report on stdout.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(path.resolve('js/package.json'));
const { chromium } = require('playwright-core');
const [dist, ...pages] = process.argv.slice(2);

// Runs in the page: contrast of each visible link against the first opaque background behind it.
function audit() {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const links = [...document.querySelectorAll('a')].filter((a) => a.getClientRects().length && a.textContent.trim());
  const worst = links.map((a) => {
    const [l1, l2] = [lum(rgb(getComputedStyle(a).color)), lum(behind(a))].sort((x, y) => y - x);
    return { text: a.textContent.trim().slice(0, 40), ratio: (l1 + 0.05) / (l2 + 0.05) };
  }).sort((x, y) => x.ratio - y.ratio)[0] || null;
  const imgs = [...document.querySelectorAll('.atlas-card img')].map((i) => i.getBoundingClientRect().width);
  return { scrollWidth: document.documentElement.scrollWidth, width: innerWidth, links: links.length, worst, imgs };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const report = {};
try {
  for (const [name, viewport] of [['phone', { width: 360, height: 740 }], ['desktop', { width: 1440, height: 900 }]]) {
    const page = await browser.newPage({ viewport, isMobile: name === 'phone', hasTouch: name === 'phone' });
    for (const rel of pages) {
      await page.goto(pathToFileURL(path.join(dist, rel)).href);
      report[`${name} ${rel}`] = await page.evaluate(audit);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
