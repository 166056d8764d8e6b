// The "Display" group of the menu: point size and opacity (store.size, store.opacity: uniforms of the
// renderer's one draw call) and the light / dark choice. Its controls and the theme switch
// (lazy/display.js) load when the group is first opened, or when the system's setting changes.
import { h } from '../dom.js';

/** Returns {apply()} (store.size / opacity -> renderer) and mount() (adds the group to the menu). */
export function wireDisplay(ctx) {
  const { ui, store, renderer } = ctx;
  const apply = () => renderer.setDisplay(store.get().size, store.get().opacity);
  // the theme follows the system while the reader's choice is "System" (or none, on an "auto" site)
  matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => ctx.extras().then((m) => m.applyTheme(ctx)));
  function mount() {
    const body = h('div.atlas-display');
    const group = h('details.atlas-field', {
      ontoggle: () => { if (group.open && !body.firstChild) ctx.extras().then((m) => m.mountDisplay(ctx, body)); },
    }, h('summary', { text: 'Display' }), body);
    ui.side.append(h('section', {}, group));
  }
  apply();
  return { apply, mount };
}
