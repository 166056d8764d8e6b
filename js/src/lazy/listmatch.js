// "Show my list" matching (loaded on first use, src/lazy/extras.js): each pasted entry to one
// entity, exactly where possible, a close match only offered, never assumed.
import { normalize, search, parseListLines } from '../search.js';

/** Levenshtein distance between a and b, or max + 1 once it must exceed `max`. */
export function editDistance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

// A fuzzy match is offered only when the whole line is within this share of edits of the whole
// title: "Emile Zolla" -> "Émile Zola" is offered, "Dune" -> "A Confederacy of Dunces" and
// "Pride and Prejudice" -> "Pride and Prejudice and Zombies" are not.
export const FUZZY_SHARE = 0.2;
// a trailing "(...)" (a series, an edition, a year) is not part of what people type
export const bareTitle = (label) => normalize(String(label).replace(/\s*\([^()]*\)\s*$/, ''));

/** normalised label, bare title and id -> entity index (the most popular wins a tie). */
function exactKeys(index, labels) {
  if (index.exact) return index.exact;
  const map = new Map();
  const order = Array.from({ length: index.n }, (_, i) => i).sort((a, b) => index.counts[b] - index.counts[a] || a - b);
  for (const i of order) {
    for (const k of [index.norm[i], index.normId[i], labels ? bareTitle(labels.get ? labels.get(i) : labels[i]) : '']) {
      if (k && !map.has(k)) map.set(k, i);
    }
  }
  return (index.exact = map);
}

/**
 * "Show my list": match each entry (a line, or a CSV file's first column) to an entity. An exact
 * match (normalised title, title without a trailing parenthesis, or id) is found; otherwise the
 * closest search result is offered as fuzzy only when it is within FUZZY_SHARE edits of the line.
 * Returns {rows: [{line, i, kind: 'exact' | 'fuzzy' | 'none'}], matched: Set of exact indices,
 * fuzzy: rows, unmatched: [line]}. `labels` (optional) gives the bare titles.
 */
export function matchList(index, text, opts = {}, labels = null) {
  const exact = exactKeys(index, labels);
  const rows = [];
  for (const line of parseListLines(text, opts)) {
    const q = normalize(line);
    let i = exact.has(q) ? exact.get(q) : -1, kind = i >= 0 ? 'exact' : 'none';
    if (i < 0 && q.length >= 4) {
      let best = Infinity;
      for (const hit of search(index, line, { limit: 5 })) {
        const t = labels ? bareTitle(labels.get ? labels.get(hit.i) : labels[hit.i]) : index.norm[hit.i];
        const max = Math.floor(FUZZY_SHARE * Math.max(q.length, t.length));
        const d = Math.min(editDistance(q, t, max), editDistance(q, index.norm[hit.i], max));
        if (d <= max && d < best) { best = d; i = hit.i; kind = 'fuzzy'; }
      }
    }
    rows.push({ line, i, kind });
  }
  return {
    rows,
    matched: new Set(rows.filter((r) => r.kind === 'exact').map((r) => r.i)),
    fuzzy: rows.filter((r) => r.kind === 'fuzzy'),
    unmatched: rows.filter((r) => r.kind === 'none').map((r) => r.line),
  };
}
