/*
 * search.js - the search box of a policyc site.  The index is
 * search-index.js (written by the compiler: window.POLICYC_SEARCH, the
 * glossary's entries, and window.POLICYC_SEARCH_PARTS, the files holding
 * the documents' entries), loaded as an ordinary <script> so that search
 * works from file:// with no server and no fetch; the parts are loaded
 * the same way, each calling window.POLICYC_SEARCH_ADD with its entries.
 * Every query word must appear in a document; matches in the title weigh
 * most, then glossary terms, headings, text.  Results update as you type;
 * ?q= in the address fills the box.
 */
(function () {
	'use strict';
	var input = document.getElementById('search-q');
	var list = document.getElementById('search-results');
	var status = document.getElementById('search-status');
	if (!input || !list || !status) return;
	var parts = window.POLICYC_SEARCH_PARTS || [];
	var pending = parts.length, missing = 0;

	function norm(s) {
		s = String(s || '').toLowerCase();
		if (s.normalize) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
		return s;
	}

	function prepare(d) {
		return {
			d: d,
			t: norm(d.t),
			k: norm((d.k || []).join(' | ')),
			h: norm((d.h || []).map(function (h) { return h[0]; }).join(' | ')),
			x: norm(d.x)
		};
	}
	var docs = (window.POLICYC_SEARCH || []).map(prepare);

	function count(hay, w) {
		var n = 0, i = hay.indexOf(w);
		while (i !== -1 && n < 20) { n++; i = hay.indexOf(w, i + w.length); }
		return n;
	}

	/* The text around the first match not already shown for another
	 * result (documents that share a paragraph get different ones), or
	 * the opening of the text when no word is in it. */
	function snippet(d, words, shown) {
		var x = d.d.x || '', lx = d.x, i, at, from, cand = [];
		for (i = 0; i < words.length; i++) {
			from = 0;
			while ((at = lx.indexOf(words[i], from)) !== -1 && cand.length < 40) {
				cand.push(at);
				from = at + words[i].length + 200;
			}
		}
		cand.sort(function (a, b) { return a - b; });
		var s = null, first = null;
		for (i = 0; i < cand.length && s === null; i++) {
			var t = cut(x, cand[i]);
			if (first === null) first = t;
			if (!shown[t]) s = t;
		}
		if (s === null) s = first !== null ? first : x.slice(0, 180) + (x.length > 180 ? '\u2026' : '');
		shown[s] = true;
		return s;
	}

	function cut(x, at) {
		var start = Math.max(0, at - 70);
		if (start > 0) {
			var sp = x.indexOf(' ', start);
			if (sp !== -1 && sp < at) start = sp + 1;
		}
		return (start > 0 ? '\u2026' : '') + x.slice(start, start + 200) +
			(start + 200 < x.length ? '\u2026' : '');
	}

	/* Appends text to el with each query word marked (<mark>), built
	 * from text nodes: nothing of the index is ever parsed as HTML. */
	function marked(el, text, words) {
		var lt = norm(text), i = 0;
		while (i < text.length) {
			var best = -1, len = 0;
			words.forEach(function (w) {
				var at = lt.indexOf(w, i);
				if (at !== -1 && (best === -1 || at < best)) { best = at; len = w.length; }
			});
			if (best === -1 || norm(text).length !== text.length) {
				el.appendChild(document.createTextNode(text.slice(i)));
				return;
			}
			if (best > i) el.appendChild(document.createTextNode(text.slice(i, best)));
			var m = document.createElement('mark');
			m.textContent = text.slice(best, best + len);
			el.appendChild(m);
			i = best + len;
		}
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
		if (pending > 0) { status.textContent = 'Loading the search index\u2026'; return; }
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
		/* current documents before superseded ones of the same score */
		hits.forEach(function (h) { if (h.d.d.st === 'superseded' || h.d.d.st === 'withdrawn') h.s = h.s / 4; });
		/* the same order whatever order the parts loaded in */
		function cmp(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
		hits.sort(function (a, b) { return b.s - a.s || cmp(a.d.d.t, b.d.d.t) || cmp(a.d.d.u, b.d.d.u); });
		var shown = {};
		hits.slice(0, 50).forEach(function (h) {
			var li = document.createElement('li');
			var a = document.createElement('a');
			var hd = headingFor(h.d, words);
			a.href = h.d.d.u + (hd && hd[1] ? '#' + hd[1] : '');
			marked(a, h.d.d.t, words);
			li.appendChild(a);
			if (h.d.d.st) {
				var tag = document.createElement('strong');
				tag.className = 'tag tag--grey';
				tag.textContent = h.d.d.st.charAt(0).toUpperCase() + h.d.d.st.slice(1);
				li.appendChild(tag);
			}
			var meta = document.createElement('p');
			meta.className = 'hint';
			var type = h.d.d.y ? h.d.d.y.charAt(0).toUpperCase() + h.d.d.y.slice(1) : '';
			meta.textContent = [type, hd ? 'Section: ' + hd[0] : ''].filter(Boolean).join(' \u00b7 ');
			if (meta.textContent) li.appendChild(meta);
			var p = document.createElement('p');
			marked(p, snippet(h.d, words, shown), words);
			li.appendChild(p);
			list.appendChild(li);
		});
		status.textContent = (hits.length === 0 ? 'No results for \u201c' + input.value.trim() + '\u201d.' :
			hits.length + (hits.length === 1 ? ' result' : ' results') + ' for \u201c' + input.value.trim() + '\u201d' +
			(hits.length > 50 ? ' (showing the first 50)' : '') + '.') +
			(missing ? ' Part of the search index could not be loaded: some documents may be missing.' : '');
	}

	/* the parts: each a script calling POLICYC_SEARCH_ADD; search runs
	 * once all have loaded (or failed to) */
	function settled() {
		if (--pending === 0) run();
	}
	window.POLICYC_SEARCH_ADD = function (entries) {
		(entries || []).forEach(function (d) { docs.push(prepare(d)); });
	};
	parts.forEach(function (src) {
		var s = document.createElement('script');
		s.src = src;
		s.async = false;
		s.onload = settled;
		s.onerror = function () { missing++; settled(); };
		document.head.appendChild(s);
	});

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
