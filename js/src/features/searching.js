// The search box in the bar: as-you-type hits highlighted on the map (live.hits), Enter or a click
// selects and flies to the entity; the query is kept in store.q.
import { mountSearch } from '../searchbox.js';

/** Sets ctx.searchBox. */
export function wireSearch(ctx) {
  const { ui, store, live } = ctx;
  const meta = () => live.get().meta;
  const box = mountSearch(ui.bar, {
    getIndex: ctx.searchIndex, search: ctx.search, labels: () => meta().labels, counts: () => meta().counts, pass: () => live.get().pass,
    onChoose: (i) => { store.set({ q: box.input.value }, { push: true }); live.set({ hits: [] }); ctx.select(i, true); },
    onQuery: (q) => {
      const index = q ? ctx.searchIndex() : null;
      live.set({ hits: index ? ctx.search(index, q, { limit: 200 }).map((r) => r.i) : [] });
      store.set({ q });
    },
  });
  ctx.searchBox = box;
}
