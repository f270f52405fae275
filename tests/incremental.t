#!/bin/sh
# incremental.t — a build that reuses OUT/.policyc-cache publishes exactly
# what a full build (--no-cache, fresh OUT) publishes, byte for byte
# (diff -r), and prints the same diagnostics, after every kind of edit:
# body, title, heading, anchor, glossary term added and removed, related,
# status to superseded, document added, deleted, renamed, config,
# template, filter.  Pages the edit cannot reach are carried over (same
# inode), pages it reaches are made anew.  A corrupt, truncated, foreign
# or stale cache is a note and a full build; two builds at once into one
# OUT both succeed and leave a cache the next build trusts.
. "$(dirname "$0")/lib.sh"
set -e
plan 148

T="--today 2026-11-23"
P=$TMP/p
I=$TMP/inc/out     # the incremental OUT, kept from build to build
doc() {   # doc FILE TITLE [BODY] [EXTRA FRONT MATTER]
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n%s---\n%s\n' \
	    "$2" "${4:-}" "${3:-Text.}" > "$1"
}
make_project "$P" "title: Incremental
organisation:
  name: Test Org
rules:
  orphan: off"
cat > "$P/glossary.yaml" <<'EOF'
- term: Local Authority Designated Officer
  abbr: LADO
  definition: The officer who manages allegations.
EOF
doc "$P/policies/a.md" "Alpha" "Tell the LADO. See [b](b.md#section-one), [[b]] and [[c]].

## Duties

Text." "related: [c]
"
doc "$P/policies/b.md" "Bravo" "## Section one

Body of b."
doc "$P/policies/c.md" "Charlie" "Plain text of c."
for n in 1 2 3 4 5 6; do
	doc "$P/policies/z/z$n.md" "Zulu $n" "Nothing links here ($n)."
done

ino() { stat -c %i "$I/html/$1.html"; }
# build_both NAME: the incremental build into $I and a full one into a
# fresh folder; they must agree byte for byte, diagnostics included
build_both() {
	incr_vs_full "$1" "$P" "$I" $T --outputs xml,html
}
# reached NAME ID: the page of ID was made anew; kept NAME ID: carried over
reached() { [ "$(ino "$2")" != "$3" ] && ok 0 "$1: $2's page made anew" || ok 1 "$1: $2's page made anew"; }
kept() { [ "$(ino "$2")" = "$3" ] && ok 0 "$1: $2's page carried over" || ok 1 "$1: $2's page carried over"; }

build_both "first build"
check "the cache is in OUT" test -f "$I/.policyc-cache"

# -- body: only the edited page
a=$(ino a); z=$(ino z/z1)
sed -i 's/^Text\.$/Changed text./' "$P/policies/a.md"
build_both "body"
reached "body" a "$a"; kept "body" z/z1 "$z"
# the unchanged documents' link records are written again as they were
# read (incrlinks.c put_raw): they must be what a full build writes
like "$iraw" "links kept from the cache: 8 of 9 documents" "body: the other documents' links kept"
check "body: the link records = a full build's" sh -c 'test "$(grep "^l" "$1")" = "$(grep "^l" "$2")"' _ \
    "$I/.policyc-cache" "$TMP/full/out/.policyc-cache"

# -- corpus.xml: an edit that changes nothing corpus.xml holds carries
# it over, its rest not made (incremental.c incr_corpus_carry); an edit
# to what its rest is made from (a term use, a link, a finding, a
# citation) makes it anew
cx=$(stat -c %i "$I/xml/corpus.xml")
printf '\nOne more plain sentence.\n' >> "$P/policies/z/z5.md"
build_both "corpus.xml unchanged"
check "corpus.xml unchanged: carried over, its rest not made" sh -c \
    '[ "$(stat -c %i "$1")" = "$2" ] && ! printf "%s" "$3" | grep -q "corpus.xml.s rest"' \
    _ "$I/xml/corpus.xml" "$cx" "$iraw"
