// The side panel: colour-by + legend, filters (multi-selects with counts, numeric ranges with a
// histogram), the dim/hide toggle and "show my list". Reads and writes the store only.
import { h, fmt } from './dom.js';
import { HIST_BINS, binOf, isActive, toggleCategories, shownCategories, withShown } from './filters.js';
import { ramp } from './palette.js';

const MAX_OPTIONS = 40;

/** onBrush(pointerdown event, {name, hist, lo, hi, last}): a drag across a histogram begins (features/brushing.js). */
export function mountPanel(panel, { store, fields, columns, onList, onBrush }) {
  const usable = fields.filter((f) => columns[f.name] && columns[f.name].type !== 'text');
  // --- colour-by + legend
  const colorSel = h('select', { 'aria-label': 'Colour by', onchange: () => store.set({ color: colorSel.value }) },
    h('option', { value: '', text: 'Single colour' }), ...usable.map((f) => h('option', { value: f.name, text: f.label || f.name })));
  const legend = h('div.atlas-legend', { 'aria-live': 'polite' });
  // --- filters
  const filterBox = h('div.atlas-filters');
  const hide = h('input', { type: 'checkbox', onchange: () => store.set({ hide: hide.checked }) });
  const clear = h('button', { type: 'button', text: 'Clear filters', onclick: () => store.set({ filters: {} }) });
  // --- my list
  const listText = h('textarea', { rows: 4, 'aria-label': 'My list: names or ids, one per line', placeholder: 'Paste names or ids, one per line, or drop a CSV file' });
  const listFile = h('input', { type: 'file', accept: '.csv,.txt,text/csv,text/plain', 'aria-label': 'Load a one-column CSV' });
  const listOut = h('div.atlas-list-out', { 'aria-live': 'polite' });
  const readFile = (file) => file && file.text().then((t) => { listText.value = t; onList(t, { csv: /\.csv$/i.test(file.name) }); });
  listFile.addEventListener('change', () => readFile(listFile.files[0]));
  listText.addEventListener('dragover', (e) => e.preventDefault());
  listText.addEventListener('drop', (e) => { e.preventDefault(); readFile(e.dataTransfer.files[0]); });
  panel.append(
    h('section', {}, h('h2', { text: 'Colour' }), h('label.atlas-row', {}, 'Colour by ', colorSel), legend),
    h('section', {}, h('h2', { text: 'Filters' }), h('label.atlas-row', {}, hide, ' Hide filtered-out points'), filterBox, clear),
    h('section', {}, h('h2', { text: 'Show my list' }), listText, listFile,
      h('div.atlas-row', {},
        h('button', { type: 'button', text: 'Show', 'aria-label': 'Show my list on the map', onclick: () => onList(listText.value, {}) }),
        h('button', { type: 'button', text: 'Clear', 'aria-label': 'Clear my list', onclick: () => { listText.value = ''; onList('', {}); } })),
      listOut),
  );

  const groups = {};
  for (const f of usable) {
    const col = columns[f.name];
    if (col.type === 'number') {
      const lo = f.min ?? 0, hi = f.max ?? 1;
      const step = Number.isInteger(lo) && Number.isInteger(hi) && hi - lo > 10 ? 1 : (hi - lo) / 100 || 1;
      const mk = (which) => h('input', { type: 'number', step, min: lo, max: hi, 'aria-label': `${which} ${f.label || f.name}`, placeholder: fmt(which === 'Minimum' ? lo : hi) });
      const a = mk('Minimum'), b = mk('Maximum');
      const apply = () => {
        const next = { ...store.get().filters };
        const r = {};
        if (a.value !== '') r.min = +a.value;
        if (b.value !== '') r.max = +b.value;
        if (isActive(r)) next[f.name] = r; else delete next[f.name];
        store.set({ filters: next });
      };
      a.addEventListener('change', apply); b.addEventListener('change', apply);
      // bars: the points shown per bin, inside a faint outline of every point's bin (the unfiltered
      // distribution); drag across to brush a range (the inputs below are the keyboard's way)
      const full = new Uint32Array(HIST_BINS);
      for (const v of col.values) { const k = binOf(v, lo, hi); if (k >= 0) full[k]++; }
      const bins = Array.from({ length: HIST_BINS }, () => h('span', {}, h('i')));
      const brush = h('b.atlas-brush', { hidden: true });
      const hist = h('div.atlas-hist', { 'aria-hidden': 'true', title: 'Drag across to filter a range' }, ...bins, brush);
      const g = (groups[f.name] = { kind: 'number', a, b, hist, lo, hi, bins, brush, full, name: f.name });
      hist.addEventListener('pointerdown', (e) => {
        if (e.button || !onBrush) return;
        e.preventDefault();
        hist.setPointerCapture(e.pointerId);
        onBrush(e, g);
      });
      // the latest pointer event, for a drag that moves (or ends) before the brushing module has loaded
      for (const t of ['pointerdown', 'pointermove', 'pointerup']) hist.addEventListener(t, (e) => { g.last = e; });
      filterBox.append(h('details.atlas-field', { open: true }, h('summary', { text: f.label || f.name }), hist, h('div.atlas-row', {}, a, ' – ', b)));
    } else {
      const opts = h('div.atlas-options', { role: 'group', 'aria-label': f.label || f.name });
      filterBox.append(h('details.atlas-field', {}, h('summary', { text: f.label || f.name }), opts));
      groups[f.name] = { kind: 'set', opts, boxes: [] };
    }
  }

  function update(state, facets) {
    colorSel.value = state.color || '';
    hide.checked = !!state.hide;
    for (const f of usable) {
      const g = groups[f.name], counts = facets[f.name], flt = state.filters[f.name];
      if (!counts) continue;
      if (g.kind === 'number') {
        const max = Math.max(1, ...g.full);
        g.bins.forEach((bar, k) => {
          bar.style.height = `${(100 * g.full[k]) / max}%`;
          bar.firstChild.style.height = `${g.full[k] ? (100 * counts[k]) / g.full[k] : 0}%`;
          const mid = g.lo + ((k + 0.5) * (g.hi - g.lo)) / HIST_BINS;
          bar.className = flt && ((flt.min != null && mid < flt.min) || (flt.max != null && mid > flt.max)) ? 'off' : '';
        });
        const at = (v, d) => (v == null ? d : Math.min(1, Math.max(0, (v - g.lo) / (g.hi - g.lo || 1))));
        g.brush.hidden = !isActive(flt);
        g.brush.style.left = `${100 * at(flt?.min, 0)}%`;
        g.brush.style.right = `${100 - 100 * at(flt?.max, 1)}%`;
        if (document.activeElement !== g.a) g.a.value = flt?.min ?? '';
        if (document.activeElement !== g.b) g.b.value = flt?.max ?? '';
      } else {
        const cats = columns[f.name].categories;
        const chosen = shownCategories(flt, cats) || new Set();
        const order = [...cats.keys()].sort((x, y) => counts[y] - counts[x] || x - y).slice(0, MAX_OPTIONS);
        for (const c of chosen) { const k = cats.indexOf(c); if (k >= 0 && !order.includes(k)) order.push(k); }
        g.opts.replaceChildren(...order.map((k) => {
          const box = h('input', { type: 'checkbox', checked: chosen.has(cats[k]) });
          box.addEventListener('change', () => {
            // no filter here means no box ticked; ticking them all (or none) removes the filter
            const cur = shownCategories(store.get().filters[f.name], cats) || new Set();
            if (box.checked) cur.add(cats[k]); else cur.delete(cats[k]);
            const next = cur.size ? withShown(store.get().filters, f.name, cats, cur) : { ...store.get().filters };
            if (!cur.size) delete next[f.name];
            store.set({ filters: next });
          });
          return h('label.atlas-opt', {}, box, ` ${cats[k]} `, h('span.atlas-n', { text: fmt(counts[k]) }));
        }));
      }
    }
  }

  function setLegend(lg, state) {
    legend.replaceChildren();
    if (!lg) return;
    if (lg.type === 'number') {
      legend.append(h('div.atlas-ramp', { style: `background: linear-gradient(to right, ${lg.stops.join(',')})` }),
        h('div.atlas-row.atlas-ends', {}, h('span', { text: `${lg.below ? '≤ ' : ''}${fmt(lg.min)}` }), h('span', { text: `${lg.above ? '≥ ' : ''}${fmt(lg.max)}` })));
      return;
    }
    const name = state.color;
    const col = columns[name];
    if (!col?.categories) return; // a legend for another field: the colour update redraws it
    const on = shownCategories(state.filters[name], col.categories);
    const named = new Set(lg.entries.filter((e) => !e.other).map((e) => e.name));
    const rest = col.categories.filter((c) => !named.has(c));
    for (const e of lg.entries) {
      const group = e.other ? rest : [e.name];
      const pressed = !on || group.every((c) => on.has(c));
      const label = e.other ? `Other (${fmt(e.count)})` : `${e.name} (${fmt(e.count)})`;
      legend.append(h('button.atlas-swatch-row', {
        type: 'button', 'aria-pressed': pressed ? 'true' : 'false',
        title: pressed ? 'Click to hide this category' : 'Click to show this category',
        onclick: () => store.set({ filters: toggleCategories(store.get().filters, name, col.categories, group) }),
      }, h('span.atlas-swatch', { style: `background:${e.color}` }), ` ${label}`));
    }
    if (on) {
      legend.append(h('button.atlas-legend-reset', {
        type: 'button', text: on.size ? 'Show all categories' : 'All categories are off: show all',
        onclick: () => { const next = { ...store.get().filters }; delete next[name]; store.set({ filters: next }); },
      }));
    }
  }

  return {
    update,
    setLegend,
    /** The element "Show my list" reports its matches in (features/mylist.js fills it). */
    listOut,
    setListText(t) { if (listText.value !== t) listText.value = t; },
  };
}
