#!/bin/sh
# browser.t — builds every fixture project whose site can be built
# (content/, tests/golden/project, tests/cases/*/* with a policyc.yaml,
# ../shared/corpora/*) into a temporary folder and runs the crawler
# tests/browser/site-check.js over their OUT/html in Debian's headless
# Chromium: links, anchors and images resolve, no link in a link, nothing
# active, a CSP on every page, axe-core at 320/375/1280 px, no sideways
# scrolling and no body table's header word broken over two lines at
# 320 px; each document page of the sample (built with its
# PDFs) links its PDF inside the site; search for "LADO" from file:// and
# over HTTP; and
# screenshots at 320, 375 and 1280 px under build/screenshots/ for review
# (not out/: that is `make site`'s output folder, which policyc refuses to
# replace once something else has made it).
# Every page of content/ is crawled; other sites are sampled (the contents,
# the glossary and three documents; one document of each test case), to keep the
# run under three minutes.
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
POLICYC=${POLICYC:-$top/build/policyc}
SHARED=${SHARED:-$top/../shared}

if [ -n "$POLICYC_SANITIZED" ]; then
	echo "1..1"; echo "ok 1 # skip browser run under sanitizers (slow; the site is the same)"; exit 0
fi
if [ ! -x /usr/bin/chromium ] && [ -z "$CHROMIUM" ]; then
	echo "1..1"; echo "ok 1 # skip no /usr/bin/chromium"; exit 0
fi
if ! command -v node >/dev/null 2>&1; then
	echo "1..1"; echo "not ok 1 - node is needed for the browser test (scripts/setup-deps test)"; exit 0
fi
if [ ! -d "$here/browser/node_modules/playwright-core" ] || [ ! -d "$here/browser/node_modules/axe-core" ]; then
	if ! npm ci --prefix "$here/browser" --no-audit --no-fund >/dev/null 2>&1 &&
	   ! npm install --prefix "$here/browser" --no-audit --no-fund >/dev/null 2>&1; then
		echo "1..1"; echo "not ok 1 - npm ci --prefix tests/browser failed"; exit 0
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/policyc-browser.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# build NAME PROJECT: builds into $tmp/NAME; prints NAME=OUT/html when a
# site was written (a project whose build fails for its own reasons,
# such as a filter-sandbox case, has no site to crawl).
build() {
	$POLICYC_WRAP "$POLICYC" build "$2" -o "$tmp/$1" --outputs "${3:-xml,html}" \
	    --today 2026-11-23 >"$tmp/$1.log" 2>&1
	[ -f "$tmp/$1/html/index.html" ] && printf '%s=%s' "$1" "$tmp/$1/html"
}

# the sample with its PDFs: each page must link its own (html/pdf/)
if ! build content "$top/content" xml,html,pdf >/dev/null; then
	echo "1..1"; echo "not ok 1 - policyc build content failed"; sed 's/^/# /' "$tmp/content.log" | tail -20; exit 0
fi
set -- "content=$tmp/content/html:all"
if [ -f "$top/tests/golden/project/policyc.yaml" ]; then
	s=$(build golden "$top/tests/golden/project") && set -- "$@" "$s:3"
fi
for y in "$top"/tests/cases/*/*/policyc.yaml; do
	[ -f "$y" ] || continue
	d=$(dirname "$y")
	# allow-html: true publishes the authors' raw HTML as written (a
	# meta refresh in it navigates away); tests/security.t covers it
	grep -q '^allow-html: *true' "$y" && continue
	name="case-$(basename "$(dirname "$d")")-$(basename "$d")"
	s=$(build "$name" "$d") && set -- "$@" "$s:1"
done
for c in "$SHARED"/corpora/*/; do
	[ -d "$c" ] || continue
	name="corpus-$(basename "$c")"
	mkdir -p "$tmp/src-$name"
	cp -R "$c" "$tmp/src-$name/policies"
	printf 'title: %s\n' "$(basename "$c")" >"$tmp/src-$name/policyc.yaml"
	s=$(build "$name" "$tmp/src-$name") && set -- "$@" "$s:3"
done
mkdir -p "$top/build/screenshots"
node "$here/browser/site-check.js" "$top/build/screenshots" "$@"
