// The compare page's shared-link state and its URL-hash codec (plugged into store.syncHash):
//   a, b   the variants shown left and right (left out of the URL when they are the defaults)
//   sel    selected entity id ('' for none), as in the viewer
// The two sides always show different variants when there are two or more.

/** Defaults from the config island: the first two variants (or config.a / config.b). */
export function compareDefaults(config) {
  const names = (config.variants || []).map((v) => v.name);
  const a = names.includes(config.a) ? config.a : names[0] || '';
  const b = names.includes(config.b) && config.b !== a ? config.b : names.find((v) => v !== a) || a;
  return { a, b, sel: '' };
}

/** Make `state` valid for `names`: unknown variants fall back to the defaults, and b differs from a. */
export function normalizePair(state, defaults, names) {
  const a = names.includes(state.a) ? state.a : defaults.a;
  let b = names.includes(state.b) ? state.b : defaults.b;
  if (b === a) b = defaults.b !== a && names.includes(defaults.b) ? defaults.b : names.find((v) => v !== a) ?? a;
  return { ...state, a, b };
}

/** Picking variant `v` for side `side` ('a' | 'b'): the other side takes the old value if they would clash. */
export function pickVariant(state, side, v) {
  const other = side === 'a' ? 'b' : 'a';
  if (state[other] === v) return { [side]: v, [other]: state[side] };
  return { [side]: v };
}

/** The hash codec for `names` (the page's variants, in order). */
export function compareCodec(names) {
  return {
    discrete: ['a', 'b', 'sel'],
    format(state, defaults) {
      const p = new URLSearchParams();
      if (state.a !== defaults.a) p.set('a', state.a);
      if (state.b !== defaults.b) p.set('b', state.b);
      if (state.sel) p.set('sel', state.sel);
      return p.toString();
    },
    parse(hash, defaults) {
      const p = new URLSearchParams(String(hash || '').replace(/^#/, ''));
      return normalizePair({ a: p.get('a') || defaults.a, b: p.get('b') || defaults.b, sel: p.get('sel') || '' }, defaults, names);
    },
  };
}

/**
 * For entity i and its co-occurring entities `targets`, the 2D neighbour rank of each target in a
 * layout (1 = the nearest other point). xy: interleaved Float32Array (2n). Returns Uint32Array.
 */
export function nearRanks(xy, i, targets) {
  const n = xy.length / 2;
  const x = xy[2 * i], y = xy[2 * i + 1];
  const d = new Float32Array(n - 1);
  for (let j = 0, k = 0; j < n; j++) {
    if (j === i) continue;
    const dx = xy[2 * j] - x, dy = xy[2 * j + 1] - y;
    d[k++] = dx * dx + dy * dy;
  }
  d.sort();
  const out = new Uint32Array(targets.length);
  targets.forEach((t, k) => {
    const dx = xy[2 * t] - x, dy = xy[2 * t + 1] - y;
    const dt = Math.fround(dx * dx + dy * dy);
    let lo = 0, hi = d.length; // first index with d >= dt: points strictly closer, then this one
    while (lo < hi) { const mid = (lo + hi) >> 1; if (d[mid] < dt) lo = mid + 1; else hi = mid; }
    out[k] = lo + 1;
  });
  return out;
}
