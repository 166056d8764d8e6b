// Entry: read the config island, load the point file (first frame as soon as it decodes), then
// stream in metadata and co-occurrences and wire the modules together through the store.
import './style.css';
import { decodePoints, positions } from './format.js';
import { decodeMsgpack, strs } from './msgpack.js';
import { decodeMeta, decodeNeighbors, pointSizes, baseSize, layoutBounds, indexOfId, earlyColors } from './data.js';
import { createStore, defaultState, parseHash, syncHash } from './store.js';
import { bindCamera, screenToData, scaleOf, fitView } from './camera.js';
import { createContext, createRenderer } from './renderer.js';
import { buildGrid, nearest } from './picking.js';
import { evaluate } from './filters.js';
import { buildIndex, matchList, search } from './search.js';
import { colorChannel } from './palette.js';
import { computeState, HIDDEN, HOVERED } from './highlight.js';
import { mountSearch } from './searchbox.js';
import { mountPanel } from './panel.js';
import { createTooltip, renderDetail, fieldValues } from './tooltip.js';
import { createLabels, hideWhileMoving } from './labels.js';
import { h, fmt } from './dom.js';

const config = JSON.parse(document.getElementById('atlas-config').textContent);
const datasetUrl = (rel) => new URL((config.root || '') + rel, location.href).href;
const entityHref = (slug) => datasetUrl(config.entityPage.replace('{slug}', encodeURIComponent(slug)));
const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;
const fetchBuf = (rel) => fetch(datasetUrl(rel)).then((r) => {
  if (!r.ok) throw new Error(`${rel}: HTTP ${r.status}`);
  return r.arrayBuffer();
});

// ---- page skeleton (everything the viewer adds lives under #atlas)
const root = document.getElementById('atlas') || document.body.appendChild(h('div', { id: 'atlas' }));
root.classList.add('atlas-app');
root.dataset.theme = config.theme === 'light' ? 'light' : 'dark';
if (config.accent) root.style.setProperty('--accent', config.accent);
const menuBtn = h('button.atlas-menu', { type: 'button', 'aria-label': 'Show filters and colours', 'aria-expanded': 'false', 'aria-controls': 'atlas-side', text: '☰' });
const bar = h('div.atlas-bar', {}, menuBtn);
const side = h('aside.atlas-side', { id: 'atlas-side', 'aria-label': 'Colour and filters' });
const detail = h('aside.atlas-detail', { 'aria-label': 'Selected entity', hidden: true });
const canvas = h('canvas.atlas-canvas', { tabindex: '0', role: 'img', 'aria-label': `Map of ${fmt(config.count || 0)} entities. Drag or use the arrow keys to pan, + and - to zoom, 0 to fit.` });
const labelLayer = h('div.atlas-labels', { 'aria-hidden': 'true' });
const stage = h('div.atlas-stage', {}, canvas, labelLayer);
const countEl = h('span.atlas-count', { 'aria-live': 'polite' });
root.replaceChildren(bar, h('div.atlas-main', {}, side, stage, detail));
const setDrawer = (open) => {
  root.classList.toggle('atlas-drawer-open', open);
  menuBtn.setAttribute('aria-expanded', String(open));
};
menuBtn.addEventListener('click', () => {
  const open = !root.classList.contains('atlas-drawer-open');
  setDrawer(open);
  if (open) side.querySelector('select, input, button, textarea')?.focus({ preventScroll: true });
});
// Escape closes the drawer and gives focus back to its button
side.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && root.classList.contains('atlas-drawer-open')) { setDrawer(false); menuBtn.focus(); }
});

// ---- data loading starts at once; meta and neighbours are processed after the first frame
// (the point file alone first: the big metadata downloads would compete with it for the CPU)
const pointsP = fetchBuf(config.points);
let metaP = null, neighborsP = null;
const loadRest = () => {
  metaP ||= fetchBuf(config.meta);
  neighborsP ||= config.neighbors ? fetchBuf(config.neighbors).catch(() => null) : Promise.resolve(null);
};

