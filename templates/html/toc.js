/*
 * toc.js - marks, in a document page's "On this page" list, the section
 * being read (aria-current="location", styled by style.css), as the
 * reader scrolls.  The list works without it: this only adds the marker.
 */
(function () {
	'use strict';
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