for edit in "The LADO is told." "See [[c]]." "See [a broken link](nowhere.md)." \
    "As Working Together 2018 says."; do
	cx=$(stat -c %i "$I/xml/corpus.xml")
	printf '\n%s\n' "$edit" >> "$P/policies/z/z5.md"
	build_both "corpus.xml's rest: $edit"
	check "corpus.xml's rest: $edit: corpus.xml made anew" sh -c \
	    '[ "$(stat -c %i "$1")" != "$2" ]' _ "$I/xml/corpus.xml" "$cx"
done

# -- lines moved: a paragraph added at the top of a moves its term use,
# links and findings in corpus.xml; no built-in corpus page reads a line
# (incremental.c hash_lean_nodes), so those pages are carried over
a=$(ino a); r=$(ino review); g=$(ino glossary); x=$(ino index); z=$(ino z/z1)
cp "$I/xml/corpus.xml" "$TMP/corpus-before.xml"
perl -0pi -e 's/\nTell the LADO/\nA paragraph added first.\n\nTell the LADO/' "$P/policies/a.md"
build_both "lines moved"
reached "lines moved" a "$a"; kept "lines moved" z/z1 "$z"
kept "lines moved" review "$r"; kept "lines moved" glossary "$g"; kept "lines moved" index "$x"
check "lines moved: corpus.xml has the moved lines" sh -c '! cmp -s "$1" "$2"' _ "$TMP/corpus-before.xml" "$I/xml/corpus.xml"
check "no built-in html template reads a line= attribute (the corpus pages' key leaves them out)" \
    sh -c '! grep -n "@line\|attribute::line\|name() *= *.line" "$1"/templates/html/*.xsl' _ "$ROOT"

# -- title: every page linking to it
a=$(ino a); b=$(ino b); z=$(ino z/z1)
sed -i 's/^title: Bravo$/title: Bravo Renamed/' "$P/policies/b.md"
build_both "title"
reached "title" b "$b"; reached "title" a "$a"; kept "title" z/z1 "$z"

# -- heading and anchor: a links to b#section-one, now broken
a=$(ino a); z=$(ino z/z1)
sed -i 's/^## Section one$/## Section uno/' "$P/policies/b.md"
build_both "heading/anchor"
reached "heading/anchor" a "$a"; kept "heading/anchor" z/z1 "$z"
like "$err" "a.md.*section-one.*link-broken" "heading/anchor: the broken link is reported"

# -- glossary: a term removed, then added
a=$(ino a); z=$(ino z/z1)
printf -- '- term: Something Else\n  definition: Other.\n' > "$P/glossary.yaml"
build_both "glossary term removed"
reached "glossary term removed" a "$a"; kept "glossary term removed" z/z1 "$z"
cat >> "$P/glossary.yaml" <<'EOF'
- term: Local Authority Designated Officer
  abbr: LADO
  definition: The officer who manages allegations (changed).
EOF
a=$(ino a)
build_both "glossary term added"
reached "glossary term added" a "$a"

# -- related: c lists z2; z2 shows c as related
c=$(ino c); z2=$(ino z/z2); z=$(ino z/z1)
doc "$P/policies/c.md" "Charlie" "Plain text of c." "related: [z/z2]
"
build_both "related"
reached "related" z/z2 "$z2"; kept "related" z/z1 "$z"

# -- status to superseded: a links to c, so a warns and a's page changes
a=$(ino a)
doc "$P/policies/c.md" "Charlie" "Plain text of c." "status: superseded
superseded-by: b
"
build_both "status superseded"
reached "status superseded" a "$a"
like "$err" "superseded-link" "status superseded: superseded-link reported"

# -- document added, deleted, renamed
z=$(ino z/z1)
doc "$P/policies/new.md" "Newcomer" "Links to [[z/z3]]."
build_both "document added"
check "document added: its page exists" test -f "$I/html/new.html"
kept "document added" z/z1 "$z"
rm "$P/policies/new.md"
build_both "document deleted"
check "document deleted: its page and XML are gone" sh -c '[ ! -e "$1/html/new.html" ] && [ ! -e "$1/xml/new.xml" ]' _ "$I"
mv "$P/policies/z/z4.md" "$P/policies/z/z4-moved.md"
build_both "document renamed"
check "document renamed: the old page is gone, the new one there" sh -c '[ ! -e "$1/html/z/z4.html" ] && [ -f "$1/html/z/z4-moved.html" ]' _ "$I"

