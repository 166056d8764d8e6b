// The search box: as-you-type results in an ARIA listbox, arrows / Enter / Escape, and a
// `choose(index)` callback. Matching and ranking are in search.js, passed in as `search` so that
// the viewer can load them on first use (app.js) instead of with its first load.
import { h, fmt } from './dom.js';

let uid = 0;

/**
 * mount(parent, {getIndex(), search(index, query, opts), labels(), counts(), pass(), onChoose(i), onQuery(q), hrefOf(i)?}).
 * getIndex() may return null (not ready yet; call refresh() when it is). With hrefOf (no-WebGL
 * fallback), results are links to entity pages.
 */
export function mountSearch(parent, opts) {
  const id = `atlas-search-${++uid}`;
  const input = h('input', {
    type: 'search', 'aria-label': 'Search', placeholder: 'Search…', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-expanded': 'false', 'aria-controls': `${id}-list`, 'aria-autocomplete': 'list',
  });
  const list = h('ul.atlas-results', { id: `${id}-list`, role: 'listbox', 'aria-label': 'Search results', hidden: true });
  const box = h('div.atlas-search', {}, input, list);
  parent.append(box);
  let results = [], active = -1, pending = 0;

  function render() {
    list.replaceChildren();
    const labels = opts.labels(), counts = opts.counts();
    results.forEach((r, k) => {
      const main = opts.hrefOf
        ? h('a', { href: opts.hrefOf(r.i), tabindex: '-1', text: labels.get(r.i) })
        : h('span.atlas-result-label', { text: labels.get(r.i) });
      const li = h('li', {
        id: `${id}-o${k}`, role: 'option', 'aria-selected': k === active ? 'true' : 'false',
        onmousedown: (e) => { e.preventDefault(); choose(k); },
      }, main, h('span.atlas-result-count', { text: fmt(counts[r.i]) }));
      list.append(li);
    });
    const open = results.length > 0 && document.activeElement === input;
    list.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (active >= 0) input.setAttribute('aria-activedescendant', `${id}-o${active}`);
    else input.removeAttribute('aria-activedescendant');
  }
  function run() {
    pending = 0;
    const index = opts.getIndex();
    results = index ? opts.search(index, input.value, { limit: 12, pass: opts.pass?.() }) : [];
    active = results.length ? 0 : -1;
    render();
    opts.onQuery?.(input.value, results);
  }
  function choose(k) {
    const r = results[k];
    if (!r) return;
    if (opts.hrefOf) { location.href = opts.hrefOf(r.i); return; }
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    opts.onChoose(r.i);
  }
  input.addEventListener('input', () => { if (!pending) pending = requestAnimationFrame(run); });
  input.addEventListener('focus', () => { opts.getIndex(); if (input.value) run(); }); // builds a lazy index early
  input.addEventListener('blur', () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!results.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length;
      render();
      list.children[active]?.scrollIntoView?.({ block: 'nearest' });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (pending) { cancelAnimationFrame(pending); run(); }
      choose(Math.max(0, active));
    } else if (e.key === 'Escape') {
      // the first Escape closes the suggestions (a search input would clear itself), the next clears
      e.preventDefault();
      e.stopPropagation();
      if (!list.hidden) { list.hidden = true; input.setAttribute('aria-expanded', 'false'); }
      else if (input.value) { input.value = ''; run(); }
      else input.blur();
    }
  });
  return {
    input,
    setQuery(q) { if (input.value !== q) { input.value = q; run(); } },
    refresh: run,
  };
}
