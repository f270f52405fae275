#!/bin/sh
# browser.t — builds the sample project (content/) into a temporary folder
# and runs tests/browser/site-check.js over OUT/html in Debian's headless
# Chromium: console errors, failed requests, every internal link and
# anchor, axe-core WCAG 2.x A/AA, search for "LADO", and screenshots at
# 375px and 1280px saved under out/screenshots/ for review.
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
POLICYC=${POLICYC:-$top/build/policyc}

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
if ! $POLICYC_WRAP "$POLICYC" build "$top/content" -o "$tmp/out" --outputs xml,html --today 2026-11-23 >"$tmp/build.log" 2>&1; then
	echo "1..1"; echo "not ok 1 - policyc build content failed"; sed 's/^/# /' "$tmp/build.log" | tail -20; exit 0
fi
mkdir -p "$top/out/screenshots"
node "$here/browser/site-check.js" "$tmp/out/html" "$top/out/screenshots"
