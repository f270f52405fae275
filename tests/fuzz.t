#!/bin/sh
# fuzz.t — replays the seed corpus of every libFuzzer target in tests/fuzz/
# (tests/fuzz/corpus/NAME: pieces of content/ and tests/golden/project, and
# every crash input found so far) once each: deterministic, no fuzzing time,
# so a fixed bug that comes back fails here.  Builds the targets with clang
# into build-fuzz/ first (make -f tests/fuzz/fuzz.mk fuzz-build); skips when
# clang or its libFuzzer runtime is not installed (scripts/setup-deps fuzz).
. "$(dirname "$0")/lib.sh"
FUZZERS="frontmatter document filter xml pdfannot"
plan 6

skip_all() {
	for _ in 1 2 3 4 5 6; do skip "$1"; done
	exit 0
}
command -v clang >/dev/null 2>&1 || skip_all "clang is not installed"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$TMP/probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$TMP/probe" "$TMP/probe.c" \
    >/dev/null 2>&1 || skip_all "clang cannot link libFuzzer (libclang-rt-14-dev)"

set +e
make -C "$ROOT" --no-print-directory -f tests/fuzz/fuzz.mk fuzz-build \
    >"$TMP/build.log" 2>&1
rc=$?
set -e
if [ $rc -ne 0 ]; then
	ok 1 "fuzz targets build with clang"
	tail -20 "$TMP/build.log" | sed 's/^/#   /'
	for f in $FUZZERS; do skip "fuzz_$f: not built"; done
	exit 1
fi
ok 0 "fuzz targets build with clang"

for f in $FUZZERS; do
	set +e
	"$ROOT/build-fuzz/fuzz_$f" "$ROOT"/tests/fuzz/corpus/$f/* \
	    >"$TMP/$f.log" 2>&1
	rc=$?
	set -e
	n=$(ls "$ROOT/tests/fuzz/corpus/$f" | wc -l)
	if [ $rc -eq 0 ]; then
		ok 0 "fuzz_$f: $n seed inputs replay without a sanitizer report"
	else
		ok 1 "fuzz_$f: $n seed inputs replay without a sanitizer report"
		grep -v '^INFO:' "$TMP/$f.log" | grep -B2 -A25 -m1 \
		    -e 'ERROR:' -e 'runtime error' -e 'deadly signal' -e '^==' \
		    | head -40 | sed 's/^/#   /'
	fi
done
[ $tap_failed -eq 0 ]