# -- config: the organisation name reaches every page
z=$(ino z/z1)
sed -i 's/name: Test Org/name: Other Org/' "$P/policyc.yaml"
build_both "config"
reached "config" z/z1 "$z"

# -- template override: every page
z=$(ino z/z1)
mkdir -p "$P/templates/html"
cp "$ROOT/templates/html/style.css" "$P/templates/html/style.css"
echo '/* project style */' >> "$P/templates/html/style.css"
od=$(stat -c %i "$I")
build_both "template"
# more made than kept: the kept linked into staging, OUT swapped whole
check "template: OUT swapped in whole" test "$(stat -c %i "$I")" != "$od"
reached "template" z/z1 "$z"
grep -q 'project style' "$I/html/style.css"; ok $? "template: the override is published"

# -- filter: a project filter reports on z5 only
z5=$(ino z/z5); z=$(ino z/z1)
mkdir -p "$P/filters"
cat > "$P/filters/mine.lua" <<'EOF'
local F = { rules = { "house-style" } }
function F.document(doc, ctx)
  if doc.id == "z/z5" then ctx.report("house-style", "z5 is flagged", { line = 1 }) end
end
return F
EOF
build_both "filter"
like "$err" "z5.md:1:.*z5 is flagged" "filter: its diagnostic is printed"
kept "filter" z/z1 "$z"

# -- the document-local filters: findings of a document whose view did
# not change come from the cache, those of an edited one are made anew
check "filters: the cache holds each document's findings" grep -q "^flt	" "$I/.policyc-cache"
sed -i 's/^review: 2030-01-01$/review: 2020-01-01/' "$P/policies/z/z6.md"
echo "Ask the LSCB." >> "$P/policies/z/z6.md"
build_both "filters: findings of an edited document"
like "$err" "z6.md:.*review-overdue" "filters: the new review-overdue is printed"
sed -i 's/^Nothing links here (3)\.$/Still nothing (3)./' "$P/policies/z/z3.md"
build_both "filters: findings replayed for the others"
like "$err" "z6.md:.*LSCB.*outdated-term" "filters: z6's replayed outdated-term is printed"
# a project filter replacing a built-in one runs over every document
# (it may count across documents), as does every corpus() filter
cat > "$P/filters/review.lua" <<'EOF'
local F = { rules = { "house-count" } }
local n = 0
function F.document(doc, ctx)
  n = n + 1
  if doc.id == "z/z6" then ctx.report("house-count", "seen " .. n, { line = 1 }) end
end
return F
EOF
build_both "filters: a project filter replaces a built-in"
sed -i 's/^Still nothing (3)\.$/Nothing again (3)./' "$P/policies/z/z3.md"
build_both "filters: the project's filter sees every document"
like "$err" "z6.md:1:.*seen [0-9]" "filters: the counting filter reported"
rm "$P/filters/review.lua"
build_both "filters: the built-in back"
unlike "$err" "house-count" "filters: the replaced filter's findings are gone"

# -- an image's bytes change: its content-addressed name in the page
# changes, though no document's text did
cp "$ROOT/tests/cases/xml/images-same-name/policies/first/logo.png" "$P/policies/z/pic.png"
doc "$P/policies/z/z2.md" "Zulu 2" "![A picture](pic.png)"
build_both "image added"
z2=$(ino z/z2)
cp "$ROOT/tests/cases/xml/images-same-name/policies/second/logo.png" "$P/policies/z/pic.png"
build_both "image changed"
reached "image changed" z/z2 "$z2"

# -- a document retitled so that another's [[title]] link now finds it:
# the linking page changes though the two were not linked before
doc "$P/policies/z/z3.md" "Zulu 3" "See [[Zulu Seven]]."
build_both "a link by title, broken"
z3=$(ino z/z3)
doc "$P/policies/z/z5.md" "Zulu Seven" "Now called seven."
build_both "a link by title, found"
reached "a link by title, found" z/z3 "$z3"
# -- a folder's index page retitled: the folder's name on every page in it
doc "$P/policies/z/index.md" "Zed Folder" "The z folder."
build_both "a folder index added"
sed -i 's/^title: Zed Folder$/title: Zed Renamed/' "$P/policies/z/index.md"
build_both "a folder index retitled"

