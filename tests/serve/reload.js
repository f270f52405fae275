// reload.js — for tests/serve.t and bench/serve-bench: opens URL in
// Debian's headless Chromium (playwright-core, /usr/bin/chromium), checks
// the page shows OLD, replaces OLD by NEW in FILE (as an editor saves:
// written to a temporary file, renamed over the old one), and waits for
// policyc serve's reload script to reload the page with NEW in it.
// Prints TAP lines (starting at number N0) and "# reload-ms MS".
//   node reload.js URL FILE OLD NEW [N0]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, file, oldText, newText, n0s] = process.argv.slice(2);
let n = Number(n0s || 1);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ok = (c, what) => console.log(`${c ? 'ok' : 'not ok'} ${n++} - ${what}`);

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'policyc-serve-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  try {
    const page = await ctx.newPage();
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url, { waitUntil: 'load' });
    ok((await page.content()).includes(oldText), 'the page shows the old text');
    // the event stream is open once the script has run; give it a moment
    await page.waitForFunction(() => document.documentElement.dataset.policycServe === 'open',
      null, { timeout: 30000 });
    // an editor saves a while after the page is open: a browser just
    // started is still busy for a moment, and so is the standby build
    // that serve parses after each build (both would be timed otherwise)
    await new Promise(r => setTimeout(r, Number(process.env.RELOAD_SETTLE_MS || 1500)));
    const reloaded = page.waitForEvent('load', { timeout: 60000 });
    const t0 = Date.now();
    const src = fs.readFileSync(file, 'utf8');
    const tmp = path.join(path.dirname(file), '.' + path.basename(file) + '.swp');
    fs.writeFileSync(tmp, src.replace(oldText, newText));
    fs.renameSync(tmp, file);
    await reloaded;
    const ms = Date.now() - t0;
    ok((await page.content()).includes(newText), 'after the save the page reloaded with the new text');
    const csp = errors.filter(e => /Content Security Policy/i.test(e));
    ok(csp.length === 0, 'the reload script runs under the page\'s CSP' +
       (csp.length ? ': ' + csp.join(' | ') : ''));
    console.log(`# reload-ms ${ms}`);
  } catch (e) {
    ok(false, 'reload in Chromium: ' + e.message);
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})();
