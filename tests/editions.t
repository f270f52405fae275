#!/bin/sh
# Editions (extends.c, overlay.c, profile.c, editions.c): the drift check
# and `policyc overlay update`, several editions in one run (shared core
# files read once, OUT/<edition>/, reproducible), and the worked example
# examples/regional built to XML, HTML and PDF.  The golden XML and
# diagnostics of each overlay kind, profiling and the bad overlays are
# the cases under tests/cases/editions/ (run by tests/cases.t).
. "$(dirname "$0")/lib.sh"
plan 72

T=2026-11-23
CASES=$ROOT/tests/cases/editions
cp -a "$CASES" "$TMP/ed"
E=$TMP/ed

# ---- drift: overlay-stale, then overlay update accepts ----
run_policyc check "$E/overlay-stale" --today $T
like "$out" "allegations.local.md:6:1: warning: the core section 'responding' .* changed since .*\[overlay-stale\]" "a changed core section: overlay-stale at the marker"
run_policyc overlay update "$E/overlay-stale"
is "$rc" 0 "overlay update exits 0"
like "$out" "2 local blocks updated in 1 overlay" "overlay update says what it changed"
run_policyc check "$E/overlay-stale" --today $T
unlike "$out" "overlay-stale" "after overlay update: no overlay-stale"
like "$(cat "$E/overlay-stale/policies/guide/allegations.local.md")" "<!-- local replace=responding core=[0-9a-f]\{16\} -->" "the marker holds the new hash"

# the core moves on: the section the overlay replaces changes
sed -i 's/Core responding text\./Core responding text, revised./' "$E/core/policies/guide/allegations.md"
run_policyc check "$E/overlay-stale" --today $T
like "$out" "allegations.local.md:6:1: warning: the core section 'responding' (../core/policies/guide/allegations.md:22) changed" "an edit of the core section is caught"
unlike "$out" "'roles-and-responsibilities'.*overlay-stale" "an untouched section is not stale"
# the heading goes: a missing anchor is an error, the text is kept
sed -i 's/^## Responding$/## Reacting/' "$E/core/policies/guide/allegations.md"
run_policyc check "$E/overlay-stale" --today $T
like "$out" "allegations.local.md:6:1: error: no section 'responding' in the core document" "a vanished anchor: overlay-anchor error"
run_policyc build "$E/overlay-stale" -o "$TMP/stale-out" --today $T --outputs xml
like "$(cat "$TMP/stale-out/xml/guide/allegations.xml")" "Written against an older core" "the local text of a lost anchor is still published"

# ---- diagnostics point at the file that holds the text ----
run_policyc check "$CASES/overlay-bad" --today $T
like "$out" "^policies/guide/allegations.local.md:3:1: error: .*did you mean 'roles-and-responsibilities'" "local text: the overlay's file and line"
like "$out" "^../core/policies/guide/records.md:5:11: error: .*guide/retired" "core text: the core's file and line (an excluded document's links reported)"
run_policyc build "$CASES/overlay-bad" -o "$TMP/bad-out" --today $T --outputs xml
is "$rc" 0 "bad overlays: the build goes on"
check "an overlay of a document the core lacks is published on its own" test -f "$TMP/bad-out/xml/guide/missing.xml"

