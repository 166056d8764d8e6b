// The layout switch: store.variant -> points travelling to the other layout (the view following a
// fitted layout), the "Layout" select, and the "Compare layouts" link carrying layout and selection.
import { h } from '../dom.js';

/** Returns {apply(name), controls: [elements for the bar]}. */
export function wireVariant(ctx) {
  const { store, live, config, layouts, renderer } = ctx;
  let select = null;
  if (layouts.names.length > 1) {
    const byName = Object.fromEntries((config.variants || []).map((v) => [v.name, v.label || v.name]));
    select = h('select', { 'aria-label': 'Layout', onchange: () => store.set({ variant: select.value }) },
      ...layouts.names.map((v) => h('option', { value: v, text: byName[v] || v })));
    select.value = live.get().variant;
  }

  function apply(v) {
    const next = layouts.variantOf(v);
    if (next === live.get().variant) return;
    const from = live.get().xy;
    const before = ctx.viewNow();
    const xy = layouts.xyOf(next);
    const ms = ctx.reducedMotion() ? 0 : 900;
    live.set({ variant: next, xy });
    renderer.setPositions(xy, ms, from);
    // labels sit at the new positions; keep them out of the way while the points travel there
    ctx.labels?.invalidate();
    if (ms) ctx.hideLabelsFor(ms);
    // a fitted view follows the new layout's bounds, moving with the points
    if (store.get().view.fit && ms) { store.set({ view: before }, { fromUrl: true }); ctx.camera.flyTo(ctx.home(), ms); }
    if (select) select.value = next;
  }

  // the compare page (two layouts side by side) opens with this layout and selection
  const compareLink = (config.variants || []).length > 1 ? h('a.atlas-compare-link', { href: `${config.root || ''}compare.html`, text: 'Compare layouts' }) : null;
  const updateCompareLink = () => {
    if (!compareLink) return;
    const p = new URLSearchParams();
    const v = layouts.variantOf(store.get().variant);
    if (v !== config.variants[0].name) p.set('a', v);
    if (store.get().sel) p.set('sel', store.get().sel);
    compareLink.setAttribute('href', `${config.root || ''}compare.html${p.toString() ? `#${p}` : ''}`);
  };
  store.subscribe((s, changed) => { if (changed.has('sel') || changed.has('variant')) updateCompareLink(); });
  updateCompareLink();
  return { apply, controls: [select, compareLink].filter(Boolean) };
}
