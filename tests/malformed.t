#!/bin/sh
# Malformed input: each case gives a located diagnostic with the right rule
# and exit status, never a crash, and the build goes on with the rest.
. "$(dirname "$0")/lib.sh"
set -e
plan 35

P=$TMP/p
T="--today 2026-11-23"

# -- project that cannot be read: exit 2
mkdir -p "$TMP/empty"
run_policyc check "$TMP/empty" $T
is "$rc" 2 "no policyc.yaml: exit 2"
like "$out" "policyc.yaml:0:0: error: no policyc.yaml" "no policyc.yaml: says so"

# The diagnostics of broken configurations and of a bad document of each
# kind are case projects (tests/cases/malformed/*/expected.lint, compared
# by cases.t); this file keeps what a case folder cannot say: exit codes,
# a 5 MB document made here, and what a build of the bad documents writes.
run_policyc check "$ROOT/tests/cases/malformed/config-yaml" $T
is "$rc" 2 "broken YAML in policyc.yaml: exit 2"
run_policyc check "$ROOT/tests/cases/malformed/config-unknown" $T
is "$rc" 1 "unknown config key: exit 1"

# -- one project with a bad document of each kind, and a 5 MB one
cp -R "$ROOT/tests/cases/malformed/documents" "$P"
rm -f "$P/expected.lint"
# a 5 MB document
{
	printf -- '---\ntitle: Big\nowner: X\nreview: 2030-01\n---\n'
	i=0
	while [ $i -lt 2000 ]; do
		printf '## Section %d\n\n' $i
		printf 'The designated officer reviews every allegation promptly and records the outcome in writing for the file. %.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24
		printf '\n\n'
		i=$((i + 1))
	done
} > "$P/policies/big.md"
size=$(wc -c < "$P/policies/big.md")
check "the big document is over 5 MB ($size bytes)" [ "$size" -gt 5000000 ]

run_policyc check "$P" $T
is "$rc" 1 "malformed documents: check exits 1"
unlike "$out" "^policies/big.md" "5 MB document: no diagnostic"
like "$out" "in 13 documents$" "every document is counted (the build went on)"
no_sanitizer_report "check of malformed project"

# build publishes everything it can, and nothing escapes OUT
run_policyc build "$P" -o "$TMP/out" $T --outputs xml
is "$rc" 0 "build with errors still publishes (exit 0)"
check "document with errors is published" [ -f "$TMP/out/xml/dates.xml" ]
check "both documents of a duplicate id are kept" sh -c '[ -f "$1" ] && [ -f "$2" ]' _ "$TMP/out/xml/same.xml" "$TMP/out/xml/same-2.xml"
check "the escaping id falls back to the file's path" [ -f "$TMP/out/xml/escape.xml" ]
check "nothing is written outside OUT" sh -c '[ ! -e "$1" ] && [ ! -e "$2" ]' _ "$TMP/etc" "$TMP/out/xml/etc"
check "Latin-1 text is kept, as UTF-8" grep -q 'Café' "$TMP/out/xml/latin1.xml"
check "the 5 MB document is published" [ -f "$TMP/out/xml/big.xml" ]
if command -v xmllint >/dev/null; then
	xmllint --noout --relaxng "$ROOT/templates/xml/policy.rng" $(find "$TMP/out/xml" -name '*.xml') 2>"$TMP/xl"
	ok $? "every XML of the malformed project is valid"
else skip "xmllint missing"; fi
no_sanitizer_report "build of malformed project"

# a failed build leaves the previous OUT untouched
echo keep > "$TMP/out/sentinel"
run_policyc build "$P" -o "$TMP/out" $T --outputs xml --strict
is "$rc" 1 "--strict with errors: exit 1"
check "--strict failure leaves the previous OUT as it was" sh -c '[ -f "$1" ] && [ -f "$2" ]' _ "$TMP/out/sentinel" "$TMP/out/xml/dates.xml"
unlike "$(ls "$TMP")" "out.tmp-" "no staging folder is left behind"

# OUT that policyc did not make is never replaced
mkdir -p "$TMP/precious"; echo data > "$TMP/precious/file.txt"
run_policyc build "$P" -o "$TMP/precious" $T --outputs xml
is "$rc" 2 "refuses to replace a folder it did not make"
check "that folder is untouched" [ -f "$TMP/precious/file.txt" ]
run_policyc build "$P" -o "$P" $T --outputs xml
is "$rc" 2 "refuses to publish over the project itself"

# bad usage
run_policyc frobnicate
is "$rc" 2 "unknown command: exit 2"
run_policyc check "$P" --today 2023-02-29
is "$rc" 2 "--today that is not a real day: exit 2"
like "$err" "^policyc: --today '2023-02-29' is not a real date" "bad usage: one-line reason"
run_policyc check "$P" --format xml
is "$rc" 2 "unknown --format: exit 2"
run_policyc build "$P" --outputs doc
is "$rc" 2 "unknown --outputs: exit 2"

# -- file names that are not UTF-8 (written on a system with another
# encoding): the id takes '-' for the byte, and every XML, page and
# index stays UTF-8 (the name's byte in corpus.xml's path was a file
# xmllint could not read)
N=$TMP/names
mkdir -p "$N/policies"
printf 'title: Names\n' > "$N/policyc.yaml"
printf -- '---\ntitle: Latin-1 name\nowner: O\nreview: 2030-01-01\n---\n\nText.\n' > "$N/policies/$(printf 'caf\351 notes').md"
printf -- '---\ntitle: Other\nowner: O\nreview: 2030-01-01\n---\n\nSee [the notes](caf%%E9%%20notes.md).\n' > "$N/policies/other.md"
run_policyc check "$N" $T
checked=$out
run_policyc build "$N" -o "$TMP/names-out" $T --outputs xml,html
is "$rc" 0 "a name that is not UTF-8: built"
is "$err" "$checked" "a name that is not UTF-8: check and build say the same"
check "a name that is not UTF-8: published as caf-notes" [ -f "$TMP/names-out/html/caf-notes.html" ]
bad=""
for f in $(find "$TMP/names-out" -type f \( -name '*.xml' -o -name '*.html' -o -name '*.js' -o -name '*.csv' \)); do
	iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || bad="$bad $f"
done
is "$bad" "" "a name that is not UTF-8: every output file is UTF-8"
if command -v xmllint >/dev/null; then
	check "a name that is not UTF-8: its XML is valid" sh -c 'xmllint --noout --relaxng "$1" "$2"/*.xml 2>/dev/null' _ "$ROOT/templates/xml/policy.rng" "$TMP/names-out/xml/"
	check "a name that is not UTF-8: corpus.xml is well-formed" sh -c 'xmllint --noout "$1" 2>/dev/null' _ "$TMP/names-out/xml/corpus.xml"
else skip "xmllint missing"; skip "xmllint missing"; fi
