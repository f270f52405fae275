#!/bin/sh
# pdf-cache.t — the build cache carries a document's PDF over from the
# previous OUT (a hard link: same inode) when its tree and what every PDF
# is made from (pdf_identity: this binary, its libraries and fonts, the
# PDF style files, the branding, SOURCE_DATE_EPOCH) are as they were, and
# makes it again otherwise.  After every step OUT equals a full build's
# (--no-cache, a fresh OUT) byte for byte.  A pack is made again whenever
# the build runs, from its documents' pages; a page links its PDF with
# its pages and size, so a page made beside PDFs is never carried into a
# build without them (its link would be broken), nor the other way.
. "$(dirname "$0")/lib.sh"
set -e
plan 34

T="--today 2026-11-23"
P=$TMP/p
O=$TMP/out
doc() {   # doc FILE TITLE [BODY]
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n---\n%s\n' \
	    "$2" "${3:-Text.}" > "$1"
}
make_project "$P" "title: PDF cache
organisation:
  name: Test Org
rules:
  orphan: off
packs:
  - id: starter
    title: Starter pack
    include: { ids: [a, b] }"
doc "$P/policies/a.md" "Alpha" "# Alpha

See [b](b.md). Alpha's words."
doc "$P/policies/b.md" "Bravo" "# Bravo

Bravo's words."
doc "$P/policies/c.md" "Charlie" "# Charlie

Charlie's words, in no pack."
ino() { stat -c %i "$O/$1"; }
differs() { [ "$(ino "$1")" != "$2" ]; }   # differs FILE INODE
# both RC-and-OUT: an incremental build into $O, then a full one
both() {   # both LABEL [ARGS...]
	label=$1; shift
	run_policyc build "$P" -o "$O" $T --timings "$@"
	irc=$rc; ierr=$(printf '%s\n' "$err" | grep -v '^\(timing\|cache\|policyc: note\)' || true)
	icache=$(printf '%s\n' "$err" | grep '^cache:' || true)
	rm -rf "$TMP/full"
	run_policyc build "$P" -o "$TMP/full" $T --no-cache "$@"
	ferr=$(printf '%s\n' "$err" | grep -v '^\(timing\|cache\|policyc: note\)' || true)
	if [ "$irc" = "$rc" ] && [ "$ierr" = "$ferr" ] &&
	    same_out "$O" "$TMP/full" >"$TMP/diff" 2>&1; then
		ok 0 "$label: incremental = full"
	else
		ok 1 "$label: incremental = full"; head -5 "$TMP/diff" | sed 's/^/#   /'
	fi
}

both "first build"
check "three PDFs and a pack" test -f "$O/pdf/a.pdf" -a -f "$O/pdf/c.pdf" -a -f "$O/pdf/starter.pdf"
ia=$(ino pdf/a.pdf); ib=$(ino pdf/b.pdf); ic=$(ino pdf/c.pdf)
ibh=$(ino html/b.html); ibx=$(ino xml/b.xml)

# -- a body edit: that document's PDF made, the others carried over; a
# pack's document has its tree read back for the pack, and its page and
# XML file are still carried over
printf '\nMore of Charlie.\n' >> "$P/policies/c.md"
both "a body edit outside the pack"
is "$(ino pdf/a.pdf)" "$ia" "... a's PDF carried over"
is "$(ino pdf/b.pdf)" "$ib" "... b's PDF carried over"
is "$(ino html/b.html)$(ino xml/b.xml)" "$ibh$ibx" "... b's page and XML file carried over"
like "$icache" 'of 3 document trees 1 made, 2 read back, 0 not needed' "... a and b read back for the pack, c made"
like "$icache" 'known by their stat, 0 hashed again' "... and nothing carried twice"
check "... c's PDF made again" differs pdf/c.pdf "$ic"
ic=$(ino pdf/c.pdf)
printf '\nMore of Alpha.\n' >> "$P/policies/a.md"
both "a body edit inside the pack"
check "... a's PDF made again" differs pdf/a.pdf "$ia"
is "$(ino pdf/c.pdf)" "$ic" "... c's PDF carried over"
like "$(pdftotext "$O/pdf/starter.pdf" - 2>/dev/null)" "More of Alpha" "... the pack has the edit"
ia=$(ino pdf/a.pdf); ib=$(ino pdf/b.pdf)

# -- the contents and packs pages show every PDF's pages and size:
# carried over while those are the same, made again when they change
ip=$(ino html/packs.html)
sed -i "s/Bravo's words\./Bravo's words!/" "$P/policies/b.md"
both "an edit that keeps every PDF's pages and size"
is "$(ino html/packs.html)" "$ip" "... the packs page carried over"
for k in $(seq 1 70); do printf 'A longer paragraph of the same words, line %s, to make more pages.\n\n' "$k" >> "$P/policies/c.md"; done
both "a body grown by pages, in no pack"
check "... the packs page made again" differs html/packs.html "$ip"
ia=$(ino pdf/a.pdf); ic=$(ino pdf/c.pdf)

# -- a retitled document: b's tree shows a's title (its link), so b's
# PDF is made again; c's is not
sed -i 's/^title: Alpha$/title: Alpha Renamed/' "$P/policies/a.md"
both "a title others link to"
check "... a's PDF made again" differs pdf/a.pdf "$ia"
is "$(ino pdf/c.pdf)" "$ic" "... c's PDF carried over"

# -- what every PDF is made from
mkdir -p "$P/templates/pdf"
printf 'size-body = 12\n' > "$P/templates/pdf/style.conf"
both "a PDF style file"
check "... every PDF made again" differs pdf/c.pdf "$ic"
ic=$(ino pdf/c.pdf)
SOURCE_DATE_EPOCH=1700000000 both "SOURCE_DATE_EPOCH set"
check "... every PDF made again" differs pdf/c.pdf "$ic"
sed -i 's/^  name: Test Org$/  name: Other Org/' "$P/policyc.yaml"
ic=$(ino pdf/c.pdf)
both "the organisation's name"
check "... every PDF made again" differs pdf/c.pdf "$ic"

# -- a page made beside PDFs links them: never carried into a build
# without them, nor back
both "the site without PDFs" --outputs xml,html
unlike "$(cat "$O/html/c.html")" 'pdf/c.pdf' "... no page links a PDF that is not there"
both "with PDFs again"
like "$(cat "$O/html/c.html")" 'pdf/c.pdf' "... the page links its PDF again"

# -- PDFs alone: no XML file in OUT to read a tree back from, so every
# tree is made, and an unchanged document's PDF is still carried over
run_policyc build "$P" -o "$TMP/alone" --outputs pdf $T
ia=$(stat -c %i "$TMP/alone/pdf/a.pdf")
printf '\nMore of Bravo, alone.\n' >> "$P/policies/b.md"
run_policyc build "$P" -o "$TMP/alone" --outputs pdf $T
is "$(stat -c %i "$TMP/alone/pdf/a.pdf")" "$ia" "--outputs pdf: an unchanged PDF carried over"
rm -rf "$TMP/alone-full"
run_policyc build "$P" -o "$TMP/alone-full" --outputs pdf $T --no-cache
check "... and the rebuild equals a full build" same_out "$TMP/alone" "$TMP/alone-full"

# -- a deleted document: its PDF goes
rm "$P/policies/c.md"
both "a document deleted"
check "... its PDF is gone" test ! -e "$O/pdf/c.pdf"
