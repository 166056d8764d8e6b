// Light or dark: the reader's choice (System / Light / Dark, kept in localStorage, never in the URL),
// else the spec's [site] theme, where "auto" follows the system's prefers-color-scheme.

export const THEME_KEY = 'atlasgen-theme';

/** The stored choice: 'system', 'light' or 'dark' ('' when none, or storage is unavailable). */
export function storedTheme() {
  try { return localStorage.getItem(THEME_KEY) || ''; } catch { return ''; }
}

/** 'light' or 'dark' for `choice` (a stored choice, or the spec's theme: auto | light | dark). */
export function resolveTheme(choice) {
  if (choice === 'light' || choice === 'dark') return choice;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The theme a page opens with: the stored choice, else the spec's. */
export const initialTheme = (config) => resolveTheme(storedTheme() || config.theme);
