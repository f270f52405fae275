#!/bin/sh
# hugepages.t — a large build starts again once with glibc's malloc on
# transparent huge pages (compiler/hugepages.c).  The threshold is
# lowered with POLICYC_HUGEPAGES_MIN_DOCS so that a small project shows
# the restart; the restarted build must say and write exactly what the
# build without it says and writes, and every way of declining it must
# decline.
. "$(dirname "$0")/lib.sh"
set -e
plan 14

T="--today 2026-11-23"
P=$TMP/p
make_project "$P" "title: Pages"
for n in 1 2 3; do
	printf -- '---\ntitle: Doc %s\nowner: O\nreview: 2020-01-01\n---\n# Doc\n\nSee [two](d2.md) and [gone](missing.md).\n' \
	    "$n" > "$P/policies/d$n.md"
done

restarted() { printf '%s' "$err" | grep -q 'timing: restarted, malloc on transparent huge pages'; }

# a small project: never, by default
run_policyc build "$P" -o "$TMP/o-default" $T --timings
check "3 documents: no restart by default" sh -c '! printf "%s" "$1" | grep -q "timing: restarted"' _ "$err"
# the citations' share of the link stage, named just before its line
check "--timings gives the citations' CPU inside the links stage" sh -c \
    'printf "%s\n" "$1" | grep -A1 "^timing:   citations in links cpu [0-9.]* s$" | grep -q "^timing: links "' _ "$err"

thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo never)
if [ -n "${POLICYC_SANITIZED:-}" ] || [ -n "${POLICYC_WRAP:-}" ] ||
   ! printf '%s' "$thp" | grep -q -e '\[always\]' -e '\[madvise\]'; then
	for k in 1 2 3 4 5 6 7 8 9 10 11 12; do
		skip "restart: sanitizers, a wrapper, or no transparent huge pages here ($thp)"
	done
	exit 0
fi

POLICYC_HUGEPAGES=0 run_policyc build "$P" -o "$TMP/o-without" $T
out0=$out; rc0=$rc; err0=$err
POLICYC_HUGEPAGES_MIN_DOCS=1 run_policyc build "$P" -o "$TMP/o-with" $T --timings
check "threshold 1: the build restarts and says so under --timings" restarted
is "$rc" "$rc0" "restarted build: the same exit status"
is "$out" "$out0" "restarted build: the same diagnostics"
check "restarted build: the same files, byte for byte" \
    diff -r -x .policyc-cache "$TMP/o-without" "$TMP/o-with"

POLICYC_HUGEPAGES=0 run_policyc check "$P" $T
out0=$out; rc0=$rc
POLICYC_HUGEPAGES_MIN_DOCS=1 run_policyc check "$P" $T --timings
check "check restarts too" restarted
is "$out/$rc" "$out0/$rc0" "restarted check: the same diagnostics and status"

POLICYC_HUGEPAGES=0 POLICYC_HUGEPAGES_MIN_DOCS=1 run_policyc check "$P" $T --timings
check "POLICYC_HUGEPAGES=0: no restart" sh -c '! printf "%s" "$1" | grep -q "timing: restarted"' _ "$err"
GLIBC_TUNABLES=glibc.malloc.hugetlb=0 POLICYC_HUGEPAGES_MIN_DOCS=1 run_policyc check "$P" $T --timings
check "the user's own glibc.malloc.hugetlb is kept: no restart" sh -c '! printf "%s" "$1" | grep -q "timing: restarted"' _ "$err"
LD_PRELOAD=/nonexistent.so POLICYC_HUGEPAGES_MIN_DOCS=1 run_policyc check "$P" $T --timings
check "LD_PRELOAD set (another malloc, valgrind): no restart" sh -c '! printf "%s" "$1" | grep -q "timing: restarted"' _ "$err"
GLIBC_TUNABLES=glibc.malloc.tcache_count=7 POLICYC_HUGEPAGES_MIN_DOCS=1 run_policyc check "$P" $T --timings
check "other tunables of the user's: the restart still happens" restarted

# serve: the server starts again before its builder, and its builds
# (forks of the builder) inherit the tunable
POLICYC_HUGEPAGES_MIN_DOCS=1 "$POLICYC" serve "$P" -o "$TMP/o-serve" --port 0 $T --timings \
    >/dev/null 2>"$TMP/serve.err" &
spid=$!
for i in $(seq 1 300); do grep -q 'http://' "$TMP/serve.err" && break; kill -0 $spid 2>/dev/null || break; sleep 0.1; done
kill -INT $spid 2>/dev/null || true
wait $spid || true
err=$(cat "$TMP/serve.err")
check "serve: the server restarts and says so under --timings" restarted
like "$err" "first build: built in" "serve: the restarted server builds"
