// The single state object, its subscribers, and the URL-hash round trip.
//
// State (everything a shared link reproduces):
//   view     {x, y, k}   centre in data coordinates ([-1, 1]) and zoom (1 = [-1, 1]^2 edge to edge),
//            or {fit: true, ...}: fitted to the layout's bounds (the default; not written to the URL)
//   sel      entity id (string) or ''      -- ids, not indices, so links survive rebuilds
//   q        search query
//   filters  {field: {values: [category...]} | {exclude: [category...]} | {min, max}}
//   hide     true: filtered-out points are hidden; false: dimmed
//   color    colour-by field name, '' for none
//   variant  layout variant name
//   list     "show my list" text (kept in the URL only when short)

export const LIST_URL_MAX = 600;

export function defaultState(config = {}) {
  return {
    view: { x: 0, y: 0, k: 1, fit: true },
    sel: '',
    q: '',
    filters: {},
    hide: false,
    color: config.colorBy || '',
    variant: config.variant || '',
    list: '',
  };
}

const num = (v, d) => (Number.isFinite(+v) && v !== '' ? +v : d);
const r4 = (v) => +(+v).toFixed(4);
const esc = (s) => String(s).replace(/[\\|]/g, '\\$&');
function splitEsc(s) {
  const out = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else if (c === '|') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** State -> hash string (without '#'); fields equal to the defaults are left out. */
export function formatHash(state, defaults = defaultState()) {
  const p = new URLSearchParams();
  const v = state.view;
  if (v && !v.fit) p.set('v', `${r4(v.x)},${r4(v.y)},${r4(v.k)}`);
  if (state.sel) p.set('sel', state.sel);
  if (state.q) p.set('q', state.q);
  for (const name of Object.keys(state.filters || {}).sort()) {
    const f = state.filters[name];
    if (f.values) p.set(`f.${name}`, f.values.map(esc).join('|'));
    else if (f.exclude) p.set(`x.${name}`, f.exclude.map(esc).join('|'));
    else p.set(`r.${name}`, `${f.min ?? ''}~${f.max ?? ''}`);
  }
  if (state.hide) p.set('hide', '1');
  if (state.color !== defaults.color) p.set('c', state.color || '-');
  if (state.variant && state.variant !== defaults.variant) p.set('var', state.variant);
  if (state.list && state.list.length <= LIST_URL_MAX) p.set('list', state.list);
  return p.toString();
}

/** Hash string (with or without '#') -> full state, starting from `defaults`. */
export function parseHash(hash, defaults = defaultState()) {
  const p = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const s = { ...defaults, view: { ...defaults.view }, filters: {} };
  const v = (p.get('v') || '').split(',');
  if (v.length === 3) {
    s.view = { x: num(v[0], 0), y: num(v[1], 0), k: Math.max(1e-3, num(v[2], 1)) };
  }
  s.sel = p.get('sel') || '';
  s.q = p.get('q') || '';
  for (const [key, val] of p) {
    if (key.startsWith('f.')) s.filters[key.slice(2)] = { values: val === '' ? [] : splitEsc(val) };
    else if (key.startsWith('x.')) s.filters[key.slice(2)] = { exclude: val === '' ? [] : splitEsc(val) };
    else if (key.startsWith('r.')) {
      const [a, b] = val.split('~');
      const f = {};
      if (a !== '' && a !== undefined && Number.isFinite(+a)) f.min = +a;
      if (b !== '' && b !== undefined && Number.isFinite(+b)) f.max = +b;
      s.filters[key.slice(2)] = f;
    }
  }
  s.hide = p.get('hide') === '1';
  if (p.has('c')) s.color = p.get('c') === '-' ? '' : p.get('c');
  if (p.has('var')) s.variant = p.get('var');
  s.list = p.get('list') || '';
  return s;
}

/** A tiny observable store. set() merges a patch and notifies with the set of changed keys. */
export function createStore(initial) {
  let state = initial;
  const subs = new Set();
  return {
    get: () => state,
    set(patch, info = {}) {
      const changed = new Set();
      for (const k of Object.keys(patch)) if (patch[k] !== state[k]) changed.add(k);
      if (!changed.size) return;
      state = { ...state, ...patch };
      for (const fn of subs) fn(state, changed, info);
    },
    subscribe(fn) { subs.add(fn); return () => subs.delete(fn); },
  };
}

const DISCRETE = ['sel', 'filters', 'hide', 'color', 'variant', 'list'];

/**
 * Keep the store and location.hash in step. Discrete changes push a history entry, view moves and
 * typing replace it; back/forward (hashchange) load the state from the URL. `codec` lets another
 * page (compare.js) bring its own state: {format(state, defaults), parse(hash, defaults), discrete: [keys]}.
 */
export function syncHash(store, defaults, win = window, codec = { format: formatHash, parse: parseHash, discrete: DISCRETE }) {
  let writing = false;
  let timer = 0;
  let current = win.location.hash; // the hash the store reflects: popstate and hashchange both fire
  const write = (push) => {
    const h = codec.format(store.get(), defaults);
    const cur = win.location.hash.replace(/^#/, '');
    if (h === cur) return;
    writing = true;
    const url = `${win.location.pathname}${win.location.search}${h ? `#${h}` : ''}`;
    if (push) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
    current = win.location.hash;
    writing = false;
  };
  store.subscribe((s, changed, info) => {
    if (info.fromUrl) return;
    const discrete = codec.discrete.some((k) => changed.has(k));
    clearTimeout(timer);
    if (discrete || info.push) write(true);
    else timer = setTimeout(() => write(false), 150); // view and typing: coalesce, no history entry
  });
  const load = () => {
    if (writing || win.location.hash === current) return;
    current = win.location.hash;
    store.set(codec.parse(win.location.hash, defaults), { fromUrl: true, history: true });
  };
  win.addEventListener('popstate', load);
  win.addEventListener('hashchange', load);
}

/**
 * The session's live state (not in the URL), kept in a second store so that the features share it
 * instead of closure variables: what the URL state resolves to against the data, plus transient
 * interaction.
 *   variant     the layout shown (the URL's, when it exists)      xy  its Float32Array positions
 *   meta        decoded metadata (null until loaded)              neighbors  co-occurrences or null
 *   pass        Uint8Array filter mask, or null when no filter is set
 *   facets      per-field counts under the filters                visible  how many points pass
 *   selIdx      index of the selected entity, or -1               hover  hovered index, or -1
 *   hits        search-hit indices                                listHits  "my list" matches or null
 *   colorIndex  per-point palette index                           legend  colour legend or null
 */
export function liveState() {
  return {
    variant: '', xy: null, meta: null, neighbors: null, pass: null, facets: null, visible: 0,
    selIdx: -1, hover: -1, hits: [], listHits: null, colorIndex: null, legend: null,
  };
}
