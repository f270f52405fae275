#!/usr/bin/env node
// site-check.js — loads every page of a built policyc site (OUT/html) from
// file:// in Debian's headless Chromium (playwright-core, no browser
// download) and prints TAP: no console errors, no failed or external
// requests, every internal link and #anchor resolves, axe-core finds no
// WCAG 2.0/2.1/2.2 A/AA violation, the search page finds the LADO notice,
// and screenshots at 375px and 1280px are saved for review.
//
//   node site-check.js SITE_HTML_DIR SCREENSHOT_DIR
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const site = path.resolve(process.argv[2] || 'out/html');
const shots = path.resolve(process.argv[3] || 'out/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

let n = 0, failed = 0;
function ok(cond, what, details) {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${what}`);
  if (!cond && details) for (const l of [].concat(details).slice(0, 40)) console.log('#   ' + l);
}

function pages(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pages(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

(async () => {
  const all = pages(site);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'policyc-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const ids = new Map();          // file path -> Set of ids
  const links = [];               // {from, href}
  const consoleErrors = [], failedReqs = [], external = [], axeViolations = [];

  for (const file of all) {
    const rel = path.relative(site, file);
    const page = await ctx.newPage();
    page.on('console', m => { if (m.type() === 'error') consoleErrors.push(`${rel}: ${m.text()}`); });
    page.on('pageerror', e => consoleErrors.push(`${rel}: ${e.message}`));
    page.on('requestfailed', r => failedReqs.push(`${rel}: ${r.url()} (${r.failure() && r.failure().errorText})`));
    page.on('request', r => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) external.push(`${rel}: ${r.url()}`); });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const info = await page.evaluate(() => ({
      ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id)
        .concat(Array.from(document.querySelectorAll('a[name]')).map(e => e.getAttribute('name'))),
      hrefs: Array.from(document.querySelectorAll('a[href], link[href]')).map(a => a.href),
    }));
    ids.set(file, new Set(info.ids));
    for (const h of info.hrefs) links.push({ from: rel, href: h });
    await page.addScriptTag({ content: axeSource });
    const res = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, preload: false });
      return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(x => x.target.join(' ')).join(', ')}`);
    }, AXE_TAGS);
    for (const v of res) axeViolations.push(`${rel}: ${v}`);
    await page.close();
  }
  console.log(`1..7`);
  console.log(`# ${all.length} pages loaded from ${pathToFileURL(site).href}`);
  ok(all.length > 0, `site has pages (${all.length})`);
  ok(consoleErrors.length === 0, 'no console errors on any page', consoleErrors);
  ok(failedReqs.length === 0 && external.length === 0, 'no failed requests and no request leaves file://',
     failedReqs.concat(external));

  // Crawl: every internal link and anchor resolves.
  const broken = [];
  const seen = new Set();
  for (const { from, href } of links) {
    if (!href.startsWith('file:')) continue;
    const key = from + ' ' + href;
    if (seen.has(key)) continue;
    seen.add(key);
    const u = new URL(href);
    const target = fileURLToPath(u.origin === 'null' ? 'file://' + u.pathname : u.href.split('#')[0].split('?')[0]);
    if (!fs.existsSync(target)) { broken.push(`${from}: ${href} (no such file)`); continue; }
    if (u.hash && u.hash.length > 1 && target.endsWith('.html')) {
      const id = decodeURIComponent(u.hash.slice(1));
      const set = ids.get(target);
      if (!set || !set.has(id)) broken.push(`${from}: ${href} (no id "${id}")`);
    }
  }
  ok(broken.length === 0, `every internal link and anchor resolves (${seen.size} checked)`, broken);
  ok(axeViolations.length === 0, `axe-core (${AXE_TAGS.join(', ')}): no violations on ${all.length} pages`, axeViolations);

  // Search finds the LADO notice by typing.
  {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(path.join(site, 'search.html')).href);
    await page.fill('#search-q', '');
    await page.type('#search-q', 'LADO', { delay: 20 });
    let found = [];
    try {
      await page.waitForSelector('#search-results li a', { timeout: 5000 });
      found = await page.$$eval('#search-results li a', as => as.map(a => a.getAttribute('href') + ' ' + a.textContent));
    } catch (e) { /* none */ }
    ok(found.some(f => /lado-notice/.test(f)), 'search for "LADO" finds the LADO notice', found.slice(0, 5));
    await page.close();
  }

  // Screenshots for review (phone and desktop).
  fs.mkdirSync(shots, { recursive: true });
  const pick = ['index.html', 'safeguarding/lado-notice.html', 'glossary.html', 'whats-new.html',
                'review.html', 'search.html'].filter(p => fs.existsSync(path.join(site, p)));
  let taken = 0;
  for (const width of [375, 1280]) {
    const page = await ctx.newPage();
    await page.setViewportSize({ width, height: width < 500 ? 812 : 900 });
    for (const p of pick) {
      await page.goto(pathToFileURL(path.join(site, p)).href + (p === 'search.html' ? '?q=LADO' : ''));
      const name = p.replace(/\//g, '_').replace(/\.html$/, '') + `-${width}.png`;
      await page.screenshot({ path: path.join(shots, name), fullPage: true });
      taken++;
    }
    await page.close();
  }
  ok(taken === pick.length * 2, `${taken} screenshots saved under ${shots}`);
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
  process.exit(0);
})().catch(e => { console.log('1..1'); console.log('not ok 1 - browser run failed: ' + e.message); process.exit(0); });
