/*
 * search.js - the search box of a policyc site.  The index is
 * search-index.js (window.POLICYC_SEARCH, written by the compiler), loaded
 * as an ordinary <script> so that search works from file:// with no
 * server and no fetch.  Every query word must appear in a document;
 * matches in the title weigh most, then glossary terms, headings, text.
 * Results update as you type; ?q= in the address fills the box.
 */
(function () {
	'use strict';
	var index = window.POLICYC_SEARCH || [];
	var input = document.getElementById('search-q');
	var list = document.getElementById('search-results');
	var status = document.getElementById('search-status');
	if (!input || !list || !status) return;

	function norm(s) {
		s = String(s || '').toLowerCase();
		if (s.normalize) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
		return s;
	}

	var docs = index.map(function (d) {
		return {
			d: d,
			t: norm(d.t),
			k: norm((d.k || []).join(' | ')),
			h: norm((d.h || []).map(function (h) { return h[0]; }).join(' | ')),
			x: norm(d.x)
		};
	});

	function count(hay, w) {
		var n = 0, i = hay.indexOf(w);
		while (i !== -1 && n < 20) { n++; i = hay.indexOf(w, i + w.length); }
		return n;
	}

	function snippet(d, words) {
		var x = d.d.x || '', lx = d.x, at = -1, i;
		for (i = 0; i < words.length && at < 0; i++) at = lx.indexOf(words[i]);
		if (at < 0) return x.slice(0, 180) + (x.length > 180 ? '\u2026' : '');
		var start = Math.max(0, at - 70);
		if (start > 0) {
			var sp = x.indexOf(' ', start);
			if (sp !== -1 && sp < at) start = sp + 1;
		}
		return (start > 0 ? '\u2026' : '') + x.slice(start, start + 200) +
			(start + 200 < x.length ? '\u2026' : '');
	}

	function headingFor(d, words) {
		var hs = d.d.h || [], i, j;
		for (i = 0; i < hs.length; i++)
			for (j = 0; j < words.length; j++)
				if (norm(hs[i][0]).indexOf(words[j]) !== -1) return hs[i];
		return null;
	}

	function run() {
		var q = norm(input.value).trim();
		list.textContent = '';
		if (!q) { status.textContent = ''; return; }
		var words = q.split(/\s+/).filter(Boolean);
		var hits = [];
		docs.forEach(function (d) {
			var score = 0, all = true;
			words.forEach(function (w) {
				var s = count(d.t, w) * 50 + count(d.k, w) * 20 + count(d.h, w) * 10 + count(d.x, w);
				if (!s) all = false;
				score += s;
			});
			if (all) hits.push({ d: d, s: score });
		});
		hits.sort(function (a, b) { return b.s - a.s || (a.d.d.t < b.d.d.t ? -1 : 1); });
		hits.slice(0, 50).forEach(function (h) {
			var li = document.createElement('li');
			var a = document.createElement('a');
			var hd = headingFor(h.d, words);
			a.href = h.d.d.u + (hd && hd[1] ? '#' + hd[1] : '');
			a.textContent = h.d.d.t;
			li.appendChild(a);
			var meta = document.createElement('p');
			meta.className = 'hint';
			var type = h.d.d.y ? h.d.d.y.charAt(0).toUpperCase() + h.d.d.y.slice(1) : '';
			meta.textContent = [type, hd ? 'Section: ' + hd[0] : ''].filter(Boolean).join(' \u00b7 ');
			if (meta.textContent) li.appendChild(meta);
			var p = document.createElement('p');
			p.textContent = snippet(h.d, words);
			li.appendChild(p);
			list.appendChild(li);
		});
		status.textContent = hits.length === 0 ? 'No results for \u201c' + input.value.trim() + '\u201d.' :
			hits.length + (hits.length === 1 ? ' result' : ' results') + ' for \u201c' + input.value.trim() + '\u201d' +
			(hits.length > 50 ? ' (showing the first 50)' : '') + '.';
	}

	var m = /[?&]q=([^&#]*)/.exec(window.location.search);
	if (m) {
		try { input.value = decodeURIComponent(m[1].replace(/\+/g, ' ')); } catch (e) { input.value = m[1]; }
	}
	var timer = null;
	input.addEventListener('input', function () {
		clearTimeout(timer);
		timer = setTimeout(run, 120);
	});
	var form = input.form;
	if (form) form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
	run();
})();
