// No WebGL: say so, and give the page what a reader needs without the map: the static overview with
// its colour legend, the navigation (layouts, all entities, about), the most popular entities as
// links, and a search that links to entity pages. A link naming an entity (#sel=) opens its page.
import { h, fmt } from '../dom.js';
import { buildIndex, search, createPrefixIndex } from '../search.js';
import { mountSearch } from '../searchbox.js';
import { colorChannel } from '../palette.js';

const TOP = 50;

export async function startFallback(ctx) {
  const { ui, config, loader, store, nouns } = ctx;
  const rel = (p) => new URL((config.root || '') + p, location.href).href;
  ui.canvas.remove();
  ui.side.remove();
  ui.stage.classList.add('atlas-nogl-page');
  ui.stage.append(h('p.atlas-nogl', { role: 'status', text: `This browser cannot show the interactive map (WebGL is unavailable), so here is a static overview; the search still finds every ${nouns.entity}.` }));
  const nav = h('nav.atlas-nogl-nav', { 'aria-label': 'Atlas pages' },
    ...(config.variants || []).filter((v) => v.name !== config.variant && v.url).map((v) => h('a', { href: rel(v.url), text: `${v.label || v.name} layout` })),
    h('a', { href: rel('e/index.html'), text: `All ${nouns.entities} A–Z` }),
    h('a', { href: rel('about.html'), text: 'About this atlas' }));
  ui.stage.append(nav);
  if (config.overview) ui.stage.append(h('img.atlas-overview', { src: new URL(config.overview, location.href).href, alt: `Overview of ${config.title || 'the atlas'}` }));
  const meta = await loader.meta();
  // an entity with a page opens it; without one (a big atlas caps its pages) the page stays here
  const openSelected = async (sel) => {
    const at = sel ? await meta.findId(sel) : -1;
    if (at >= 0) await meta.ensure([at]);
    const slug = at >= 0 ? meta.slugs.get(at) : '';
    if (slug) location.replace(ctx.entityHref(slug));
    return !!slug;
  };
  if (await openSelected(store.get().sel)) return;
  addEventListener('hashchange', () => openSelected(new URLSearchParams(location.hash.slice(1)).get('sel')));
  // the overview is coloured by the default colour field: its legend
  const desc = (config.fields || []).find((f) => f.name === config.colorBy);
  const lg = colorChannel(meta.fields[config.colorBy], desc, meta.counts.length, config.accent).legend;
  if (lg?.type === 'category') {
    ui.stage.append(h('div.atlas-legend', { 'aria-label': `Colours: ${desc?.label || config.colorBy}` },
      h('strong', { text: desc?.label || config.colorBy }),
      ...lg.entries.map((e) => h('span.atlas-swatch-row', {}, h('span.atlas-swatch', { style: `background:${e.color}` }), ` ${e.other ? 'Other' : e.name} (${fmt(e.count)})`))));
  }
  const order = Array.from({ length: meta.counts.length }, (_, i) => i).sort((a, b) => meta.counts[b] - meta.counts[a] || a - b).slice(0, TOP);
  await meta.ensure(order);
  const paged = order.filter((i) => meta.slugs.get(i)); // the most popular have pages unless entity_pages is 0
  if (paged.length) {
    ui.stage.append(h('h2', { text: `The ${paged.length} most popular ${nouns.entities}` }),
      h('ol.atlas-nogl-top', {}, ...paged.map((i) => h('li', {}, h('a', { href: ctx.entityHref(meta.slugs.get(i)), text: meta.labels.get(i) })))));
  }
  // a big atlas searches its prefix index; a small one every label in memory
  let box = null;
  const index = loader.prefixIndex(createPrefixIndex, () => box?.refresh()) || (await meta.loadAll(), buildIndex(meta.labels, meta.ids, meta.counts));
  // an entity without a page links to the A-Z list (the map itself needs WebGL)
  box = mountSearch(ui.bar, { getIndex: () => index, search, labels: () => meta.labels, counts: () => meta.counts, hrefOf: (i) => (meta.slugs.get(i) ? ctx.entityHref(meta.slugs.get(i)) : rel('e/index.html')) });
}
