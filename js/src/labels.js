// Label overlay: cluster names (meta.clusters, docs/site-data.md) and the names of the most popular
// entities in view, placed greedily without overlap, clusters first and largest first; zooming in
// brings smaller clusters and more entities into view. DOM nodes are pooled and positioned with
// transforms. The (comparatively costly) choice of which labels to show runs only when the camera
// settles (update(..., true), called by main.js after the view stops changing) or after
// invalidate(); while the view moves, the labels already shown just follow their points.
import { dataToScreen, scaleOf } from './camera.js';
import { plain } from './dom.js';
import { inRect } from './picking.js';

const MAX_LABELS = 60;
const CHAR_PX = 7;
// Cluster names: 12 px for the smallest cluster up to 20 px for the largest (by sqrt of size). A
// name appears once its cluster spans CLUSTER_MIN_PX on screen and gives way to the entity names
// when the cluster is wider than the canvas (the view is inside it).
const CLUSTER_FONT_MIN = 12, CLUSTER_FONT_MAX = 20, CLUSTER_MIN_PX = 48, CLUSTER_PAD = 4;

const overlaps = (b, boxes) => boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);

/**
 * order: entity indices by popularity (descending). Returns {update(view, w, h, force)}.
 * getLabels() -> {get(i)} | null; getXY() -> Float32Array; getGrid(); isVisible(i).
 */
/**
 * Hides the label layer while points travel to another layout (labels already sit at the new
 * positions), then calls `relayout` once they have arrived. Returns `hideFor(ms)`.
 */
export function hideWhileMoving(layer, relayout) {
  let timer = 0;
  return (ms) => {
    layer.style.visibility = 'hidden';
    clearTimeout(timer);
    timer = setTimeout(() => { layer.style.visibility = ''; relayout(); }, ms + 50);
  };
}

