// "Export" (CSV of the chosen entities, loaded on first use) and "Copy link" (the current URL) in the
// bar, with a short spoken status.
import { h, fmt } from '../dom.js';

/** Returns the controls for the bar (what "Export" writes is chosen in lazy/export.js). */
export function wireShare(ctx) {
  const status = h('span.atlas-status', { role: 'status' });
  const say = (text) => { status.textContent = text; setTimeout(() => { if (status.textContent === text) status.textContent = ''; }, 2500); };
  const exportBtn = h('button', {
    type: 'button', text: 'Export', title: 'Download the selected area, my list, or what the filters show, as CSV',
    onclick: () => ctx.extras().then(async (m) => say(`Exported ${fmt(await m.exportCsv(ctx))} rows`)),
  });
  const copyBtn = h('button', {
    type: 'button', text: 'Copy link', title: 'Copy a link to this view',
    onclick: async () => {
      try { await navigator.clipboard.writeText(location.href); say('Link copied'); }
      catch { prompt('Copy this link', location.href); }
    },
  });
  return [exportBtn, copyBtn, status];
}
