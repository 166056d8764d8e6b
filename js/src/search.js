// Search: diacritic-insensitive, typo-tolerant matching over labels and ids, ranked by relevance
// then popularity. Pure functions over a prebuilt index; the search box UI lives in searchbox.js.

/** Lowercase, strip diacritics (NFD + combining marks), fold punctuation to single spaces. */
export function normalize(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Build the index once (lazily, on first use). labels, ids: string lists ({length, get(i)} or
 * arrays); counts: popularity (array-like).
 */
export function buildIndex(labels, ids, counts) {
  const n = labels.length;
  const at = (a, i) => (a.get ? a.get(i) : a[i]);
  const norm = new Array(n);
  const normId = new Array(n);
  const tokens = new Map(); // distinct token -> entity indices
  for (let i = 0; i < n; i++) {
    const s = normalize(at(labels, i));
    norm[i] = s;
    normId[i] = normalize(ids ? at(ids, i) : '');
    for (const t of s.split(' ')) {
      if (!t) continue;
      let list = tokens.get(t);
      if (!list) tokens.set(t, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  }
  return { n, norm, normId, counts: counts || new Float64Array(n), tokenList: [...tokens.keys()], tokens };
}

const maxEdits = (len) => (len < 4 ? 0 : len < 8 ? 1 : 2);

/**
 * Edit distance (with adjacent transpositions) between `q` and the closest prefix of `t`,
 * or maxd + 1 when it exceeds maxd. Rows stop early once every cell is past maxd.
 */
export function prefixDistance(q, t, maxd, rows = makeRows(q.length, t.length)) {
  const m = q.length, n = t.length;
  if (n < m - maxd) return maxd + 1;
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    const qi = q.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const tj = t.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (qi === tj ? 0 : 1));
      if (i > 1 && j > 1 && qi === t.charCodeAt(j - 2) && q.charCodeAt(i - 2) === tj) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > maxd) return maxd + 1;
    const tmp = prev2; prev2 = prev; prev = cur; cur = tmp;
  }
  let best = maxd + 1;
  for (let j = Math.max(0, m - maxd); j <= n; j++) if (prev[j] < best) best = prev[j];
  return best;
}
function makeRows(m, n) {
  const k = Math.max(m, n) + 2;
  return [new Int32Array(k), new Int32Array(k), new Int32Array(k)];
}

/** Relevance of one entity's normalized label `s` for normalized query `q` (0 = no match). */
function literalScore(s, q, qTokens) {
  if (s === q) return 1000;
  if (s.startsWith(q)) return 900 - Math.min(50, s.length - q.length);
  const at = s.indexOf(q);
  if (at > 0 && s.charCodeAt(at - 1) === 32) return 800 - Math.min(50, at);
  if (qTokens.length > 1 && qTokens.every((t) => s.startsWith(t) || s.includes(` ${t}`))) return 700;
  if (at > 0) return 600 - Math.min(50, at);
  return 0;
}

/**
 * Search the index. Returns up to `limit` entity indices ranked by relevance, then by whether they
 * pass the filters (`pass`: Uint8Array, optional), then popularity.
 */