export function createLabels(layer, opts) {
  const pool = [];
  let placed = []; // [{i, el}]
  let dirty = true;
  let clusterEls = []; // one per cluster of the current layout, text and font size set once
  let clusterSrc = null; // the clusters object clusterEls were made for
  let shown = []; // cluster indices chosen at the last settle
  let dims = []; // measured [width, height] of each cluster name (0 until measured)

  /** Make (or re-make, after a variant switch) one element per cluster, sized by cluster size. */
  function clusterNodes(clusters) {
    if (clusters === clusterSrc) return;
    clusterEls.forEach((e) => e.remove());
    clusterSrc = clusters;
    dims = [];
    const sizes = clusters ? Array.from(clusters.size) : [];
    const big = Math.max(1, ...sizes);
    clusterEls = sizes.map((size, k) => {
      const el = document.createElement('div');
      el.className = 'atlas-cluster';
      // "terms: most popular member" (clusters whose terms coincide): the member on a smaller second line
      const name = plain(clusters.labels[k]);
      const cut = name.indexOf(': ');
      el.textContent = cut < 0 ? name : name.slice(0, cut);
      if (cut >= 0) {
        const sub = document.createElement('span');
        sub.textContent = name.slice(cut + 2);
        Object.assign(sub.style, { display: 'block', fontSize: '0.72em', fontWeight: '400' });
        el.append(sub);
      }
      const px = CLUSTER_FONT_MIN + (CLUSTER_FONT_MAX - CLUSTER_FONT_MIN) * Math.sqrt(size / big);
      el.style.fontSize = `${px.toFixed(1)}px`;
      Object.assign(el.style, { textAlign: 'center', maxWidth: `${Math.round(px * 18)}px` });
      el.hidden = true;
      layer.append(el);
      return el;
    });
  }

  /** Clusters whose names fit at this view, largest first, none overlapping; their screen boxes. */
  function chooseClusters(view, w, h, taken) {
    const c = clusterSrc;
    if (!c) return { chosen: [], boxes: taken };
    const s = scaleOf(view, w, h);
    const chosen = [], boxes = [...taken];
    for (let k = 0; k < clusterEls.length; k++) {
      const span = (c.extent ? c.extent[k] : 0.2) * s;
      // small screens: a name may cover a smaller cluster (else a phone shows none)
      if (span < Math.min(CLUSTER_MIN_PX, 0.1 * Math.min(w, h)) || span > Math.max(w, h)) continue;
      if (opts.clusterShown && !opts.clusterShown(k)) continue;
      if (!dims[k]?.[0]) {
        const el = clusterEls[k];
        el.hidden = false; // offsetWidth is 0 for hidden elements; the font never changes, so once
        dims[k] = [el.offsetWidth, el.offsetHeight];
        el.hidden = true;
      }
      const bw = dims[k][0] + 2 * CLUSTER_PAD, bh = dims[k][1] + 2 * CLUSTER_PAD;
      const [sx, sy] = dataToScreen(view, w, h, c.x[k], c.y[k]);
      const b = [sx - bw / 2, sy - bh / 2, sx + bw / 2, sy + bh / 2];
      if (b[0] < 0 || b[1] < 0 || b[2] > w || b[3] > h || overlaps(b, boxes)) continue;
      boxes.push(b);
      chosen.push(k);
    }
    return { chosen, boxes };
  }

  /** Greedy placement of `cand` (in priority order) around `taken` boxes; adds to `boxes`. */
  function placeGreedy(view, w, h, cand, boxes, max) {
    const labels = opts.getLabels(), xy = opts.getXY();
    const out = [];
    for (const i of cand) {
      const [sx, sy] = dataToScreen(view, w, h, xy[2 * i], xy[2 * i + 1]);
      const text = labels.get(i);
      const bw = Math.min(24, text.length) * CHAR_PX + 6, bh = 16;
      const b = [sx - bw / 2, sy + 4, sx + bw / 2, sy + 4 + bh];
      if (b[0] < 0 || b[1] < 0 || b[2] > w || b[3] > h) continue;
      if (overlaps(b, boxes)) continue;
      boxes.push(b);
      out.push(i);
      if (out.length >= max) break;
    }
    return out;
  }

  function layout(view, w, h, taken) {
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
    return placeGreedy(view, w, h, cand, [...taken], MAX_LABELS);
  }

  function place(view, w, h) {
    const xy = opts.getXY();
    for (const p of placed) {
      const [sx, sy] = dataToScreen(view, w, h, xy[2 * p.i], xy[2 * p.i + 1]);
      p.el.style.transform = `translate(${sx.toFixed(1)}px, ${(sy + 4).toFixed(1)}px) translateX(-50%)`;
    }
    const c = clusterSrc;
    for (const k of shown) {
      const [sx, sy] = dataToScreen(view, w, h, c.x[k], c.y[k]);
      clusterEls[k].style.transform = `translate(${sx.toFixed(1)}px, ${sy.toFixed(1)}px) translate(-50%, -50%)`;
    }
  }

  return {
    /** Choose labels again at the next update (filters or the layout changed). */
    invalidate() { dirty = true; },
    update(view, w, h, force = false) {
      if (force || dirty) {
        dirty = false;
        const labels = opts.getLabels();
        clusterNodes(opts.getClusters?.() || null);
        // entities the user asked for (my list) first, then cluster names, then the most popular
        const firstBoxes = [];
        const first = labels ? placeGreedy(view, w, h, (opts.priority?.() || []).filter(opts.isVisible), firstBoxes, MAX_LABELS) : [];
        const clusters = chooseClusters(view, w, h, firstBoxes);
        shown = clusters.chosen;
        const on = new Set(shown);
        clusterEls.forEach((el, k) => { el.hidden = !on.has(k); });
        const chosen = [...first, ...layout(view, w, h, clusters.boxes).filter((i) => !first.includes(i))];
        const keep = new Map(placed.map((p) => [p.i, p.el]));
        placed = chosen.map((i) => {
          let el = keep.get(i);
          if (el) keep.delete(i);
          else {
            el = pool.pop() || layer.appendChild(document.createElement('div'));
            el.className = 'atlas-label';
            el.textContent = plain(labels.get(i));
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