# -- a link with its own text: the target retitled changes no word of
# the linking document, but its page's related-policies graph names it
doc "$P/policies/z/z1.md" "Zulu 1" "See [the other one](z6.md)."
build_both "a link with its own text"
sed -i 's/^title: Zulu 6$/title: Zulu Six/' "$P/policies/z/z6.md"
build_both "its target retitled"

# -- the content folder's own index.md is the home page's text
doc "$P/policies/index.md" "Home" "Welcome, first words."
build_both "home page text added"
sed -i 's/^Welcome, first words\.$/Welcome, second words./' "$P/policies/index.md"
build_both "home page text edited"

# -- with PDFs: a body that grows by pages changes its PDF's facts on
# its page and on the contents (the PDFs are made from every tree)
pdf_both() {
	run_policyc build "$P" -o "$TMP/pdf-inc" $T
	ierr=$(printf '%s\n' "$err" | grep -v '^policyc: note:' || true); irc=$rc
	rm -rf "$TMP/pdf-full"
	run_policyc build "$P" -o "$TMP/pdf-full" $T --no-cache
	if [ "$irc" = "$rc" ] && [ "$ierr" = "$err" ] &&
	    same_out "$TMP/pdf-inc" "$TMP/pdf-full" >"$TMP/diff" 2>&1; then
		ok 0 "$1: incremental = full, PDFs included"
	else
		ok 1 "$1: incremental = full, PDFs included"; head -5 "$TMP/diff" | sed 's/^/#   /'
	fi
}
pdf_both "with PDFs, first"
for k in $(seq 1 60); do echo "A longer paragraph of the same words, line $k, to make more pages." >> "$P/policies/z/z3.md"; echo >> "$P/policies/z/z3.md"; done
pdf_both "with PDFs, a body grown by pages"
# the site's copy of a PDF (html/pdf/, a hard link) replaced by hand
# while the PDF itself is kept: linked again, not kept
rm "$TMP/pdf-inc/html/pdf/z/z1.pdf" && echo junk > "$TMP/pdf-inc/html/pdf/z/z1.pdf"
printf '\nOne more line.\n' >> "$P/policies/z/z2.md"
pdf_both "with PDFs, the site's copy of a kept PDF replaced"
# a document alone in its folder deleted: its PDF, its copy in html/pdf/
# and both folders go (no empty folder kept in OUT)
doc "$P/policies/solo/only.md" "Solo" "Alone in its folder."
pdf_both "with PDFs, a document alone in a folder"
rm -r "$P/policies/solo"
pdf_both "with PDFs, the folder's one document deleted"
check "with PDFs, one document deleted: no empty folder left" sh -c \
    '[ -z "$(find "$1" -type d -empty)" ]' _ "$TMP/pdf-inc"

# -- nothing changed: every page carried over
a=$(ino a); z=$(ino z/z1)
build_both "no change"
kept "no change" a "$a"; kept "no change" z/z1 "$z"

# -- in place (fsio_commit_in_place): with a trusted cache only what the
# build made is moved into OUT, which stays the same folder; what the
# build no longer makes goes, as with a full build's swap: a file or
# folder left in OUT by hand, a folder where a page goes, a file where
# a folder goes.  Nothing is left beside OUT.
od=$(stat -c %i "$I")
mkdir -p "$I/html/stray/deeper" && echo x > "$I/html/stray/deeper/f.html"
echo y > "$I/stray.txt"
rm "$I/html/z/z2.html" && mkdir -p "$I/html/z/z2.html/in" && echo x > "$I/html/z/z2.html/in/f"
printf '\nIn place.\n' >> "$P/policies/z/z4.md"
build_both "in place, with strays in OUT"
check "in place: OUT is the same folder" test "$(stat -c %i "$I")" = "$od"
check "in place: the stray file and folder are gone" sh -c \
    '! test -e "$1/stray.txt" && ! test -e "$1/html/stray"' _ "$I"
check "in place: nothing beside OUT" sh -c \
    '! ls -d "$1".tmp-* "$1".old-* 2>/dev/null | grep -q .' _ "$I"
