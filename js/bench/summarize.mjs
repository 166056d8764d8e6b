// Medians of viewer-bench result files named {raw,viewer}-N-rep.json in a folder, as a markdown table.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const runs = {};
for (const f of fs.readdirSync(dir).filter((f) => /^(raw|viewer)-\d+-\d+\.json$/.test(f))) {
  const [page, n] = f.split('-');
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  (runs[`${n}|${page}`] ||= []).push(r);
}
const med = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : NaN; };
const cols = {
  'first frame (flag) ms': (r) => r.firstFrame.flagMs,
  'presented ms': (r) => r.firstFrame.flagFrameMs ?? r.firstFrame.firstDrawFrameMs,
  'all points ms': (r) => r.pageInfo?.allPointsMs ?? null,
  'frame median ms': (r) => r.interaction.frameMs?.median,
  'drawn-frame median ms': (r) => r.interaction.drawnFrameMs?.median,
  'GPU-proc CPU ms / drawn frame': (r) => r.interaction.gpuCpuMsPerDrawnFrame,
  'JS heap after GC MB': (r) => r.heapAfterGC.jsHeapUsedMB,
  'errors': (r) => r.errors.length,
};
const names = Object.keys(cols);
console.log(`| N | page | runs | ${names.join(' | ')} |`);
console.log(`|---|---|---:|${names.map(() => '---:').join('|')}|`);
const ns = [...new Set(Object.keys(runs).map((k) => +k.split('|')[0]))].sort((a, b) => a - b);
const ratios = [];
for (const n of ns) {
  const m = {};
  for (const page of ['raw', 'viewer']) {
    const rs = runs[`${n}|${page}`] || [];
    m[page] = names.map((c) => med(rs.map(cols[c])));
    console.log(`| ${n} | ${page === 'raw' ? 'bare regl' : 'atlasgen viewer'} | ${rs.length} | ${m[page].map((v) => +(+v).toFixed(2)).join(' | ')} |`);
  }
  ratios.push(`| ${n} | ${names.map((_, k) => (m.viewer[k] / m.raw[k]).toFixed(2)).join(' | ')} |`);
}
console.log(`\nRatio viewer / bare regl (of the medians):\n\n| N | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|`);
ratios.forEach((r) => console.log(r));