const defaults = defaultState(config);
const store = createStore(parseHash(location.hash, defaults));
const gl = createContext(canvas);
if (!gl) fallback(); else start().catch(showError);

function showError(e) {
  console.error(e);
  stage.append(h('p.atlas-error', { role: 'alert', text: `The map could not be loaded: ${e.message}` }));
}

/** No WebGL: say so, show the static overview, and keep a search that links to entity pages. */
async function fallback() {
  canvas.remove();
  side.remove();
  stage.append(h('p.atlas-nogl', { role: 'status', text: 'This browser cannot show the interactive map (WebGL is unavailable), so here is a static overview; the search still finds every entity.' }));
  if (config.overview) stage.append(h('img.atlas-overview', { src: new URL(config.overview, location.href).href, alt: `Overview of ${config.title || 'the atlas'}` }));
  loadRest();
  const raw = decodeMsgpack(await metaP);
  const meta = { labels: strs(raw.labels), ids: strs(raw.ids), slugs: strs(raw.slugs), counts: raw.counts };
  const index = buildIndex(meta.labels, meta.ids, meta.counts);
  mountSearch(bar, { getIndex: () => index, labels: () => meta.labels, counts: () => meta.counts, hrefOf: (i) => entityHref(meta.slugs.get(i)) });
}

