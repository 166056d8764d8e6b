// Hover tooltip and the field lines it shares with the selection panel (lazy/detail.js). Every piece
// of data goes in with textContent (via h()).
import { h, fmt } from './dom.js';
import { picture } from './images.js';

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
  let pic = null; // the picture shown last, kept while the pointer stays on the same one
  stage.append(el);
  return {
    el,
    /** src: a picture URL already checked by images.js's imageUrl, or '' for none. */
    show(title, lines, x, y, src = '') {
      if (src && (pic?.getAttribute('src') !== src || pic.alt !== title)) pic = picture(src, title, 50, 75);
      el.replaceChildren(src ? pic : '', h('strong', { text: title }), ...lines.map(([k, v]) => h('div', {}, h('span.atlas-k', { text: `${k}: ` }), v)));
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
