// Colour channel: maps a field to per-point palette indices plus the 256-entry palette texture
// and the legend entries. Categorical: Okabe-Ito (colour-blind safe) for the most common
// categories, the rest as "Other". Numeric: cividis (readable with any colour vision deficiency),
// both kept at >= 3:1 contrast against the background (scales.js).
import { withContrast, readableSpan } from './scales.js';

export const CATEGORICAL = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#44aa99', '#aa4499', '#999933'];
const CIVIDIS = ['#00224e', '#123570', '#3b496c', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#e4cf5b', '#fee838'];
export const MISSING = 255;
export const OTHER = 254;
const GREY = '#8a8f98';

const rgb = (hex) => { const v = parseInt(hex.slice(1), 16); return [v >> 16, (v >> 8) & 255, v & 255]; };

function texture(colors, other = GREY, missing = GREY) {
  const t = new Uint8Array(1024);
  colors.forEach((c, i) => t.set([...rgb(c), 255], 4 * i));
  t.set([...rgb(other), 255], 4 * OTHER);
  t.set([...rgb(missing), 255], 4 * MISSING);
  return t;
}

/** Colour for numeric position u in [0, 1] on the cividis ramp, '#rrggbb'. */
export function ramp(u) {
  const x = Math.max(0, Math.min(1, u)) * (CIVIDIS.length - 1);
  const i = Math.min(CIVIDIS.length - 2, Math.floor(x)), f = x - i;
  const a = rgb(CIVIDIS[i]), b = rgb(CIVIDIS[i + 1]);
  return '#' + a.map((v, k) => Math.round(v + (b[k] - v) * f).toString(16).padStart(2, '0')).join('');
}

/**
 * Palette indices for colouring by `col` (a decoded meta column, or null for a single colour) on a
 * map with background `bg`; every colour has >= 3:1 contrast against it. A number field uses
 * desc.min..desc.max (a robust domain, scales.js); values beyond it take the end colours.
 * Returns {index: Uint8Array(n), texture: Uint8Array(1024), legend}, where legend is
 * {type: 'category', entries: [{name, color, count}]} or {type: 'number', min, max, stops,
 * below, above (values beyond the ends)} or null.
 */
export function colorChannel(col, desc, n, accent = '#3b6fd4', bg = '#111318') {
  const index = new Uint8Array(n);
  const grey = withContrast(GREY, bg);
  if (!col || col.type === 'text') {
    return { index, texture: texture([withContrast(accent, bg)]), legend: null };
  }
  if (col.type === 'number') {
    const lo = desc?.min ?? 0, hi = desc?.max ?? 1;
    const span = hi > lo ? hi - lo : 1;
    const vals = col.values;
    let below = 0, above = 0;
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v < lo) below++; else if (v > hi) above++;
      index[i] = v === v ? Math.round(Math.max(0, Math.min(1, (v - lo) / span)) * 253) : MISSING;
    }
    const [u0, u1] = readableSpan(ramp, bg);
    const at = (u) => ramp(u0 + (u1 - u0) * u);
    const colors = Array.from({ length: 254 }, (_, k) => at(k / 253));
    const stops = Array.from({ length: 10 }, (_, k) => at(k / 9));
    return { index, texture: texture(colors, grey, grey), legend: { type: 'number', min: lo, max: hi, stops, below, above } };
  }
  // category / tags (tags: coloured by their first tag)
  const k = col.categories.length;
  const first = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  if (col.type === 'tags') {
    for (let i = 0; i < n; i++) if (col.indptr[i + 1] > col.indptr[i]) first[i] = col.codes[col.indptr[i]];
  } else {
    for (let i = 0; i < n; i++) if (col.codes[i] !== 0xffff) first[i] = col.codes[i];
  }
  for (let i = 0; i < n; i++) if (first[i] >= 0) counts[first[i]]++;
  const order = [...counts.keys()].sort((a, b) => counts[b] - counts[a] || a - b);
  const slot = new Int32Array(k).fill(OTHER);
  const top = order.slice(0, CATEGORICAL.length).filter((c) => counts[c] > 0);
  top.forEach((c, j) => { slot[c] = j; });
  for (let i = 0; i < n; i++) index[i] = first[i] < 0 ? MISSING : slot[first[i]];
  const colors = CATEGORICAL.map((c) => withContrast(c, bg));
  const entries = top.map((c, j) => ({ name: col.categories[c], color: colors[j], count: counts[c] }));
  const rest = order.slice(top.length).reduce((s, c) => s + counts[c], 0);
  if (rest) entries.push({ name: null, color: grey, count: rest, other: true });
  return { index, texture: texture(colors, grey, grey), legend: { type: 'category', entries } };
}
