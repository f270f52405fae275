#!/bin/sh
# hugepages.t — build, check and serve put malloc's heap on transparent
# huge pages in the process as it is (compiler/hugepages.c): the heap is
# reserved and marked early, and the build must say and write exactly
# what the build without it says and writes.  Every way of declining
# must decline, a limit on the address space must shrink the
# reservation, and the mark must be on the heap the kernel sees.
. "$(dirname "$0")/lib.sh"
set -e
plan 17

T="--today 2026-11-23"
P=$TMP/p
make_project "$P" "title: Pages"
for n in 1 2 3; do
	printf -- '---\ntitle: Doc %s\nowner: O\nreview: 2020-01-01\n---\n# Doc\n\nSee [two](d2.md) and [gone](missing.md).\n' \
	    "$n" > "$P/policies/d$n.md"
done
# a filter, so that the build forks its sandbox (which gives the
# reservation back before it limits its address space)
mkdir -p "$P/filters"
cat > "$P/filters/two.lua" <<'EOF'
local F = { rules = { "doc-two" } }
function F.document(doc, ctx)
  if doc.title == "Doc 2" then ctx.report("doc-two", "two") end
end
return F
EOF

marked() { printf '%s' "$err" | grep -q 'timing: malloc on transparent huge pages ([0-9]* MiB of heap reserved)'; }
not_marked() { ! printf '%s' "$err" | grep -q 'timing: malloc on transparent huge pages'; }

run_policyc build "$P" -o "$TMP/o-default" $T --timings
# the citations' share of the link stage, named just before its line
check "--timings gives the citations' CPU inside the links stage" sh -c \
    'printf "%s\n" "$1" | grep -A1 "^timing:   citations in links cpu [0-9.]* s$" | grep -q "^timing: links "' _ "$err"

thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo never)
if [ -n "${POLICYC_SANITIZED:-}" ] || [ -n "${POLICYC_WRAP:-}" ] ||
   ! printf '%s' "$thp" | grep -q -e '\[always\]' -e '\[madvise\]'; then
	for k in $(seq 16); do
		skip "huge pages: sanitizers, a wrapper, or none here ($thp)"
	done
	exit 0
fi

# the host: a virtio balloon with free page reporting (feature bit 5 of
# the device's features, listed bit 0 first) takes back the guest's free
# 2 MiB blocks, and huge pages are made of those
reporting=no
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0005 ] || continue
	[ "$(cut -c6 "$d/features" 2>/dev/null)" = 1 ] && reporting=yes
done
if [ $reporting = yes ]; then
	# such a host: huge pages only where one measured cheaper than 3/4
	# of the 512 small faults it stands for, and --timings gives both
	line=$(printf '%s\n' "$err" | grep '^timing: malloc on ' || true)
	huge=$(printf '%s' "$line" | sed -n 's/.*a huge page cost \([0-9]*\) us where its 512 small pages would cost \([0-9]*\) us$/\1/p')
	small=$(printf '%s' "$line" | sed -n 's/.*a huge page cost \([0-9]*\) us where its 512 small pages would cost \([0-9]*\) us$/\2/p')
	if [ -n "$huge" ] && [ -n "$small" ] && [ $((huge * 4)) -lt $((small * 3)) ]; then
		want="transparent huge pages ([0-9]* MiB of heap reserved): the host takes back free memory"
	else
		want="4 KiB pages: the host takes back free memory"
	fi
	check "the host takes back free memory: huge pages as measured ($huge us against $small us), --timings says so" sh -c \
	    '[ -n "$2" ] && printf "%s" "$1" | grep -q "^timing: malloc on $3"' _ "$line" "$huge" "$want"
else
	check "a small project too: the heap on huge pages, said under --timings" marked
fi
# the rest is of the marking itself: on such a host too
export POLICYC_HUGEPAGES=1
run_policyc build "$P" -o "$TMP/o-forced" $T --timings
check "POLICYC_HUGEPAGES=1: marked, whatever the host" marked

POLICYC_HUGEPAGES=0 run_policyc check "$P" $T --timings
check "POLICYC_HUGEPAGES=0: nothing marked" not_marked
run_policyc check "$P" $T --timings
check "check marks too" marked

# the same build either way (diagnostics are on stderr)
POLICYC_HUGEPAGES=0 run_policyc build "$P" -o "$TMP/o-without" $T
err0=$err; rc0=$rc
run_policyc build "$P" -o "$TMP/o-with" $T
is "$rc" "$rc0" "on huge pages: the same exit status"
is "$err" "$err0" "on huge pages: the same diagnostics"
like "$err" "warning: two \\[doc-two\\]" "the filter ran in its sandbox"
check "on huge pages: the same files, byte for byte" \
    diff -r -x .policyc-cache "$TMP/o-without" "$TMP/o-with"
POLICYC_HUGEPAGES=0 run_policyc check "$P" $T
err0=$err; rc0=$rc
run_policyc check "$P" $T
is "$err/$rc" "$err0/$rc0" "check on huge pages: the same diagnostics and status"

GLIBC_TUNABLES=glibc.malloc.hugetlb=0 run_policyc check "$P" $T --timings
check "the user's own glibc.malloc.hugetlb is theirs: nothing marked" not_marked
LD_PRELOAD=/nonexistent.so run_policyc check "$P" $T --timings
check "LD_PRELOAD set (another malloc, valgrind): nothing marked" not_marked
GLIBC_TUNABLES=glibc.malloc.tcache_count=7 run_policyc check "$P" $T --timings
check "other tunables of the user's: marked all the same" marked

# a limit on the address space: the reservation is a quarter of it
err=$(ulimit -v 2097152 && "$POLICYC" check "$P" $T --timings 2>&1 >/dev/null) || true
like "$err" "timing: malloc on transparent huge pages (512 MiB of heap reserved)" \
    "under a 2 GiB address-space limit: 512 MiB reserved"
err=$(ulimit -v 200000 && "$POLICYC" check "$P" $T --timings 2>&1 >/dev/null) || true
check "under a 200 MB limit: too little to reserve, the check goes on" sh -c \
    '! printf "%s" "$1" | grep -q "transparent huge" && printf "%s" "$1" | grep -q "timing: report"' _ "$err"

# serve: the server marks its heap before its builder, whose builds
# (forks) inherit it; the kernel's own view of the heap says so
"$POLICYC" serve "$P" -o "$TMP/o-serve" --port 0 $T --timings \
    >/dev/null 2>"$TMP/serve.err" &
spid=$!
for i in $(seq 1 300); do grep -q 'http://' "$TMP/serve.err" && break; kill -0 $spid 2>/dev/null || break; sleep 0.1; done
flags=$(awk '/\[heap\]/ { h = 1 } h && /^VmFlags:/ { print; exit }' /proc/$spid/smaps 2>/dev/null || true)
kill -INT $spid 2>/dev/null || true
wait $spid || true
err=$(cat "$TMP/serve.err")
like "$flags" " hg" "serve: the kernel has the heap marked for huge pages (VmFlags hg)"
like "$err" "first build: built in" "serve: the server builds"