rm -rf "$I/xml/z" && echo not-a-folder > "$I/xml/z"
build_both "a file where a folder of OUT goes"
# a folder of OUT that is a symbolic link (to a copy of it) is not
# trusted in place: its files are made anew in a real folder, and what
# the link points to is left alone; OUT itself a link is swapped
mkdir -p "$TMP/elsewhere" && mv "$I/html/z" "$TMP/elsewhere/z" && ln -s "$TMP/elsewhere/z" "$I/html/z"
printf '\nLinked.\n' >> "$P/policies/z/z4.md"
build_both "a folder of OUT that is a symbolic link"
check "... is a real folder now, the link's target untouched" sh -c \
    'test -d "$1/html/z" && ! test -L "$1/html/z" && test -f "$2/z/z1.html"' _ "$I" "$TMP/elsewhere"
mv "$I" "$TMP/real-out" && ln -s "$TMP/real-out" "$I"
printf '\nLinked OUT.\n' >> "$P/policies/z/z4.md"
build_both "OUT itself a symbolic link"
z=$(ino z/z1)
printf '\nIn place again.\n' >> "$P/policies/z/z4.md"
build_both "in place, again"
kept "in place, again" z/z1 "$z"
# POLICYC_IN_PLACE=0: the swap, to the same result
export POLICYC_IN_PLACE=0
printf '\nSwapped.\n' >> "$P/policies/z/z4.md"
build_both "swapped, not in place"
unset POLICYC_IN_PLACE
check "swapped: OUT is a new folder" test "$(stat -c %i "$I")" != "$od"
kept "swapped" z/z1 "$z"

# -- the cache is never trusted blindly
printf 'garbage' >> "$I/.policyc-cache"
build_both "corrupt cache"
like "$iraw" "policyc: note: .*policyc-cache is truncated or corrupt; this is a full build" "corrupt cache: a note, a full build"
# read once a build by the filters, the model and the cache: said once
is "$(printf '%s\n' "$iraw" | grep -c 'policyc-cache is')" 1 "corrupt cache: the note said once"
run_policyc build "$P" -o "$I" $T --outputs xml,html
unlike "$err" "policyc: note:" "after a corrupt cache: the new cache is trusted"
head -c 200 "$I/.policyc-cache" > "$TMP/trunc" && cp "$TMP/trunc" "$I/.policyc-cache"
run_policyc build "$P" -o "$I" $T --outputs xml,html
like "$err" "policyc: note: .*policyc-cache is truncated or corrupt; this is a full build" "truncated cache: a note, a full build"
sed -i 's/^out\t\(.\)/out\t0/' "$I/.policyc-cache"
run_policyc build "$P" -o "$I" $T --outputs xml,html
like "$err" "corrupt (its checksum does not match)" "edited cache: checksum catches it"
# a cache from another project: OUT copied to a second project's OUT
cp -r "$P" "$TMP/p2"
run_policyc build "$TMP/p2" -o "$TMP/p2out" $T --outputs xml,html
rm -rf "$TMP/p2out" && cp -r "$I" "$TMP/p2out"
run_policyc build "$TMP/p2" -o "$TMP/p2out" $T --outputs xml,html
like "$err" "was made for another project; this is a full build" "foreign cache: a note, a full build"
sed -i '1s/.*/policyc-cache 0/' "$I/.policyc-cache"
run_policyc build "$P" -o "$I" $T --outputs xml,html
like "$err" "is of another format version; this is a full build" "old format: said so (not \"corrupt\"), a full build"
# a page edited by hand in OUT is made anew, not carried over
build_both "rebuilt"
echo tampered >> "$I/html/z/z1.html"
build_both "page edited in OUT"
# ... also when the edit keeps its size and inode (only its time says
# so); a cache's files are known by their stat, the rest hashed again
run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
# (a file written in the clock tick the cache was is hashed: "racy")
like "$err" "cache: [0-9]* files carried over ([1-9][0-9]* known by their stat, [0-3] hashed again)" "unchanged OUT: carried files known by their stat, not read"
z2=$(ino z/z2)
printf 'X' | dd of="$I/html/z/z2.html" bs=1 seek=200 conv=notrunc 2>/dev/null
is "$(ino z/z2)" "$z2" "an edit in place keeps the inode"
build_both "page edited in place, same size"
reached "page edited in place" z/z2 "$z2"
# an OUT moved elsewhere (new inodes, times kept): hashed, then carried
build_both "before a move"
rm -rf "$TMP/moved" && cp -a "$I" "$TMP/moved"
run_policyc build "$P" -o "$TMP/moved" $T --outputs xml,html --timings
like "$err" "cache: [0-9]* files carried over (0 known by their stat, [1-9][0-9]* hashed again), 0 written" "an OUT copied elsewhere: every file hashed again and carried over"

