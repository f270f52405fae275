# lib.sh — TAP helpers for the shell tests (sourced by tests/*.t).
#   plan N; ok COND-EXIT-STATUS "what"; is GOT WANT "what"; skip "why"
#   run_policyc ARGS...  runs $POLICYC (under $POLICYC_WRAP), setting
#                        $out (stdout), $err (stderr) and $rc.
set -u
: "${POLICYC:?set POLICYC to the policyc binary}"
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
tap_n=0
tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/policyc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; }
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"
	else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}
# diag: lines read from stdin, as TAP comments on stderr, where prove
# shows them beside a failure (its -f hides stdout's comments)
diag() { sed 's/^/#   /' >&2; }
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"
	elif [ "$(printf '%s' "$1$2" | wc -l)" -eq 0 ]; then
		ok 1 "$3"; printf 'got:  %s\nwant: %s\n' "$1" "$2" | diag
	else
		ok 1 "$3"; printf '%s\n' "$2" > "$TMP/.want"; printf '%s\n' "$1" > "$TMP/.got"
		diff -u --label want --label got "$TMP/.want" "$TMP/.got" | head -40 | diag
	fi
}
like() {
	if printf '%s' "$1" | grep -q -- "$2"; then ok 0 "$3"
	else ok 1 "$3"; { printf 'no match for: %s\n' "$2"; printf '%s\n' "$1" | head -20 | sed 's/^/| /'; } | diag; fi
}
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # skip $1"; }
run_policyc() {
	set +e
	${POLICYC_WRAP:-} "$POLICYC" "$@" >"$TMP/.out" 2>"$TMP/.err"
	rc=$?
	set -e
	out=$(cat "$TMP/.out")
	err=$(cat "$TMP/.err")
	# a sanitizer's report is shown wherever it appears, so that a test
	# failing for it (a sandboxed child's report makes it exit 66, which
	# the build reports as a crashed filter) says why in CI's log
	if grep -q -e '^WARNING: ThreadSanitizer' -e '^==[0-9]*==ERROR: ' -e 'runtime error:' "$TMP/.err"; then
		{ echo "sanitizer report from policyc $*:"; head -60 "$TMP/.err"; } | diag
	fi
}
# A sanitizer report anywhere in stderr is a failure of its own.
no_sanitizer_report() {
	if printf '%s' "$err" | grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'ERROR: LeakSanitizer' -e 'WARNING: ThreadSanitizer'; then
		ok 1 "$1: no sanitizer report"; printf '%s\n' "$err" | head -30 | diag
	else ok 0 "$1: no sanitizer report"; fi
}
# make_project DIR: a minimal project with the given policyc.yaml text
make_project() {
	mkdir -p "$1/policies"
	printf '%s\n' "${2:-title: Test}" > "$1/policyc.yaml"
}
unlike() {
	if printf '%s' "$1" | grep -q -- "$2"; then
		ok 1 "$3"; { printf 'unexpected match for: %s\n' "$2"
		printf '%s\n' "$1" | grep -- "$2" | head -5 | sed 's/^/| /'; } | diag
	else ok 0 "$3"; fi
}
# check CMD...: ok when the command succeeds (set -e safe)
check() { desc=$1; shift; if "$@"; then ok 0 "$desc"; else ok 1 "$desc"; fi; }

# same_out A B: two OUT folders hold the same files byte for byte, and
# the same build caches (editions: one an edition) but for what only a
# file system can say (each output's modification time and inode, which
# the cache records so the next build need not hash what it carries
# over), the link world and the views kept under it (vw, vh: the world
# hashes every name in the project folder, which holds the other OUT),
# the link records (lw and the lines under it: kept under that world,
# and written only when the folder could be listed), the body records
# (pw and the lines under it: not written by serve, whose standby parses
# the bodies), and the checksum that covers them.  Prints diff's lines when they
# differ.
cache_facts() {
	sed -E -e 's/^(out\t[^\t]*\t[^\t]*\t[^\t]*)\t[0-9]+\t[0-9]+\t/\1\t-\t-\t/' \
	    -e '/^sum /d' -e '/^(v[wh]|l[wkfeatcdnF]|p[wkhifsmv])\t/d' "$1"
}
same_out() {
	diff -r -x .policyc-cache "$1" "$2" || return 1
	(cd "$1" && find . -name .policyc-cache | sort) >"$TMP/.caches1"
	(cd "$2" && find . -name .policyc-cache | sort) >"$TMP/.caches2"
	diff "$TMP/.caches1" "$TMP/.caches2" || return 1
	while read -r c; do
		cache_facts "$1/$c" >"$TMP/.facts1" 2>&1
		cache_facts "$2/$c" >"$TMP/.facts2" 2>&1
		diff "$TMP/.facts1" "$TMP/.facts2" || return 1
	done <"$TMP/.caches1"
}
# incr_vs_full NAME PROJECT OUT ARGS...: builds PROJECT into OUT with
# its cache (and --timings), then a full build (--no-cache) into a fresh
# folder, both with ARGS; one test: they publish the same files byte for
# byte, say the same (notes, timings and the cache's summary aside) and
# exit alike.  Leaves the incremental build's stderr in $iraw.
incr_vs_full() {
	_name=$1 _proj=$2 _out=$3
	shift 3
	run_policyc build "$_proj" -o "$_out" "$@" --timings
	irc=$rc iraw=$err
	ierr=$(printf '%s\n' "$err" | grep -v '^policyc: note:\|^timing\|^cache:' || true)
	rm -rf "$TMP/full"
	run_policyc build "$_proj" -o "$TMP/full/out" "$@" --no-cache
	same_out "$_out" "$TMP/full/out" >"$TMP/diff" 2>&1 && _same=0 || _same=1
	if [ "$irc" = "$rc" ] && [ "$ierr" = "$err" ] && [ $_same = 0 ]; then
		ok 0 "$_name: incremental = full (diff -r, diagnostics, status)"
	else
		ok 1 "$_name: incremental = full (diff -r, diagnostics, status)"
		head -20 "$TMP/diff" | sed 's/^/#   /'
		printf '%s\n' "$ierr" | diff - "$TMP/.err" | head -10 | sed 's/^/#   /' || true
	fi
}
# old_gone OUT: waits (at most 10 s) until no OUT.old-* is beside OUT —
# a build removes the previous OUT in a detached child after the swap,
# so it may still be going when the build has returned.
old_gone() {
	for _i in $(seq 1 100); do
		ls -d "$1".old-* >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}
# serve_stop: Ctrl-C to the serve_start'ed process, then waits for it;
# sets $src (its exit status) and $err (all it printed on stderr)
serve_stop() {
	kill -INT $pid
	set +e
	wait $pid
	src=$?
	set -e
	err=$(cat "$TMP/serve.err")
}
# serve_start ARGS...: `policyc serve ARGS` in the background, its output
# in $TMP/serve.out and $TMP/serve.err; sets pid and port, or fails the
# test when it does not start.  A script's background job starts with
# SIGINT ignored: perl gives it back its default, as a terminal's Ctrl-C
# would find it.
serve_start() {
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' -- ${POLICYC_WRAP:-} "$POLICYC" serve "$@" \
	    >"$TMP/serve.out" 2>"$TMP/serve.err" &
	pid=$!
	port=
	for i in $(seq 1 600); do
		port=$(sed -n 's|^policyc serve: http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/serve.err")
		[ -n "$port" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] && return 0
	ok 1 "serve started"
	sed 's/^/#   /' "$TMP/serve.err"
	plan $tap_n
	exit 1
}
