// "Table" (loaded on first use, src/lazy/extras.js): a sortable list of the chosen entities, the
// area selection, else what the search and filters show, else my list, else all, beside the map.
// Hovering a row highlights its point, a click (or Enter on its name) selects it as a click on the
// map does. Big sets are sorted whole and the first TABLE_ROWS shown. Data go in as textContent.
import { h, fmt } from '../dom.js';
import { dataToScreen } from '../camera.js';

export const TABLE_ROWS = 300;

/** The entities the table lists: {rows: [index...], caption}, as the viewer's state chooses them. */
export function tableRows(ctx) {
  const { pass, hits, listHits } = ctx.live.get();
  const { entity, entities } = ctx.nouns;
  const said = (k, what) => `${fmt(k)} ${k === 1 ? entity : entities} ${what}`;
  const area = ctx.areaRows?.();
  if (area) return { rows: area, caption: said(area.length, 'selected') };
  if (hits.length) {
    const rows = pass ? hits.filter((i) => pass[i]) : hits.slice();
    return { rows, caption: said(rows.length, pass ? 'matching the search and filters' : 'matching the search') };
  }
  const all = [];
  for (let i = 0; i < ctx.n; i++) if (!pass || pass[i]) all.push(i);
  if (pass) return { rows: all, caption: said(all.length, 'matching the filters') };
  if (listHits?.length) return { rows: [...listHits], caption: said(listHits.length, 'from my list') };
  return { rows: all, caption: `All ${fmt(all.length)} ${entities}` };
}

/** Sort key of entity i in column `col` ('label' or a field descriptor): a number, a string, or null (missing: last). */
function keyOf(meta, col, i) {
  if (col === 'label') return meta.labels.get(i) || null;
  const c = meta.fields[col.name];
  if (c.type === 'number') return c.values[i] === c.values[i] ? c.values[i] : null;
  if (c.type === 'category') return c.codes[i] !== 0xffff ? c.categories[c.codes[i]] : null;
  if (c.type === 'tags') {
    const t = [];
    for (let j = c.indptr[i]; j < c.indptr[i + 1]; j++) t.push(c.categories[c.codes[j]]);
    return t.length ? t.join(', ') : null;
  }
  return c.values.get(i) || null;
}
const text = (v) => (v == null ? '' : typeof v === 'number' ? fmt(v) : v);

/** Rows sorted by column `col` in direction `dir` (1 ascending, -1 descending); missing values last, ties in index (popularity) order. */
export function sortRows(meta, rows, col, dir) {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const keys = new Map(rows.map((i) => [i, keyOf(meta, col, i)]));
  return rows.slice().sort((a, b) => {
    const x = keys.get(a), y = keys.get(b);
    if (x == null || y == null) return x == null && y == null ? a - b : x == null ? 1 : -1;
    const d = typeof x === 'number' ? x - y : collator.compare(x, y);
    return d ? d * dir : a - b;
  });
}

/** Open the table beside the map, or close it when open; `button` is the "Table" control (aria-expanded). */
export function toggleTable(ctx, button) {
  if (ctx.table) { ctx.table.close(); return; }
  const { live, ui } = ctx;
  const columns = ['label', ...ctx.fields.filter((f) => live.get().meta.fields[f.name])];
  let sortBy = null, dir = 1, frame = 0, version = 0, byIndex = new Map();
  const caption = h('p.atlas-table-caption', { 'aria-live': 'polite' });
  const more = h('p.atlas-table-more');
  const head = h('tr');
  const body = h('tbody', { onmouseleave: () => live.set({ hover: -1 }) });
  const close = h('button.atlas-close', { type: 'button', 'aria-label': 'Close the table', text: '×', onclick: () => ctx.table.close() });
  const panel = h('aside.atlas-table', { id: 'atlas-table', 'aria-label': 'Table', tabindex: '-1' },
    close, h('h2', { text: 'Table' }), caption, more,
    h('div.atlas-table-scroll', {}, h('table', {}, h('thead', {}, head), body)));
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); ctx.table.close(); button.focus(); } });

  function pick(i) {
    // fly only to a point off the screen: one in view is selected where it is, as a click on it
    const [w, hh] = ctx.size(), xy = live.get().xy;
    const [sx, sy] = dataToScreen(ctx.viewNow(), w, hh, xy[2 * i], xy[2 * i + 1]);
    ctx.select(i, !(sx >= 0 && sy >= 0 && sx <= w && sy <= hh));
  }
  function header() {
    head.replaceChildren(...columns.map((col) => {
      const name = col === 'label' ? ctx.nouns.entity.charAt(0).toUpperCase() + ctx.nouns.entity.slice(1) : col.label || col.name;
      const on = sortBy === col;
      return h('th', { scope: 'col', 'aria-sort': on ? (dir > 0 ? 'ascending' : 'descending') : 'none' },
        h('button', { type: 'button', text: `${name}${on ? (dir > 0 ? ' ▲' : ' ▼') : ''}`, onclick: () => { dir = on ? -dir : 1; sortBy = col; header(); render(); } }));
    }));
  }
  async function render() {
    frame = 0;
    const mine = ++version;
    const meta = live.get().meta;
    let { rows, caption: what } = tableRows(ctx);
    // names and text fields of a big atlas come in shards: sorting by them needs all of the rows'
    if (sortBy && (sortBy === 'label' || meta.fields[sortBy.name].type === 'text')) await meta.ensure?.(rows);
    if (sortBy) rows = sortRows(meta, rows, sortBy, dir);
    const shown = rows.slice(0, TABLE_ROWS);
    await meta.ensure?.(shown);
    if (mine !== version || !ctx.table) return; // a later change rendered meanwhile
    caption.textContent = what;
    more.textContent = rows.length > TABLE_ROWS ? `Showing the first ${fmt(TABLE_ROWS)} of ${fmt(rows.length)}` : '';
    byIndex = new Map();
    body.replaceChildren(...shown.map((i) => {
      const tr = h('tr', { onmouseenter: () => live.set({ hover: i }), onclick: (e) => { if (e.target.tagName !== 'BUTTON') pick(i); } },
        h('th', { scope: 'row' }, h('button', {
          type: 'button', text: meta.labels.get(i), onclick: () => pick(i),
          onfocus: () => live.set({ hover: i }), onblur: () => live.set({ hover: -1 }),
        })),
        ...columns.slice(1).map((col) => h('td', { text: text(keyOf(meta, col, i)) })));
      byIndex.set(i, tr);
      return tr;
    }));
    markSelected();
  }
  function markSelected() {
    const sel = live.get().selIdx;
    for (const [i, tr] of byIndex) tr.classList.toggle('atlas-row-sel', i === sel);
  }
  const later = () => { frame ||= requestAnimationFrame(render); };
  const stop = live.subscribe((s, changed) => {
    if (['area', 'pass', 'hits', 'listHits'].some((k) => changed.has(k))) later();
    if (changed.has('selIdx')) markSelected();
  });

  ctx.holdStill?.(); // the map narrows: its points stay where they are on screen
  ui.stage.after(panel);
  ui.root.classList.add('atlas-has-table');
  button.setAttribute('aria-expanded', 'true');
  ctx.table = {
    close() {
      stop();
      cancelAnimationFrame(frame);
      ctx.holdStill?.();
      panel.remove();
      ui.root.classList.remove('atlas-has-table');
      button.setAttribute('aria-expanded', 'false');
      live.set({ hover: -1 });
      ctx.table = null;
    },
  };
  header();
  render();
  panel.focus({ preventScroll: true });
}
