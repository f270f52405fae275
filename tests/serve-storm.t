#!/bin/sh
# serve-storm.t — `policyc serve` under a storm of saves: random edits
# (tests/incremental-edit.py) to a copy of the bundled sample, some a
# moment apart (one rebuild takes several), some while a rebuild is
# running, some after it.  However they fall, once a rebuild has started
# after the last save and finished, OUT is byte for byte what a fresh
# `build` makes of the project as it stands, and the terminal shows that
# rebuild's diagnostics as `build` prints them: no save is lost between
# two rebuilds, none is half taken.  The pauses are a fixed list, so a
# failure names a sequence that replays (the timings of the machine
# aside).  Longer storms, by hand:
#   STORM_SEEDS="1 2 3 4" STORM_EDITS=60 prove tests/serve-storm.t
. "$(dirname "$0")/lib.sh"
set -e
if ! command -v curl >/dev/null 2>&1; then
	echo "1..0 # skip no curl"; exit 0
fi
SEEDS=${STORM_SEEDS:-1 2}
EDITS=${STORM_EDITS:-20}
T="--today 2026-11-23"
P=$TMP/p
n=0
for _ in $SEEDS; do n=$((n + 2)); done
plan $((n + 3))

cp -R "$ROOT/content" "$P"
serve_start "$P" -o "$TMP/out" --port 0 $T
# finished: the count of rebuilds that ended, well or not
finished() { grep -c -e ': built in ' -e ': the build failed' -e ': the build ended' "$TMP/serve.err" || true; }
# settle NAME: after the storm, one more save, a new document NAME; the
# rebuild that names it as what changed started after it was written, so
# after every save of the storm (serve names the last path it was told
# of, as the rebuild starts)
settle() {
	printf -- '---\ntitle: End of %s\nowner: O\nreview: 2030-01-01\n---\nThe storm is over.\n' "$1" \
	    >"$P/policies/$1.md"
	for _ in $(seq 1 1200); do
		grep -q -e "^policyc serve: policies/$1.md changed: built in " \
		    -e "^policyc serve: policies/$1.md changed: the build" "$TMP/serve.err" && return 0
		sleep 0.05
	done
	return 1
}
# the diagnostics the last rebuild printed (serve-ahead.t's last_diags)
last_diags() {
	awk '/: built in |: the build failed|: the build ended/ { n++; next } { line[n] = line[n] $0 "\n" }
	    END { printf "%s", line[n - 1] }' "$TMP/serve.err" |
	    grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | sort
}

for _ in $(seq 1 1200); do [ "$(finished)" -gt 0 ] && break; sleep 0.05; done
like "$(cat "$TMP/serve.err")" ': built in ' "serve: the first build is served"

pauses="0 0.02 0.4 0 0.1 1.2 0.01 0.6 0 0.25"
for seed in $SEEDS; do
	set -- $pauses
	for step in $(seq 1 "$EDITS"); do
		python3 "$TESTS_DIR/incremental-edit.py" "$P" "storm-$seed" "$step" >>"$TMP/edits"
		sleep "$1"
		shift; [ $# -gt 0 ] || set -- $pauses
	done
	if ! settle "storm-end-$seed"; then
		ok 1 "storm $seed: a rebuild after the last save (none came)"
		ok 1 "storm $seed: diagnostics"
		continue
	fi
	rm -rf "$TMP/full"
	"$POLICYC" build "$P" -o "$TMP/full" $T --outputs xml,html --no-cache \
	    >/dev/null 2>"$TMP/full.err" || true
	if same_out "$TMP/out" "$TMP/full" >"$TMP/diff" 2>&1; then r=0; else r=1; fi
	ok $r "storm $seed ($EDITS saves): OUT is byte for byte what build makes"
	[ $r = 0 ] || { head -10 "$TMP/diff"; tail -"$EDITS" "$TMP/edits"; } | diag
	grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$TMP/full.err" | sort >"$TMP/want"
	last_diags >"$TMP/got"
	if diff "$TMP/want" "$TMP/got" >"$TMP/ddiff"; then r=0; else r=1; fi
	ok $r "storm $seed: the last rebuild said what build says"
	[ $r = 0 ] || head -10 "$TMP/ddiff" | diag
done
serve_stop
is "$src" 0 "Ctrl-C after the storms: exit status 0"
no_sanitizer_report "serve under a storm of saves"
