// Entry: read the config island, build the page skeleton, start loading the data, and start the
// interactive map (app.js) or, without WebGL, the fallback page.
import './style.css';
import { createLoader } from './loader.js';
import { createStore, defaultState, parseHash, liveState } from './store.js';
import { createContext } from './renderer.js';
import { mountSkeleton, showError } from './skeleton.js';
import { startMap } from './app.js';

// the label overlay and the rarely used parts are modules next to this script (build.mjs), imported
// when needed: the overlay once the metadata is in, the extras on first use
const scriptBase = document.currentScript?.src || location.href; // only set while this script first runs
const chunkUrl = (key) => new URL(__VIEWER_CHUNKS__[key], scriptBase).href;
const lazyModules = {};
const lazy = (key) => () => (lazyModules[key] ||= import(chunkUrl(key)));
performance.mark('atlas:script');
const config = JSON.parse(document.getElementById('atlas-config').textContent);
const datasetUrl = (rel) => new URL((config.root || '') + rel, location.href).href;
const ui = mountSkeleton(config);
const defaults = defaultState(config);
const ctx = {
  config,
  ui,
  defaults,
  loader: createLoader(config, datasetUrl, () => ctx.onEntities?.()),
  store: createStore(parseHash(location.hash, defaults)),
  live: createStore(liveState()),
  entityHref: (slug) => datasetUrl(config.entityPage.replace('{slug}', encodeURIComponent(slug))),
  reducedMotion: () => matchMedia('(prefers-reduced-motion: reduce)').matches,
  gl: createContext(ui.canvas),
  extras: lazy('extras'),
  labelsModule: lazy('labels'),
  // what the spec calls its things ([site] entity_noun / collection_noun)
  nouns: { entity: 'entity', entities: 'entities', collection: 'collection', collections: 'collections', ...config.nouns },
};
if (!ctx.gl) ctx.extras().then((m) => m.startFallback(ctx)).catch((e) => showError(ui, e)); else startMap(ctx).catch((e) => showError(ui, e));