export function search(index, query, { limit = 20, pass = null } = {}) {
  if (index?.lookup) return index.lookup(query, { limit, pass }) || []; // a big atlas: the prefix index
  const q = normalize(query);
  if (!q || !index) return [];
  const qTokens = q.split(' ');
  const { n, norm, normId } = index;
  // Scores live in one reused typed array (0 = no match): a one-letter query matches most of 100k
  // labels, and a Map plus a full sort of those cost more than a frame.
  const score = index.scratch || (index.scratch = new Int32Array(n));
  score.fill(0);
  const hits = [];
  for (let i = 0; i < n; i++) {
    let sc = literalScore(norm[i], q, qTokens);
    if (normId[i] === q) sc = Math.max(sc, 950);
    if (sc) { score[i] = sc; hits.push(i); }
  }
  // Typo tolerance: per query token, distinct label tokens within a small prefix edit distance.
  // Only when literal matching found few results, so common searches stay one linear scan.
  if (hits.length < limit && q.length >= 3) {
    const per = qTokens.map((qt) => {
      const found = new Map();
      const maxd = maxEdits(qt.length);
      if (!maxd) {
        for (const t of index.tokenList) if (t.startsWith(qt)) for (const i of index.tokens.get(t)) found.set(i, 0);
        return found;
      }
      const rows = makeRows(qt.length, 64);
      for (const t of index.tokenList) {
        if (t.length > 60) continue;
        const d = prefixDistance(qt, t, maxd, rows);
        if (d <= maxd) for (const i of index.tokens.get(t)) if (!(found.get(i) <= d)) found.set(i, d);
      }
      return found;
    });
    for (const [i, d0] of per[0]) {
      let d = d0, ok = true;
      for (let k = 1; k < per.length && ok; k++) {
        const dk = per[k].get(i);
        if (dk === undefined) ok = false; else d += dk;
      }
      if (ok && !score[i]) { score[i] = 500 - 100 * d; hits.push(i); }
    }
  }
  // Keep the best `limit` by insertion instead of sorting every hit.
  const counts = index.counts;
  const better = (a, b) => (score[a] - score[b]) || (pass ? pass[a] - pass[b] : 0) || (counts[a] - counts[b]) || (b - a);
  const top = [];
  for (const i of hits) {
    if (top.length === limit && better(i, top[limit - 1]) <= 0) continue;
    let k = top.length < limit ? top.length : limit - 1;
    while (k > 0 && better(i, top[k - 1]) > 0) { top[k] = top[k - 1]; k--; }
    top[k] = i;
  }
  return top.map((i) => ({ i, score: score[i] }));
}

/**
 * Split pasted text (one entry per line or ';') or a CSV file (`csv`: first column, quoted fields
 * allowed) into entries; a header line named name/id/label/title is skipped.
 */
export function parseListLines(text, { csv = false } = {}) {
  const out = [];
  for (let line of String(text || '').split(csv ? /\r?\n/ : /\r?\n|;/)) {
    line = line.trim();
    if (csv) {
      const m = line.match(/^"((?:[^"]|"")*)"/);
      line = m ? m[1].replace(/""/g, '"') : line.split(',')[0];
      line = line.trim();
    }
    if (!line) continue;
    if (!out.length && /^(name|names|id|ids|label|title)$/i.test(line)) continue;
    out.push(line);
  }
  return out;
}

/**
 * The prefix index of a big atlas (docs/site-data.md, "Search buckets"), fetched one bucket at a time:
 * createPrefixIndex(files, fetchBuf, onLoad, decode) -> {lookup(query, {limit, pass})}. lookup returns
 * [{i, score}] like search(), or null while a bucket it needs is on its way (onLoad() runs when it
 * arrives). Every query word matches as a prefix of a label word; results come most popular first
 * (passing the filters first); a one-character word only matches among the 200 most popular entities
 * with that initial. decode(buffer) -> the bucket's msgpack value.
 */
