// Label overlay: names of the most popular entities in view, placed greedily without overlap;
// zooming in brings more into view. DOM nodes are pooled and positioned with transforms.
// The (comparatively costly) choice of which labels to show runs only when the camera settles
// (update(..., true), called by main.js after the view stops changing) or after invalidate();
// while the view moves, the labels already shown just follow their points.
import { dataToScreen } from './camera.js';
import { inRect } from './picking.js';

const MAX_LABELS = 60;
const CHAR_PX = 7;

/**
 * order: entity indices by popularity (descending). Returns {update(view, w, h, force)}.
 * getLabels() -> {get(i)} | null; getXY() -> Float32Array; getGrid(); isVisible(i).
 */
export function createLabels(layer, opts) {
  const pool = [];
  let placed = []; // [{i, el}]
  let dirty = true;
  let clusterEls = [];

  function layout(view, w, h) {
    const labels = opts.getLabels();
    if (!labels) return [];
    const xy = opts.getXY();
    const s = (view.k * Math.min(w, h)) / 2;
    const x0 = view.x - w / 2 / s, x1 = view.x + w / 2 / s, y0 = view.y - h / 2 / s, y1 = view.y + h / 2 / s;
    const cand = [];
    const order = opts.order();
    const want = MAX_LABELS * 4;
    const frac = Math.min(1, ((x1 - x0) * (y1 - y0)) / 4);
    if (frac > 0.05) {
      for (let k = 0; k < order.length && cand.length < want && k < 50000; k++) {
        const i = order[k];
        const px = xy[2 * i], py = xy[2 * i + 1];
        if (px >= x0 && px <= x1 && py >= y0 && py <= y1 && opts.isVisible(i)) cand.push(i);
      }
    } else {
      const rank = opts.rank();
      inRect(opts.getGrid(), x0, y0, x1, y1, (i) => { if (opts.isVisible(i)) cand.push(i); });
      cand.sort((a, b) => rank[a] - rank[b]);
      cand.length = Math.min(cand.length, want);
    }
    const boxes = [];
    const out = [];
    for (const i of cand) {
      const [sx, sy] = dataToScreen(view, w, h, xy[2 * i], xy[2 * i + 1]);
      const text = labels.get(i);
      const bw = Math.min(24, text.length) * CHAR_PX + 6, bh = 16;
      const b = [sx - bw / 2, sy + 4, sx + bw / 2, sy + 4 + bh];
      if (b[0] < 0 || b[2] > w || b[3] > h) continue;
      if (boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1])) continue;
      boxes.push(b);
      out.push(i);
      if (out.length >= MAX_LABELS) break;
    }
    return out;
  }

  function place(view, w, h) {
    const xy = opts.getXY();
    for (const p of placed) {
      const [sx, sy] = dataToScreen(view, w, h, xy[2 * p.i], xy[2 * p.i + 1]);
      p.el.style.transform = `translate(${sx.toFixed(1)}px, ${(sy + 4).toFixed(1)}px) translateX(-50%)`;
    }
    const clusters = opts.getClusters?.();
    if (!clusters) { clusterEls.forEach((e) => e.remove()); clusterEls = []; return; }
    while (clusterEls.length < clusters.labels.length) {
      const el = document.createElement('div');
      el.className = 'atlas-cluster';
      layer.append(el);
      clusterEls.push(el);
    }
    clusters.labels.forEach((t, k) => {
      const el = clusterEls[k];
      el.textContent = t;
      const [sx, sy] = dataToScreen(view, w, h, clusters.x[k], clusters.y[k]);
      el.style.transform = `translate(${sx.toFixed(1)}px, ${sy.toFixed(1)}px) translate(-50%, -50%)`;
      el.hidden = view.k > 4; // cluster names give way to entity names when zoomed in
    });
  }

  return {
    /** Choose labels again at the next update (filters or the layout changed). */
    invalidate() { dirty = true; },
    update(view, w, h, force = false) {
      if (force || dirty) {
        dirty = false;
        const labels = opts.getLabels();
        const chosen = layout(view, w, h);
        const keep = new Map(placed.map((p) => [p.i, p.el]));
        placed = chosen.map((i) => {
          let el = keep.get(i);
          if (el) keep.delete(i);
          else {
            el = pool.pop() || layer.appendChild(document.createElement('div'));
            el.className = 'atlas-label';
            el.textContent = labels.get(i);
            el.hidden = false;
          }
          return { i, el };
        });
        for (const el of keep.values()) { el.hidden = true; pool.push(el); }
      }
      place(view, w, h);
    },
  };
}
