// One side of the compare page: a layout select over its own canvas, with its own regl renderer
// (one gl.POINTS draw for every entity plus the small overlay), camera, tooltip and label layer.
// It knows nothing about the other side: compare.js links the two through the callbacks.
import { h } from './dom.js';
import { createContext, createRenderer } from './renderer.js';
import { bindCamera, screenToData, dataToScreen, scaleOf, fitView } from './camera.js';
import { nearest } from './picking.js';
import { createTooltip } from './tooltip.js';
import { createLabels, hideWhileMoving } from './labels.js';

const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * opts: side ('a' | 'b'), variants [{name, label, figures}], n, sizes (Uint8Array n), base (px),
 * colors {background, ring}, onVariant(name), onHover(i, sx, sy), onLeave(), onTap(i),
 * labels {getLabels(), order(), rank(), getClusters(variant)}.
 * Returns null when WebGL is unavailable, else the pane's API (see the object at the end).
 */
export function createPane(parent, opts) {
  const name = opts.side.toUpperCase();
  const select = h('select', { 'aria-label': `Layout ${name}`, onchange: () => opts.onVariant(select.value) },
    ...opts.variants.map((v) => h('option', { value: v.name, text: v.label || v.name })));
  const figures = h('span.cmp-figures');
  const canvas = h('canvas.atlas-canvas', { tabindex: '0', role: 'img', 'aria-label': `Layout ${name}: drag or use the arrow keys to pan, + and - to zoom, 0 to fit.` });
  const labelLayer = h('div.atlas-labels', { 'aria-hidden': 'true' });
  const stage = h('div.atlas-stage', {}, canvas, labelLayer);
  const el = h('section.cmp-pane', { 'aria-label': `Layout ${name}`, 'data-side': opts.side },
    h('div.cmp-head', {}, h('span.cmp-badge', { text: name, 'aria-hidden': 'true' }), select, figures), stage);
  parent.append(el);
  const gl = createContext(canvas);
  if (!gl) { el.remove(); return null; }

  const n = opts.n;
  let variant = '', xy = null, grid = null, bounds = { x0: -1, y0: -1, x1: 1, y1: 1 };
  let view = { x: 0, y: 0, k: 1, fit: true };
  const size = () => [canvas.clientWidth || 1, canvas.clientHeight || 1];
  const home = () => { const [w, hh] = size(); return { ...fitView(bounds, w, hh, 0.06), fit: true }; };
  const viewNow = () => (view.fit ? home() : view);

  let labels = null;
  const renderer = createRenderer(canvas, gl, {
    n, background: opts.colors.background, ring: opts.colors.ring, getView: viewNow,
    onFrame: (v, w, hh) => labels?.update(v, w, hh),
  });
  renderer.setSizes(opts.sizes, opts.base, opts.base * 3);
  let settle = 0;
  const setView = (v) => {
    view = v;
    renderer.requestDraw();
    clearTimeout(settle);
    settle = setTimeout(() => { const [w, hh] = size(); labels?.update(viewNow(), w, hh, true); }, 150);
  };
  const pick = (sx, sy) => {
    if (!grid) return -1;
    const [w, hh] = size();
    const v = viewNow();
    const [px, py] = screenToData(v, w, hh, sx, sy);
    const r = Math.max(6, opts.base * 2 * Math.pow(Math.max(1, v.k), 0.35)) / scaleOf(v, w, hh);
    return nearest(grid, px, py, r);
  };
  const camera = bindCamera(canvas, {
    getView: viewNow, setView, size, reducedMotion, home,
    onHover: (sx, sy) => opts.onHover(pick(sx, sy), sx, sy),
    onLeave: () => opts.onLeave(),
    onTap: (sx, sy) => opts.onTap(pick(sx, sy)),
  });
  const tip = createTooltip(stage);
  const onResize = () => { labels?.invalidate(); renderer.requestDraw(); };
  if (self.ResizeObserver) new ResizeObserver(onResize).observe(canvas);
  else addEventListener('resize', onResize);

  const hideLabelsFor = hideWhileMoving(labelLayer, onResize);
  return {
    el, canvas, renderer,
    get variant() { return variant; },
    get xy() { return xy; },
    /** Show layout `v` (positions, bounds, picking grid); animated when it replaces another one. */
    setLayout(v, pos, b, g) {
      if (v === variant) return;
      const from = xy, before = viewNow();
      variant = v; xy = pos; bounds = b; grid = g;
      select.value = v;
      const info = opts.variants.find((x) => x.name === v);
      figures.textContent = (info?.figures || []).map(([k, val]) => `${k} ${val}`).join(' · ');
      figures.title = figures.textContent ? `Layout quality (see the about page): ${figures.textContent}` : '';
      const ms = from && !reducedMotion() ? 700 : 0;
      renderer.setPositions(pos, ms, from);
      labels?.invalidate();
      if (ms) {
        hideLabelsFor(ms);
        view = before;
        camera.flyTo(home(), ms);
      } else view = { ...view, fit: true };
    },
    /** Start the label layer once the metadata has arrived. */
    enableLabels(lopts) {
      labels = createLabels(labelLayer, {
        getLabels: lopts.getLabels, getXY: () => xy, getGrid: () => grid, order: lopts.order, rank: lopts.rank,
        isVisible: () => true, getClusters: () => lopts.getClusters(variant),
      });
      renderer.requestDraw();
    },
    setColors(ch) { renderer.setColors(ch.index); renderer.setPalette(ch.texture); },
    showTip(title, lines, sx, sy) { tip.show(title, lines, sx, sy); canvas.style.cursor = 'pointer'; },
    hideTip(pointer = false) { tip.hide(); canvas.style.cursor = pointer ? 'pointer' : ''; },
    /** Centre entity i, zooming in to at least `k`; with `onlyIfHidden`, only when it is off screen. */
    reveal(i, k = 0, onlyIfHidden = false) {
      if (i < 0 || !xy) return;
      const [w, hh] = size();
      const v = viewNow();
      const [sx, sy] = dataToScreen(v, w, hh, xy[2 * i], xy[2 * i + 1]);
      const margin = 24;
      if (onlyIfHidden && sx > margin && sx < w - margin && sy > margin && sy < hh - margin) return;
      camera.flyTo({ x: xy[2 * i], y: xy[2 * i + 1], k: Math.max(v.k, k) });
    },
  };
}
