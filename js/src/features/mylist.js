// "Show my list": store.list (pasted names or ids) -> live.listHits and the panel's match report.
import { matchList } from '../search.js';
import { fmt } from '../dom.js';

/** Returns {apply(), onList(text, opts)} (the panel's callback). */
export function wireMyList(ctx) {
  const { store, live } = ctx;
  let listOpts = {};
  function apply() {
    const text = store.get().list;
    ctx.panel?.setListText(text);
    if (!text.trim()) { ctx.panel?.setListResult(''); live.set({ listHits: null }); return; }
    const r = matchList(ctx.searchIndex(), text, listOpts);
    const total = r.matched.size + r.unmatched.length;
    ctx.panel?.setListResult(`${fmt(r.matched.size)} of ${fmt(total)} matched${r.unmatched.length ? `; not found: ${r.unmatched.slice(0, 5).join(', ')}${r.unmatched.length > 5 ? '…' : ''}` : ''}`);
    live.set({ listHits: [...r.matched] });
  }
  function onList(text, opts) { listOpts = opts; store.set({ list: text }); apply(); }
  return { apply, onList };
}
