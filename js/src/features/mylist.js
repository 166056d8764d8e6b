// "Show my list": store.list (pasted names or ids) -> live.listHits, and the report under the list:
// one row per entry with what it matched; fuzzy matches are offered with Accept / Remove and are
// not shown on the map until accepted (accepting writes the entity's title into the list).

/** Returns {apply(), onList(text, opts)} (the panel's callback); the matching is in lazy/listmatch.js. */
export function wireMyList(ctx) {
  const { store, live } = ctx;
  let listOpts = {};

  async function apply() {
    const text = store.get().list;
    ctx.panel?.setListText(text);
    if (!text.trim()) { ctx.panel?.listOut.replaceChildren(); live.set({ listHits: null }); return; }
    // null: every label (or the extras module) is on its way, and app.js applies the list again; a
    // big atlas matches each line through its prefix index (index.lookup), fetching what it needs
    const index = ctx.searchIndex();
    if (!index) return;
    const m = await ctx.extras(); // the matching and the report are loaded on first use
    const meta = live.get().meta;
    const r = index.lookup ? await m.matchListPrefix(index, text, listOpts, meta) : m.matchList(index, text, listOpts, meta.labels);
    if (store.get().list !== text) return; // superseded while loading or matching
    m.renderListReport(ctx, r, (next) => { listOpts = {}; store.set({ list: next }); });
    live.set({ listHits: [...r.matched] });
  }
  function onList(text, opts) { listOpts = opts; store.set({ list: text }); apply(); }
  return { apply, onList };
}
