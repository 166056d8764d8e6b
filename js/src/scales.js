// Readable scales: number domains that one outlier cannot flatten, and colours kept at >= 3:1
// contrast against the map's background (WCAG's minimum for graphical objects).

/** Quantile domain {lo, hi} of the finite values (1st-99th percentile; the full range when narrower). */
export function robustDomain(values, q = 0.01) {
  const v = new Float64Array(values.length);
  let m = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) { v[m++] = x; if (x < min) min = x; if (x > max) max = x; }
  }
  if (!m) return null;
  // two order statistics by selection, O(n): sorting a million values is a tenth of a second
  const w = v.subarray(0, m);
  let lo = select(w, Math.floor(q * (m - 1))), hi = select(w, Math.ceil((1 - q) * (m - 1)));
  if (!(hi > lo)) { lo = min; hi = max; }
  return { lo, hi };
}

/** The k-th smallest value of `a` (reorders `a`): Hoare's selection with a median-of-three pivot. */
function select(a, k) {
  let l = 0, r = a.length - 1;
  while (r > l) {
    const mid = (l + r) >> 1;
    const x = a[l], y = a[mid], z = a[r];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = l, j = r;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) r = j; else if (k >= i) l = i; else return a[k];
  }
  return a[k];
}

/** Number-field descriptors with min/max replaced by the robust domain of their values. */
export function robustFields(fields, columns) {
  return fields.map((f) => {
    const col = columns[f.name];
    if (col?.type !== 'number') return f;
    const d = robustDomain(col.values);
    return d ? { ...f, min: d.lo, max: d.hi } : f;
  });
}

/** [r, g, b] of '#rrggbb' or the short '#rgb' (style.css writes the light panel as #fff). */
export const rgbOf = (hex) => {
  const s = String(hex).trim().replace('#', '');
  const v = parseInt(s.length === 3 ? s.replace(/./g, '$&$&') : s.slice(0, 6), 16) || 0;
  return [v >> 16, (v >> 8) & 255, v & 255];
};
const hexOf = (c) => '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
const lum = (c) => {
  const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
/** WCAG contrast ratio of two '#rrggbb' colours. */
export function contrast(a, b) {
  const x = lum(rgbOf(a)), y = lum(rgbOf(b));
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** `hex` mixed towards white (dark background) or black (light) until it has `min`:1 contrast. */
export function withContrast(hex, bg, min = 3) {
  if (contrast(hex, bg) >= min) return hex;
  const c = rgbOf(hex), to = lum(rgbOf(bg)) < 0.2 ? 255 : 0;
  for (let t = 0.05; t <= 1; t += 0.05) {
    const m = hexOf(c.map((v) => v + (to - v) * t));
    if (contrast(m, bg) >= min) return m;
  }
  return to ? '#ffffff' : '#000000';
}

/**
 * The part [u0, u1] of a colour ramp (a function of u in [0, 1]) whose colours all have `min`:1
 * contrast against `bg`: the longest such run of 101 samples.
 */
export function readableSpan(ramp, bg, min = 3) {
  let best = [0, 1], bestLen = -1, start = -1;
  for (let k = 0; k <= 101; k++) {
    const ok = k <= 100 && contrast(ramp(k / 100), bg) >= min;
    if (ok && start < 0) start = k;
    if (!ok && start >= 0) { if (k - 1 - start > bestLen) { bestLen = k - 1 - start; best = [start / 100, (k - 1) / 100]; } start = -1; }
  }
  return best;
}
