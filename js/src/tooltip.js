// Hover tooltip and the selection panel. Every piece of data goes in with textContent (via h()).
import { h, fmt } from './dom.js';

/** Short metadata lines for entity i: [[label, value]] for the first few non-empty fields. */
export function fieldValues(meta, fields, i, max = 99) {
  const out = [];
  for (const fd of fields) {
    const col = meta.fields[fd.name];
    if (!col) continue;
    let v = null;
    if (col.type === 'number') v = col.values[i] === col.values[i] ? fmt(col.values[i]) : null;
    else if (col.type === 'category') v = col.codes[i] !== 0xffff ? col.categories[col.codes[i]] : null;
    else if (col.type === 'tags') {
      const t = [];
      for (let j = col.indptr[i]; j < col.indptr[i + 1]; j++) t.push(col.categories[col.codes[j]]);
      v = t.length ? t.join(', ') : null;
    } else if (col.type === 'text') v = col.values.get(i) || null;
    if (v != null && v !== '') out.push([fd.label || fd.name, v]);
    if (out.length >= max) break;
  }
  return out;
}

export function createTooltip(stage) {
  const el = h('div.atlas-tip', { role: 'tooltip', hidden: true });
  stage.append(el);
  return {
    el,
    show(title, lines, x, y) {
      el.replaceChildren(h('strong', { text: title }), ...lines.map(([k, v]) => h('div', {}, h('span.atlas-k', { text: `${k}: ` }), v)));
      el.hidden = false;
      const W = stage.clientWidth, H = stage.clientHeight;
      const r = el.getBoundingClientRect();
      const left = x + 14 + r.width > W ? x - 14 - r.width : x + 14;
      const top = y + 14 + r.height > H ? y - 14 - r.height : y + 14;
      el.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, top)}px)`;
    },
    hide() { el.hidden = true; },
  };
}

/** "30 lists together" for a co-occurrence count; a weighted co-occurrence has no count to name. */
const together = (w, nouns) => (Number.isInteger(w) ? `${fmt(w)} ${w === 1 ? nouns.collection : nouns.collections} together` : `strength ${fmt(w)}`);

/**
 * Fill the selection panel. info: {title, count, fields: [[k, v]], href, neighbors: [{i, label,
 * weight, far}], nouns: {collection, collections}, onPick(i), onClose()}.
 */
export function renderDetail(panel, info) {
  const close = h('button.atlas-close', { type: 'button', 'aria-label': 'Close details', onclick: info.onClose, text: '×' });
  const dl = h('dl', {}, ...info.fields.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
  const nb = info.neighbors;
  const list = nb
    ? nb.length
      ? h('ol.atlas-neighbors', {}, ...nb.map((x) => h('li', {},
        // the count first, floated right: it lines up with the first line of a wrapped title
        h('span.atlas-w', { text: together(x.weight, info.nouns) }),
        h('button', { type: 'button', onclick: () => info.onPick(x.i), text: x.label }),
        x.far ? h('span.atlas-far', { title: 'The 2D map places this one far away', text: 'far on map' }) : null)))
      : h('p', { text: 'No co-occurring entities recorded.' })
    : h('p', { text: 'Loading co-occurrences…' });
  panel.replaceChildren(
    close,
    h('h2', { text: info.title }),
    h('p.atlas-pop', { text: `In ${fmt(info.count)} ${info.count === 1 ? info.nouns.collection : info.nouns.collections}` }),
    dl,
    info.href ? h('p', {}, h('a', { href: info.href, text: 'Open entity page' })) : null,
    h('h3', { text: 'Most often together with' }),
    list,
  );
  panel.hidden = false;
}
