// browser.js — opens an einsim report.html in headless Chromium and prints what a reader
// would see, one `key=value` line each, for tests/report/run.sh to check:
//   images=N loaded=N     <img> elements, and those decoded with a non-zero width
//   errors=N              console errors, uncaught exceptions and failed loads (each also
//                         printed as `error: ...`)
//   title=... headline=...  the page's <h1> and headline sentence as rendered
//   tables=ID:ROWS,...    every table with its rendered row count
//   screenshot=PATH       a PNG of the page (when a third argument names it)
// Usage: node browser.js CHROMIUM REPORT.html [SHOT.png]. Chromium is driven over the
// DevTools protocol on a pipe (--remote-debugging-pipe): no network port, no npm package.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, page, shot] = process.argv.slice(2);
if (!chromium || !page) {
  console.error('usage: node browser.js CHROMIUM REPORT.html [SHOT.png]');
  process.exit(2);
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'einsim-chromium-'));
const child = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--remote-debugging-pipe', '--user-data-dir=' + profile,
  'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => { stderr += d; });

let nextId = 1, inbuf = '';
const pending = new Map(), waiters = [];
const errors = [];
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  child.stdio[3].write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
function waitFor(method) {
  return new Promise((resolve) => waiters.push({ method, resolve }));
}
child.stdio[4].on('data', (chunk) => {
  inbuf += chunk.toString('utf8');
  let z;
  while ((z = inbuf.indexOf('\0')) >= 0) {
    const msg = JSON.parse(inbuf.slice(0, z));
    inbuf = inbuf.slice(z + 1);
    if (msg.id && pending.has(msg.id)) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(p.method + ': ' + msg.error.message));
      else p.resolve(msg.result);
      continue;
    }
    const m = msg.method, pr = msg.params || {};
    if (m === 'Runtime.consoleAPICalled' && (pr.type === 'error' || pr.type === 'assert'))
      errors.push('console.' + pr.type + ': ' + pr.args.map((a) => a.value ?? a.description).join(' '));
    else if (m === 'Runtime.exceptionThrown')
      errors.push('exception: ' + (pr.exceptionDetails.exception?.description || pr.exceptionDetails.text));
    else if (m === 'Log.entryAdded' && pr.entry.level === 'error')
      errors.push('log: ' + pr.entry.text + (pr.entry.url ? ' (' + pr.entry.url.slice(0, 80) + ')' : ''));
    else if (m === 'Network.loadingFailed')
      errors.push('load failed: ' + pr.errorText);
    for (let i = 0; i < waiters.length; i++)
      if (waiters[i].method === m) waiters.splice(i--, 1)[0].resolve(pr);
  }
});

const timer = setTimeout(() => {
  console.error('browser.js: timed out after 60 s\n' + stderr.slice(-2000));
  child.kill('SIGKILL');
  process.exit(2);
}, 60000);

async function main() {
  const { targetInfos } = await send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'page');
  if (!target) throw new Error('no page target');
  const { sessionId } = await send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
  for (const d of ['Page', 'Runtime', 'Log', 'Network'])
    await send(d + '.enable', {}, sessionId);
  const loaded = waitFor('Page.loadEventFired');
  await send('Page.navigate', { url: 'file://' + path.resolve(page) }, sessionId);
  await loaded;
  const probe = `(() => {
    const imgs = [...document.images];
    const vis = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    return JSON.stringify({
      images: imgs.length,
      loaded: imgs.filter((i) => i.complete && i.naturalWidth > 0 && vis(i)).length,
      title: (document.querySelector('h1') || {}).innerText || '',
      headline: vis(document.getElementById('headline') || document.body) ?
                (document.getElementById('headline') || {}).innerText || '' : '',
      tables: [...document.querySelectorAll('table')].filter(vis)
                .map((t) => (t.id || '?') + ':' + t.rows.length).join(','),
    });
  })()`;
  const r = await send('Runtime.evaluate', { expression: probe, returnByValue: true }, sessionId);
  const v = JSON.parse(r.result.value);
  if (shot) {
    const s = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    fs.writeFileSync(shot, Buffer.from(s.data, 'base64'));
  }
  for (const e of errors) console.log('error: ' + e);
  console.log('images=' + v.images);
  console.log('loaded=' + v.loaded);
  console.log('errors=' + errors.length);
  console.log('title=' + v.title);
  console.log('headline=' + v.headline.replace(/\s+/g, ' '));
  console.log('tables=' + v.tables);
  if (shot) console.log('screenshot=' + shot);
  await send('Browser.close').catch(() => {});
}

main().then(
  () => { clearTimeout(timer); fs.rmSync(profile, { recursive: true, force: true }); },
  (e) => {
    console.error('browser.js: ' + e.message + '\n' + stderr.slice(-2000));
    child.kill('SIGKILL');
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(2);
  });
