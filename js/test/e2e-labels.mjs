#!/usr/bin/env node
// End-to-end checks of the zoom-aware labels (issue 10) in real headless Chromium, on a site whose
// clusters sitegen found and named at three levels (tests/cluster_fixtures.py: regions of themes of
// touching blobs). What each view should name is read from the site's own meta file.
// Usage: node test/e2e-labels.mjs SITE_DIR DATASET
import fs from 'node:fs';
import path from 'node:path';
import { decode } from '@msgpack/msgpack';
import { serve, checks, launchGL, pageOpener, atlasReady } from './e2e-lib.mjs';

const [siteDir, dataset] = process.argv.slice(2);
if (!siteDir || !dataset) { console.error('usage: node test/e2e-labels.mjs SITE_DIR DATASET'); process.exit(2); }
const { check, assert, finish } = checks();
const dataDir = path.join(siteDir, dataset, 'data');
const meta = decode(fs.readFileSync(path.join(dataDir, fs.readdirSync(dataDir).find((f) => /^meta\..*\.msgpack$/.test(f)))));
const C = meta.clusters.umap; // the default layout
assert(C.coarse && C.fine && C.fine.labels.length > 0, 'the fixture has no three-level hierarchy');
const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}/${dataset}/index.html`;
const browser = await launchGL();

const errors = [];
const newPage = pageOpener(browser, errors);
const ready = atlasReady;
/** Every label on screen: {text, cls ('atlas-cluster' | 'atlas-label'), level, side, r: [x0, y0, x1, y1]}. */
const shownLabels = (page) => page.$$eval('.atlas-cluster, .atlas-label', (els) => els
  .filter((e) => !e.hidden && e.closest('.atlas-labels').style.visibility !== 'hidden')
  .map((e) => { const b = e.getBoundingClientRect(); return { text: e.firstChild?.textContent ?? e.textContent, cls: e.className, level: e.dataset.level, side: e.closest('[data-side]')?.dataset.side || '', r: [b.left, b.top, b.right, b.bottom] }; }));
const names = (labels, level) => labels.filter((l) => l.cls === 'atlas-cluster' && (level === undefined || l.level === String(level))).map((l) => l.text).sort();
const firstLine = (name) => name.split(': ')[0];
/** A fresh page on the map, its first frame drawn. */
async function openMap(opts) {
  const page = await newPage(opts);
  await page.goto(base);
  await ready(page);
  return page;
}
/** Names of `level` on screen that are neither in `own` nor under a parent that is named too (a named
 * group names its children with room; an opened group's children replace it). */
const stray = (labels, level, own, parentName) => names(labels, level)
  .filter((t) => !own.includes(t) && !names(labels, level - 1).includes(parentName(t)));
/** Pairs of label boxes that overlap (by more than half a pixel, for sub-pixel rounding). */
function overlapping(labels) {
  const bad = [];
  for (let a = 0; a < labels.length; a++) for (let b = a + 1; b < labels.length; b++) {
    const p = labels[a].r, q = labels[b].r;
    if (labels[a].side !== labels[b].side) continue;
    if (Math.min(p[2], q[2]) - Math.max(p[0], q[0]) > 0.5 && Math.min(p[3], q[3]) - Math.max(p[1], q[1]) > 0.5) bad.push(`${labels[a].text} / ${labels[b].text}`);
  }
  return bad;
}
/** Go to view (x, y, k) through the URL (the rest of the state kept) and wait until the labels were chosen for it. */
async function viewAt(page, x, y, k, until) {
  await page.evaluate((v) => {
    const p = new URLSearchParams(location.hash.slice(1));
    p.set('v', v);
    location.hash = p.toString().replace(/%2C/g, ',');
  }, `${x.toFixed(4)},${y.toFixed(4)},${k.toFixed(3)}`);
  await page.waitForTimeout(400); // the camera settles, then the labels are chosen (150 ms debounce)
  if (until) await page.waitForFunction(until, null, { timeout: 5000 }).catch(() => {});
  return shownLabels(page);
}
// Zoom that makes a group of layout extent `ext` span 0.6 of the canvas's smaller side: wider than
// the half at which labels.js names its children instead.
const opening = (ext) => 1.2 / ext;
/** The middle of a group's children's anchors (what a zoom into the group should show). */
const middle = (xs, ys, ids) => [ids.reduce((a, k) => a + xs[k], 0) / ids.length, ids.reduce((a, k) => a + ys[k], 0) / ids.length];

try {
  await check('zoomed out: the coarse regions are named, their clusters too small to name, no two labels overlap', async () => {
    const page = await openMap();
    await page.waitForTimeout(500);
    const labels = await shownLabels(page);
    assert(JSON.stringify(names(labels)) === JSON.stringify([...C.coarse.labels].map(firstLine).sort()),
      `names shown ${JSON.stringify(names(labels))}, the regions are ${JSON.stringify(C.coarse.labels)}`);
    const entities = labels.filter((l) => l.cls === 'atlas-label').length;
    assert(entities > 0 && entities <= 15, `${entities} entity names at the fitted view (a few of the most popular)`);
    assert(overlapping(labels).length === 0, `overlapping: ${overlapping(labels).join('; ')}`);
    await page.context().close();
  });

  // the largest region, and its cluster with the most sub-clusters
  const region = 0;
  const kids = C.parent.map((r, k) => (r === region ? k : -1)).filter((k) => k >= 0);
  const withFine = C.fine.parent.map((p) => p).filter((p) => C.parent[p] === region);
  const cluster = withFine.length ? withFine[0] : -1;

  await check('zooming into a region names its clusters and brings in more entity names there', async () => {
    const page = await openMap();
    await page.waitForTimeout(500);
    // entity names are "<Theme> book <i>": those of the region's themes
    const themes = kids.flatMap((k) => C.labels[k].split(/ · |: /)).map((t) => t.replace(/-[ab]$/, ''));
    const inRegion = (labels) => labels.filter((l) => l.cls === 'atlas-label' && themes.some((t) => l.text.toLowerCase().startsWith(`${t} book`))).length;
    const before = inRegion(await shownLabels(page));
    const labels = await viewAt(page, ...middle(C.x, C.y, kids), opening(C.coarse.extent[region]),
      () => document.querySelectorAll('.atlas-cluster[data-level="1"]:not([hidden])').length > 0);
    const shown = names(labels, 1);
    const own = kids.map((k) => firstLine(C.labels[k]));
    // another region's clusters only under that region's name (named groups show their bigger children)
    const regionOf = (t) => firstLine(C.coarse.labels[C.parent[C.labels.map(firstLine).indexOf(t)]]);
    assert(shown.filter((t) => own.includes(t)).length >= 2 && stray(labels, 1, own, regionOf).length === 0,
      `cluster names ${JSON.stringify(shown)}; the region's are ${JSON.stringify(own)}`);
    assert(!names(labels, 0).includes(firstLine(C.coarse.labels[region])), 'the opened region is still named');
    const entities = inRegion(labels);
    assert(entities > before, `${entities} entity names in the region zoomed in, ${before} zoomed out`);
    assert(overlapping(labels).length === 0, `overlapping: ${overlapping(labels).join('; ')}`);

    // deeper, into one cluster: its sub-clusters
    assert(cluster >= 0, 'the region has no cluster with sub-clusters');
    const deeper = await viewAt(page, C.x[cluster], C.y[cluster], opening(C.extent[cluster]),
      () => document.querySelectorAll('.atlas-cluster[data-level="2"]:not([hidden])').length > 0);
    const subs = C.fine.parent.map((p, f) => (p === cluster ? firstLine(C.fine.labels[f]) : null)).filter(Boolean);
    const fine = names(deeper, 2);
    const clusterOf = (t) => firstLine(C.labels[C.fine.parent[C.fine.labels.map(firstLine).indexOf(t)]]);
    assert(fine.filter((t) => subs.includes(t)).length >= 1 && stray(deeper, 2, subs, clusterOf).length === 0,
      `sub-cluster names ${JSON.stringify(fine)}; the cluster's are ${JSON.stringify(subs)}`);
    assert(!names(deeper, 1).includes(firstLine(C.labels[cluster])), 'the opened cluster is still named');
    assert(deeper.some((l) => l.cls === 'atlas-label'), 'no entity names at the deepest zoom');
    assert(overlapping(deeper).length === 0, `overlapping: ${overlapping(deeper).join('; ')}`);
    await page.context().close();
  });

  await check('a region below half the view keeps its name, and its clusters with room are named under it, smaller', async () => {
    const page = await openMap();
    // the region spans 0.45 of the canvas's smaller side: not opened (labels.js OPEN_FRAC), its clusters wide enough to name
    const labels = await viewAt(page, C.coarse.x[region], C.coarse.y[region], 0.9 / C.coarse.extent[region],
      () => document.querySelectorAll('.atlas-cluster[data-level="1"]:not([hidden])').length > 0);
    const own = kids.map((k) => firstLine(C.labels[k]));
    assert(names(labels, 0).includes(firstLine(C.coarse.labels[region])), `the region is not named: ${JSON.stringify(names(labels))}`);
    const under = labels.filter((l) => l.cls === 'atlas-cluster' && l.level === '1' && own.includes(l.text));
    assert(under.length >= 1, `none of the region's clusters named: ${JSON.stringify(names(labels, 1))}, its clusters ${JSON.stringify(own)}`);
    const height = (l) => l.r[3] - l.r[1];
    const regionBox = labels.find((l) => l.cls === 'atlas-cluster' && l.level === '0' && l.text === firstLine(C.coarse.labels[region]));
    assert(under.every((l) => height(l) < height(regionBox)), 'a cluster name as large as its region name');
    assert(overlapping(labels).length === 0, `overlapping: ${overlapping(labels).join('; ')}`);
    await page.context().close();
  });

  await check('panning keeps the names that still fit (no flicker)', async () => {
    const page = await openMap();
    const k = opening(C.coarse.extent[region]);
    let labels = await viewAt(page, ...middle(C.x, C.y, kids), k);
    const box = await page.locator('canvas').boundingBox();
    let lost = [];
    for (let step = 0; step < 4; step++) {
      const dx = 35, dy = -20;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy, { steps: 5 });
      await page.mouse.up();
      await page.waitForTimeout(500);
      const after = await shownLabels(page);
      // how far the map moved: the median shift of the names shown before and after
      const moved = labels.map((l) => [l, after.find((a) => a.text === l.text && a.cls === l.cls)]).filter(([, a]) => a);
      const med = (v) => v.sort((p, q) => p - q)[v.length >> 1];
      const mx = med(moved.map(([l, a]) => a.r[0] - l.r[0])), my = med(moved.map(([l, a]) => a.r[1] - l.r[1]));
      assert(moved.length > 3 && Math.abs(mx - dx) < 12 && Math.abs(my - dy) < 12, `the map moved by ${mx}, ${my} (${moved.length} names followed)`);
      // a cluster name keeps a margin (labels.js CLUSTER_PAD + GAP) that entity names stay out of
      const clusterBoxes = after.filter((l) => l.cls === 'atlas-cluster').map((l) => [l.r[0] - 6, l.r[1] - 6, l.r[2] + 6, l.r[3] + 6]);
      for (const l of labels.filter((x) => x.cls === 'atlas-label')) {
        const r = [l.r[0] + mx, l.r[1] + my, l.r[2] + mx, l.r[3] + my];
        const inside = r[0] > box.x + 2 && r[2] < box.x + box.width - 2 && r[1] > box.y + 2 && r[3] < box.y + box.height - 2;
        const underName = clusterBoxes.some((o) => r[0] < o[2] && r[2] > o[0] && r[1] < o[3] && r[3] > o[1]);
        if (inside && !underName && !after.some((a) => a.cls === 'atlas-label' && a.text === l.text)) lost.push(`${l.text} at ${r.map(Math.round)}`);
      }
      assert(overlapping(after).length === 0, `overlapping after a pan: ${overlapping(after).join('; ')}`);
      labels = after;
    }
    assert(lost.length === 0, `names dropped while still in view: ${JSON.stringify(lost)}`);
    await page.context().close();
  });

  await check('a filtered-out region loses its name, at every level', async () => {
    const page = await newPage();
    const keep = C.coarse.labels.findIndex((l) => ['fantasy', 'history', 'science'].includes(l));
    await page.goto(`${base}#f.shelf=${encodeURIComponent(C.coarse.labels[keep])}&hide=1`);
    await ready(page);
    await page.waitForTimeout(500);
    const labels = await shownLabels(page);
    assert(JSON.stringify(names(labels, 0)) === JSON.stringify([C.coarse.labels[keep]]), `regions named: ${JSON.stringify(names(labels, 0))}`);
    const other = (keep + 1) % C.coarse.labels.length;
    const theirs = C.parent.map((r, k) => (r === other ? k : -1)).filter((k) => k >= 0);
    const inside = await viewAt(page, ...middle(C.x, C.y, theirs), opening(C.coarse.extent[other]));
    assert(names(inside).length === 0, `names over the filtered-out region: ${JSON.stringify(names(inside))}`);
    await page.context().close();
  });

  await check('phone (360x740): cluster names show, none overlapping', async () => {
    const page = await openMap({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    await page.waitForTimeout(500);
    const labels = await shownLabels(page);
    assert(names(labels).length >= 2, `cluster names on a phone: ${JSON.stringify(names(labels))}`);
    assert(overlapping(labels).length === 0, `overlapping: ${overlapping(labels).join('; ')}`);
    await page.context().close();
  });

  await check('compare page: the left pane names the regions like the map, none overlapping', async () => {
    const page = await newPage();
    await page.goto(base.replace(/index\.html$/, 'compare.html'));
    await ready(page);
    await page.waitForTimeout(500);
    const labels = await shownLabels(page);
    const left = labels.filter((l) => l.side === 'a');
    assert(names(left).length >= 2 && names(left).every((t) => C.coarse.labels.map(firstLine).includes(t)),
      `left pane names ${JSON.stringify(names(left))}`);
    assert(names(labels.filter((l) => l.side === 'b')).length >= 2, 'the right pane has no names');
    assert(overlapping(labels).length === 0, `overlapping: ${overlapping(labels).join('; ')}`);
    await page.context().close();
  });

  await check('no console errors', async () => { assert(errors.length === 0, errors.join(' | ')); });
} finally {
  await browser.close();
}
server.close();
finish();
