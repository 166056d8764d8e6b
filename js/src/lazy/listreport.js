// The report under "Show my list": one row per entry with what it matched; close matches offered
// with Accept / Remove (accepting writes the entity's title into the list).
import { h, fmt } from '../dom.js';

/** Fill ctx.panel.listOut for matchList's result `r`; setList(text) rewrites the list. */
export function renderListReport(ctx, r, setList) {
  const out = ctx.panel?.listOut;
  if (!out) return;
  if (!r) { out.replaceChildren(); return; }
  const labels = ctx.live.get().meta.labels;
  const found = r.matched.size, total = r.rows.length;
  const summary = `${fmt(found)} of ${fmt(total)} matched${r.fuzzy.length ? `; ${fmt(r.fuzzy.length)} close ${r.fuzzy.length === 1 ? 'match' : 'matches'} to confirm` : ''}${r.unmatched.length ? `; not found: ${r.unmatched.slice(0, 5).join(', ')}${r.unmatched.length > 5 ? '…' : ''}` : ''}`;
  // the list is rewritten as plain lines, whatever it was read from
  const edit = (k, replacement) => {
    const lines = r.rows.map((x) => x.line);
    if (replacement == null) lines.splice(k, 1); else lines[k] = replacement;
    setList(lines.join('\n'));
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
