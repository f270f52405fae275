#!/bin/sh
# incremental-random.t — edits piled on one another, as an editor makes
# them between two saves: after each, the incremental build (one OUT kept
# from build to build, its cache trusted) publishes what a full build
# (--no-cache, a fresh OUT) publishes, byte for byte, with the same
# diagnostics, status and cache facts (lib.sh's incr_vs_full).
# tests/incremental.t tries each kind of edit alone on a small project;
# this tries them in random sequences (tests/incremental-edit.py) on the
# bundled sample, with and without PDFs, and on a real collection of
# policies from ../shared/corpora.
#
# A sequence is a function of its seed, so it is the same everywhere and a
# failure names what replays it.  Longer runs, by hand:
#   INCR_SEEDS="1 2 3 4 5" INCR_STEPS=100 prove tests/incremental-random.t
. "$(dirname "$0")/lib.sh"
set -e
SEEDS=${INCR_SEEDS:-1}
STEPS=${INCR_STEPS:-10}
T="--today 2026-11-23"
CORPUS=$SHARED/corpora/basecamp+policies

runs=0
for _ in $SEEDS; do runs=$((runs + 3)); done
plan $((runs * (STEPS + 1)))

# sequence NAME BASE SEED OUTPUTS: copies BASE, builds it, then STEPS
# times an edit and a comparison
sequence() {
	_p=$TMP/$1-$3/p _o=$TMP/$1-$3/out
	mkdir -p "$TMP/$1-$3"
	cp -R "$2" "$_p"
	incr_vs_full "$1, seed $3: first build" "$_p" "$_o" $T --outputs "$4"
	for _s in $(seq 1 "$STEPS"); do
		_what=$(python3 "$TESTS_DIR/incremental-edit.py" "$_p" "$3" "$_s")
		incr_vs_full "$1, seed $3, step $_s ($_what)" "$_p" "$_o" $T --outputs "$4"
	done
	rm -rf "$TMP/$1-$3"
}

for seed in $SEEDS; do
	sequence sample "$ROOT/content" "$seed" xml,html
	sequence "sample with PDFs" "$ROOT/content" "$((seed + 1000))" xml,html,pdf
	if [ -d "$CORPUS" ]; then
		mkdir -p "$TMP/corpus"
		rm -rf "$TMP/corpus/policies"
		cp -R "$CORPUS" "$TMP/corpus/policies"
		printf 'title: Basecamp policies\ncontent: policies\n' >"$TMP/corpus/policyc.yaml"
		sequence basecamp "$TMP/corpus" "$((seed + 2000))" xml,html
	else
		for _ in $(seq 0 "$STEPS"); do skip "no ../shared/corpora/basecamp+policies"; done
	fi
done
