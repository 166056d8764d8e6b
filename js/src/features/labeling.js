// Map labels (cluster names and entity names, labels.js) wired to the view: re-chosen when the
// camera settles or the canvas resizes, hidden while points travel between layouts.
import { createLabels, hideWhileMoving } from '../labels.js';

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

/** Once the metadata is in: sets ctx.labels. */
export function wireLabels(ctx) {
  const { live, n } = ctx;
  const meta = live.get().meta;
  const order = popularityOrder(meta.counts);
  const rank = new Uint32Array(n);
  order.forEach((i, k) => { rank[i] = k; });
  ctx.labels = createLabels(ctx.ui.labelLayer, {
    getLabels: () => meta.labels, getXY: () => live.get().xy, getGrid: () => ctx.layouts.gridOf(live.get().variant),
    order: () => order, rank: () => rank,
    // rows of the point file still on their way have no position yet
    isVisible: (i) => { const { pass, loaded } = live.get(); return i < (loaded ?? n) && (!pass || pass[i] === 1); },
    getClusters: () => meta.clusters?.[live.get().variant] || null,
    priority: () => live.get().listHits?.slice(0, 200) || [],
    clusterShown: (k) => clusterLoaded(k) >= 0.5 && clusterPassing(k) >= 0.5,
  });
  // the share of each cluster's members whose points are in (a name waits for half of its points)
  let loadedIn = null, loadedFor = null, countedTo = 0;
  const clusterLoaded = (k) => {
    const { variant, loaded = n } = live.get();
    const c = meta.clusters?.[variant];
    if (!c?.membership || loaded >= n) return 1;
    if (loadedFor !== c) { loadedFor = c; loadedIn = new Float64Array(c.size.length); countedTo = 0; }
    const m = new Int16Array(c.membership.buffer.slice(c.membership.byteOffset + 2 * countedTo, c.membership.byteOffset + 2 * loaded));
    for (let j = 0; j < m.length; j++) if (m[j] >= 0) loadedIn[m[j]]++;
    countedTo = loaded;
    return c.size[k] ? loadedIn[k] / c.size[k] : 1;
  };
  // the share of each cluster's members that pass the filters (names over filtered-out clusters go)
  let shares = null, sharesFor = null;
  const clusterPassing = (k) => {
    const { pass, variant } = live.get();
    const c = meta.clusters?.[variant];
    if (!pass || !c?.membership) return 1;
    if (sharesFor !== pass) {
      const m = new Int16Array(c.membership.buffer.slice(c.membership.byteOffset, c.membership.byteOffset + 2 * n));
      const on = new Float64Array(c.size.length), all = new Float64Array(c.size.length);
      for (let i = 0; i < n; i++) if (m[i] >= 0) { all[m[i]]++; on[m[i]] += pass[i]; }
      shares = Array.from(all, (a, j) => (a ? on[j] / a : 0));
      sharesFor = pass;
    }
    return shares[k];
  };
  live.subscribe((s, changed) => {
    if (changed.has('variant')) sharesFor = null;
    if (changed.has('listHits') || changed.has('pass')) { ctx.labels.invalidate(); ctx.renderer.requestDraw(); }
  });
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
