// Dev helper: screenshot a page of a served folder. node dev/shot.mjs ROOT PATH OUT.png [W H]
import { chromium } from 'playwright-core';
import http from 'node:http'; import fs from 'node:fs'; import path from 'node:path';
const [root, p, out, w, h] = process.argv.slice(2);
const srv = http.createServer((req, res) => { let f = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)); if (fs.existsSync(f) && fs.statSync(f).isDirectory()) f += '/index.html'; if (!fs.existsSync(f)) { console.log('404', req.url); return res.writeHead(404).end(); } res.writeHead(200, {'content-type': f.endsWith('.html') ? 'text/html' : f.endsWith('.js') ? 'text/javascript' : f.endsWith('.css') ? 'text/css' : 'application/octet-stream'}); fs.createReadStream(f).pipe(res); });
await new Promise(r => srv.listen(0, '127.0.0.1', r));
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--use-gl=angle','--use-angle=swiftshader','--enable-unsafe-swiftshader'] });
const pg = await b.newPage({ viewport: { width: +w || 1100, height: +h || 700 } });
pg.on('console', m => console.log('console', m.type(), m.text()));
pg.on('pageerror', e => console.log('pageerror', e));
await pg.goto(`http://127.0.0.1:${srv.address().port}${p}`);
await pg.waitForFunction(() => window.__atlasReady, null, { timeout: 60000 });
await pg.waitForTimeout(1500);
await pg.screenshot({ path: out });
await b.close(); srv.close();