export function createPrefixIndex(files, fetchBuf, onLoad, decode, hash) {
  const buckets = new Array(files.length).fill(null);
  const pending = new Map(); // bucket -> promise of its arrival
  const tokenLists = new Map(); // "key\0token prefix" -> sorted Uint32Array
  const bucketOf = (key) => hash(key) % files.length;
  function load(b) {
    if (!pending.has(b)) {
      pending.set(b, fetchBuf(files[b]).then((buf) => { buckets[b] = decode(buf).keys; onLoad?.(); }, () => { buckets[b] = {}; }));
    }
    return pending.get(b);
  }
  function keyData(key) {
    const b = bucketOf(key);
    if (buckets[b]) return buckets[b][key] || {};
    load(b);
    return null;
  }
  const u32 = (bytes) => (bytes ? new Uint32Array(bytes.slice().buffer) : new Uint32Array(0));
  /** Sorted entity indices whose label has the word `t` itself (not a longer word); needs its bucket in. */
  function exactList(t) {
    const d = keyData(t.slice(0, 2));
    const tokens = d.tokens || [], counts = u32(d.counts), post = u32(d.postings);
    const tokenAt = tokens.get ? (k) => tokens.get(k) : (k) => tokens[k];
    let at = 0;
    for (let k = 0; k < tokens.length; k++) {
      if (tokenAt(k) === t) {
        const list = new Uint32Array(counts[k]);
        let v = 0;
        for (let j = 0; j < counts[k]; j++) { v += post[at + j]; list[j] = v; }
        return list;
      }
      at += counts[k];
    }
    return new Uint32Array(0);
  }
  /** Sorted entity indices whose label has a word starting with `t`, or null (bucket pending). */
  function matches(t) {
    const key = t.slice(0, 2);
    const d = keyData(key);
    if (!d) return null;
    if (t.length === 1) return u32(d.top);
    const memo = `${key}\0${t}`;
    if (tokenLists.has(memo)) return tokenLists.get(memo);
    const tokens = d.tokens || [], counts = u32(d.counts), post = u32(d.postings);
    const tokenAt = tokens.get ? (k) => tokens.get(k) : (k) => tokens[k]; // long lists decode as a StrList
    const parts = [];
    let at = 0;
    for (let k = 0; k < tokens.length; k++) {
      if (tokenAt(k).startsWith(t)) {
        const list = new Uint32Array(counts[k]);
        let v = 0;
        for (let j = 0; j < counts[k]; j++) { v += post[at + j]; list[j] = v; }
        parts.push(list);
      }
      at += counts[k];
    }
    let out;
    if (parts.length === 1) out = parts[0];
    else {
      const all = new Uint32Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) { all.set(p, o); o += p.length; }
      all.sort();
      let w = 0;
      for (let j = 0; j < all.length; j++) if (j === 0 || all[j] !== all[j - 1]) all[w++] = all[j];
      out = all.subarray(0, w);
    }
    tokenLists.set(memo, out);
    return out;
  }
  function intersect(a, b) {
    const out = new Uint32Array(Math.min(a.length, b.length));
    let i = 0, j = 0, k = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++; else if (a[i] > b[j]) j++; else { out[k++] = a[i]; i++; j++; }
    }
    return out.subarray(0, k);
  }
  return {
    /**
     * Resolves to the entities whose label has every word of `query` (normalised) as a word of its
     * own, most popular first (Uint32Array): the candidates for an exact match of the whole label.
     */
    async withWords(query) {
      const words = [...new Set(normalize(query).split(' ').filter(Boolean))];
      if (!words.length) return new Uint32Array(0);
      await Promise.all(words.map((t) => (buckets[bucketOf(t.slice(0, 2))] ? null : load(bucketOf(t.slice(0, 2))))));
      const lists = words.map(exactList).sort((a, b) => a.length - b.length);
      let hits = lists[0];
      for (let k = 1; k < lists.length && hits.length; k++) hits = intersect(hits, lists[k]);
      return hits;
    },
    lookup(query, { limit = 20, pass = null } = {}) {
      const words = normalize(query).split(' ').filter(Boolean);
      if (!words.length) return [];
      const lists = words.map(matches);
      if (lists.some((l) => l === null)) return null;
      lists.sort((a, b) => a.length - b.length);
      let hits = lists[0];
      for (let k = 1; k < lists.length && hits.length; k++) hits = intersect(hits, lists[k]);
      const out = [];
      if (pass) for (let k = 0; k < hits.length && out.length < limit; k++) if (pass[hits[k]]) out.push({ i: hits[k], score: 800 });
      for (let k = 0; k < hits.length && out.length < limit; k++) if (!pass || !pass[hits[k]]) out.push({ i: hits[k], score: 800 });
      return out;
    },
  };
}
