// Phones: the colour legend as a strip of chips under the map, since the side panel (and its legend)
// is a closed drawer there. Each category chip hides or shows its category, as the panel's legend
// does; a number field shows its ramp. Its "Legend" button unfolds every chip (up to 15 % of the height).
//
// Styled through the CSSOM (el.style), not viewer.css: this is loaded after the first frame and only
// on phones, so its rules stay out of the first-load budget (the CSP allows no inline <style>).
import { h, fmt } from '../dom.js';
import { toggleCategories, shownCategories } from '../filters.js';

const CHIP = 'flex:none;display:inline-flex;align-items:center;gap:5px;height:30px;padding:0 10px;border-radius:15px;font-size:13px;white-space:nowrap';

// one scrolling row (folded, the default), or every chip in wrapped rows up to 15 % of the height
const STRIP = 'display:flex;gap:6px;padding:6px 8px;border-top:1px solid var(--line);background:var(--panel);flex:none;';
const ROW = ['height:42px;align-items:center', 'display:flex;gap:6px;overflow-x:auto;flex:1;min-width:0;align-items:center'];
const ALL = ['max-height:15vh;align-items:flex-start', 'display:flex;gap:6px;flex-wrap:wrap;overflow-y:auto;flex:1;min-width:0;max-height:calc(15vh - 12px)'];

/** Fill `strip` (the element features/legendchips.js reserved under the map) and keep it in step. */
export function mountLegendChips(ctx, strip) {
  const { store, live } = ctx;
  const list = h('div', { id: 'atlas-chips', role: 'group', 'aria-label': 'Legend' });
  const show = (all) => {
    const [outer, inner] = all ? ALL : ROW;
    strip.style.cssText = STRIP + outer;
    list.style.cssText = inner;
    fold.setAttribute('aria-expanded', String(all));
    fold.title = all ? 'Show the legend on one line' : 'Show the whole legend';
  };
  const fold = h('button', {
    type: 'button', text: 'Legend', 'aria-controls': 'atlas-chips', style: `${CHIP};font-weight:600`,
    onclick: () => show(fold.getAttribute('aria-expanded') !== 'true'),
  });
  show(false);
  strip.replaceChildren(fold, list);

  function render() {
    const lg = live.get().legend, s = store.get();
    strip.hidden = !lg;
    if (!lg) return;
    if (lg.type === 'number') {
      list.replaceChildren(h('span', { text: `${lg.below ? '≤ ' : ''}${fmt(lg.min)}`, style: 'flex:none' }),
        h('span', { style: `flex:1;min-width:80px;height:10px;border-radius:3px;background:linear-gradient(to right, ${lg.stops.join(',')})` }),
        h('span', { text: `${lg.above ? '≥ ' : ''}${fmt(lg.max)}`, style: 'flex:none' }));
      return;
    }
    const col = live.get().meta?.fields[s.color];
    if (!col?.categories) return; // a legend for another field: the colour update redraws it
    const on = shownCategories(s.filters[s.color], col.categories);
    const named = new Set(lg.entries.filter((e) => !e.other).map((e) => e.name));
    const rest = col.categories.filter((c) => !named.has(c));
    list.replaceChildren(...lg.entries.map((e) => {
      const group = e.other ? rest : [e.name];
      const pressed = !on || group.every((c) => on.has(c));
      return h('button', {
        type: 'button', 'aria-pressed': String(pressed), title: pressed ? 'Tap to hide' : 'Tap to show',
        style: `${CHIP};${pressed ? '' : 'opacity:.45;text-decoration:line-through'}`,
        onclick: () => store.set({ filters: toggleCategories(store.get().filters, s.color, col.categories, group) }),
      }, h('span', { style: `width:11px;height:11px;border-radius:50%;background:${e.color}` }), e.other ? 'Other' : e.name,
      h('span.atlas-n', { text: fmt(e.count) }));
    }));
  }
  live.subscribe((_, changed) => { if (changed.has('legend') || changed.has('meta')) render(); });
  store.subscribe((_, changed) => { if (changed.has('filters') || changed.has('color')) render(); });
  render();
}
