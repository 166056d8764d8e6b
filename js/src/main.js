// Entry: read the config island, build the page skeleton, start loading the data, and start the
// interactive map (app.js) or, without WebGL, the fallback page.
import './style.css';
import { createLoader } from './loader.js';
import { createStore, defaultState, parseHash, liveState } from './store.js';
import { createContext } from './renderer.js';
import { mountSkeleton, showError } from './skeleton.js';
import { startMap } from './app.js';

// the rarely used parts are a module next to this script (build.mjs), imported on first use
const extrasUrl = new URL(__VIEWER_EXTRAS__, document.currentScript?.src || location.href).href;
let extras = null;
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
  extras: () => (extras ||= import(extrasUrl)),
  // what the spec calls its things ([site] entity_noun / collection_noun)
  nouns: { entity: 'entity', entities: 'entities', collection: 'collection', collections: 'collections', ...config.nouns },
};
if (!ctx.gl) ctx.extras().then((m) => m.startFallback(ctx)).catch((e) => showError(ui, e)); else startMap(ctx).catch((e) => showError(ui, e));
