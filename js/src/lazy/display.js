// The Display group's controls (features/display.js mounts them on first opening): point size and
// opacity sliders (store.size / store.opacity; in the URL only when not 1) and the theme toggle
// (System / Light / Dark, kept in localStorage: a setting of the reader, not of the link).
import { h, fmt } from '../dom.js';
import { SIZE_RANGE, OPACITY_RANGE } from '../store.js';
import { THEME_KEY, storedTheme, resolveTheme } from '../theme.js';
import { setTheme } from '../skeleton.js';

const THEMES = [['system', 'System'], ['light', 'Light'], ['dark', 'Dark']];

/** Fill `body` with the controls; they follow the store (back / forward, a pasted link). */
export function mountDisplay(ctx, body) {
  const { store } = ctx;
  const slider = (key, label, [min, max], step) => {
    const out = h('output');
    const input = h('input', { type: 'range', min, max, step, 'aria-label': label,
      oninput: () => store.set({ [key]: +input.value }) });
    const show = () => { input.value = store.get()[key]; out.textContent = `×${fmt(store.get()[key])}`; };
    show();
    return { row: h('label.atlas-row', {}, `${label} `, input, out), show };
  };
  const size = slider('size', 'Point size', SIZE_RANGE, 0.25);
  const opacity = slider('opacity', 'Point opacity', OPACITY_RANGE, 0.05);
  const reset = h('button.atlas-mini', { type: 'button', text: 'Reset', onclick: () => store.set({ size: 1, opacity: 1 }) });
  store.subscribe((s, changed) => { if (changed.has('size')) size.show(); if (changed.has('opacity')) opacity.show(); });

  const buttons = THEMES.map(([value, text]) => h('button.atlas-mini', {
    type: 'button', text, 'aria-pressed': String((storedTheme() || 'system') === value),
    onclick: () => {
      try { localStorage.setItem(THEME_KEY, value); } catch { /* private mode: this page only */ }
      buttons.forEach((b, k) => b.setAttribute('aria-pressed', String(THEMES[k][0] === value)));
      applyTheme(ctx, value);
    },
  }));
  body.append(size.row, opacity.row, reset, h('div.atlas-row', { role: 'group', 'aria-label': 'Theme' }, 'Theme ', ...buttons));
}

/** Resolve the theme again (the reader chose `choice`, or the system's setting changed) and recolour the map. */
export function applyTheme(ctx, choice = storedTheme() || ctx.config.theme) {
  const { ui, renderer, live } = ctx;
  const theme = resolveTheme(choice);
  if (ui.root.dataset.theme === theme) return;
  setTheme(ui.root, theme);
  const css = getComputedStyle(ui.root);
  ctx.bg = css.getPropertyValue('--bg').trim();
  renderer.setBackground(ctx.bg, css.getPropertyValue('--ring').trim());
  if (live.get().meta) ctx.coloring.apply(); // colours keep 3:1 against the new background
  ctx.pointState?.refresh(); // the neighbour lines' colour
}
