// Decode time of two sites' point chunks, alternated in one process: node js/bench/decode-chunks.mjs A/data B/data [reps]
// (e.g. the same atlas before and after an encoder change; prints the median of `reps` decodes of every chunk).
import { readFileSync, readdirSync } from "node:fs";
import { decodePoints } from "../src/format.js";

const [a, b, reps = "7"] = process.argv.slice(2);
const chunk = (f) => parseInt(f.split("-")[1], 10);
const load = (dir) => readdirSync(dir).filter((f) => f.startsWith("points-") && f.endsWith(".bin"))
  .sort((x, y) => chunk(x) - chunk(y)).map((f) => new Uint8Array(readFileSync(`${dir}/${f}`)));
const sites = { [a]: load(a), [b]: load(b) };
const times = { [a]: [], [b]: [] };
for (let r = 0; r < Number(reps); r++) {
  for (const k of r % 2 ? [b, a] : [a, b]) {
    const t0 = performance.now();
    for (const buf of sites[k]) decodePoints(buf);
    times[k].push(performance.now() - t0);
  }
}
const median = (v) => v.slice().sort((x, y) => x - y)[v.length >> 1];
for (const k of [a, b]) console.log(`${k}: ${sites[k].length} chunks, median ${median(times[k]).toFixed(1)} ms`);
