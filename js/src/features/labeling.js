// Map labels (cluster names at up to three levels and entity names, labels.js) wired to the view:
// re-chosen when the camera settles or the canvas resizes, hidden while points travel between
// layouts. The overlay's code is its own lazily loaded module (lazy/labels.js: it is not needed for
// the first frame, and the names need the metadata anyway).
import { hideWhileMoving } from '../labels.js';

/** Before the metadata: resize and settle handling; sets ctx.hideLabelsFor(ms). */
export function wireLabelTriggers(ctx) {
  const { ui, store, renderer } = ctx;
  // layout changes (the bar wrapping, panels opening) resize the canvas without a window resize
  const onResize = () => { ctx.labels?.invalidate(); renderer.requestDraw(); };
  if (self.ResizeObserver) new ResizeObserver(onResize).observe(ui.canvas);
  else addEventListener('resize', onResize);
  let settle = 0;
  store.subscribe((s, changed) => {
    if (!changed.has('view')) return;
    clearTimeout(settle);
    settle = setTimeout(() => { const [w, hh] = ctx.size(); ctx.labels?.update(ctx.viewNow(), w, hh, true); }, 150);
  });
  ctx.hideLabelsFor = hideWhileMoving(ui.labelLayer, onResize);
}

/** Once the metadata is in: loads the overlay and sets ctx.labels (resolves when it is on; never rejects). */
export async function wireLabels(ctx) {
  const { live, n } = ctx;
  const meta = live.get().meta;
  let mod;
  try { mod = await ctx.labelsModule(); } catch (e) { return; } // offline: a map without names
  const order = popularityOrder(meta.counts);
  const rank = new Uint32Array(n);
  order.forEach((i, k) => { rank[i] = k; });
  const passing = clusterPassing(live, meta, n);
  const loadedShare = groupLoaded(live, meta, n);
  ctx.labels = mod.createLabels(ctx.ui.labelLayer, {
    getLabels: () => meta.labels, getXY: () => live.get().xy, getGrid: () => ctx.layouts.gridOf(live.get().variant),
    order: () => order, rank: () => rank,
    // rows of the point file still on their way have no position yet
    isVisible: (i) => { const { pass, loaded } = live.get(); return i < (loaded ?? n) && (!pass || pass[i] === 1); },
    getClusters: () => meta.clusters?.[live.get().variant] || null,
    priority: () => live.get().listHits?.slice(0, 200) || [],
    clusterShown: (level, k) => loadedShare(level, k) >= 0.5 && passing(level, k) >= 0.5,
  });
  live.subscribe((s, changed) => {
    if (changed.has('listHits') || changed.has('pass')) { ctx.labels.invalidate(); ctx.renderer.requestDraw(); }
  });
  ctx.renderer.requestDraw();
}

/** (level, k) -> the share of group k's members (level 0 regions, 1 clusters, 2 sub-clusters) that
 * pass the filters: names over filtered-out groups go. Recounted when the filters or layout change. */
function clusterPassing(live, meta, n) {
  let shares = null, sharesFor = null, variantFor = null;
  const int16 = (b) => new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + 2 * n));
  const count = (m, groups) => {
    const on = new Float64Array(groups), all = new Float64Array(groups);
    const { pass } = live.get();
    for (let i = 0; i < n; i++) if (m[i] >= 0) { all[m[i]]++; on[m[i]] += pass[i]; }
    return [on, all];
  };
  return (level, k) => {
    const { pass, variant } = live.get();
    const c = meta.clusters?.[variant];
    if (!pass || !c?.membership) return 1;
    if (sharesFor !== pass || variantFor !== variant) {
      const [on, all] = count(int16(c.membership), c.size.length);
      shares = [null, Array.from(all, (a, j) => (a ? on[j] / a : 0)), null];
      if (c.coarse && c.parent) {
        const ron = new Float64Array(c.coarse.size.length), rall = new Float64Array(c.coarse.size.length);
        c.parent.forEach((r, j) => { ron[r] += on[j]; rall[r] += all[j]; });
        shares[0] = Array.from(rall, (a, r) => (a ? ron[r] / a : 0));
      }
      if (c.fine?.membership) {
        const [fon, fall] = count(int16(c.fine.membership), c.fine.size.length);
        shares[2] = Array.from(fall, (a, j) => (a ? fon[j] / a : 0));
      }
      sharesFor = pass;
      variantFor = variant;
    }
    return shares[level]?.[k] ?? 1;
  };
}

/** (level, k) -> the share of group k's members whose points are in: on a streamed atlas a name waits
 * for half of its group's points. Counted incrementally as rows arrive. */
function groupLoaded(live, meta, n) {
  let forC = null, countedTo = 0, inC = null, inF = null;
  const add = (mem, into, a, b) => {
    const m = new Int16Array(mem.buffer.slice(mem.byteOffset + 2 * a, mem.byteOffset + 2 * b));
    for (let j = 0; j < m.length; j++) if (m[j] >= 0) into[m[j]]++;
  };
  return (level, k) => {
    const { variant, loaded = n } = live.get();
    const c = meta.clusters?.[variant];
    if (!c?.membership || loaded >= n) return 1;
    if (forC !== c) {
      forC = c; countedTo = 0;
      inC = new Float64Array(c.size.length);
      inF = c.fine?.membership ? new Float64Array(c.fine.size.length) : null;
    }
    if (loaded > countedTo) {
      add(c.membership, inC, countedTo, loaded);
      if (inF) add(c.fine.membership, inF, countedTo, loaded);
      countedTo = loaded;
    }
    if (level === 2) return inF && c.fine.size[k] ? inF[k] / c.fine.size[k] : 1;
    if (level === 0) {
      if (!c.parent || !c.coarse) return 1;
      let a = 0;
      c.parent.forEach((r, j) => { if (r === k) a += inC[j]; });
      return c.coarse.size[k] ? a / c.coarse.size[k] : 1;
    }
    return c.size[k] ? inC[k] / c.size[k] : 1;
  };
}

/** Entity indices by count, descending (ties by index). A pipeline-built atlas numbers its entities
 * that way already: then this is one pass, not a sort of a million indices with a JS comparator. */
export function popularityOrder(counts) {
  const n = counts.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 1; i < n; i++) if (counts[i] > counts[i - 1]) return order.sort((a, b) => counts[b] - counts[a] || a - b);
  return order;
}
