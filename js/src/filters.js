// Filter logic (pure): which entities pass the active filters, and the faceted counts shown next
// to each option (counts under every *other* active filter, so options never read zero by themselves).
//
// Columns are the decoded meta fields: category {categories, codes: Uint16Array},
// tags {categories, indptr: Uint32Array, codes: Uint16Array}, number {values: Float32Array}.
// Filters: {field: {values: [category names]}} (passes if it has any of them; an empty list passes
// nothing: every category switched off in the legend), {field: {exclude: [category names]}} (passes
// if it has a category not in the list: the short form when most categories are on, so that hiding
// one of 38 does not write the other 37 into the URL) or {field: {min, max}} (inclusive; missing
// values fail an active range). No entry for a field means no filter on it.

export const HIST_BINS = 24;
const MISSING = 0xffff;

/** True when filter `f` restricts anything. */
export function isActive(f) {
  if (!f) return false;
  if (f.values) return Array.isArray(f.values);
  if (f.exclude) return Array.isArray(f.exclude);
  return f.min != null || f.max != null;
}

/** Uint8Array(n): 1 where entity i passes filter `f` on `col`. */
export function filterMask(col, f, n) {
  const out = new Uint8Array(n);
  if (!col) return out.fill(1);
  if (f.values || f.exclude) {
    const want = new Uint8Array(col.categories.length + 1);
    const shown = shownCategories(f, col.categories);
    col.categories.forEach((c, k) => { if (shown.has(c)) want[k] = 1; });
    if (col.type === 'tags') {
      const { indptr, codes } = col;
      for (let i = 0; i < n; i++) {
        for (let j = indptr[i]; j < indptr[i + 1]; j++) if (want[codes[j]]) { out[i] = 1; break; }
      }
    } else {
      const codes = col.codes;
      for (let i = 0; i < n; i++) { const c = codes[i]; out[i] = c !== MISSING && want[c] ? 1 : 0; }
    }
    return out;
  }
  const lo = f.min ?? -Infinity, hi = f.max ?? Infinity;
  const vals = col.values;
  for (let i = 0; i < n; i++) { const v = vals[i]; out[i] = v >= lo && v <= hi ? 1 : 0; }
  return out;
}

/** Bin index of value v for a numeric field descriptor {min, max}, or -1 for missing. */
export function binOf(v, lo, hi, bins = HIST_BINS) {
  if (!(v === v)) return -1;
  if (hi <= lo) return 0;
  return Math.max(0, Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins)));
}

/**
 * Evaluate all filters. `columns`: name -> column, `fields`: the config's descriptors (for
 * numeric min/max), `filters`: the store's filters. Returns
 * {pass: Uint8Array, visible: number, facets: {name: Uint32Array}} where facets hold per-category
 * counts (category/tags) or HIST_BINS histogram counts (number) under the other filters.
 */
export function evaluate(columns, fields, filters, n) {
  const active = Object.keys(filters).filter((k) => isActive(filters[k]) && columns[k]);
  const fails = new Uint8Array(n);
  const masks = {};
  for (const k of active) {
    const m = (masks[k] = filterMask(columns[k], filters[k], n));
    for (let i = 0; i < n; i++) fails[i] += 1 - m[i];
  }
  const pass = new Uint8Array(n);
  let visible = 0;
  for (let i = 0; i < n; i++) if (fails[i] === 0) { pass[i] = 1; visible++; }
  const facets = {};
  for (const fd of fields) {
    const col = columns[fd.name];
    if (!col || col.type === 'text') continue;
    const own = masks[fd.name];
    // counted when it passes everything, or fails only this field's own filter
    const counted = (i) => fails[i] === 0 || (own && fails[i] === 1 && !own[i]);
    if (col.type === 'number') {
      const h = (facets[fd.name] = new Uint32Array(HIST_BINS));
      const lo = fd.min ?? 0, hi = fd.max ?? 1;
      for (let i = 0; i < n; i++) { if (!counted(i)) continue; const b = binOf(col.values[i], lo, hi); if (b >= 0) h[b]++; }
    } else if (col.type === 'tags') {
      const h = (facets[fd.name] = new Uint32Array(col.categories.length));
      for (let i = 0; i < n; i++) { if (!counted(i)) continue; for (let j = col.indptr[i]; j < col.indptr[i + 1]; j++) h[col.codes[j]]++; }
    } else {
      const h = (facets[fd.name] = new Uint32Array(col.categories.length));
      for (let i = 0; i < n; i++) { if (!counted(i)) continue; const c = col.codes[i]; if (c !== MISSING) h[c]++; }
    }
  }
  return { pass, visible, facets };
}

/** The categories a set filter (values or exclude) shows, or null when `f` is not a set filter. */
export function shownCategories(f, categories) {
  if (Array.isArray(f?.values)) return new Set(f.values);
  if (Array.isArray(f?.exclude)) { const out = new Set(categories); for (const c of f.exclude) out.delete(c); return out; }
  return null;
}

/** The filters with `name` showing exactly the categories in set `on` (the shorter form; none if all). */
export function withShown(filters, name, categories, on) {
  const out = { ...filters };
  const values = categories.filter((c) => on.has(c));
  if (values.length === categories.length) delete out[name];
  else if (categories.length - values.length < values.length) out[name] = { exclude: categories.filter((c) => !on.has(c)) };
  else out[name] = { values };
  return out;
}

/** Legend toggle: flip one category of a set filter (no filter = all selected; none left = nothing). */
export function toggleCategory(filters, name, categories, cat) {
  return toggleCategories(filters, name, categories, [cat]);
}

/**
 * Flip a group of categories together (the legend's "Other" entry): when all of them are on they
 * all go off, otherwise they all come on. All categories on is no filter; none on is an empty list,
 * which passes nothing.
 */
export function toggleCategories(filters, name, categories, group) {
  const cur = shownCategories(filters[name], categories) || new Set(categories);
  const allOn = group.every((c) => cur.has(c));
  for (const c of group) { if (allOn) cur.delete(c); else cur.add(c); }
  return withShown(filters, name, categories, cur);
}
