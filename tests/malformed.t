#!/bin/sh
# Malformed input: each case gives a located diagnostic with the right rule
# and exit status, never a crash, and the build goes on with the rest.
. "$(dirname "$0")/lib.sh"
set -e
plan 47

P=$TMP/p
T="--today 2026-11-23"

# -- project that cannot be read: exit 2
mkdir -p "$TMP/empty"
run_policyc check "$TMP/empty" $T
is "$rc" 2 "no policyc.yaml: exit 2"
like "$out" "policyc.yaml:0:0: error: no policyc.yaml" "no policyc.yaml: says so"

make_project "$TMP/badcfg" "title: [unclosed"
run_policyc check "$TMP/badcfg" $T
is "$rc" 2 "broken YAML in policyc.yaml: exit 2"
like "$out" "^policyc.yaml:2:1: error: .*\[yaml-syntax\]" "broken config YAML: located yaml-syntax"

make_project "$TMP/unk" "title: T
colour: blue"
cat > "$TMP/unk/policies/a.md" <<'MD'
---
title: A
owner: O
review: 2030-01-01
---
# A
MD
run_policyc check "$TMP/unk" $T
is "$rc" 1 "unknown config key: exit 1"
like "$out" "^policyc.yaml:2:1: error: unknown key 'colour' \[config-unknown-key\]" "unknown config key: line and column"

make_project "$TMP/unk2" "title: T
organisation:
  name: X
  adress: typo"
run_policyc check "$TMP/unk2" $T
like "$out" "^policyc.yaml:4:3: error: unknown key 'adress' in organisation \[config-unknown-key\]" "unknown nested key: line and column"

# -- one project with a bad document of each kind
make_project "$P" "title: Malformed
rules:
  orphan: off"
mkdir -p "$P/policies/sub"
printf -- '---\ntitle: [broken\nowner: X\n---\n# Body still parsed\n' > "$P/policies/bad-yaml.md"
printf -- '---\ntitle: Dates\nowner: X\nreview: 2025-13-01\napproved: 2023-02-29\n---\nText\n' > "$P/policies/dates.md"
printf -- '---\ntitle: One\nowner: X\nreview: 2030-01\nid: same\n---\nText\n' > "$P/policies/one.md"
printf -- '---\ntitle: Two\nowner: X\nreview: 2030-01\nid: same\n---\nText\n' > "$P/policies/two.md"
printf -- '---\ntitle: Latin\nowner: X\nreview: 2030-01\n---\nCaf\351 au lait\n' > "$P/policies/latin1.md"
: > "$P/policies/empty.md"
printf 'Just a sentence with no heading and no front matter.\n' > "$P/policies/no-heading.md"
printf -- '---\ntitle: Escape\nowner: X\nreview: 2030-01\nid: ../../etc/x\n---\nText\n' > "$P/policies/escape.md"
printf '\357\273\277--- \ntitle: Bom\nowner: X\nreview: 2030-01\n...\nBody of bom\n' > "$P/policies/bom.md"
printf -- '---\ntitle: Never closed\n\nBody\n' > "$P/policies/open.md"
printf -- '---\ntitle: Status\nowner: X\nreview: 2030-01\nstatus: retired\n---\nText {{nope.value}} and `{{code}}`\n' > "$P/policies/status.md"
printf -- '---\n- a\n- b\n---\nList front matter\n' > "$P/policies/sub/list-fm.md"
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
like "$out" "^policies/bad-yaml.md:3:6: error: front matter: .*\[yaml-syntax\]" "broken front matter YAML: line and column"
like "$out" "^policies/dates.md:4:9: error: review: '2025-13-01' is not a real ISO date .*\[meta-invalid\]" "month 13 is meta-invalid at its value"
like "$out" "^policies/dates.md:5:11: error: approved: '2023-02-29' is not a real ISO date .*\[meta-invalid\]" "29 February 2023 is meta-invalid"
like "$out" "^policies/two.md:5:5: error: id 'same' is already used by policies/one.md \[id-duplicate\]" "duplicate id at the second"
like "$out" "^policies/latin1.md:6:4: error: not UTF-8 text (byte 0xe9)" "not UTF-8: located at the bad byte"
like "$out" "^policies/empty.md:1:0: error: no front matter: missing title, owner, review \[meta-required\]" "empty file: meta-required"
like "$out" "^policies/no-heading.md:1:0: error: no front matter: missing title, owner, review \[meta-required\]" "no heading, no front matter: meta-required"
like "$out" "^policies/escape.md:5:5: error: id '../../etc/x' would leave the output folder" "id with ../ refused"
like "$out" "^policies/open.md:1:1: error: front matter opened with '---' is never closed" "unterminated front matter"
like "$out" "^policies/status.md:5:9: error: status 'retired' is not one of" "status outside the list"
like "$out" "^policies/status.md:7:6: error: unknown variable '{{nope.value}}'" "unknown variable located"
unlike "$out" "{{code}}" "variables in code spans are left alone"
like "$out" "^policies/sub/list-fm.md:2:1: error: front matter must be a map" "front matter that is a list"
unlike "$out" "^policies/bad-yaml.md:.*meta-required" "broken front matter is not also reported as missing"
unlike "$out" "^policies/bom.md" "BOM, '--- ' and '...' closer: no diagnostic"
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
