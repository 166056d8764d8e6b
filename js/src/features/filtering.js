// Filters (store.filters, store.hide) -> live.pass / facets / visible, the "N of M shown" count, and
// the note shown when nothing passes (e.g. every legend category switched off), with a way back.
import { evaluate } from '../filters.js';
import { h, fmt } from '../dom.js';

/** Returns {apply()}; ctx.panel and ctx.coloring may be null until the metadata has loaded. */
export function wireFilters(ctx) {
  const { ui, store, live, config, n } = ctx;
  const emptyNote = h('div.atlas-empty', { role: 'status', hidden: true },
    h('p', { text: 'No points match the current filters.' }),
    h('button', { type: 'button', text: 'Clear filters', onclick: () => store.set({ filters: {} }) }));
  ui.stage.append(emptyNote);

  function apply() {
    const s = store.get();
    const result = evaluate(live.get().meta.fields, ctx.fields, s.filters, n);
    ui.countEl.textContent = `${fmt(result.visible)} of ${fmt(n)} shown`;
    emptyNote.hidden = result.visible > 0;
    ctx.labels?.invalidate();
    live.set({ facets: result.facets, visible: result.visible });
    ctx.panel?.update(s, result.facets);
    ctx.coloring?.applyLegend();
    live.set({ pass: Object.keys(s.filters).length ? result.pass : null });
  }
  return { apply };
}
