// Entry of the compare page (dist/<dataset>/compare.html): two layout variants side by side with
// linked hover (a tooltip where the pointer is, a ring around the same entity on the other side)
// and linked selection (the entity's strongest co-occurrences highlighted and joined by lines on
// both sides). State in the URL hash: a, b (variants), sel (entity id); see compare-state.js.
import './compare.css';
import { positions } from './format.js';
import { createLoader } from './loader.js';
import { createStore, syncHash } from './store.js';
import { buildGrid } from './picking.js';
import { buildIndex, search } from './search.js';
import { colorChannel } from './palette.js';
import { computeState, HOVERED, SELECTED, LOCATOR } from './highlight.js';
import { mountSearch } from './searchbox.js';
import { fieldValues } from './tooltip.js';
import { pointSizes, baseSize, layoutBounds, indexOfId, earlyColors } from './data.js';
import { compareDefaults, compareCodec, pickVariant, normalizePair, nearRanks } from './compare-state.js';
import { createPane } from './compare-pane.js';
import { renderIntro, renderSelection } from './compare-detail.js';
import { h, fmt } from './dom.js';
import { initialTheme } from './theme.js';

const config = JSON.parse(document.getElementById('atlas-config').textContent);
const datasetUrl = (rel) => new URL((config.root || '') + rel, location.href).href;
const variantsCfg = config.variants || [];
const labelOf = (v) => variantsCfg.find((x) => x.name === v)?.label || v;

// ---- page skeleton (the compare page replaces the children of #atlas)
const root = document.getElementById('atlas') || document.body.appendChild(h('div', { id: 'atlas' }));
root.classList.add('atlas-app', 'atlas-compare');
root.dataset.theme = initialTheme(config);
if (config.accent) root.style.setProperty('--accent', config.accent);
const mapLink = h('a.cmp-map', { href: variantsCfg[0]?.url || 'index.html', text: config.title || 'Map' });
const bar = h('div.atlas-bar', {}, h('h1.cmp-title', {}, mapLink, h('span.cmp-sub', { text: ' · compare layouts' })));
const panes = h('div.cmp-panes');
const detail = h('aside.atlas-detail.cmp-detail', { 'aria-label': 'Selection' });
root.replaceChildren(bar, h('div.atlas-main', {}, panes, detail));

let onEntities = null; // set once the page is wired: a shard or id bucket came in
const loader = createLoader(config, datasetUrl, () => onEntities?.());
const names = variantsCfg.map((v) => v.name);
const defaults = compareDefaults(config);
const codec = compareCodec(names);
const store = createStore(codec.parse(location.hash, defaults));

start().catch((e) => {
  console.error(e);
  panes.replaceChildren(h('p.atlas-error', { role: 'alert', text: `The layouts could not be loaded: ${e.message}` }));
});

/** No WebGL: say so and link each layout's own page (its static overview) and the entity list. */
function fallback() {
  panes.replaceChildren(h('div.atlas-nogl', { role: 'status' },
    h('p', { text: 'This browser cannot show the interactive layouts (WebGL is unavailable). Each layout has its own page with a static overview:' }),
    h('ul', {}, ...variantsCfg.map((v) => h('li', {}, h('a', { href: v.url, text: v.label || v.name })))),
    h('p', {}, h('a', { href: `${config.root || ''}e/index.html`, text: 'All entities, A–Z' }))));
  detail.remove();
}

