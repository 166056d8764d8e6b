// The viewer's rarely used parts, loaded on first use (build.mjs builds this as its own module):
// the page without WebGL, the selection panel's content, the CSV export, "Show my list" matching,
// and the search (an in-memory index of every label on a small atlas, the prefix index on a big
// one), which the page without WebGL and the list matching need anyway; the area selection's
// maths, the table, histogram brushing and the Display group. (The label overlay is lazy/labels.js.)
export { startFallback } from './fallback.js';
export { exportCsv } from './export.js';
export { renderDetail } from './detail.js';
export { matchList } from './listmatch.js';
export { renderListReport } from './listreport.js';
export { buildIndex, search, createPrefixIndex } from '../search.js';
export { pointsInPolygon } from './lasso.js';
export { toggleTable } from './table.js';
export { brushHistogram } from './brush.js';
export { mountDisplay, applyTheme } from './display.js';
export { matchListPrefix } from './listmatch-prefix.js';
export { mountLegendChips } from './legendchips.js';