# ---- the core's filters, logo, images and templates are inherited ----
run_policyc build "$CASES/inherit" -o "$TMP/inh" --today $T
is "$rc" 0 "an edition of a core with assets: built"
intro=$(cat "$TMP/inh/html/guide/intro.html")
local_page=$(cat "$TMP/inh/html/guide/local.html")
like "$intro" 'class="site-header__logo" src="\.\./assets/[0-9a-f]*\.png"' "the core's logo is the edition's (none of its own)"
map=$(printf '%s' "$intro" | sed -n 's/.*<img src="\([^"]*\)" alt="Map of the region".*/\1/p')
check "a core document's image is published from the core" test -s "$TMP/inh/html/guide/$map"
chart=$(printf '%s' "$intro" | sed -n 's/.*<img src="\([^"]*\)" alt="Chart of referrals".*/\1/p')
own=$(printf '%s' "$local_page" | sed -n 's/.*<img src="\([^"]*\)" alt="Local chart".*/\1/p')
is "$chart" "$own" "an image of the same name in the edition replaces the core's"
like "$(pdftotext "$TMP/inh/pdf/guide/intro.pdf" - 2>/dev/null)" "Introduction" "the PDF of a core document with the core's images"
like "$(cat "$TMP/inh/html/404.html")" "Page not found in the regional manual" "the core's site template is inherited"
like "$(cat "$TMP/inh/html/style.css")" "the edition's own site style" "the edition's template of the same name wins"
unlike "$(cat "$TMP/inh/html/style.css")" "the core's site style" "... and the core's is not used"
sed -i 's/in the regional manual/in the core manual/' "$E/inherit-core/templates/html/404.xsl"
run_policyc build "$E/inherit" -o "$TMP/inh2" --today $T
run_policyc build "$E/inherit" -o "$TMP/inh2" --today $T
sed -i 's/in the core manual/in the changed core manual/' "$E/inherit-core/templates/html/404.xsl"
run_policyc build "$E/inherit" -o "$TMP/inh2" --today $T
like "$(cat "$TMP/inh2/html/404.html")" "in the changed core manual" "a change to a core template is seen by the edition's build cache"
# a core's template reads only inside the template folders, not the edition beside it
sed -i 's|<xsl:import href="layout.xsl"/>|<xsl:import href="layout.xsl"/><xsl:include href="../../../inherit/policyc.yaml"/>|' "$E/inherit-core/templates/html/404.xsl"
run_policyc check "$E/inherit" --today $T
like "$out" "inherit-core/templates/html/404.xsl:[0-9]*:0: error: .*refused.*\[html-template\]" "a core template that reads outside the template folders is refused, at the core's file"

# ---- a pack's own profile: its PDF, not the site ----
run_policyc build "$CASES/pack-profile" -o "$TMP/pp" --today $T
is "$rc" 0 "packs with their own audience: built"
pp() { pdftotext "$TMP/pp/pdf/$1.pdf" - 2>/dev/null | tr '\n' ' '; }
like "$(pp for-parents)" "Parents-only core text" "parents' pack: the parents' block is kept"
unlike "$(pp for-parents)" "Staff-only core text" "parents' pack: the staff block is left out"
like "$(pp for-parents)" "Responding" "parents' pack: the rest of the document is there"
like "$(pp for-staff)" "Staff-only core text" "staff pack: the staff block is kept"
unlike "$(pp for-staff)" "Parents-only core text" "staff pack: the parents' block is left out"
like "$(pp everyone)" "Staff-only core text.*Parents-only core text" "a pack without a profile keeps the edition's"
like "$(pp guide/allegations)" "Staff-only core text.*Parents-only core text" "the document's own PDF keeps the edition's profile"
like "$(cat "$TMP/pp/html/guide/allegations.html")" "Staff-only core text" "the site keeps the edition's profile"

# ---- check = build ----
run_policyc check "$CASES/overlay-kinds" --today $T
c_out=$out
run_policyc build "$CASES/overlay-kinds" -o "$TMP/kinds-out" --today $T --outputs xml
is "$err" "$c_out" "an edition: build prints what check prints"

# ---- several editions in one run ----
cp -a "$ROOT/examples/regional" "$TMP/regional"
R=$TMP/regional
run_policyc build "$R/core" --edition all -o "$TMP/ws1" --today $T --stats --outputs xml,html
is "$rc" 0 "build --edition all exits 0"
check "OUT/<edition>/ for each edition" test -d "$TMP/ws1/core/html" -a -d "$TMP/ws1/hampshire/html" -a -d "$TMP/ws1/little-acorns/html"
like "$err" "editions: 3 built, 9 documents; shared core files: 3 read once, 1 repeat reads saved" "shared core files are read once (counted by --stats)"
SOURCE_DATE_EPOCH=1790000000 run_policyc build "$R/core" --edition all -o "$TMP/ws2" --today $T -j 4
par_err=$err
no_sanitizer_report "editions side by side"
SOURCE_DATE_EPOCH=1790000000 run_policyc build "$R/core" --edition all -o "$TMP/ws3" --today $T -j 1
check "reproducible: editions side by side (-j 4) publish what one after another (-j 1) does, PDFs too" same_out "$TMP/ws2" "$TMP/ws3"
is "$par_err" "$err" "editions side by side: the same diagnostics, in the same order"
for e in core hampshire little-acorns; do
	SOURCE_DATE_EPOCH=1790000000 run_policyc build "$R/core" --edition $e -o "$TMP/ws-one" --today $T -j 1
	check "edition $e alone publishes what it does in --edition all" same_out "$TMP/ws-one/$e" "$TMP/ws2/$e"
