// Bundle the viewer: src/main.js -> dist/viewer.js + dist/viewer.css, and the compare page:
// src/compare.js -> dist/compare.js + dist/compare.css (minified, deterministic: no timestamps, no
// source maps, no absolute paths). Shaders are imported as text.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: { viewer: join(here, 'src/main.js'), compare: join(here, 'src/compare.js') },
  outdir: join(here, 'dist'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2021'],
  loader: { '.vert': 'text', '.frag': 'text' },
  legalComments: 'none',
  sourcemap: false,
  charset: 'utf8',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
console.log('built dist/viewer.js, dist/viewer.css, dist/compare.js, dist/compare.css');
