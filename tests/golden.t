#!/bin/sh
# Golden files: the sample cases in tests/golden/project build to exactly
# the XML and the diagnostics in tests/golden/expected (`make regen`
# rewrites them; the diff is reviewed).
. "$(dirname "$0")/lib.sh"
G=$TESTS_DIR/golden
n=$(cd "$G/expected/xml" && find . -name '*.xml' | wc -l)
plan $((n + 4))

run_policyc check "$G/project" --today 2026-11-23
is "$rc" 1 "golden project: check exits 1 (it has errors)"
printf '%s\n' "$out" > "$TMP/check.lint"
if diff -u "$G/expected/check.lint" "$TMP/check.lint" > "$TMP/diff"; then ok 0 "diagnostics match check.lint"
else ok 1 "diagnostics match check.lint"; sed 's/^/# /' "$TMP/diff" | head -40; fi

run_policyc build "$G/project" -o "$TMP/site" --today 2026-11-23 --outputs xml
is "$rc" 0 "golden project builds"
got=$(cd "$TMP/site/xml" && find . -name '*.xml' | wc -l)
is "$got" "$n" "as many XML files as expected"
(cd "$G/expected/xml" && find . -name '*.xml' | sort) | while read -r f; do
	if [ -f "$TMP/site/xml/$f" ] && xmllint --format "$TMP/site/xml/$f" | diff -u "$G/expected/xml/$f" - > "$TMP/diff"; then
		echo "ok - xml/$f matches"
	else
		echo "not ok - xml/$f matches"; sed 's/^/# /' "$TMP/diff" | head -40
	fi
done
