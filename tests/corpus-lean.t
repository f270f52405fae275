#!/bin/sh
# corpus-lean.t — a site build that streams its trees (--outputs without
# pdf) holds corpus.xml's tree lean (xmlout.h): its <graph> and
# <diagnostics>, the two largest parts, which no built-in corpus page
# reads, stay empty elements and are written in their place from the
# index when corpus.xml is written or hashed.  corpus.xml must be the
# bytes of the whole tree (a PDF build holds it whole), the section
# graphs of the home page the same, and a project whose own templates
# may read those parts gets the whole tree.
. "$(dirname "$0")/lib.sh"
set -e
plan 15

T="--today 2026-11-23"
RNG=$ROOT/templates/xml/policy.rng

P=$TMP/p
make_project "$P" "title: Lean <&> \"corpus\""
mkdir -p "$P/policies/staff"
cat > "$P/policies/staff/one.md" <<'EOF2'
---
title: One <&> "quoted" 'too'
related:
  - id: staff/two
    note: "see <this> & \"that\""
  - staff/three
review: 2020-01-01
---
# One

See [two](two.md), [three](three.md) and [a missing page](gone<&>"x".md).
[[no such & <page>]] and [[staff/two]].
EOF2
cat > "$P/policies/staff/two.md" <<'EOF2'
---
title: Two
---
Back to [one](one.md), on to [three](three.md#nowhere).
EOF2
cat > "$P/policies/staff/three.md" <<'EOF2'
---
title: Three
status: superseded
superseded_by: staff/two
---
Text with a form feed in a wiki link: [[bad page]].
EOF2
printf 'Also a \014 form feed and [[x\014y]].\n' >> "$P/policies/staff/three.md"
# a term used by more documents than the lean tree holds under it
cat > "$P/glossary.yaml" <<'EOF2'
- term: Local Authority Designated Officer
  abbr: LADO
  definition: The officer who manages allegations <&> "concerns".
EOF2
mkdir -p "$P/policies/many"
i=1
while [ $i -le 104 ]; do
	printf -- '---\ntitle: Many %03d <&>\n---\nTell the LADO, then the LADO again.\n' $i > "$P/policies/many/m$i.md"
	i=$((i + 1))
done

# lean: xml and html only
run_policyc build "$P" -o "$TMP/lean" --outputs xml,html $T
rc_lean=$rc
# whole: the PDF back end needs every tree, so corpus.xml's tree is whole
run_policyc build "$P" -o "$TMP/whole" --outputs xml,html,pdf $T
is "$rc" "$rc_lean" "lean and whole builds exit alike"
check "corpus.xml: the same bytes, lean or whole" cmp "$TMP/lean/xml/corpus.xml" "$TMP/whole/xml/corpus.xml"
grep -q '<edge ' "$TMP/lean/xml/corpus.xml"; ok $? "the lean corpus.xml has its graph's edges"
grep -q '<diagnostic ' "$TMP/lean/xml/corpus.xml"; ok $? "... and its diagnostics"
grep -q '<uses count="104">' "$TMP/lean/xml/corpus.xml"; ok $? "... and says how many documents use a term"
test "$(tr '>' '\n' < "$TMP/lean/xml/corpus.xml" | grep -c '^<use doc=')" -eq 104
ok $? "... and lists all 104, past the 100 the lean tree holds"
like "$(cat "$TMP/lean/html/glossary.html")" "Used in 104 documents" "the glossary page counts them all"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout --relaxng "$RNG" "$TMP/lean/xml/corpus.xml" 2>"$TMP/xl" >/dev/null
	ok $? "the lean build's corpus.xml is valid against policy.rng"
else
	skip "no xmllint"
fi

# a project's own template (the built-in 404 page, copied): the corpus
# pages get the whole tree, and write the same site
cp -R "$P" "$TMP/q"
mkdir -p "$TMP/q/templates/html"
cp "$ROOT/templates/html/404.xsl" "$TMP/q/templates/html/404.xsl"
run_policyc build "$TMP/q" -o "$TMP/q-out" --outputs xml,html $T
check "with the whole tree: the same site and XML" diff -r -x .policyc-cache "$TMP/lean" "$TMP/q-out"
grep -q 'class="graph' "$TMP/lean/html/index.html"; ok $? "the home page draws the section's graph from the lean tree's edges"

# ... and a template that reads the parts sees them
cat > "$TMP/q/templates/html/404.xsl" <<'EOF2'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html"/>
  <xsl:template match="/">
    <p>edges <xsl:value-of select="count(/corpus/graph/edge)"/>,
       diagnostics <xsl:value-of select="count(/corpus/diagnostics/diagnostic)"/></p>
  </xsl:template>
</xsl:stylesheet>
EOF2
run_policyc build "$TMP/q" -o "$TMP/q-out2" --outputs xml,html $T
edges=$(grep -c '<edge ' "$TMP/lean/xml/corpus.xml" || true)
n=$(tr '>' '\n' < "$TMP/lean/xml/corpus.xml" | grep -c '^<diagnostic ' || true)
like "$(cat "$TMP/q-out2/html/404.html")" "edges $(tr '>' '\n' < "$TMP/lean/xml/corpus.xml" | grep -c '^<edge ')," "a project's template counts the graph's edges"
like "$(cat "$TMP/q-out2/html/404.html")" "diagnostics $n" "... and the diagnostics"
test "$n" -gt 3; ok $? "the project has diagnostics to count ($n)"

# nothing to hold: an empty graph and no diagnostics
E=$TMP/e
make_project "$E" "title: Empty"
printf -- '---\ntitle: Alone\nowner: Someone\nreview: 2030-01-01\n---\nText.\n' > "$E/policies/index.md"
run_policyc build "$E" -o "$TMP/e-lean" --outputs xml,html $T
run_policyc build "$E" -o "$TMP/e-whole" --outputs xml,html,pdf $T
check "an empty graph: the same bytes, lean or whole" cmp "$TMP/e-lean/xml/corpus.xml" "$TMP/e-whole/xml/corpus.xml"
if grep -q '<graph/>' "$TMP/e-lean/xml/corpus.xml" &&
    grep -q '<diagnostics/>' "$TMP/e-lean/xml/corpus.xml"; then
	ok 0 "... written as empty elements"
else
	ok 1 "... written as empty elements"
fi
