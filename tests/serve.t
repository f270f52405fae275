#!/bin/sh
# serve.t — `policyc serve` on a free port: pages, types, HEAD, 404 for
# every way out of OUT/html (.., encoded forms, a symbolic link), no
# folder listings, only GET and HEAD; the reload script and banner added
# only as pages are served (OUT is what build writes); a save rebuilds
# (event stream announces it, the page has the new text), including a
# folder made later, a document deleted and a setting changed after the
# standby parsed; in real Chromium a page
# reloads itself after an edit; a build killed mid-way, and the builder
# killed, leave the last good site served; Ctrl-C stops it cleanly.
. "$(dirname "$0")/lib.sh"
set -e
if ! command -v curl >/dev/null 2>&1; then
	echo "1..0 # skip no curl"; exit 0
fi
T="--today 2026-11-23"
P=$TMP/p
doc() {   # doc FILE TITLE [BODY]
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n---\n%s\n' \
	    "$2" "${3:-Text.}" > "$1"
}
make_project "$P" "title: Serve
rules:
  orphan: off"
doc "$P/policies/a.md" "Alpha" "Original words of alpha. See [[b]]."
doc "$P/policies/b.md" "Bravo" "Bravo links to [nowhere](missing.md)."
doc "$P/policies/c.md" "Charlie" "Charlie text."

serve_start "$P" -o "$TMP/out" --port 0 $T
U=http://127.0.0.1:$port
code() { curl -s --path-as-is -o /dev/null -w '%{http_code}' "$U$1"; }
ctype() { curl -s -o /dev/null -w '%{content_type}' "$U$1"; }

is "$(code /)" 200 "GET / (the contents page)"
is "$(code /a.html)" 200 "GET a document's page"
is "$(ctype /a.html)" "text/html; charset=utf-8" "a page is text/html"
is "$(ctype /style.css)" "text/css; charset=utf-8" "the stylesheet is text/css"
is "$(ctype /search-index.js)" "text/javascript; charset=utf-8" "a script is text/javascript"
is "$(ctype /feed.xml)" "application/atom+xml" "the feed is Atom"
head=$(curl -s -I "$U/a.html")
like "$head" "HTTP/1.1 200" "HEAD: 200"
like "$head" "X-Content-Type-Options: nosniff" "HEAD: nosniff"
is "$(curl -s -I "$U/a.html" -o /dev/null -w '%{size_download}')" 0 "HEAD: no body"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$U/a.html")" 405 "POST: 405"
like "$(curl -s -D - -o /dev/null -X OPTIONS "$U/a.html")" "Allow: GET, HEAD" "OPTIONS: 405 names what is allowed (Allow)"
for u in /../../etc/passwd /../../../../../../etc/passwd '/%2e%2e/%2e%2e/etc/passwd' \
    '/..%2f..%2f..%2fetc%2fpasswd' '/%2e%2e%2f%2e%2e%2fetc%2fpasswd' \
    '/%252e%252e/etc/passwd' '/a.html%00../../etc/passwd' '/..\\..\\etc\\passwd' \
    '/./a.html' '//etc/passwd'; do
	is "$(code "$u")" 404 "outside OUT/html: $u is 404"
done
ln -s /etc/passwd "$TMP/out/html/pw.html"
ln -s /etc "$TMP/out/html/etcdir"
is "$(code /pw.html)" 404 "a symbolic link to a file outside: 404"
is "$(code /etcdir/passwd)" 404 "a symbolic link to a folder outside: 404"
rm "$TMP/out/html/pw.html" "$TMP/out/html/etcdir"
mkdir -p "$TMP/out/html/emptydir"
is "$(code /emptydir/)" 404 "a folder without index.html: 404, no listing"
rmdir "$TMP/out/html/emptydir"
is "$(code /no-such-page.html)" 404 "a missing page: 404"

page=$(curl -s "$U/a.html")
like "$page" '<script src="/__policyc/reload.js?g=[0-9]*"></script>' "served pages carry the reload script"
like "$page" "script-src 'self'" "the page's CSP (script-src 'self') allows the same-origin script"
if grep -q '__policyc' "$TMP/out/html/a.html"; then ok 1 "OUT itself has no serve script"; else ok 0 "OUT itself has no serve script"; fi
is "$(ctype /__policyc/reload.js)" "text/javascript; charset=utf-8" "the reload script is served"
bpage=$(curl -s "$U/b.html")
like "$bpage" 'policyc-serve-banner.*policies/b.md:.*missing.md.*link-broken' "the banner shows b's diagnostic on b's page"
unlike "$page" 'policyc-serve-banner' "a clean page has no banner"

# -- PDFs on request: laid out when first asked for, never written to OUT
is "$(code /pdf/a.pdf)" 200 "a PDF on request: /pdf/a.pdf answers"
is "$(ctype /pdf/a.pdf)" "application/pdf" "a PDF on request: its type"
is "$(curl -s "$U/pdf/a.pdf" | head -c 5)" "%PDF-" "a PDF on request: it is a PDF"
like "$(cat "$TMP/serve.err")" "pdf/a.pdf made in [0-9]* ms" "a PDF on request: the terminal says it was made"
is "$(grep -c 'pdf/a.pdf made' "$TMP/serve.err")" 1 "a PDF on request: made once until the next build"
is "$(code /pdf/no-such.pdf)" 404 "a PDF on request: an unknown id is 404"
is "$(code /pdf/../../etc/passwd.pdf)" 404 "a PDF on request: a path outside is 404"
check "a PDF on request: OUT has no PDF" test ! -e "$TMP/out/pdf"

