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
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => meta.counts[b] - meta.counts[a] || a - b);
  const rank = new Uint32Array(n);
  order.forEach((i, k) => { rank[i] = k; });
  const passing = clusterPassing(live, meta, n);
  ctx.labels = mod.createLabels(ctx.ui.labelLayer, {
    getLabels: () => meta.labels, getXY: () => live.get().xy, getGrid: () => ctx.layouts.gridOf(live.get().variant),
    order: () => order, rank: () => rank,
    isVisible: (i) => { const pass = live.get().pass; return !pass || pass[i] === 1; },
    getClusters: () => meta.clusters?.[live.get().variant] || null,
    priority: () => live.get().listHits?.slice(0, 200) || [],
    clusterShown: (level, k) => passing(level, k) >= 0.5,
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
