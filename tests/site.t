#!/usr/bin/env node
// site.t — what a reader of the site sees, checked in the files (no
// browser; tests/browser.t drives Chromium): the review date in words,
// superseded documents listed apart and marked, sections from index pages
// and the sections: setting nested with every breadcrumb landing, a root
// index.md as the home page, each page's PDF link (html/pdf/ the same file
// as pdf/), the packs page, glossary link: abbr / not:, table column
// widths, the related-policies SVG and the search index's status labels.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const top = path.resolve(__dirname, '..');
const POLICYC = process.env.POLICYC || path.join(top, 'build', 'policyc');
const wrap = process.env.POLICYC_WRAP ? process.env.POLICYC_WRAP.split(/\s+/).filter(Boolean) : [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policyc-site-'));
let n = 0;
function ok(cond, what, details) {
  n++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${what}`);
  // on stderr, which prove shows (and CI's log keeps) without -v
  if (!cond && details) for (const l of [].concat(details).slice(0, 20)) console.error('#   ' + String(l).slice(0, 300));
}
function build(project, out, outputs) {
  const cmd = [...wrap, POLICYC, 'build', project, '-o', out, '--outputs', outputs, '--today', '2026-11-23', '-j', '2'];
  return spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
}
const read = f => fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
function write(file, text) { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); }

console.log('1..16');

// ---- the sample, with its PDFs
const out = path.join(tmp, 'sample');
const r = build(path.join(top, 'content'), out, 'xml,html,pdf');
const html = path.join(out, 'html');
ok(r.status === 0, 'the sample builds with xml, html and pdf', r.stderr.split('\n').slice(-5));
const lado = read(path.join(html, 'safeguarding', 'lado-notice.html'));
ok(/\(4 years 9 months overdue\)/.test(lado) && !/days ago/.test(lado), 'an overdue review is said in years and months',
   (/Review due [^(]*\([^)]*\)/.exec(lado) || ['none'])[0]);
const index = read(path.join(html, 'index.html'));
const apart = index.split('id="section-superseded"');
ok(apart.length === 2 && /agency-roles-2021\.html/.test(apart[1]) && !/agency-roles-2021\.html/.test(apart[0]),
   'superseded documents are listed apart on the contents page');
ok(/appendix-a-glossary\.html">[^<]*<\/a>\s*<strong class="tag tag--grey">Superseded<\/strong>/.test(lado),
   'Related guidance marks a superseded document');
const m = /<p class="doc-download"><a href="\.\.\/pdf\/safeguarding\/lado-notice\.pdf">Download this notice<\/a> \(PDF, (\d+) pages?, (\d+) KB\)/.exec(lado);
const a = path.join(html, 'pdf', 'safeguarding', 'lado-notice.pdf'), b = path.join(out, 'pdf', 'safeguarding', 'lado-notice.pdf');
const pages = (spawnSync('pdfinfo', [b], { encoding: 'utf8' }).stdout.match(/Pages:\s+(\d+)/) || [])[1];
ok(m && fs.existsSync(a) && fs.existsSync(b) && Number(m[1]) === Number(pages) &&
   Math.ceil(fs.statSync(b).size / 1024) === Number(m[2]),
   'each page links its PDF inside html/ with the right page count and size', [m && m[0], pages]);
ok(fs.existsSync(a) && fs.readFileSync(a).equals(fs.readFileSync(b)), 'html/pdf/ holds the same file as pdf/ (a link or a copy)');
const packs = read(path.join(html, 'packs.html'));
ok(/href="pdf\/safeguarding-pack\.pdf"/.test(packs) && fs.existsSync(path.join(html, 'pdf', 'safeguarding-pack.pdf')),
   'the packs page links each pack PDF');
ok(!/Unique <a class="term/.test(lado) && /<strong>Unique Child<\/strong>/.test(lado),
   'glossary not: keeps "Unique Child" unlinked');
ok(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*role="img"[^>]*><title id="pc-graph-t">How Little Acorns Pre-School LADO Notice connects to \d+ other documents: /.test(lado),
   'the related-policies graph is inline SVG with a text alternative');
const idx = fs.readdirSync(path.join(html, 'search')).map(f => read(path.join(html, 'search', f))).join('\n');
ok(/u:"partnership\/agency-roles-2021\.html"[^\n]*st:"superseded"/.test(idx), 'the search index labels superseded documents');

// ---- a small project: a home page, nested sections, glossary link: abbr
const p = path.join(tmp, 'proj');
write(path.join(p, 'policyc.yaml'), 'title: Small\nsections:\n  area: Area of work\n');
write(path.join(p, 'glossary.yaml'), '- term: Designated Safeguarding Lead\n  abbr: DSL\n  link: abbr\n  definition: The lead.\n');
const fm = t => `---\ntitle: ${t}\nowner: O\nreview: 2030-01-01\n---\n`;
write(path.join(p, 'policies', 'index.md'), fm('Welcome') + 'The home text of the handbook. See [deep](area/sub/deep.md).\n');
write(path.join(p, 'policies', 'area', 'sub', '_index.md'), fm('Sub folder') + 'About.\n');
write(path.join(p, 'policies', 'area', 'sub', 'deep.md'), fm('Deep') +
  'The Designated Safeguarding Lead, or DSL, decides.\n\n| Name | Date |\n|---|---|\n| A long name of a person | 2024-01-01 |\n');
const o2 = path.join(tmp, 'proj-out');
const r2 = build(p, o2, 'xml,html');
const home = read(path.join(o2, 'html', 'index.html'));
ok(r2.status === 0 && /The home text of the handbook/.test(home) && !fs.existsSync(path.join(o2, 'html', 'index-2.html')) &&
   !/id-reserved/.test(r2.stderr), 'a root index.md is the home page text, not index-2', r2.stderr.split('\n').slice(-4));
ok(/<h2 id="section-area">Area of work<\/h2>[\s\S]*<h3 id="section-area-sub">Sub folder<\/h3>/.test(home),
   'sections take the sections: setting and the folder index title, nested');
const deep = read(path.join(o2, 'html', 'area', 'sub', 'deep.html'));
const crumbs = [...(/<nav class="breadcrumb"[\s\S]*?<\/nav>/.exec(deep) || [''])[0].matchAll(/index\.html#([^"]+)"/g)].map(x => x[1]);
ok(crumbs.length === 2 && crumbs.every(c => home.includes(`id="${c}"`)), 'every breadcrumb lands on a section heading', crumbs);
ok(/>DSL(<\/abbr>)?<\/a>/.test(deep) && !/>Designated Safeguarding Lead<\/a>/.test(deep), 'glossary link: abbr links the abbreviation only');
const cols = [...deep.matchAll(/<col width="([\d.]+)%"/g)].map(x => Number(x[1]));
ok(cols.length === 2 && Math.abs(cols.reduce((s, x) => s + x, 0) - 100) < 1 && /class="fit cols-2"/.test(deep),
   'a body table gets fixed column widths that add up to the whole', cols);
ok(!/doc-download/.test(deep), 'no PDF link when no PDF was built');

fs.rmSync(tmp, { recursive: true, force: true });
