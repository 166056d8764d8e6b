// Helpers shared by the browser end-to-end scripts (e2e.mjs, e2e-compare.mjs): a static file server,
// a PNG decoder for screenshots, pixel counts against the background, chromium's flags.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png' };
export function serve(root) {
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
export function decodePNG(buf) {
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
/** The background: the most common colour of a decoded image (a screenshot's edge row can be a border). */
export function bgOf(img) {
  if (img.bg) return img.bg;
  const { width, height, bpp, px } = img;
  const seen = new Map();
  for (let y = 0; y < height; y += 3) for (let x = 0; x < width; x += 3) {
    const i = (y * width + x) * bpp, key = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
    seen.set(key, (seen.get(key) || 0) + 1);
  }
  const key = [...seen].sort((a, b) => b[1] - a[1])[0][0];
  return (img.bg = [key >> 16, (key >> 8) & 255, key & 255]);
}
/** Count pixels differing from the background colour in a decoded image. */
export function nonBackground(img) {
  const { width, height, bpp, px } = img;
  const bg = bgOf(img);
  let k = 0;
  for (let i = 0; i < width * height; i++) {
    if (Math.abs(px[i * bpp] - bg[0]) + Math.abs(px[i * bpp + 1] - bg[1]) + Math.abs(px[i * bpp + 2] - bg[2]) > 24) k++;
  }
  return k;
}

/** Non-background pixels inside a rectangle (x0, y0, x1, y1 in image pixels) of a decoded image. */
export function nonBackgroundIn(img, x0, y0, x1, y1) {
  const { width, bpp, px } = img;
  const bg = bgOf(img);
  let k = 0;
  for (let y = Math.max(0, y0 | 0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0 | 0); x < Math.min(width, x1); x++) {
      const i = (y * width + x) * bpp;
      if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) + Math.abs(px[i + 2] - bg[2]) > 24) k++;
    }
  }
  return k;
}
/** Pixels whose colour reads as the tiny site's "west" (sky blue) vs "east" (orange) category. */
export function blueOrange(img, x0, x1) {
  const { width, height, bpp, px } = img;
  let blue = 0, orange = 0;
  for (let y = 0; y < height; y++) {
    for (let x = Math.max(0, x0 | 0); x < Math.min(width, x1); x++) {
      const i = (y * width + x) * bpp, r = px[i], g = px[i + 1], b = px[i + 2];
      if (b > r + 40 && b > 90) blue++;
      else if (r > b + 60 && r > 120) orange++;
    }
  }
  return { blue, orange };
}
/** Summed distance from the background colour over the image (how much ink the points put down). */
export function ink(img) {
  const { width, height, bpp, px } = img;
  const bg = bgOf(img);
  let t = 0;
  for (let i = 0; i < width * height; i++) t += Math.abs(px[i * bpp] - bg[0]) + Math.abs(px[i * bpp + 1] - bg[1]) + Math.abs(px[i * bpp + 2] - bg[2]);
  return t;
}
export const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A tiny check runner shared by the e2e scripts: `check(name, fn)` records and prints one result,
 * `assert(cond, msg)` throws, `finish()` prints the "N passed, N failed" line and exits with 1 on
 * any failure. */
export function checks() {
  const results = [];
  async function check(name, fn) {
    try { await fn(); results.push([name, true]); console.log(`ok   ${name}`); }
    catch (e) { results.push([name, false]); console.log(`FAIL ${name}: ${e.message}`); }
  }
  const assert = (c, msg) => { if (!c) throw new Error(msg); };
  function finish() {
    const passed = results.filter((r) => r[1]).length;
    console.log(`${passed} passed, ${results.length - passed} failed`);
    process.exit(results.length - passed ? 1 : 0);
  }
  return { check, assert, finish };
}

/**
 * Search for the entity titled `<img src=x onerror=alert(1)>` (id0), choose it with Enter, and check
 * that its heading in `headingSelector` shows the title as text: no injected <img>, no dialog.
 * `dialogCount()` returns the page's dialog count so far. Throws on failure (use inside `check`).
 */
export async function searchHostileTitle(page, headingSelector, dialogCount) {
  const input = page.getByRole('combobox', { name: 'Search' });
  await input.fill('img src');
  await page.waitForSelector('.atlas-results li');
  await input.press('Enter');
  await page.waitForFunction(() => location.hash.includes('sel=id0'), null, { timeout: 5000 });
  const h2 = await page.evaluate((sel) => document.querySelector(sel).textContent, headingSelector);
  if (h2 !== '<img src=x onerror=alert(1)>') throw new Error(`heading is ${JSON.stringify(h2)}`);
  const imgs = await page.evaluate(() => [...document.querySelectorAll('img')].filter((i) => i.getAttribute('src') === 'x').length);
  if (imgs !== 0 || dialogCount() !== 0) throw new Error(`injected: ${imgs} img, ${dialogCount()} dialogs`);
}

/** Debian chromium with WebGL on SwiftShader (the viewer's e2e scripts). */
export async function launchGL() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [...CHROME_ARGS, '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

/** newPage(opts) for `browser`: a fresh context whose page errors and console errors go to `errors`. */
export function pageOpener(browser, errors, defaults = { viewport: { width: 1100, height: 700 } }) {
  return async (opts = defaults) => {
    const page = await (await browser.newContext(opts)).newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon\.ico$/.test(m.location()?.url || '')) errors.push(m.text()); });
    return page;
  };
}

/** Wait until the viewer has drawn its first frame and says it is ready. */
export const atlasReady = (page) => page.waitForFunction(() => window.__atlasReady === true && window.__firstFrame > 0, null, { timeout: 30000 });

/** WCAG contrast ratio of two [r, g, b] colours (0-255). */
export function contrast(a, b) {
  const lum = (c) => { const [r, g, bl] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * bl; };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** [r, g, b] of a CSS rgb()/rgba() or #rrggbb string, else null. */
export const parseColor = (s) => {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(s);
  if (m) return [+m[1], +m[2], +m[3]];
  const hx = /#([0-9a-f]{6})/i.exec(s);
  if (hx) { const v = parseInt(hx[1], 16); return [v >> 16, (v >> 8) & 255, v & 255]; }
  return null;
};
