#!/bin/sh
# serve-ahead.t — serve's documents linked ahead (prelink.h).  Between
# saves the standby parses and links the project; the build after a save
# keeps those links only when nothing the link pass reads across the
# project has changed.  After each kind of save, made once the standby
# is ready: how many documents the build kept linked (all but the saved
# one for a body edit; none when a title, heading, front matter, the
# glossary, a document or a file of the project changed), and OUT byte
# for byte, and the diagnostics, what a fresh `build` makes of the same
# project (citations too: they are judged ahead with the links).
. "$(dirname "$0")/lib.sh"
set -e
T="--today 2026-11-23"
P=$TMP/p
doc() {   # doc FILE FRONT-MATTER-LINES BODY: written as an editor saves
	mkdir -p "$(dirname "$1")"
	printf -- '---\n%s\nowner: O\nreview: 2030-01-01\n---\n%s\n' "$2" "$3" \
	    > "$1.swp"
	mv "$1.swp" "$1"
}
make_project "$P" "title: Ahead
rules:
  orphan: off"
cat > "$P/glossary.yaml" <<'EOF'
- term: Local authority designated officer
  abbr: LADO
  definition: The officer who manages allegations against staff.
EOF
doc "$P/policies/a.md" "title: Alpha" "Alpha asks the LADO. See [[b]] and [[c#roles]], as Working Together to Safeguard Children 2018 says.

