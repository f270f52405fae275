#!/bin/sh
# Every XML file built from the bundled sample and from both policy
# collections under ../shared/corpora is valid against policy.rng; the
# collections build without a crash and get a diagnostic for what they lack.
. "$(dirname "$0")/lib.sh"
RNG=$ROOT/templates/xml/policy.rng
plan 15

validate() {
	files=$(find "$1" -name '*.xml' | sort)
	count=$(printf '%s\n' "$files" | grep -c . || true)
	if xmllint --noout --relaxng "$RNG" $files 2>"$TMP/xl" >/dev/null; then
		ok 0 "$2: all $count XML files valid"
	else
		ok 1 "$2: all $count XML files valid"; grep -v validates "$TMP/xl" | head -20 | sed 's/^/# /'
	fi
}

run_policyc build "$ROOT/content" -o "$TMP/content" --today 2026-11-23 --outputs xml
is "$rc" 0 "content/ builds"
validate "$TMP/content/xml" "content/"
docs=$(find "$ROOT/content/policies" -name '*.md' | wc -l)
xml=$(find "$TMP/content/xml" -name '*.xml' ! -name corpus.xml | wc -l)
is "$xml" "$docs" "content/: one XML per document"
check "content/: corpus.xml written" [ -s "$TMP/content/xml/corpus.xml" ]
no_sanitizer_report "content/ build"

for c in basecamp+policies OsioLabs+emphandbook; do
	src=$SHARED/corpora/$c
	if [ ! -d "$src" ]; then skip "$c not found"; skip "$c"; skip "$c"; skip "$c"; skip "$c"; continue; fi
	p=$TMP/$c
	mkdir -p "$p"
	cp -R "$src" "$p/policies"
	printf 'title: %s\n' "$c" > "$p/policyc.yaml"
	run_policyc build "$p" -o "$p/out" --today 2026-11-23 --outputs xml
	is "$rc" 0 "$c: builds"
	validate "$p/out/xml" "$c"
	like "$err" "meta-required" "$c: says what metadata it lacks"
	unlike "$err" "Segmentation\|Aborted\|core dumped" "$c: no crash"
	no_sanitizer_report "$c build"
done
