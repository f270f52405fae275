#!/bin/sh
# Every XML file built from the bundled sample and from both policy
# collections under ../shared/corpora is valid against policy.rng; the
# collections build without a crash and get a diagnostic for what they lack.
# Then every fixture project (tests/cases/*/*, tests/golden/project) and the
# hand-written tests/fixtures/xml are valid too, and the cases of
# tests/cases/xml/*/ (packs, brand, logo, images, comments, titles) give
# exactly their expected.lint from `policyc check`, the same diagnostics
# from `policyc build`, and the XML their judgement says.
# Regenerate an expected.lint with:  REGEN=1 prove tests/xml.t
. "$(dirname "$0")/lib.sh"
RNG=$ROOT/templates/xml/policy.rng
CASES=$ROOT/tests/cases/xml
plan $((35 + 3 * $(ls -d "$CASES"/*/ | wc -l)))

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

# ---- every fixture project's XML is valid ----
n=0; bad=0
for p in "$ROOT"/tests/cases/*/*/ "$ROOT/tests/golden/project/"; do
	[ -f "$p/policyc.yaml" ] || continue
	case "$p" in *sandbox-time*) continue ;; esac   # a filter time limit: slow, no XML of interest
	n=$((n + 1))
	o=$TMP/fx-$n
	"$POLICYC" build "$p" -o "$o" --today 2026-11-23 --outputs xml >/dev/null 2>&1 || true
	[ -d "$o/xml" ] || continue   # a project refused whole (content outside it) publishes nothing
	# --huge: hostile cases nest deeper than xmllint's default 256 levels;
	# -print0: hostile file names hold spaces and quotes
	if ! find "$o/xml" -name '*.xml' -print0 | sort -z |
	    xargs -0 xmllint --huge --noout --relaxng "$RNG" >"$TMP/fx.log" 2>&1; then
		bad=$((bad + 1)); { echo "$p"; grep -v validates "$TMP/fx.log" | head -5 | sed "s/^/  /"; } | diag
	fi
done
is "$bad" 0 "all $n fixture projects' XML is valid"
if xmllint --noout --relaxng "$RNG" "$ROOT"/tests/fixtures/xml/*.xml 2>/dev/null; then ok 0 "tests/fixtures/xml is valid"
else ok 1 "tests/fixtures/xml is valid"; fi

# ---- tests/cases/xml: check = expected.lint = build ----
# xq FILE XPATH: the string value of an XPath expression
xq() { xmllint --xpath "$2" "$1" 2>/dev/null || true; }
for d in "$CASES"/*/; do
	name=$(basename "$d")
	run_policyc check "$d" --today 2026-11-23
	if [ -n "${REGEN:-}" ]; then printf '%s\n' "$out" > "$d/expected.lint"; fi
	is "$out" "$(cat "$d/expected.lint")" "$name: check gives expected.lint"
	run_policyc build "$d" -o "$TMP/$name" --today 2026-11-23 --outputs xml,html
	is "$(printf '%s\n' "$err" | grep -v ' in [0-9]* document' | sort)" \
	    "$(grep -v ' in [0-9]* document' "$d/expected.lint" | sort)" "$name: build says what check says"
	validate "$TMP/$name/xml" "$name"
done

X=$TMP/pack-missing/xml/corpus.xml
is "$(xq "$X" 'string(//pack[@id="staff-pack"]/include/@ref)')" "staff/conduct" "pack-missing: the pack keeps the document that exists"
is "$(xq "$X" 'count(//pack[@id="staff-pack"]/include)')" "1" "pack-missing: and nothing else"

X=$TMP/brand-contrast/xml/corpus.xml
v=$(xq "$X" 'string(//colour[@name="primary"]/@value)')
check "brand-contrast: primary is judged, darker than #ffdd00 ($v)" sh -c "printf '%s' '$v' | grep -q '^#[0-9a-f]\{6\}\$' && [ '$v' != '#ffdd00' ]"
is "$(xq "$X" 'string(//colour[@name="accent"]/@value)')" "#00703c" "brand-contrast: a malformed colour gives the default"
is "$(xq "$TMP/brand-contrast/xml/a.xml" 'string(//colour[@name="primary"])')" "$v" "brand-contrast: documents carry the same colour"

for c in logo-outside logo-symlink logo-svg-script huge-png; do
	is "$(xq "$TMP/$c/xml/corpus.xml" 'count(//organisation/logo)')" "0" "$c: no logo in the XML"
done
check "logo-outside: /etc/passwd is not published" sh -c "! grep -rq 'root:' '$TMP/logo-outside' '$TMP/logo-symlink'"

X=$TMP/images-same-name/xml
a1=$(xq "$X/first/a.xml" 'string(//image/@asset)')
a2=$(xq "$X/second/b.xml" 'string(//image[@alt="The second logo"]/@asset)')
check "images-same-name: two logo.png get two names ($a1, $a2)" sh -c "[ -n '$a1' ] && [ -n '$a2' ] && [ '$a1' != '$a2' ]"
check "images-same-name: both are copied into the site" sh -c "cmp -s '$TMP/images-same-name/html/$a1' '$CASES/images-same-name/policies/first/logo.png' && cmp -s '$TMP/images-same-name/html/$a2' '$CASES/images-same-name/policies/second/logo.png'"
is "$(xq "$X/second/b.xml" 'string(//image[@alt="an SVG with script"]/@kind)')" "unsafe" "images-same-name: an SVG with script is unsafe"
is "$(ls "$TMP/images-same-name/html/assets" | wc -l | tr -d ' ')" "2" "images-same-name: nothing refused is copied"

is "$(xq "$TMP/huge-png/xml/a.xml" 'string(//image/@kind)')" "unsafe" "huge-png: a declared 12000 x 12000 PNG is not published"

X=$TMP/comments/xml/a.xml
check "comments: no comment text in the XML" sh -c "! grep -qi 'reviewer\|secret\|unclosed' '$X'"
check "comments: nor in the site" sh -c "! grep -rqi 'reviewer\|secret\|unclosed' '$TMP/comments/html'"
like "$(xq "$X" 'string(//body)')" "Visible" "comments: the text around them stays"
