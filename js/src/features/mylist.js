// "Show my list": store.list (pasted names or ids) -> live.listHits, and the report under the list:
// one row per entry with what it matched; fuzzy matches are offered with Accept / Remove and are
// not shown on the map until accepted (accepting writes the entity's title into the list).
import { matchList, parseListLines } from '../search.js';
import { h, fmt } from '../dom.js';

/** Returns {apply(), onList(text, opts)} (the panel's callback). */
export function wireMyList(ctx) {
  const { store, live } = ctx;
  let listOpts = {};

  function render(r) {
    const out = ctx.panel?.listOut;
    if (!out) return;
    if (!r) { out.replaceChildren(); return; }
    const labels = live.get().meta.labels;
    const found = r.matched.size, total = r.rows.length;
    const summary = `${fmt(found)} of ${fmt(total)} matched${r.fuzzy.length ? `; ${fmt(r.fuzzy.length)} close ${r.fuzzy.length === 1 ? 'match' : 'matches'} to confirm` : ''}${r.unmatched.length ? `; not found: ${r.unmatched.slice(0, 5).join(', ')}${r.unmatched.length > 5 ? '…' : ''}` : ''}`;
    const edit = (k, replacement) => {
      const lines = r.rows.map((x) => x.line);
      if (replacement == null) lines.splice(k, 1); else lines[k] = replacement;
      listOpts = {}; // rewritten as plain lines, whatever it was read from
      store.set({ list: lines.join('\n') });
    };
    const rows = r.rows.map((x, k) => {
      const remove = h('button.atlas-mini', { type: 'button', text: 'Remove', 'aria-label': `Remove ${x.line}`, onclick: () => edit(k, null) });
      if (x.kind === 'exact') return h('li.atlas-list-exact', {}, `${x.line} → ${labels.get(x.i)} `, remove);
      if (x.kind === 'fuzzy') {
        return h('li.atlas-list-fuzzy', {}, `${x.line} → matched ${labels.get(x.i)}? `,
          h('button.atlas-mini', { type: 'button', text: 'Accept', 'aria-label': `Accept ${labels.get(x.i)} for ${x.line}`, onclick: () => edit(k, labels.get(x.i)) }), ' ', remove);
      }
      return h('li.atlas-list-none', {}, `${x.line}: not found `, remove);
    });
    out.replaceChildren(h('p.atlas-list-summary', { text: summary }), h('ul.atlas-list-rows', {}, ...rows));
  }

  function apply() {
    const text = store.get().list;
    ctx.panel?.setListText(text);
    if (!text.trim() || !parseListLines(text, listOpts).length) { render(null); live.set({ listHits: null }); return; }
    const r = matchList(ctx.searchIndex(), text, listOpts, live.get().meta.labels);
    render(r);
    live.set({ listHits: [...r.matched] });
  }
  function onList(text, opts) { listOpts = opts; store.set({ list: text }); apply(); }
  return { apply, onList };
}
