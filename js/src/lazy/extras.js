// The viewer's rarely used parts, loaded on first use (build.mjs builds this as its own module):
// the page without WebGL, the CSV export and "Show my list" matching.
export { startFallback } from './fallback.js';
export { exportCsv } from './export.js';
export { matchList } from './listmatch.js';
export { renderListReport } from './listreport.js';
