// "Table": the control that opens and closes the table of the chosen entities (lazy/table.js,
// loaded on first use).
import { h } from '../dom.js';

/** Returns {controls: [the "Table" button]}. */
export function wireTable(ctx) {
  const button = h('button', {
    type: 'button', text: 'Table', 'aria-expanded': 'false', 'aria-controls': 'atlas-table',
    title: 'List the selected area, or what the search and filters show, or my list',
    onclick: () => { if (ctx.live.get().meta) ctx.extras().then((m) => m.toggleTable(ctx, button)); },
  });
  return { controls: [button] };
}