async function start() {
  // ---- points: first frame
  const table = decodePoints(await pointsP);
  const n = table.n;
  const variants = (config.variants || []).map((v) => v.name).filter((v) => table.columns[`xy:${v}`]);
  if (!variants.length) variants.push(...Object.keys(table.columns).filter((k) => k.startsWith('xy:')).map((k) => k.slice(3)));
  const variantOf = (v) => (variants.includes(v) ? v : variants.includes(config.variant) ? config.variant : variants[0]);
  const xyCache = {};
  const xyOf = (v) => (xyCache[v] ||= positions(table, v));
  const gridCache = {};
  const gridOf = (v) => (gridCache[v] ||= buildGrid(xyOf(v), n));
  let variant = variantOf(store.get().variant);
  let xy = xyOf(variant);
  // layout bounds: the file's per-column min/max, or a scan when they are missing
  const boundsCache = {};
  const boundsOf = (v) => (boundsCache[v] ||= layoutBounds(table, v, xyOf(v)));
  const size = () => [canvas.clientWidth || 1, canvas.clientHeight || 1];
  // the fitted view for the current layout and canvas size (6 % margin each side)
  const home = () => { const [w, hh] = size(); return { ...fitView(boundsOf(variant), w, hh, 0.06), fit: true }; };
  // the store's view, with "fitted" resolved against the canvas as it is now
  const viewNow = () => { const v = store.get().view; return v.fit ? home() : v; };

  const css = getComputedStyle(root);
  const renderer = createRenderer(canvas, gl, {
    n,
    background: css.getPropertyValue('--bg').trim() || '#111318',
    ring: css.getPropertyValue('--ring').trim() || '#ffffff',
    getView: viewNow,
    onFrame: (view, w, hh) => labels?.update(view, w, hh),
  });
  const sizes = pointSizes(table);
  const base = baseSize(n);
  renderer.setSizes(sizes, base, base * 3);
  renderer.setPositions(xy);
  const early = earlyColors(table, store.get().color, config.accent);
  renderer.setColors(early.index);
  renderer.setPalette(early.texture);
  renderer.requestDraw();
  requestAnimationFrame(loadRest); // runs right after the first frame's draw

  // ---- camera
  let labels = null;
  let meta = null, neighbors = null, index = null, idOf = null;
  let hover = -1, selIdx = -1, hits = [], pass = null, listHits = null;
  const camera = bindCamera(canvas, {
    getView: viewNow,
    setView: (view) => store.set({ view }),
    size,
    reducedMotion,
    home,
    onHover: (sx, sy) => setHover(pick(sx, sy), sx, sy),
    onLeave: () => setHover(-1),
    onTap: (sx, sy) => select(pick(sx, sy), false),
  });
  const tip = createTooltip(stage);

  function pick(sx, sy) {
    const [w, hh] = size();
    const view = viewNow();
    const [px, py] = screenToData(view, w, hh, sx, sy);
    const r = Math.max(6, base * 2 * Math.pow(Math.max(1, view.k), 0.35)) / scaleOf(view, w, hh);
    return nearest(gridOf(variant), px, py, r, pass && store.get().hide ? pass : null);
  }
  function setHover(i, sx, sy) {
    if (i !== hover) {
      const prev = hover;
      hover = i;
      if (prev >= 0) renderer.setStateAt(prev, stateAt(prev));
      if (i >= 0) renderer.setStateAt(i, HOVERED);
      updateOverlay();
    }
    if (i < 0 || !meta) { tip.hide(); canvas.style.cursor = i >= 0 ? 'pointer' : ''; return; }
    canvas.style.cursor = 'pointer';
    tip.show(meta.labels.get(i), [['In', `${fmt(meta.counts[i])} collections`], ...fieldValues(meta, config.fields || [], i, 2)], sx, sy);
  }
  function stateAt(i) { return computeState(1, { pass: pass ? [pass[i]] : null, hide: store.get().hide, hits: hitSet.has(i) ? [0] : [], sel: i === selIdx ? 0 : -1 })[0]; }
  let hitSet = new Set();

  // ---- per-point state: filters, selection, neighbours, search hits, my list
  function refreshState() {
    const s = store.get();
    hitSet = new Set(listHits || hits);
    for (const x of selNeighbors()) hitSet.add(x.i);
    const st = computeState(n, { pass, hide: s.hide, hits: hitSet, sel: selIdx, hover });
    const visible = pass ? pass.reduce((a, b) => a + b, 0) : n;
    renderer.setState(st, visible, !!(listHits || hits.length));
    updateOverlay();
  }
  function selNeighbors() {
    if (selIdx < 0 || !neighbors) return [];
    const out = [];
    for (let j = neighbors.indptr[selIdx]; j < neighbors.indptr[selIdx + 1]; j++) {
      const i = neighbors.indices[j];
      const dx = xy[2 * i] - xy[2 * selIdx], dy = xy[2 * i + 1] - xy[2 * selIdx + 1];
      out.push({ i, weight: neighbors.weights[j], far: Math.hypot(dx, dy) > 0.3, label: meta ? meta.labels.get(i) : String(i) });
    }
    return out;
  }
  let colorIndex = early.index;
  function updateOverlay() {
    const markers = [], lines = [];
    if (selIdx >= 0) {
      for (const nb of selNeighbors()) {
        const a = Math.round(90 + 120 * Math.min(1, nb.weight / (neighbors.weights[neighbors.indptr[selIdx]] || 1)));
        lines.push({ x0: xy[2 * selIdx], y0: xy[2 * selIdx + 1], x1: xy[2 * nb.i], y1: xy[2 * nb.i + 1], rgba: nb.far ? [240, 120, 60, a] : [200, 200, 210, a] });
      }
      markers.push({ x: xy[2 * selIdx], y: xy[2 * selIdx + 1], color: colorIndex[selIdx], size: sizes[selIdx], state: 4 });
    }
    if (hover >= 0 && hover !== selIdx) markers.push({ x: xy[2 * hover], y: xy[2 * hover + 1], color: colorIndex[hover], size: sizes[hover], state: 5 });
    renderer.setOverlay(markers, lines);
  }

  function select(i, fly) {
    store.set({ sel: i >= 0 && meta ? meta.ids.get(i) : '' });
    if (i >= 0 && fly) {
      const v = viewNow();
      camera.flyTo({ x: xy[2 * i], y: xy[2 * i + 1], k: Math.max(v.k, 6) });
    }
  }
  function showDetail() {
    if (selIdx < 0 || !meta) { detail.hidden = true; root.classList.remove('atlas-has-detail'); return; }
    root.classList.add('atlas-has-detail');
    renderDetail(detail, {
      title: meta.labels.get(selIdx),
      count: meta.counts[selIdx],
      fields: fieldValues(meta, config.fields || [], selIdx),
      href: meta.slugs.length ? entityHref(meta.slugs.get(selIdx)) : null,
      neighbors: neighbors ? selNeighbors() : null,
      onPick: (i) => select(i, true),
      onClose: () => select(-1),
    });
  }

  // ---- store -> renderer / UI
  let panel = null, searchBox = null, filterResult = null;
  store.subscribe((s, changed) => {
    if (changed.has('view')) renderer.requestDraw();
    if (changed.has('variant') && meta) switchVariant(s.variant);
    if (changed.has('filters') || changed.has('hide')) applyFilters();
    if (changed.has('color')) applyColor();
    if (changed.has('sel')) applySelection();
    if (changed.has('q')) searchBox?.setQuery(s.q);
    if (changed.has('list')) applyList();
  });
  syncHash(store, defaults);
  // layout changes (the bar wrapping, panels opening) resize the canvas without a window resize
  const onResize = () => { labels?.invalidate(); renderer.requestDraw(); };
  if (self.ResizeObserver) new ResizeObserver(onResize).observe(canvas);
  else addEventListener('resize', onResize);
  let settle = 0;
  store.subscribe((s, changed) => {
    if (!changed.has('view')) return;
    clearTimeout(settle);
    settle = setTimeout(() => { const [w, hh] = size(); labels?.update(viewNow(), w, hh, true); }, 150);
  });

  const hideLabelsFor = hideWhileMoving(labelLayer, onResize);
  function switchVariant(v) {
    const next = variantOf(v);
    if (next === variant) return;
    const from = xy;
    const before = viewNow();
    variant = next;
    xy = xyOf(variant);
    const ms = reducedMotion() ? 0 : 900;
    renderer.setPositions(xy, ms, from);
    // labels sit at the new positions; keep them out of the way while the points travel there
    labels?.invalidate();
    if (ms) hideLabelsFor(ms);
    // a fitted view follows the new layout's bounds, moving with the points
    if (store.get().view.fit && ms) { store.set({ view: before }, { fromUrl: true }); camera.flyTo(home(), ms); }
    if (variantSel) variantSel.value = variant;
    updateOverlay();
  }
  function applyFilters() {
    const s = store.get();
    filterResult = evaluate(meta.fields, config.fields || [], s.filters, n);
    pass = Object.keys(s.filters).length ? filterResult.pass : null;
    countEl.textContent = `${fmt(filterResult.visible)} of ${fmt(n)} shown`;
    emptyNote.hidden = filterResult.visible > 0;
    labels?.invalidate();
    panel?.update(s, filterResult.facets);
    applyColorLegend();
    refreshState();
  }
  // nothing passes the filters (e.g. every legend category switched off): say so, with a way back
  const emptyNote = h('div.atlas-empty', { role: 'status', hidden: true },
    h('p', { text: 'No points match the current filters.' }),
    h('button', { type: 'button', text: 'Clear filters', onclick: () => store.set({ filters: {} }) }));
  stage.append(emptyNote);
  let legendData = null;
  function applyColor() {
    const s = store.get();
    const desc = (config.fields || []).find((f) => f.name === s.color);
    const ch = colorChannel(meta.fields[s.color], desc, n, config.accent);
    colorIndex = ch.index;
    legendData = ch.legend;
    renderer.setColors(ch.index);
    renderer.setPalette(ch.texture);
    panel?.update(s, filterResult.facets);
    applyColorLegend();
    updateOverlay();
  }
  function applyColorLegend() { panel?.setLegend(legendData, store.get()); }
  function applySelection() {
    const id = store.get().sel;
    selIdx = id && idOf ? (selIdx >= 0 && id === meta.ids.get(selIdx) ? selIdx : idOf(id)) : -1;
    refreshState();
    showDetail();
  }
  function applyList() {
    const text = store.get().list;
    panel?.setListText(text);
    if (!text.trim()) { listHits = null; panel?.setListResult(''); refreshState(); return; }
    const r = matchList(ensureIndex(), text, listOpts);
    listHits = [...r.matched];
    const total = r.matched.size + r.unmatched.length;
    panel?.setListResult(`${fmt(r.matched.size)} of ${fmt(total)} matched${r.unmatched.length ? `; not found: ${r.unmatched.slice(0, 5).join(', ')}${r.unmatched.length > 5 ? '…' : ''}` : ''}`);
    refreshState();
  }
  let listOpts = {};

  // ---- variant switch
  let variantSel = null;
  if (variants.length > 1) {
    const byName = Object.fromEntries((config.variants || []).map((v) => [v.name, v.label || v.name]));
    variantSel = h('select', { 'aria-label': 'Layout', onchange: () => store.set({ variant: variantSel.value }) },
      ...variants.map((v) => h('option', { value: v, text: byName[v] || v })));
    variantSel.value = variant;
  }

  // ---- metadata and neighbours stream in after the first frame
  loadRest();
  const metaRaw = decodeMsgpack(await metaP);
  meta = decodeMeta(metaRaw);
  idOf = (id) => indexOfId(meta.ids, id);
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => meta.counts[b] - meta.counts[a] || a - b);
  const rank = new Uint32Array(n);
  order.forEach((i, k) => { rank[i] = k; });
  labels = createLabels(labelLayer, {
    getLabels: () => meta.labels, getXY: () => xy, getGrid: () => gridOf(variant), order: () => order, rank: () => rank,
    isVisible: (i) => !pass || pass[i] === 1,
    getClusters: () => meta.clusters?.[variant] || null,
  });
  // the search index is built on first use, so a visit that never searches never pays for it
  const ensureIndex = () => (index ||= buildIndex(meta.labels, meta.ids, meta.counts));
  searchBox = mountSearch(bar, {
    getIndex: ensureIndex, labels: () => meta.labels, counts: () => meta.counts, pass: () => pass,
    onChoose: (i) => { store.set({ q: searchBox.input.value }, { push: true }); hits = []; select(i, true); refreshState(); },
    onQuery: (q, results) => {
      hits = q ? search(ensureIndex(), q, { limit: 200 }).map((r) => r.i) : [];
      store.set({ q });
      refreshState();
    },
  });
  // the compare page (two layouts side by side) opens with this layout and selection
  const compareLink = (config.variants || []).length > 1 ? h('a.atlas-compare-link', { href: `${config.root || ''}compare.html`, text: 'Compare layouts' }) : null;
  const updateCompareLink = () => {
    if (!compareLink) return;
    const p = new URLSearchParams();
    const v = variantOf(store.get().variant);
    if (v !== config.variants[0].name) p.set('a', v);
    if (store.get().sel) p.set('sel', store.get().sel);
    compareLink.setAttribute('href', `${config.root || ''}compare.html${p.toString() ? `#${p}` : ''}`);
  };
  store.subscribe((s, changed) => { if (changed.has('sel') || changed.has('variant')) updateCompareLink(); });
  updateCompareLink();
  bar.append(...[variantSel, compareLink, countEl].filter(Boolean));
  panel = mountPanel(side, {
    store, fields: config.fields || [], columns: meta.fields,
    onList: (text, opts) => { listOpts = opts; store.set({ list: text }); applyList(); },
  });
  applyFilters();
  applyColor();
  if (store.get().q) searchBox.setQuery(store.get().q);
  if (store.get().list) applyList();
  if (store.get().variant && store.get().variant !== variant) switchVariant(store.get().variant);
  applySelection();
  renderer.requestDraw();

  const nbRaw = await neighborsP;
  if (nbRaw) {
    neighbors = decodeNeighbors(decodeMsgpack(nbRaw));
    refreshState();
    showDetail();
  }
  root.dataset.ready = 'true';
  window.__atlasReady = true;
}
