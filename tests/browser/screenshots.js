#!/usr/bin/env node
// screenshots.js — full-page screenshots of every page kind of a built
// policyc site (OUT/html) at 320, 375 and 1280 px in Debian's headless
// Chromium, for a person to look at after a change to the look:
//   node screenshots.js SITE_HTML_DIR OUT_DIR
// Page kinds: the contents (home), a document of each kind the site has
// (one with tables, one superseded, a draft), the glossary, what's new,
// the review dashboard, search with a query, the packs page and the 404.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const site = path.resolve(process.argv[2]);
const out = path.resolve(process.argv[3] || 'out/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function htmlFiles(dir) {
  const r = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) r.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) r.push(p);
  }
  return r.sort();
}

// The pages to take: the site pages, then documents chosen for what they
// show (the longest, one with a table, a superseded one, a draft).
function pick() {
  const top = ['index.html', 'glossary.html', 'whats-new.html', 'review.html', 'search.html?q=LADO',
               'packs.html', '404.html'];
  const docs = htmlFiles(site).filter(p => !top.some(t => path.join(site, t.split('?')[0]) === p))
    .map(p => ({ p, s: fs.readFileSync(p, 'utf8') }))
    .filter(d => /class="doc-title"/.test(d.s));
  const chosen = new Map();
  const take = (label, d) => { if (d && ![...chosen.values()].includes(d.p)) chosen.set(label, d.p); };
  take('doc-longest', docs.slice().sort((a, b) => b.s.length - a.s.length)[0]);
  take('doc-table', docs.find(d => /<table class="fit cols-[3-9]/.test(d.s)));
  take('doc-superseded', docs.find(d => /has been superseded/.test(d.s)));
  take('doc-draft', docs.find(d => /<strong>Draft\.<\/strong>/.test(d.s)));
  take('doc-short', docs.slice().sort((a, b) => a.s.length - b.s.length)[0]);
  const list = top.filter(t => fs.existsSync(path.join(site, t.split('?')[0])))
    .map(t => [t.replace(/[?.].*/, ''), t]);
  for (const [label, p] of chosen) list.push([label, path.relative(site, p)]);
  return list;
}

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'policyc-shots-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await ctx.newPage();
  let n = 0;
  const only = process.env.SHOTS_ONLY ? new RegExp(process.env.SHOTS_ONLY) : null;
  for (const [label, rel] of pick()) {
    if (only && !only.test(label)) continue;
    for (const width of [320, 375, 1280]) {
      await page.setViewportSize({ width, height: width < 500 ? 812 : 900 });
      const [file, q] = rel.split('?');
      await page.goto(pathToFileURL(path.join(site, file)).href + (q ? '?' + q : ''));
      if (q) await page.waitForTimeout(300);
      // SHOTS_MAX_HEIGHT=N keeps the top N px of each page (for a quick look)
      const max = Number(process.env.SHOTS_MAX_HEIGHT) || 0;
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({ path: path.join(out, `site-${label}-${width}.png`), fullPage: true,
        clip: max && h > max ? { x: 0, y: 0, width, height: max } : undefined });
      n++;
    }
    console.log(`${label}: ${rel}`);
  }
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`${n} screenshots in ${out}`);
})().catch(e => { console.error('screenshots: ' + e.message); process.exit(1); });
