// Label overlay: cluster names at up to three levels (meta.clusters: coarse regions, clusters, fine
// sub-clusters; docs/site-data.md) and the names of the most popular entities in view, placed
// greedily so that no two boxes overlap.
//
// Which cluster names: the hierarchy is walked from the regions down; a group wider on screen than
// OPEN_FRAC of the canvas "opens" and its children are named instead, so a zoomed-out map shows the
// regions, zooming into one shows its clusters, then their sub-clusters, wherever the view is. A
// group too small on screen (CLUSTER_MIN_PX) is left to the entity names. Under a named group, its
// children wider than CHILD_FRAC of the canvas are named too, after every group of the upper level
// and in a smaller font (an atlas's country and city names): a map of a dozen islands in a few
// regions then names the islands as well, where they have room. Entity names: the most
// popular in view, about ENTITY_PER_ZOOM per unit of zoom (more fill in as you zoom), never over a
// cluster name or each other.
// Stable: after a pan (the zoom unchanged), the labels shown before that still fit are placed first,
// so a popular point entering the view does not push out the names already there.
// Cheap: choosing runs only when the camera settles (update(..., true), debounced by the caller) or
// after invalidate(); per frame the chosen labels only follow their points (transforms on pooled DOM
// nodes; no node per point).
import { dataToScreen, scaleOf } from './camera.js';
import { plain } from './dom.js';
import { inRect } from './picking.js';

const MAX_LABELS = 60;
const ENTITY_PER_ZOOM = 12;
const ENTITY_MAX_W = 170, ENTITY_H = 16, ENTITY_D = 4, GAP = 2; // px; .atlas-label's max-width in style.css
const LEVEL_FONT = [[16, 22], [13, 18], [12, 14]]; // px, smallest to largest group of the level
const CLUSTER_MIN_PX = 48, CLUSTER_PAD = 4, OPEN_FRAC = 0.5, CHILD_FRAC = 0.05;

const overlaps = (b, boxes) => boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);

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

/**
 * One layout's cluster groups as a flat list, parents before children:
 * [{level (0 region, 1 cluster, 2 sub-cluster), k (index in its level), label, x, y, size, extent,
 * parent (list index, -1 = a root), children [list index]}]. Levels the data lack are left out (the
 * clusters are then the roots).
 */
export function clusterTree(c) {
  const nodes = [];
  const level = (src, lv, parentOf) => {
    const at = [];
    for (let k = 0; k < (src?.labels?.length || 0); k++) {
      const parent = parentOf ? parentOf(k) ?? -1 : -1;
      at.push(nodes.length);
      if (parent >= 0) nodes[parent].children.push(nodes.length);
      nodes.push({ level: lv, k, label: src.labels[k], x: src.x[k], y: src.y[k], size: src.size[k],
        extent: src.extent ? src.extent[k] : 0.2, parent, children: [] });
    }
    return at;
  };
  if (!c) return nodes;
  const regions = c.coarse && c.parent ? level(c.coarse, 0, null) : null;
  const clusters = level(c, 1, regions && ((k) => regions[c.parent[k]]));
  if (c.fine?.parent) level(c.fine, 2, (k) => clusters[c.fine.parent[k]]);
  return nodes;
}

/**
 * Which groups to name at scale `s` (px per layout unit) on a w x h canvas: list indices, coarser and
 * bigger first. shown(node) says whether its members pass the filters.
 */
export function namedGroups(nodes, s, w, h, shown = () => true) {
  const out = [];
  const minPx = Math.min(CLUSTER_MIN_PX, 0.1 * Math.min(w, h)); // a phone still gets names
  const openPx = OPEN_FRAC * Math.min(w, h), maxPx = Math.max(w, h), childPx = Math.max(minPx, CHILD_FRAC * Math.min(w, h));
  const visit = (id) => {
    const nd = nodes[id], span = nd.extent * s;
    const before = out.length;
    // an unnamed group (a region without a theme of its own, label "") always shows its children
    if (nd.children.length && (span > openPx || !nd.label)) {
      nd.children.forEach(visit);
      if (out.length > before) return;
      // every child too small to name: the group keeps its own name
    }
    if (nd.label && span >= minPx && span <= maxPx && shown(nd)) {
      out.push(id);
      for (const c of nd.children) if (nodes[c].extent * s >= childPx && shown(nodes[c])) out.push(c);
    }
  };
  nodes.forEach((nd, id) => { if (nd.parent < 0) visit(id); });
  return out.sort((a, b) => nodes[a].level - nodes[b].level || nodes[b].size - nodes[a].size || a - b);
}