# -- streamed trees: an unchanged document needs no tree at all (its page,
# XML file and search entry carried over); the edited one is made; an
# XML-only rebuild carries files without trees too; a page damaged in OUT
# is made anew from its tree read back.  The home page's text is the
# root index.md's tree, always read back when not made.
build_both "before the tree counts"
n=$(find "$P/policies" -name '*.md' | wc -l | tr -d ' ')
printf '\nOne more line (3).\n' >> "$P/policies/z/z3.md"
run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
like "$err" "of $n document trees 1 made, 1 read back, $((n - 2)) not needed" "body edit: one tree made, only the home text's read back"
run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
like "$err" "of $n document trees 0 made, 1 read back, $((n - 1)) not needed" "no edit: no tree made, only the home text's read back"
echo tampered >> "$I/html/z/z2.html"
run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
like "$err" "of $n document trees 0 made, 2 read back" "page damaged in OUT: its tree read back, its page made"
build_both "after the tree counts"
run_policyc build "$P" -o "$TMP/xo" $T --outputs xml
run_policyc build "$P" -o "$TMP/xo" $T --outputs xml --timings
like "$err" "of $n document trees 0 made, 0 read back, $n not needed" "XML only, no edit: files carried without trees"

# -- texts known by their file's stat (incrparse.c, incr_parse_trust): a
# document whose file is, by size, times, inode and device, the one the
# cache recorded read settled is not read again; any write shows in its
# ctime, so an edit that keeps the size and puts the old mtime back is
# read; a text read with a finding (not UTF-8) or without front matter
# (the hint the load gives reads the body) is read each time.  Not in a
# bounded build, which reads each text stage by stage and records no
# stat (make test-bounded runs this file so): the counts are those of
# builds that are not
build_both "before the stat trust"
# (a bounded build records no stat: one that is not records them first)
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$I" $T --outputs xml,html
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
like "$err" "($((n - 1)) texts known by their file's stat, not read)\|($n texts known by their file's stat, not read)" "no edit: the texts known by their stat, not read"
c_old=$(stat -c %y "$P/policies/c.md"); c_ino=$(stat -c %i "$P/policies/c.md")
at=$(grep -bo 'of c\.' "$P/policies/c.md" | cut -d: -f1)
printf 'of C!' | dd of="$P/policies/c.md" bs=1 seek="$at" conv=notrunc 2>/dev/null
touch -m -d "$c_old" "$P/policies/c.md"
is "$(stat -c '%y %i' "$P/policies/c.md")" "$c_old $c_ino" "same-size edit in place: the inode kept, the old mtime put back"
build_both "same-size edit, old mtime put back"
like "$(cat "$I/html/c.html")" "Plain text of C!" "same-size edit, old mtime put back: the new text published"
printf -- '---\ntitle: Latin\n---\nCaf\351 au lait.\n' > "$P/policies/latin.md"
printf 'title: Unfenced\n\nBody of the unfenced one.\n' > "$P/policies/unfenced.md"
build_both "a Latin-1 text and one without front matter"
build_both "a Latin-1 text and one without front matter, again"
like "$err" "not UTF-8 text" "rebuilt: the Latin-1 text still reported"
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$I" $T --outputs xml,html
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
like "$err" "($((n + 2 - 2)) texts known by their file's stat\|($((n + 2 - 3)) texts known by their file's stat" "rebuilt: those two read, the rest known by their stat"
rm -f "$P/policies/latin.md" "$P/policies/unfenced.md"
build_both "the Latin-1 and unfenced texts deleted"

