// The compare page's side panel: how to read the page and the colour legend while nothing is
// selected; for a selection, its strongest co-occurring entities and how near each one is to it in
// layout A and in layout B. Every piece of data goes in with textContent (via h()).
import { h, fmt } from './dom.js';

/** Legend entries (palette.js colorChannel().legend) as a compact list. */
function legendList(legend, fieldLabel) {
  if (!legend || legend.type !== 'category') return null;
  return h('div.cmp-legend', {},
    h('h3', { text: `Colour: ${fieldLabel}` }),
    h('ul', {}, ...legend.entries.map((e) => h('li', {},
      h('span.atlas-swatch', { style: `background:${e.color}` }),
      ` ${e.other ? 'Other' : e.name} `, h('span.atlas-n', { text: fmt(e.count) })))));
}

/** Nothing selected: a short how-to and the legend. info: {count, legend, fieldLabel}. */
export function renderIntro(panel, info) {
  panel.replaceChildren(
    h('h2', { text: 'Compare two layouts' }),
    h('p', { text: `Every point is the same entity in both layouts (${fmt(info.count)} in all). Hover a point to find it in the other layout; click it, or search, to see its strongest co-occurrences in both: light lines lead to co-occurring entities that are among its nearest points on that layout, orange lines to ones the layout puts further away.` }),
    legendList(info.legend, info.fieldLabel),
  );
}

/**
 * A selection. info: {title, count, href, labelA, labelB, rows: [{i, label, weight, rankA, rankB}],
 * k (rank counted as near), onPick(i), onHover(i | -1), onClose()}; rows null while loading.
 */
export function renderSelection(panel, info) {
  const close = h('button.atlas-close', { type: 'button', 'aria-label': 'Clear the selection', onclick: info.onClose, text: '×' });
  const rows = info.rows;
  let body;
  if (!rows) body = h('p', { text: 'Loading co-occurrences…' });
  else if (!rows.length) body = h('p', { text: 'No co-occurring entities recorded.' });
  else {
    const k = info.k;
    const nearA = rows.filter((r) => r.rankA <= k).length, nearB = rows.filter((r) => r.rankB <= k).length;
    const rank = (r) => h('td', { class: r <= k ? 'cmp-near' : 'cmp-far', text: fmt(r), title: r <= k ? `among its ${k} nearest points` : `${fmt(r - 1)} points are nearer` });
    body = h('div', {},
      h('p.cmp-summary', {},
        `Of its ${rows.length} strongest co-occurrences, `, h('strong', { text: `${nearA} in A` }),
        ' and ', h('strong', { text: `${nearB} in B` }), ` are among its ${k} nearest points on the layout.`),
      h('table.cmp-table', {},
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: 'Co-occurs with' }), h('th', { scope: 'col', text: 'Weight' }),
          h('th', { scope: 'col', title: `Rank in A (${info.labelA})` }, h('span.cmp-badge', { text: 'A' })),
          h('th', { scope: 'col', title: `Rank in B (${info.labelB})` }, h('span.cmp-badge', { text: 'B' })))),
        h('tbody', {}, ...rows.map((r) => h('tr', { onmouseenter: () => info.onHover(r.i), onmouseleave: () => info.onHover(-1) },
          h('td', {}, h('button', { type: 'button', text: r.label, onclick: () => info.onPick(r.i), onfocus: () => info.onHover(r.i), onblur: () => info.onHover(-1) })),
          h('td.atlas-w', { text: fmt(r.weight) }), rank(r.rankA), rank(r.rankB))))),
      h('p.cmp-note', { text: 'A, B: rank of the entity among the points nearest to the selection in that layout (1 = nearest).' }));
  }
  panel.replaceChildren(
    close,
    h('h2', { text: info.title }),
    h('p.atlas-pop', {}, `In ${fmt(info.count)} collections`, info.href ? ' · ' : '', info.href ? h('a', { href: info.href, text: 'Open entity page' }) : null),
    body,
  );
}
