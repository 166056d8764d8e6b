// No WebGL: say so, show the static overview, and keep a search that links to entity pages.
import { h } from '../dom.js';
import { buildIndex } from '../search.js';
import { mountSearch } from '../searchbox.js';

export async function startFallback(ctx) {
  const { ui, config, loader } = ctx;
  ui.canvas.remove();
  ui.side.remove();
  ui.stage.append(h('p.atlas-nogl', { role: 'status', text: 'This browser cannot show the interactive map (WebGL is unavailable), so here is a static overview; the search still finds every entity.' }));
  if (config.overview) ui.stage.append(h('img.atlas-overview', { src: new URL(config.overview, location.href).href, alt: `Overview of ${config.title || 'the atlas'}` }));
  const meta = await loader.meta();
  const index = buildIndex(meta.labels, meta.ids, meta.counts);
  mountSearch(ui.bar, { getIndex: () => index, labels: () => meta.labels, counts: () => meta.counts, hrefOf: (i) => ctx.entityHref(meta.slugs.get(i)) });
}