done
# SIGTERM while editions publish side by side: every staging folder goes
# (each edition has its own; the handler used to know only the last)
rm -rf "$TMP/ws-term"
"$POLICYC" build "$R/core" --edition all -o "$TMP/ws-term" --today $T -j 4 >/dev/null 2>&1 &
bpid=$!
for _ in $(seq 1 400); do
	ls -d "$TMP"/ws-term/*.tmp-* >/dev/null 2>&1 && break
	kill -0 $bpid 2>/dev/null || break
	sleep 0.01
done
kill -TERM $bpid 2>/dev/null
set +e; wait $bpid; brc=$?; set -e
if [ "$brc" = 143 ]; then
	check "SIGTERM during editions side by side: no staging folder left" \
	    sh -c '! ls -d "$1"/*.tmp-* 2>/dev/null | grep -q .' _ "$TMP/ws-term"
else
	skip "SIGTERM during editions: the build had finished (exit $brc)"
fi
run_policyc check "$R/core" "$R/hampshire" "$R/little-acorns" --today $T -j 4
par_out=$out
run_policyc check "$R/core" "$R/hampshire" "$R/little-acorns" --today $T -j 1
is "$par_out" "$out" "several folders side by side: check prints what one after another does"
run_policyc build "$R/core" --edition hampshire -o "$TMP/ws4" --today $T --outputs xml
check "--edition NAME builds that edition only" test -d "$TMP/ws4/hampshire" -a ! -d "$TMP/ws4/core"
run_policyc build "$R/core" --edition hampshir -o "$TMP/ws5" --today $T
is "$rc" 2 "an unknown edition: exit 2"
like "$err" "did you mean 'hampshire'" "an unknown edition: with a suggestion"
mkdir -p "$TMP/a/x" "$TMP/b/x"
run_policyc build "$TMP/a/x" "$TMP/b/x" -o "$TMP/dup"
is "$rc" 2 "two folders of the same name would share OUT/<name>: refused"
run_policyc check "$R/hampshire" "$R/little-acorns" --today $T --format json
like "$out" '"file": *"[^"]*/regional/core/glossary.yaml"' "several folders: paths from where policyc runs, any format"
is "$(printf '%s\n' "$out" | grep -c 'Section 47 enquiry')" 1 "a finding in shared core text is printed once, not once per edition"
run_policyc check "$R/core" --edition all --today $T --format json -j 4
like "$out" '"file": *"[^"]*/regional/core/policies/[^"]*", [^}]*"owner": "[^"]*", "url": "[^"]*.html"' "editions: JSON gives each document's owner and page, as for one project"

# ---- documents shared between editions are parsed once ----
for e in a b c; do
	mkdir -p "$TMP/share/$e"
	printf 'title: Edition %s\nedition: %s\nextends: ../../ed/core\n' $e $e > "$TMP/share/$e/policyc.yaml"
done
run_policyc build "$TMP/share/a" "$TMP/share/b" "$TMP/share/c" -o "$TMP/share-out" --today $T --outputs xml --stats
like "$err" "editions: 3 built, 12 documents; .* 4 texts parsed, 8 parses shared" "3 editions of a 4-document core: each core document parsed once, its tree copied for the others"
run_policyc build "$TMP/share/b" -o "$TMP/share-one" --today $T --outputs xml
check "a shared parse publishes what a parse of its own does (positions kept)" diff -r "$TMP/share-one/xml" "$TMP/share-out/b/xml"
# the bundled sample (tables, footnotes, task lists, code): the copies
# publish what parses of their own do, site and PDF included
cp -a "$ROOT/content" "$TMP/sample"
for e in s1 s2; do
	mkdir -p "$TMP/share/$e"
	printf 'title: Edition %s\nextends: ../../sample\n' $e > "$TMP/share/$e/policyc.yaml"
