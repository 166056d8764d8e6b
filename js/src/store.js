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
//   area     the area selection ("Select area"), or null: {ids: [entity id...] or null, idx: Uint32Array
//            of indices or null}; in the URL (its ids) only when it holds at most AREA_URL_MAX of them
//            in at most AREA_URL_CHARS characters
//   size     point size factor (1 = the default sizes)      opacity  point opacity factor (1 = default)

export const LIST_URL_MAX = 600;
export const AREA_URL_MAX = 200;
const AREA_URL_CHARS = 4000;

/** The URL's `area` value for an area selection (ids joined by spaces, written '+'), or '' when it is too big to keep there. */
export function areaParam(area) {
  const ids = area?.ids;
  if (!ids?.length || ids.length > AREA_URL_MAX) return '';
  const v = ids.map((id) => String(id).replace(/[\\ ]/g, '\\$&')).join(' ');
  return v.length <= AREA_URL_CHARS ? v : '';
}

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
    area: null,
    size: 1,
    opacity: 1,
  };
}

/** Bounds of the point size and opacity factors (the Display sliders; URL values are clamped to them). */
export const SIZE_RANGE = [0.25, 4], OPACITY_RANGE = [0.1, 1];
const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));

const num = (v, d) => (Number.isFinite(+v) && v !== '' ? +v : d);
const r4 = (v) => +(+v).toFixed(4);
const esc = (s) => String(s).replace(/[\\|]/g, '\\$&');
function splitEsc(s, sep = '|') {
  const out = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else if (c === sep) { out.push(cur); cur = ''; }
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
  if (areaParam(state.area)) p.set('area', areaParam(state.area)); // "area=12+45+99"
  if (state.size && state.size !== 1) p.set('size', r4(state.size));
  if (state.opacity && state.opacity !== 1) p.set('opacity', r4(state.opacity));
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
  s.area = p.get('area') ? { ids: splitEsc(p.get('area'), ' ').filter(Boolean), idx: null } : null;
  s.size = clamp(num(p.get('size') || '', 1), SIZE_RANGE);
  s.opacity = clamp(num(p.get('opacity') || '', 1), OPACITY_RANGE);
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

const DISCRETE = ['sel', 'filters', 'hide', 'color', 'variant', 'list', 'area'];

/**
 * Keep the store and location.hash in step. Discrete changes push a history entry (unless set with
 * {replace: true}: the later steps of one drag), view moves, sliders and typing replace it; back/forward (hashchange) load the state from the URL. `codec` lets another
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
    if ((discrete && !info.replace) || info.push) write(true);
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
 *   area        Uint8Array mask of the area selection (store.area resolved), or null
 */
export function liveState() {
  return {
    variant: '', xy: null, meta: null, neighbors: null, pass: null, facets: null, visible: 0,
    selIdx: -1, hover: -1, hits: [], listHits: null, colorIndex: null, legend: null, area: null,
  };
}
