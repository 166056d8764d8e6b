// The page skeleton: everything the viewer adds lives under #atlas (bar, side panel, map stage,
// detail panel), plus the menu drawer's open / close behaviour. No data here.
import { h, fmt } from './dom.js';
import { withContrast } from './scales.js';
import { initialTheme } from './theme.js';

/** Build the skeleton under #atlas; returns its elements and setDrawer(open). */
export function mountSkeleton(config) {
  const root = document.getElementById('atlas') || document.body.appendChild(h('div', { id: 'atlas' }));
  root.classList.add('atlas-app');
  if (config.accent) root.style.setProperty('--accent', config.accent);
  setTheme(root, initialTheme(config));
  const menuBtn = h('button.atlas-menu', { type: 'button', 'aria-label': 'Show filters and colours', 'aria-expanded': 'false', 'aria-controls': 'atlas-side', text: '☰' });
  const side = h('aside.atlas-side', { id: 'atlas-side', 'aria-label': 'Colour and filters' });
  const detail = h('aside.atlas-detail', { 'aria-label': 'Selected entity', hidden: true });
  const canvas = h('canvas.atlas-canvas', { id: 'atlas-map', tabindex: '0', role: 'img', 'aria-label': `Map of ${fmt(config.count || 0)} ${config.nouns?.entities || 'entities'}. Drag or use the arrow keys to pan, + and - to zoom, 0 to fit, Enter to select the point nearest the centre, Escape to close its details.` });
  // the first Tab stop: straight to the map instead of through every control
  const skip = h('a.atlas-skip', { href: '#atlas-map', text: 'Skip to the map', onclick: (e) => { e.preventDefault(); canvas.focus(); } });
  const bar = h('div.atlas-bar', {}, skip, menuBtn);
  const labelLayer = h('div.atlas-labels', { 'aria-hidden': 'true' });
  const stage = h('div.atlas-stage', {}, canvas, labelLayer);
  const countEl = h('span.atlas-count', { 'aria-live': 'polite' });
  root.replaceChildren(bar, h('div.atlas-main', {}, side, stage, detail));
  const setDrawer = (open) => {
    root.classList.toggle('atlas-drawer-open', open);
    menuBtn.setAttribute('aria-expanded', String(open));
  };
  menuBtn.addEventListener('click', () => {
    const open = !root.classList.contains('atlas-drawer-open');
    setDrawer(open);
    if (open) side.querySelector('select, input, button, textarea')?.focus({ preventScroll: true });
  });
  // a tap on the map beside the open drawer closes it (and does nothing else)
  stage.addEventListener('pointerdown', (e) => {
    if (!root.classList.contains('atlas-drawer-open')) return;
    e.stopPropagation();
    setDrawer(false);
  }, true);
  // Escape closes the drawer and gives focus back to its button
  side.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && root.classList.contains('atlas-drawer-open')) { setDrawer(false); menuBtn.focus(); }
  });
  return { root, menuBtn, bar, side, detail, canvas, labelLayer, stage, countEl, setDrawer };
}

/** Switch #atlas to theme 'light' or 'dark' (the colours in style.css) and set its link colour. */
export function setTheme(root, theme) {
  root.dataset.theme = theme;
  // links in the accent colour, darkened or lightened to 4.5:1 against the panels they sit on
  const css = getComputedStyle(root);
  root.style.setProperty('--link', withContrast(css.getPropertyValue('--accent').trim() || '#3b6fd4', css.getPropertyValue('--panel').trim() || '#1b1e25', 4.5));
}

/** Show a load failure on the map. */
export function showError(ui, e) {
  console.error(e);
  ui.stage.append(h('p.atlas-error', { role: 'alert', text: `The map could not be loaded: ${e.message}` }));
}