/**
 * layer: the overlay element. opts: getLabels() -> {get(i)} | null; getXY() -> Float32Array;
 * getGrid(); order() / rank(): entities by popularity; isVisible(i); getClusters() -> the current
 * layout's meta.clusters entry | null; priority() -> entities to name first (my list);
 * clusterShown(level, k) -> whether group k of a level passes the filters.
 * Returns {update(view, w, h, force), invalidate()}.
 */
export function createLabels(layer, opts) {
  const pool = [];
  let placed = []; // [{i, el, ox, oy}]: entity i's name, its top-left corner relative to the point
  let dirty = true;
  let tree = [], treeSrc = null; // clusterTree of the current layout, and the clusters object it is of
  let shown = []; // [{id, dx, dy}]: named groups, their box's top-left corner relative to the anchor
  let lastK = 0; // the zoom of the last choice (a pan keeps what fits; a zoom chooses afresh)
  let measure = null;

  /** Width of an entity name in px, as .atlas-label renders it (a canvas measures without layout). */
  function textWidth(text) {
    if (!measure) {
      const probe = layer.appendChild(document.createElement('div'));
      probe.className = 'atlas-label';
      const cs = getComputedStyle(probe);
      measure = document.createElement('canvas').getContext('2d');
      measure.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      probe.remove();
    }
    return measure.measureText(text).width;
  }

  /** The DOM node of a group's name, made on first use; its font size says its level and size. */
  function nodeEl(nd) {
    if (nd.el) return nd.el;
    const el = (nd.el = document.createElement('div'));
    el.className = 'atlas-cluster';
    el.dataset.level = String(nd.level);
    // "terms: most popular member" (groups whose terms coincide): the member on a smaller second line
    const name = plain(nd.label);
    const cut = name.indexOf(': ');
    el.textContent = cut < 0 ? name : name.slice(0, cut);
    if (cut >= 0) {
      const sub = document.createElement('span');
      sub.textContent = name.slice(cut + 2);
      Object.assign(sub.style, { display: 'block', fontSize: '0.72em', fontWeight: '400' });
      el.append(sub);
    }
    const big = Math.max(1, ...tree.filter((o) => o.level === nd.level).map((o) => o.size));
    const [lo, hi] = LEVEL_FONT[nd.level];
    const px = lo + (hi - lo) * Math.sqrt(nd.size / big);
    Object.assign(el.style, { fontSize: `${px.toFixed(1)}px`, textAlign: 'center', maxWidth: `${Math.round(px * (nd.level === 0 ? 26 : 18))}px` });
    layer.append(el);
    nd.dims = [el.offsetWidth, el.offsetHeight]; // the font never changes: measured once
    el.hidden = true;
    return el;
  }

  function setTree(clusters) {
    if (clusters === treeSrc) return;
    tree.forEach((nd) => nd.el?.remove());
    tree = clusterTree(clusters);
    treeSrc = clusters;
    shown = [];
  }

  /** Named groups that fit at this view, none overlapping `taken` or each other; adds their boxes. */
  function chooseClusters(view, w, h, boxes, sticky) {
    const shownFn = (nd) => !opts.clusterShown || opts.clusterShown(nd.level, nd.k);
    let ids = namedGroups(tree, scaleOf(view, w, h), w, h, shownFn);
    if (sticky) {
      const before = new Set(shown.map((x) => x.id));
      ids = [...ids.filter((id) => before.has(id)), ...ids.filter((id) => !before.has(id))];
    }
    const out = [];
    for (const id of ids) {
      const nd = tree[id];
      nodeEl(nd);
      const bw = nd.dims[0] + 2 * CLUSTER_PAD, bh = nd.dims[1] + 2 * CLUSTER_PAD;
      const [sx, sy] = dataToScreen(view, w, h, nd.x, nd.y);
      if (sx < 0 || sy < 0 || sx > w || sy > h) continue;
      // centred on the anchor, pushed inside the canvas where it would cross an edge
      const x0 = Math.min(Math.max(sx - bw / 2, 0), w - bw), y0 = Math.min(Math.max(sy - bh / 2, 0), h - bh);
      const b = [x0, y0, x0 + bw, y0 + bh];
      if (x0 < 0 || y0 < 0 || overlaps(b, boxes)) continue;
      boxes.push(b);
      out.push({ id, dx: x0 + CLUSTER_PAD - sx, dy: y0 + CLUSTER_PAD - sy });
    }
    return out;
  }

  /**
   * Greedy placement of entities `cand` (in priority order) around `boxes` (added to); at most max.
   * A name goes below its point, else above, right or left of it, wherever it first fits; where
   * `before` (i -> a placement) has it, where it was first. Returns [{i, ox, oy}].
   */
  function placeGreedy(view, w, h, cand, boxes, max, before = null) {
    const labels = opts.getLabels(), xy = opts.getXY();
    const out = [];
    for (const i of cand) {
      if (out.length >= max) break;
      const [sx, sy] = dataToScreen(view, w, h, xy[2 * i], xy[2 * i + 1]);
      const tw = Math.min(ENTITY_MAX_W, textWidth(plain(labels.get(i))));
      const spots = [[-tw / 2, ENTITY_D], [-tw / 2, -ENTITY_D - ENTITY_H], [ENTITY_D + 2, -ENTITY_H / 2], [-ENTITY_D - 2 - tw, -ENTITY_H / 2]];
      const was = before?.get(i);
      if (was) spots.unshift([was.ox, was.oy]);
      for (const [ox, oy] of spots) {
        const b = [sx + ox - GAP, sy + oy - GAP, sx + ox + tw + GAP, sy + oy + ENTITY_H + GAP];
        if (b[0] < 0 || b[1] < 0 || b[2] > w || b[3] > h || overlaps(b, boxes)) continue;
        boxes.push(b);
        out.push({ i, ox, oy });
        break;
      }
    }
    return out;
  }

  /** The most popular visible entities in view, most popular first (at most `want`). */
  function inView(view, w, h, want) {
    const xy = opts.getXY();
    const s = scaleOf(view, w, h);
    const x0 = view.x - w / 2 / s, x1 = view.x + w / 2 / s, y0 = view.y - h / 2 / s, y1 = view.y + h / 2 / s;
    const cand = [];
    const order = opts.order();
    if (Math.min(1, ((x1 - x0) * (y1 - y0)) / 4) > 0.05) {
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
    return cand;
  }

  function choose(view, w, h) {
    const labels = opts.getLabels();
    setTree(opts.getClusters?.() || null);
    const sticky = lastK > 0 && Math.abs(Math.log(view.k / lastK)) < 0.05;
    lastK = view.k;
    // entities the user asked for (my list) first, then cluster names, then the most popular
    const boxes = [];
    const first = labels ? placeGreedy(view, w, h, (opts.priority?.() || []).filter(opts.isVisible), boxes, MAX_LABELS) : [];
    const firstIds = new Set(first.map((p) => p.i));
    const before = new Set(shown.map((x) => x.id));
    shown = chooseClusters(view, w, h, boxes, sticky);
    const now = new Set(shown.map((x) => x.id));
    for (const id of new Set([...before, ...now])) if (tree[id]?.el) tree[id].el.hidden = !now.has(id);
    let rest = [];
    if (labels) {
      const budget = Math.min(MAX_LABELS, Math.round(ENTITY_PER_ZOOM * Math.max(1, view.k)));
      let cand = inView(view, w, h, budget * 4).filter((i) => !firstIds.has(i));
      if (sticky) { // the names shown before first, even where more popular points came into view
        const was = placed.map((p) => p.i).filter((i) => !firstIds.has(i) && opts.isVisible(i));
        const again = new Set(was);
        cand = [...was, ...cand.filter((i) => !again.has(i))];
      }
      rest = placeGreedy(view, w, h, cand, boxes, budget, sticky ? new Map(placed.map((p) => [p.i, p])) : null);
    }
    const keep = new Map(placed.map((p) => [p.i, p.el]));
    placed = [...first, ...rest].map(({ i, ox, oy }) => {
      let el = keep.get(i);
      if (el) keep.delete(i);
      else {
        el = pool.pop() || layer.appendChild(document.createElement('div'));
        el.className = 'atlas-label';
        el.textContent = plain(labels.get(i));
        el.hidden = false;
      }
      return { i, el, ox, oy };
    });
    for (const el of keep.values()) { el.hidden = true; pool.push(el); }
  }

  function place(view, w, h) {
    const xy = opts.getXY();
    for (const p of placed) {
      const [sx, sy] = dataToScreen(view, w, h, xy[2 * p.i], xy[2 * p.i + 1]);
      p.el.style.transform = `translate(${(sx + p.ox).toFixed(1)}px, ${(sy + p.oy).toFixed(1)}px)`;
    }
    for (const { id, dx, dy } of shown) {
      const nd = tree[id];
      const [sx, sy] = dataToScreen(view, w, h, nd.x, nd.y);
      nd.el.style.transform = `translate(${(sx + dx).toFixed(1)}px, ${(sy + dy).toFixed(1)}px)`;
    }
  }

  return {
    /** Choose labels again at the next update (filters or the layout changed). */
    invalidate() { dirty = true; lastK = 0; },
    update(view, w, h, force = false) {
      if (force || dirty) {
        dirty = false;
        choose(view, w, h);
      }
      place(view, w, h);
    },
  };
}
