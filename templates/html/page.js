/*
 * page.js - the small script of a document page; the page is complete
 * without it.  It marks, in the "On this page" list, the section being
 * read (aria-current="location", styled by style.css) as the reader
 * scrolls; and it takes a table's scrolling region out of the tab order
 * when the table fits (the wrapper is focusable in the HTML, so that
 * without the script a table that does not fit can still be scrolled
 * from the keyboard).
 */
(function () {
	'use strict';

	function tables() {
		Array.prototype.forEach.call(document.querySelectorAll('.table-wrap'), function (w) {
			if (w.scrollWidth > w.clientWidth + 1) w.setAttribute('tabindex', '0');
			else if (document.activeElement !== w) w.removeAttribute('tabindex');
		});
	}
	tables();
	/* again whenever a wrapper's width changes (a rotated phone, a zoom) */
	if (window.ResizeObserver) {
		var ro = new ResizeObserver(tables);
		Array.prototype.forEach.call(document.querySelectorAll('.table-wrap'), function (w) { ro.observe(w); });
	} else {
		window.addEventListener('resize', tables);
	}

	var toc = document.querySelector('.toc');
	if (!toc || !window.IntersectionObserver) return;
	var links = {}, order = [], visible = {};
	Array.prototype.forEach.call(toc.querySelectorAll('a[href^="#"]'), function (a) {
		var id = decodeURIComponent(a.getAttribute('href').slice(1));
		var h = document.getElementById(id);
		if (!h) return;
		links[id] = a;
		order.push(h);
	});
	var current = null;
	function mark() {
		var pick = null, i;
		for (i = 0; i < order.length; i++)
			if (visible[order[i].id]) { pick = order[i].id; break; }
		if (!pick) {
			/* nothing in view: the last heading above the top */
			for (i = 0; i < order.length; i++)
				if (order[i].getBoundingClientRect().top < 0) pick = order[i].id;
		}
		if (pick === current) return;
		if (current && links[current]) links[current].removeAttribute('aria-current');
		current = pick;
		if (current && links[current]) links[current].setAttribute('aria-current', 'location');
	}
	var io = new IntersectionObserver(function (entries) {
		entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
		mark();
	}, { rootMargin: '0px 0px -60% 0px' });
	order.forEach(function (h) { io.observe(h); });
})();