# -- a save: the event stream announces the rebuild, the page has the new text
curl -s -N "$U/__policyc/events" >"$TMP/events" 2>/dev/null &
cpid=$!
for i in $(seq 1 100); do grep -q '^data:' "$TMP/events" && break; sleep 0.1; done
g0=$(sed -n 's/^data: //p' "$TMP/events" | head -1)
sed -i 's/Original words of alpha/Edited words of alpha/' "$P/policies/a.md"
for i in $(seq 1 600); do [ "$(grep -c '^data:' "$TMP/events")" -ge 2 ] && break; sleep 0.1; done
g1=$(sed -n 's/^data: //p' "$TMP/events" | sed -n 2p)
ok $([ -n "$g1" ] && [ "$g1" != "$g0" ] && echo 0 || echo 1) "a save: the event stream announces a new build ($g0 -> $g1)"
like "$(curl -s "$U/a.html")" "Edited words of alpha" "a save: the page has the new text"
like "$(cat "$TMP/serve.err")" "policies/a.md changed: built in [0-9]* ms" "a save: the terminal says what changed and the time"
for i in $(seq 1 100); do ls -d "$TMP"/out.old-* >/dev/null 2>&1 || break; sleep 0.1; done
check "a save: the previous OUT is removed once the build is done" sh -c '! ls -d "$1"/out.old-* 2>/dev/null | grep -q .' _ "$TMP"
is "$(code /pdf/a.pdf)" 200 "a save: the PDF is asked for again"
is "$(grep -c 'pdf/a.pdf made' "$TMP/serve.err")" 2 "a save: the stale PDF is made anew"
kill $cpid 2>/dev/null || true

# wait_for URL CODE: until the page answers CODE (a rebuild after a save)
wait_for() { for i in $(seq 1 600); do [ "$(code "$1")" = "$2" ] && return 0; sleep 0.1; done; return 1; }
mkdir -p "$P/policies/later/deeper"
doc "$P/policies/later/deeper/d.md" "Delta" "Delta in a folder made later."
wait_for /later/deeper/d.html 200; ok $? "a folder made later is watched: its document is published"
doc "$P/policies/later/deeper/e.md" "Echo" "Echo."
wait_for /later/deeper/e.html 200; ok $? "a file saved in that folder later is published too"
rm "$P/policies/c.md"
wait_for /c.html 404; ok $? "a deleted document's page is gone"

# -- a setting a parse reads ({{phone}}), changed once the standby has
# parsed the page's document ahead of the save (standby.h): the build
# parses it again
nbuilt() { grep -c 'changed: built in' "$TMP/serve.err" || true; }
doc "$P/policies/v.md" "Victor" "Call {{ phone }} now."
wait_for /v.html 200
sleep 2.5   # v.md is then older than the standby's racy margin
nb=$(nbuilt)
cp "$P/policies/a.md" "$TMP/a.md" && mv "$TMP/a.md" "$P/policies/a.md"
for i in $(seq 1 600); do [ "$(nbuilt)" -gt "$nb" ] && break; sleep 0.1; done
sleep 1     # the next standby parses v.md, not racy now
printf 'title: Serve\nphone: 0100 111\nrules:\n  orphan: off\n' > "$P/policyc.yaml"
for i in $(seq 1 600); do curl -s "$U/v.html" | grep -q '0100 111' && break; sleep 0.1; done
like "$(curl -s "$U/v.html")" "Call 0100 111 now" "a changed setting reaches a document parsed before the save"
printf 'broken: [\n' > "$P/policyc.yaml.new" && mv "$P/policyc.yaml.new" "$P/policyc.yaml"
for i in $(seq 1 600); do grep -q 'the build failed; still serving' "$TMP/serve.err" && break; sleep 0.1; done
like "$(cat "$TMP/serve.err")" "the build failed; still serving the last good one" "a broken policyc.yaml: the last good site is still served"
is "$(code /a.html)" 200 "a broken policyc.yaml: pages still answer"
like "$(curl -s "$U/a.html")" "policyc-serve-banner.*policyc.yaml" "a broken policyc.yaml: its diagnostic is on the page"
printf 'title: Serve\nrules:\n  orphan: off\n' > "$P/policyc.yaml"
for i in $(seq 1 600); do curl -s "$U/a.html" | grep -q 'policyc-serve-banner' || break; sleep 0.1; done
unlike "$(curl -s "$U/a.html")" "policyc-serve-banner" "policyc.yaml fixed: the banner is gone"

