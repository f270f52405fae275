#!/bin/sh
# incremental-random.t — edits piled on one another, as an editor makes
# them between two saves: after each, the incremental build (one OUT kept
# from build to build, its cache trusted) publishes what a full build
# (--no-cache, a fresh OUT) publishes, byte for byte, with the same
# diagnostics, status and cache facts (lib.sh's incr_vs_full), and
# `check` prints what the full build said.
# tests/incremental.t tries each kind of edit alone on a small project;
# this tries them in random sequences (tests/incremental-edit.py) on the
# bundled sample, with and without PDFs, on an edition of the regional
# example with its core edited too, and on a real collection of policies
# from ../shared/corpora.
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
for _ in $SEEDS; do runs=$((runs + 4)); done
plan $((runs * 2 * (STEPS + 1)))

# check_says NAME: check, run on the project as it stands, prints what
# the full build just said (check = build)
check_says() {
	_berr=$err
	run_policyc check "$_p" $T
	if [ "$out" = "$_berr" ]; then ok 0 "$1: check prints what build says"
	else
		ok 1 "$1: check prints what build says"
		printf '%s\n' "$_berr" > "$TMP/.build-said"
		printf '%s\n' "$out" | diff -u --label build --label check "$TMP/.build-said" - | head -20 | diag
	fi
}

# sequence NAME BASE SEED OUTPUTS [PROJECT [EDITED...]]: copies BASE,
# builds it (or its folder PROJECT), then STEPS times an edit (to BASE,
# or to each EDITED folder in turn) and a comparison
sequence() {
	_top=$TMP/$1-$3/p _o=$TMP/$1-$3/out
	mkdir -p "$TMP/$1-$3"
	cp -R "$2" "$_top"
	_p=$_top/${5:-.}
	shift 4; [ $# -gt 0 ] && shift
	_edited=${*:-.}
	incr_vs_full "$_name0, seed $_seed0: first build" "$_p" "$_o" $T --outputs "$_outputs0"
	check_says "$_name0, seed $_seed0: first build"
	set -- $_edited
	for _s in $(seq 1 "$STEPS"); do
		_what=$(python3 "$TESTS_DIR/incremental-edit.py" "$_top/$1" "$_seed0" "$_s")
		[ "$1" = . ] || _what="$1: $_what"
		incr_vs_full "$_name0, seed $_seed0, step $_s ($_what)" "$_p" "$_o" $T --outputs "$_outputs0"
		check_says "$_name0, seed $_seed0, step $_s"
		_first=$1; shift; set -- "$@" "$_first"
	done
	rm -rf "$TMP/$_name0-$_seed0"
}
run_sequence() {   # NAME BASE SEED OUTPUTS [PROJECT [EDITED...]]
	_name0=$1 _seed0=$3 _outputs0=$4
	sequence "$@"
}

for seed in $SEEDS; do
	run_sequence sample "$ROOT/content" "$seed" xml,html
	run_sequence "sample with PDFs" "$ROOT/content" "$((seed + 1000))" xml,html,pdf
	# an edition and the regional core it extends, edited in turn
	run_sequence edition "$ROOT/examples/regional" "$((seed + 3000))" xml,html \
	    hampshire core hampshire
	if [ -d "$CORPUS" ]; then
		mkdir -p "$TMP/corpus"
		rm -rf "$TMP/corpus/policies"
		cp -R "$CORPUS" "$TMP/corpus/policies"
		printf 'title: Basecamp policies\ncontent: policies\n' >"$TMP/corpus/policyc.yaml"
		run_sequence basecamp "$TMP/corpus" "$((seed + 2000))" xml,html
	else
		for _ in $(seq 0 "$STEPS"); do
			skip "no ../shared/corpora/basecamp+policies"
			skip "no ../shared/corpora/basecamp+policies"
		done
	fi
done
