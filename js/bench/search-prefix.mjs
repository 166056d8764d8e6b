// Search latency on a built big atlas through its prefix index (a benchmark, not a test):
//   node js/bench/search-prefix.mjs SITE_DIR/DATASET
// Every keystroke of a few queries, typed one character at a time as in the search box: the time to
// answer once the bucket is in (p50/p95 over all keystrokes), and separately the bucket fetch + decode
// (read from disk here; over the network it is one small request per new two-letter prefix).
import fs from 'node:fs';
import path from 'node:path';
import { createPrefixIndex } from '../src/search.js';
import { decodeMsgpack } from '../src/msgpack.js';
import { fnv1a32 } from '../src/entities.js';

const dir = process.argv[2];
const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
const config = JSON.parse(html.match(/<script type="application\/json" id="atlas-config">([\s\S]*?)<\/script>/)[1]);
let decodeMs = 0;
const fetchBuf = async (rel) => new Uint8Array(fs.readFileSync(path.join(dir, rel))).buffer; // as fetch gives it
const decode = (buf) => { const t = performance.now(); const v = decodeMsgpack(buf); decodeMs += performance.now() - t; return v; };
const index = createPrefixIndex(config.search, fetchBuf, null, decode, fnv1a32);
const queries = ['cedar', 'cedar willow', 'amber birch 4242', 'zephyr 99', 'violet umber 123456', 'x', 'quartz raven 7'];
const times = [];
let buckets = 0;
for (const q of queries) {
  for (let k = 1; k <= q.length; k++) {
    const typed = q.slice(0, k);
    let r = index.lookup(typed, { limit: 12 });
    while (r === null) { buckets++; await new Promise((res) => setTimeout(res, 0)); r = index.lookup(typed, { limit: 12 }); }
    const t = performance.now();
    index.lookup(typed, { limit: 12 }); // a fresh keystroke's answer with its bucket in
    times.push(performance.now() - t);
  }
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(`${config.count} entities, ${config.search.length} buckets: ${times.length} keystrokes, median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms; ${buckets} bucket loads, decode ${decodeMs.toFixed(0)} ms in all`);