# -- a build that dies (its process killed in the middle): the server
# goes on, serving the last good site, and the next save builds again
builds() { grep -c 'changed: built in' "$TMP/serve.err" || true; }
n0=$(builds)
mkdir -p "$P/filters"
printf 'title: Serve\nrules:\n  orphan: off\n  filter-error: { seconds: 120 }\n' > "$P/policyc.yaml"
for i in $(seq 1 600); do [ "$(builds)" -gt "$n0" ] && break; sleep 0.1; done
# a filter that hangs inside string.find, moved in whole: one event
printf 'return { document = function()\n  local s = ("a"):rep(40)\n  s:find(("a*"):rep(40) .. "b")\nend }\n' >"$TMP/hang.lua"
mv "$TMP/hang.lua" "$P/filters/hang.lua"
kid=
for i in $(seq 1 600); do   # server -> builder -> build -> its filters
	builder=$(pgrep -P $pid | head -1)
	kid=$([ -n "$builder" ] && pgrep -P "$builder" | head -1 || true)
	[ -n "$kid" ] && [ -n "$(pgrep -P "$kid" | head -1)" ] && break
	kid=; sleep 0.1
done
ok $([ -n "$kid" ] && echo 0 || echo 1) "a build runs in a process of its own"
[ -n "$kid" ] && kill -KILL "$kid"
for i in $(seq 1 600); do grep -q 'the build was ended by signal' "$TMP/serve.err" && break; sleep 0.1; done
like "$(cat "$TMP/serve.err")" "changed: the build was ended by signal 9 (Killed); still serving the last good one" "a killed build: the terminal says so"
ok $(kill -0 $pid 2>/dev/null && echo 0 || echo 1) "a killed build: the server is still running"
is "$(code /a.html)" 200 "a killed build: the last good pages still answer"
n1=$(builds)
rm "$P/filters/hang.lua"
for i in $(seq 1 600); do [ "$(builds)" -gt "$n1" ] && break; sleep 0.1; done
ok $([ "$(builds)" -gt "$n1" ] && echo 0 || echo 1) "after a killed build, the next save builds again"
n2=$(builds)
printf 'title: Serve\nrules:\n  orphan: off\n' > "$P/policyc.yaml"
for i in $(seq 1 600); do [ "$(builds)" -gt "$n2" ] && break; sleep 0.1; done

# -- real Chromium: open a page, edit the file, the page reloads itself
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${POLICYC_SANITIZED:-}" ] || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
    ! command -v node >/dev/null 2>&1; then
	skip "no Chromium or node"; skip "no Chromium or node"; skip "no Chromium or node"
else
	if [ ! -d "$here/browser/node_modules/playwright-core" ]; then
		npm ci --prefix "$here/browser" --no-audit --no-fund >/dev/null 2>&1 ||
		    npm install --prefix "$here/browser" --no-audit --no-fund >/dev/null 2>&1 || true
	fi
	NODE_PATH=$here/browser/node_modules node "$here/serve/reload.js" "$U/a.html" \
	    "$P/policies/a.md" "Edited words of alpha" "Words changed in the browser test" \
	    $((tap_n + 1)) >"$TMP/reload.tap" 2>&1 || true
	grep -q '^ok\|^not ok' "$TMP/reload.tap" || echo "not ok $((tap_n + 1)) - reload.js ran" >>"$TMP/reload.tap"
	cat "$TMP/reload.tap"
	tap_n=$((tap_n + $(grep -c '^ok\|^not ok' "$TMP/reload.tap")))
	tap_failed=$((tap_failed + $(grep -c '^not ok' "$TMP/reload.tap" || true)))
fi

# -- the builder killed: the server says so at the next save and goes on
# serving the last good site (the save rewrites a file unchanged)
builder=$(pgrep -P $pid | head -1)
[ -n "$builder" ] && kill -KILL "$builder"
cp "$P/policies/a.md" "$TMP/a.md" && mv "$TMP/a.md" "$P/policies/a.md"
for i in $(seq 1 600); do grep -q 'builder process has gone' "$TMP/serve.err" && break; sleep 0.1; done
like "$(cat "$TMP/serve.err")" "cannot start a build: the builder process has gone .*; start policyc serve again" "the builder killed: the next save says so"
is "$(code /a.html)" 200 "the builder killed: pages still answer"

# -- Ctrl-C: stops cleanly, OUT is a complete build
serve_stop
is "$src" 0 "Ctrl-C: exit status 0"
like "$err" "policyc serve: stopped" "Ctrl-C: says it stopped"
check "Ctrl-C: no staging folder left" sh -c '! ls -d "$1"/out.tmp-* "$1"/out.old-* 2>/dev/null | grep -q .' _ "$TMP"
"$POLICYC" build "$P" -o "$TMP/full" $T --outputs xml,html --no-cache >/dev/null 2>&1 || true
if same_out "$TMP/out" "$TMP/full" >"$TMP/diff" 2>&1; then r=0; else r=1; fi
ok $r "after serve, OUT is byte for byte what build makes"
[ $r = 0 ] || head -10 "$TMP/diff" | sed 's/^/#   /'
err=$(cat "$TMP/serve.err")
no_sanitizer_report "serve (libmicrohttpd's threads, rebuilds, PDFs on request)"
plan $tap_n
exit $tap_failed