async function start() {
  const table = await loader.allPoints(); // both panes need every point at once
  const n = table.n;
  const usable = names.filter((v) => table.columns[`xy:${v}`]);
  if (usable.length < 2) throw new Error('the point file has fewer than two layouts');
  const cache = {};
  const layoutOf = (v) => (cache[v] ||= (() => {
    const xy = positions(table, v);
    return { xy, bounds: layoutBounds(table, v, xy), grid: buildGrid(xy, n) };
  })());
  const css = getComputedStyle(root);
  const colors = { background: css.getPropertyValue('--bg').trim() || '#111318', ring: css.getPropertyValue('--ring').trim() || '#ffffff' };
  const sizes = pointSizes(table);
  const nearRgb = root.dataset.theme === 'light' ? [70, 74, 84] : [200, 200, 210]; // lines to co-occurring entities nearby
  const base = baseSize(n);

  let meta = null, neighbors = null, index = null;
  let st = new Uint8Array(n); // per-point state, the same on both sides
  let hover = -1, hoverFrom = null, selIdx = -1, hits = [];
  let colorIndex = null, legend = null;

  const paneOpts = (side) => ({
    side, n, sizes, base, colors,
    variants: variantsCfg.filter((v) => usable.includes(v.name)),
    onVariant: (v) => store.set(pickVariant(store.get(), side, v)),
    onHover: (i, sx, sy) => setHover(i, side, sx, sy),
    onLeave: () => setHover(-1, side),
    onTap: (i) => select(i, { from: side }),
  });
  const A = createPane(panes, paneOpts('a'));
  const B = A && createPane(panes, paneOpts('b'));
  if (!A || !B) { fallback(); return; }
  const sides = { a: A, b: B };

  const early = earlyColors(table, config.colorBy, config.accent);
  colorIndex = early.index;
  const showPair = () => {
    const s = normalizePair(store.get(), defaults, usable);
    for (const side of ['a', 'b']) {
      const L = layoutOf(s[side]);
      sides[side].setLayout(s[side], L.xy, L.bounds, L.grid);
    }
  };
  showPair();
  A.setColors(early); B.setColors(early);

  // ---- linked hover: state byte on both sides, tooltip on the hovered one, locator ring on the other
  function setHover(i, from, sx, sy) {
    if (!meta) i = -1;
    if (i !== hover || from !== hoverFrom) {
      const prev = hover;
      hover = i; hoverFrom = from;
      for (const p of [A, B]) {
        if (prev >= 0) p.renderer.setStateAt(prev, st[prev]);
        if (i >= 0 && st[i] !== SELECTED) p.renderer.setStateAt(i, HOVERED);
      }
      updateOverlays();
    }
    for (const side of ['a', 'b']) {
      const p = sides[side];
      if (i >= 0 && side === from && sx !== undefined) {
        p.showTip(meta.labels.get(i), [['In', `${fmt(meta.counts[i])} collections`], ...fieldValues(meta, config.fields || [], i, 2)], sx, sy);
      } else p.hideTip(false);
    }
  }

  // ---- selection: the entity, its co-occurrences, lines on both sides
  function selNeighbors() {
    const row = selIdx >= 0 && neighbors ? neighbors.row(selIdx) : null;
    const out = [];
    for (let j = 0; row && j < row.indices.length; j++) out.push({ i: row.indices[j], weight: row.weights[j] });
    return out;
  }
  let rows = null; // [{i, label, weight, rankA, rankB}] for the selection
  const K = () => Math.max(1, rows ? rows.length : 0);
  function overlayFor(side) {
    const p = sides[side], xy = p.xy;
    const markers = [], lines = [];
    if (selIdx >= 0) {
      const top = rows?.[0]?.weight || 1;
      for (const r of rows || []) {
        const a = Math.round(90 + 120 * Math.min(1, r.weight / top));
        const near = (side === 'a' ? r.rankA : r.rankB) <= K();
        lines.push({ x0: xy[2 * selIdx], y0: xy[2 * selIdx + 1], x1: xy[2 * r.i], y1: xy[2 * r.i + 1], rgba: near ? [...nearRgb, a] : [240, 120, 60, a] });
      }
      markers.push({ x: xy[2 * selIdx], y: xy[2 * selIdx + 1], color: colorIndex[selIdx], size: sizes[selIdx], state: SELECTED });
      markers.push({ x: xy[2 * selIdx], y: xy[2 * selIdx + 1], color: 0, size: sizes[selIdx], state: LOCATOR });
    }
    if (hover >= 0) {
      if (hover !== selIdx) markers.push({ x: xy[2 * hover], y: xy[2 * hover + 1], color: colorIndex[hover], size: sizes[hover], state: HOVERED });
      if (side !== hoverFrom) markers.push({ x: xy[2 * hover], y: xy[2 * hover + 1], color: 0, size: sizes[hover], state: LOCATOR });
    }
    p.renderer.setOverlay(markers, lines);
  }
  const updateOverlays = () => { overlayFor('a'); overlayFor('b'); };

  function refreshState() {
    const set = new Set(hits);
    for (const r of rows || []) set.add(r.i);
    st = computeState(n, { hits: set, sel: selIdx });
    const focus = selIdx >= 0 || hits.length > 0;
    for (const p of [A, B]) {
      p.renderer.setState(st, n, focus);
      if (hover >= 0 && st[hover] !== SELECTED) p.renderer.setStateAt(hover, HOVERED);
    }
    updateOverlays();
  }
  function computeRows() {
    if (selIdx < 0 || !neighbors?.row(selIdx) || !meta) return null;
    const nb = selNeighbors();
    const targets = nb.map((x) => x.i);
    const ra = nearRanks(A.xy, selIdx, targets), rb = nearRanks(B.xy, selIdx, targets);
    return nb.map((x, k) => ({ ...x, label: meta.labels.get(x.i), rankA: ra[k], rankB: rb[k] }));
  }
  function showDetail() {
    if (!meta) return;
    if (selIdx < 0) {
      const desc = (config.fields || []).find((f) => f.name === config.colorBy);
      renderIntro(detail, { count: n, legend, fieldLabel: desc?.label || config.colorBy || '' });
      return;
    }
    const s = store.get();
    renderSelection(detail, {
      title: meta.labels.get(selIdx), count: meta.counts[selIdx],
      href: meta.slugs.get(selIdx) ? datasetUrl(config.entityPage.replace('{slug}', encodeURIComponent(meta.slugs.get(selIdx)))) : null,
      labelA: labelOf(s.a), labelB: labelOf(s.b), rows, k: K(),
      onPick: (i) => select(i, { fly: true }),
      onHover: (i) => setHover(i, null),
      onClose: () => select(-1),
    });
  }
  function applySelection() {
    const id = store.get().sel;
    selIdx = id && meta ? (selIdx >= 0 && meta.ids.get(selIdx) === id ? selIdx : indexOfId(meta.ids, id)) : -1;
    rows = computeRows();
    refreshState();
    showDetail();
  }
  /** Select entity i on both sides; opts.from: the side clicked (the other pans to it if off screen); fly: zoom both to it. */
  function select(i, { from = null, fly = false } = {}) {
    if (!meta) return;
    store.set({ sel: i >= 0 ? meta.ids.get(i) : '' });
    if (i < 0) return;
    for (const side of ['a', 'b']) {
      if (fly) sides[side].reveal(i, 4);
      else if (side !== from) sides[side].reveal(i, 0, true);
    }
  }

  store.subscribe((s, changed) => {
    if (changed.has('a') || changed.has('b')) {
      showPair();
      rows = computeRows();
      updateOverlays();
      showDetail();
    }
    if (changed.has('sel')) applySelection();
  });
  syncHash(store, defaults, window, codec);

  // ---- metadata and neighbours
  meta = await loader.meta();
  const desc = (config.fields || []).find((f) => f.name === config.colorBy);
  const ch = colorChannel(meta.fields[config.colorBy], desc, n, config.accent);
  legend = ch.legend;
  colorIndex = ch.index;
  A.setColors(ch); B.setColors(ch);
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => meta.counts[b] - meta.counts[a] || a - b);
  const rank = new Uint32Array(n);
  order.forEach((i, k) => { rank[i] = k; });
  const lopts = { getLabels: () => meta.labels, order: () => order, rank: () => rank, getClusters: (v) => meta.clusters?.[v] || null };
  A.enableLabels(lopts); B.enableLabels(lopts);
  const ensureIndex = () => (index ||= buildIndex(meta.labels, meta.ids, meta.counts));
  mountSearch(bar, {
    getIndex: ensureIndex, search, labels: () => meta.labels, counts: () => meta.counts,
    onChoose: (i) => { hits = []; select(i, { fly: true }); refreshState(); },
    onQuery: (q) => { hits = q ? search(ensureIndex(), q, { limit: 200 }).map((r) => r.i) : []; refreshState(); },
  });
  applySelection();
  neighbors = await loader.neighbors();
  onEntities = () => { neighbors = meta.neighbors(); applySelection(); };
  applySelection();
  root.dataset.ready = 'true';
  window.__atlasReady = true;
}
