// Bundle the viewer: src/main.js -> dist/viewer.js + dist/viewer.css, and the compare page:
// src/compare.js -> dist/compare.js + dist/compare.css (minified, deterministic: no timestamps, no
// source maps, no absolute paths). Shaders are imported as text, without comments and indentation.
//
// Parts of the viewer not needed for the first frame and only in some cases (src/lazy/extras.js:
// the no-WebGL page, search and its indexes, the selection panel's content, CSV export, "Show my
// list" matching) are a separate ES module, dist/viewer-extras-<hash>.js, that the viewer imports
// on first use, so they do not count against its first-load budget. Its content-hashed name is
// compiled into the viewer (__VIEWER_EXTRAS__) and listed in dist/chunks.txt, which sitegen copies
// next to the viewer.
import { build } from 'esbuild';
import fs from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// GLSL comments and indentation are for readers, not for the driver: strip them from the shaders
// and the spaces around punctuation (line breaks stay, so preprocessor directives are untouched).
const glslText = {
  name: 'glsl-text',
  setup(b) {
    b.onLoad({ filter: /\.(vert|frag)$/ }, (args) => ({
      loader: 'text',
      contents: fs.readFileSync(args.path, 'utf8').split('\n')
        .map((line) => line.replace(/\/\/.*$/, '').trim().replace(/\s+/g, ' '))
        // no space needed next to these outside a directive (+ and - kept: "a - -b" is not "a--b")
        .map((line) => (line.startsWith('#') ? line : line.replace(/ ?([=*/<>(),;{}&|?:!]) ?/g, '$1')))
        .filter(Boolean).join('\n'),
    }));
  },
};
const out = join(here, 'dist');
const common = {
  bundle: true,
  minify: true,
  target: ['es2021'],
  plugins: [glslText],
  legalComments: 'none',
  sourcemap: false,
  charset: 'utf8',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};
fs.mkdirSync(out, { recursive: true });
for (const f of fs.readdirSync(out)) if (/^viewer-extras-.*\.js$/.test(f)) fs.rmSync(join(out, f));
const extras = await build({
  ...common,
  entryPoints: { 'viewer-extras': join(here, 'src/lazy/extras.js') },
  outdir: out,
  format: 'esm',
  entryNames: '[name]-[hash]',
  metafile: true,
});
const chunk = basename(Object.keys(extras.metafile.outputs).find((p) => p.endsWith('.js')));
fs.writeFileSync(join(out, 'chunks.txt'), `${chunk}\n`);
await build({
  ...common,
  entryPoints: { viewer: join(here, 'src/main.js'), compare: join(here, 'src/compare.js') },
  outdir: out,
  format: 'iife',
  define: { ...common.define, __VIEWER_EXTRAS__: JSON.stringify(chunk) },
});
console.log(`built dist/viewer.js, dist/viewer.css, dist/compare.js, dist/compare.css, dist/${chunk}`);