![a chart](../img/chart.png)"
doc "$P/policies/b.md" "title: Bravo
cites:
  - { source: working-together, edition: 2018, section: \"Chapter 2\" }
  - { source: kcsie, edition: \"2023\" }" "Bravo links to [charlie](c.md#steps) and [[d]], and KCSIE 2023."
doc "$P/policies/c.md" "title: Charlie" "# Roles

Charlie text about the LADO and a strategy discussion."
doc "$P/policies/d.md" "title: Delta" "Delta text."
n0=4

serve_start "$P" -o "$TMP/out" --port 0 $T --timings

nbuilt() { grep -c 'changed: built in' "$TMP/serve.err" || true; }
# the diagnostics the last rebuild printed
last_diags() {
	awk '/changed: built in|first build: built in/ { n++; next } { line[n] = line[n] $0 "\n" }
	    END { printf "%s", line[n - 1] }' "$TMP/serve.err" |
	    grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | sort
}
# how many documents the last rebuild kept linked from the standby
last_ahead() {
	sed -n 's/^timing:   standby: .* parsed ahead, \([0-9]*\) linked ahead$/\1/p' \
	    "$TMP/serve.err" | tail -1
}
# after EDIT-WHAT EXPECT: waits for the rebuild of a save made the
# moment before, then compares it with a fresh build
after() {
	for i in $(seq 1 600); do [ "$(nbuilt)" -gt "$nb" ] && break; sleep 0.1; done
	if [ "${POLICYC_BOUNDED:-}" = 1 ]; then
		skip "$1: a bounded build has no standby"
	else
		is "$(last_ahead)" "$2" "$1: $2 documents kept linked from the standby"
	fi
	rm -rf "$TMP/full"
	"$POLICYC" build "$P" -o "$TMP/full" $T --outputs xml,html --no-cache \
	    >/dev/null 2>"$TMP/full.err" || true
	if same_out "$TMP/out" "$TMP/full" >"$TMP/diff" 2>&1; then r=0; else r=1; fi
	ok $r "$1: OUT is byte for byte what build makes"
	[ $r = 0 ] || head -10 "$TMP/diff" | sed 's/^/#   /'
	grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$TMP/full.err" | sort >"$TMP/want"
	last_diags >"$TMP/got"
	if diff "$TMP/want" "$TMP/got" >"$TMP/ddiff"; then r=0; else r=1; fi
	ok $r "$1: the rebuild said what build says"
	[ $r = 0 ] || head -10 "$TMP/ddiff" | sed 's/^/#   /'
}
# a save once the standby is ready (it parses and links after a pause);
# a file changed within 2 s of the standby's start is one it does not
# trust (standby.h), so the file saved before is parsed again too
ready() { sleep 1.5; nb=$(nbuilt); }

# every file is new to the first standby: a save once they are not
sleep 2.5
nb=$(nbuilt)
cp "$P/policies/a.md" "$TMP/a.md" && mv "$TMP/a.md" "$P/policies/a.md"
for i in $(seq 1 600); do [ "$(nbuilt)" -gt "$nb" ] && break; sleep 0.1; done

ready
doc "$P/policies/a.md" "title: Alpha" "Alpha asks the LADO again. See [[b]] and [[c#roles]], as Working Together to Safeguard Children 2018 says.

![a chart](../img/chart.png)"
after "a body edit" $((n0 - 1))

ready
doc "$P/policies/d.md" "title: Delta" "Delta now links to [[a]], [[c#steps]] and [[nowhere]]."
after "links added to a body" $((n0 - 2))

ready
doc "$P/policies/c.md" "title: Charlie renamed" "# Roles

Charlie text about the LADO and a strategy discussion."
after "a title others show" 0

ready
doc "$P/policies/c.md" "title: Charlie renamed" "# Roles

Charlie text about the LADO.

## Steps

The steps."
after "a heading others link to" 0

ready
cat > "$P/glossary.yaml.swp" <<'EOF'
- term: Local authority designated officer
  abbr: LADO
  definition: The officer who manages allegations against staff.
- term: Strategy discussion
  definition: A meeting of agencies about a child.
EOF
mv "$P/glossary.yaml.swp" "$P/glossary.yaml"
after "a glossary term added" 0

ready
mkdir -p "$P/img"
printf 'not really a png\n' > "$P/img/chart.png"
after "an image a body names appears" 0

ready
doc "$P/policies/d.md" "title: Delta
status: superseded
superseded-by: a" "Delta now links to [[a]], [[c#steps]] and [[nowhere]]."
after "a status others warn about" 0

ready
doc "$P/policies/b.md" "title: Bravo
related: [d]" "Bravo links to [charlie](c.md#steps) and [[d]]."
after "related: added" 0

ready
doc "$P/policies/e.md" "title: Echo" "Echo links to [[b]]."
after "a document added" 0

ready
rm "$P/policies/e.md"
after "a document deleted" 0

ready
doc "$P/policies/b.md" "title: Bravo
related: [d]" "Bravo links to [charlie](c.md#steps), [[d]] and [[a]]."
after "a body edit again" $((n0 - 1))

serve_stop
is "$src" 0 "Ctrl-C: exit status 0"
no_sanitizer_report "serve, linking ahead"

# -- a project folder with more names than serve lists on each save
# (here: more than 3) is not linked ahead, and still parsed ahead
export POLICYC_LINK_WORLD_MAX=3
serve_start "$P" -o "$TMP/out" --port 0 $T --timings
unset POLICYC_LINK_WORLD_MAX
sleep 2.5
nb=$(nbuilt)
cp "$P/policies/a.md" "$TMP/a.md" && mv "$TMP/a.md" "$P/policies/a.md"
for i in $(seq 1 600); do [ "$(nbuilt)" -gt "$nb" ] && break; sleep 0.1; done
ready
doc "$P/policies/a.md" "title: Alpha" "Alpha, in a folder too large to list."
after "a folder too large to list" 0
if [ "${POLICYC_BOUNDED:-}" = 1 ]; then
	skip "a large folder: a bounded build has no standby"
else
	like "$(grep 'timing:   standby:' "$TMP/serve.err" | tail -1)" \
	    "standby: 3 of 4 documents parsed ahead, 0 linked ahead" \
	    "a folder too large to list: parsed ahead, not linked ahead"
fi
kill -INT $pid
set +e
wait $pid
set -e
plan $tap_n
exit $tap_failed