done
SOURCE_DATE_EPOCH=1790000000 run_policyc build "$TMP/share/s1" "$TMP/share/s2" -o "$TMP/share-s" --today $T
SOURCE_DATE_EPOCH=1790000000 run_policyc build "$TMP/share/s2" -o "$TMP/share-s2" --today $T
check "the sample through a shared parse: the same XML, site and PDFs" diff -r -x .policyc-cache "$TMP/share-s2" "$TMP/share-s/s2"
printf 'title: Edition c\nedition: c\nextends: ../../ed/core\ninclude: { audience: parents }\n' > "$TMP/share/c/policyc.yaml"
run_policyc build "$TMP/share/a" "$TMP/share/b" "$TMP/share/c" -o "$TMP/share-out2" --today $T --outputs xml --stats
like "$err" "5 texts parsed, 7 parses shared" "an edition whose profile changes a text parses its own"

# ---- the worked example: pages, PDFs, profiling ----
run_policyc build "$R/core" --edition all -o "$TMP/ex" --today $T
H=$TMP/ex/hampshire
L=$TMP/ex/little-acorns
like "$(cat "$H/html/allegations/managing-allegations.html")" 'class="local-text__label">Local procedure — Hampshire' "site: local text labelled with the edition"
like "$(cat "$H/html/local/escalation.html")" 'class="local-doc">Local procedure — Hampshire' "site: a document the edition added is labelled"
like "$(pdftotext "$H/pdf/allegations/managing-allegations.pdf" - 2>/dev/null)" "Local procedure — Hampshire" "PDF: local text labelled with the edition"
unlike "$(cat "$L/html/allegations/managing-allegations.html")" "Support for the member of staff" "parents' edition: the staff-only block is dropped"
like "$(cat "$H/html/allegations/managing-allegations.html")" "Support for the member of staff" "staff edition: the staff-only block is kept"
check "excluded: no page for the document" test ! -e "$L/html/partnership/agency-roles.html"
unlike "$(pdftotext "$TMP/ex/core/pdf/parents-guide.pdf" - 2>/dev/null)" "Support for the member of staff" "the core's parents' pack leaves the staff block out"
like "$(pdftotext "$TMP/ex/core/pdf/manual.pdf" - 2>/dev/null)" "Support for the member of staff" "... its whole manual keeps it"
# glossary definitions read the edition's own variables (glossary.c)
like "$(cat "$H/xml/corpus.xml")" "in Hampshire, on 01632 960450" "hampshire's glossary: its own LADO phone in corpus.xml"
like "$(cat "$H/html/glossary.html")" "in Hampshire, on 01632 960450" "... on the site's glossary page"
like "$(cat "$H/html/allegations/managing-allegations.html")" 'title="[^"]*in Hampshire, on 01632 960450' "... in a term's tooltip"
unlike "$(cat "$H/xml/corpus.xml")" "01632 960000" "... not the core's"
is "$(grep -l '{{' "$H/xml/corpus.xml" "$H"/html/*.html "$H"/html/*/*.html)" "" "no {{ left in hampshire's XML or site"
cp -a "$R" "$TMP/gv"
printf -- '- term: Local helpline\n  definition: Call {{contacts.nobody.phone}}.\n' >> "$TMP/gv/hampshire/glossary.yaml"
printf -- '- term: Regional helpline\n  definition: Call {{contacts.nowhere.phone}}.\n' >> "$TMP/gv/core/glossary.yaml"
run_policyc build "$TMP/gv/core" --edition all -o "$TMP/gv-out" --today $T --outputs xml
is "$(printf '%s\n' "$err" | grep -c "contacts.nobody.phone.*variable-unknown")" 1 "an unknown variable in an edition's definition: reported once"
like "$err" "hampshire/glossary.yaml:[0-9]*:[0-9]*: error: unknown variable '{{contacts.nobody.phone}}'" "... at the edition's glossary file"
is "$(printf '%s\n' "$err" | grep -c "core/glossary.yaml:[0-9]*:[0-9]*: error: unknown variable '{{contacts.nowhere.phone}}'")" 1 "one in a core's definition: once for the core and its editions, at the core's file"
bad=0
for f in $(find "$TMP/ex" -path '*/xml/*.xml'); do
	xmllint --noout --relaxng "$ROOT/templates/xml/policy.rng" "$f" 2>/dev/null || bad=$((bad + 1))
done
is "$bad" 0 "every edition's XML is valid against policy.rng"
exit $((tap_failed > 0))
