// "Show my list" on a big atlas (loaded on first use, src/lazy/extras.js): its labels are in shards
// and its search is the prefix index (search.js createPrefixIndex), so each line is matched through
// the index instead of a table of every label: the entities carrying all of the line's words are the
// candidates, and the first of them (most popular first) whose whole label, or label without a
// trailing "(...)", normalises to the line is its exact match; else the line as an id (its id bucket).
// A close match is offered, never assumed, as on a small atlas (listmatch.js).
import { normalize, parseListLines } from '../search.js';
import { editDistance, bareTitle, FUZZY_SHARE } from './listmatch.js';

// Candidates whose labels are checked per line: the most popular entities carrying all its words. A
// title made of very common words ("The End") is found when it is among them.
const EXACT_CANDIDATES = 64;
const FUZZY_CANDIDATES = 5;

/**
 * matchListPrefix(index, text, opts, meta) resolves to matchList's result ({rows, matched, fuzzy,
 * unmatched}); index: the prefix index; meta: entities.js's sharded meta (labels, ensure, findId).
 */
export async function matchListPrefix(index, text, opts, meta) {
  const lines = parseListLines(text, opts);
  const rows = await Promise.all(lines.map((line) => matchLine(index, line, meta)));
  return {
    rows,
    matched: new Set(rows.filter((r) => r.kind === 'exact').map((r) => r.i)),
    fuzzy: rows.filter((r) => r.kind === 'fuzzy'),
    unmatched: rows.filter((r) => r.kind === 'none').map((r) => r.line),
  };
}

async function matchLine(index, line, meta) {
  const q = normalize(line);
  const some = Array.from((await index.withWords(line)).subarray(0, EXACT_CANDIDATES));
  await meta.ensure(some);
  // an id only when no label matches (each id lookup may fetch a bucket)
  const i = some.find((k) => normalize(meta.labels.get(k)) === q || bareTitle(meta.labels.get(k)) === q) ?? await meta.findId(line.trim());
  if (i >= 0) { await meta.ensure([i]); return { line, i, kind: 'exact' }; } // the report shows its label
  if (q.length < 4) return { line, i: -1, kind: 'none' };
  // a close match: among the prefix search's first hits for the line (its buckets are in by now)
  const hits = (index.lookup(line, { limit: FUZZY_CANDIDATES }) || []).map((h) => h.i);
  await meta.ensure(hits);
  let best = Infinity, at = -1;
  for (const k of hits) {
    const label = meta.labels.get(k), t = bareTitle(label);
    const max = Math.floor(FUZZY_SHARE * Math.max(q.length, t.length));
    const d = Math.min(editDistance(q, t, max), editDistance(q, normalize(label), max));
    if (d <= max && d < best) { best = d; at = k; }
  }
  return at >= 0 ? { line, i: at, kind: 'fuzzy' } : { line, i: -1, kind: 'none' };
}