# -- the search index in parts: an edit rewrites its document's part
# only; a part changed in OUT is never read back (its documents' entries
# are made from their trees), so OUT is still a full build's
P2=$TMP/p2; I2=$TMP/inc2/out
make_project "$P2" "title: Parts
rules:
  orphan: off"
for n in $(seq 1 150); do doc "$P2/policies/d$n.md" "Doc $n" "Words of document $n."; done
full2() {
	rm -rf "$TMP/full2"
	run_policyc build "$P2" -o "$TMP/full2/out" $T --outputs xml,html --no-cache
	run_policyc build "$P2" -o "$I2" $T --outputs xml,html
	same_out "$I2" "$TMP/full2/out" >"$TMP/diff" 2>&1 && r=0 || r=1; ok $r "$1: incremental = full"
}
parts() { (cd "$I2/html/search" && ls -i | sort); }
part_of() { grep -l "u:\"$1.html\"" "$I2"/html/search/*.js; }
run_policyc build "$P2" -o "$I2" $T --outputs xml,html
is "$(ls "$I2/html/search" | wc -l)" 4 "150 documents: the search index in 4 parts"
parts >"$TMP/parts1"
sed -i 's/^Words of document 7\./Other words of document 7./' "$P2/policies/d7.md"
full2 "parts: a body edit"
parts >"$TMP/parts2"
is "$(comm -12 "$TMP/parts1" "$TMP/parts2" | wc -l) $(comm -13 "$TMP/parts1" "$TMP/parts2" | wc -l)" "3 1" \
    "parts: a body edit carries three parts over and writes one"
like "$(cat "$(part_of d7)")" "Other words of document 7" "parts: the edit is in its part"
# a same-sized change to another document's entry in d7's part, then d7
# edited again: that entry is made from its tree, not read back
other=$(grep -o 'u:"d[0-9]*\.html"' "$(part_of d7)" | grep -v '"d7\.html"' | head -1 | sed 's/u:"\(.*\)\.html"/\1/')
sed -i "s/Words of document ${other#d}\./Wordz of document ${other#d}./" "$(part_of d7)"
sed -i 's/^Other words/Other words again/' "$P2/policies/d7.md"
full2 "parts: a part changed in OUT, its document edited"
unlike "$(cat "$I2"/html/search/*.js)" "Wordz" "parts: ... the changed entry is not carried into the new part"
# a part no document of which changed, changed in OUT: made again
sed -i 's/Words of document/Wordz of document/' "$(part_of "$other")"
for f in "$I2"/html/search/*.js; do grep -q 'u:"d7.html"' "$f" || { victim=$f; break; }; done
sed -i 's/Words of document/Wordz of document/' "$victim"
sed -i 's/^Other words again/Other words once more/' "$P2/policies/d7.md"
full2 "parts: two parts changed in OUT"
unlike "$(cat "$I2"/html/search/*.js)" "Wordz" "parts: ... neither change survives"

# -- two builds at once into the same OUT
rm -rf "$TMP/two"
( "$POLICYC" build "$P" -o "$TMP/two/out" $T --outputs xml,html >/dev/null 2>"$TMP/e1"; echo $? > "$TMP/rc1" ) &
( "$POLICYC" build "$P" -o "$TMP/two/out" $T --outputs xml,html >/dev/null 2>"$TMP/e2"; echo $? > "$TMP/rc2" ) &
wait
is "$(cat "$TMP/rc1") $(cat "$TMP/rc2")" "0 0" "two builds at once: both succeed"
rm -rf "$TMP/full"
"$POLICYC" build "$P" -o "$TMP/full/out" $T --outputs xml,html --no-cache >/dev/null 2>&1
same_out "$TMP/two/out" "$TMP/full/out" >/dev/null; ok $? "two builds at once: OUT = a full build"
run_policyc build "$P" -o "$TMP/two/out" $T --outputs xml,html
unlike "$err" "policyc: note: .*cache" "two builds at once: the cache they left is trusted"
old_gone "$TMP/two/out" || true
check "two builds at once: no staging folder left" sh -c '! ls -d "$1"/out.tmp-* "$1"/out.old-* 2>/dev/null | grep -q .' _ "$TMP/two"
exit $tap_failed
