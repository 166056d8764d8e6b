// "Export": the chosen entities (the area selection within the filters, else my list's matches, else
// those passing the filters, else all) as a CSV file: id, label, x, y (the layout shown) and every
// field. Cells are metadata, so they are quoted, and a cell starting with = + - @ gets a leading ' so a spreadsheet does not run it.
import { fieldValues } from '../tooltip.js';

const cell = (v) => {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV text for entity indices `rows` (fields: descriptors; meta: decoded; xy: positions). */
export function toCsv(rows, meta, fields, xy) {
  const names = fields.filter((f) => meta.fields[f.name]).map((f) => f.label || f.name);
  const lines = [['id', 'label', 'x', 'y', ...names].map(cell).join(',')];
  for (const i of rows) {
    const vals = Object.fromEntries(fieldValues(meta, fields, i));
    lines.push([meta.ids.get(i), meta.labels.get(i), xy[2 * i].toFixed(5), xy[2 * i + 1].toFixed(5), ...names.map((k) => vals[k] ?? '')].map(cell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** The entities to export: {rows, what} (what names the file). */
export function chosen(ctx) {
  const { listHits, pass } = ctx.live.get();
  const area = ctx.areaRows?.();
  if (area) return { rows: area, what: 'selection' };
  if (listHits?.length) return { rows: listHits, what: 'my-list' };
  const rows = [];
  for (let i = 0; i < ctx.n; i++) if (!pass || pass[i]) rows.push(i);
  return { rows, what: pass ? 'filtered' : 'all' };
}

/** Download the chosen entities as `<dataset>.csv`; resolves to how many rows were written. */
export async function exportCsv(ctx) {
  const { rows, what } = chosen(ctx);
  const { meta, xy } = ctx.live.get();
  await meta.ensure?.(rows); // a big atlas: the labels and ids of these rows come from their shards
  const blob = new Blob([toCsv(rows, meta, ctx.fields, xy)], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${ctx.config.dataset || 'atlas'}-${what}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  return rows.length;
}
