#!/bin/sh
# links-cache.t — a build into OUT records what the link pass found for
# each document (compiler/incrlinks.c: findings, links to other
# documents, files named, glossary term uses, citations, and what it read
# of the others: the faces of the documents its links reached, what the
# names it looked up found), and the next build in the same names world,
# on the same day, gives every document read with the same text, whose
# targets' faces and names are as they were, its record instead of
# linking it.  After every
# edit the incremental build must print and publish what a full build
# does (the unchanged documents' term uses reach the glossary page, their
# links the referenced-by lists, their citations sources.html, their
# findings the diagnostics); how many documents kept their links is read
# off --timings.
. "$(dirname "$0")/lib.sh"
set -e
plan 47

T="--today 2026-11-23"
P=$TMP/p
I=$TMP/inc/out
doc() {   # doc FILE TITLE [BODY] [EXTRA FRONT MATTER]
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n%s---\n%s\n' \
	    "$2" "${4:-}" "${3:-Text.}" > "$1"
}
make_project "$P" "title: Links kept"
cat > "$P/glossary.yaml" <<'EOF'
- term: Local Authority Designated Officer
  abbr: LADO
  definition: The officer who manages allegations against adults who work with children.
- term: significant harm
  definition: The threshold for compulsory intervention in family life.
EOF
mkdir -p "$P/policies/files"
printf 'a,b\n1,2\n' > "$P/policies/files/table.csv"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n' \
    > "$P/policies/files/dot.svg"
doc "$P/policies/a.md" "Alpha" "# Steps

Tell the LADO when a child may suffer significant harm. See [[b]],
[Charlie's roles](c.md#roles), [a gap](c.md#nowhere), [the table](files/table.csv)
and ![a dot](files/dot.svg).  Working Together 2018 says so, as does
Keeping Children Safe in Education 2016." "cites:
  - { source: working-together, edition: \"2018\", section: \"Chapter 2\" }
  - { source: kcsie, edition: \"2016\" }
"
doc "$P/policies/b.md" "Bravo" "Back to [Alpha](a.md#steps) and to [[Delta]], and [a missing one](zulu.md)."
doc "$P/policies/c.md" "Charlie" "# Roles

The LADO's roles."
doc "$P/policies/d.md" "Delta" "Superseded text about significant harm." "status: superseded
superseded-by: a
"
doc "$P/policies/e.md" "Echo" "Nothing to link."

# build_both NAME KEPT: the incremental build equals a full one (OUT,
# diagnostics, status), and KEPT documents had their links from the cache
build_both() {
	incr_vs_full "$1" "$P" "$I" $T --outputs xml,html
	kept=$(printf '%s\n' "$iraw" | sed -n 's/^timing:   links kept from the cache: \([0-9]*\) of.*/\1/p')
	is "$kept" "$2" "$1: $2 documents kept their links"
}

build_both "first build" 0
for r in lk lf le la lt lc; do
	check "the cache records $r lines" grep -q "^$r	" "$I/.policyc-cache"
done
check "a finding of an unchanged document is in the diagnostics" \
    sh -c 'printf "%s\n" "$1" | grep -q "^policies/b.md:.*zulu.md"' _ "$ierr"

printf '\nMore text.\n' >> "$P/policies/e.md"
build_both "body edit of a document with no links" 4
check "... b's broken link is still reported" \
    sh -c 'printf "%s\n" "$1" | grep -q "^policies/b.md:.*zulu.md"' _ "$ierr"
check "... a's term uses still reach the glossary page" \
    grep -q 'a.html' "$I/html/glossary.html"

printf '\nThe LADO again, and [[c]].\n' >> "$P/policies/a.md"
build_both "body edit of a linking document" 4

sed -i 's/^title: Echo$/title: Echo Renamed/' "$P/policies/e.md"
build_both "a title no link reaches: the others keep their links" 4

printf '\nStill nothing.\n' >> "$P/policies/e.md"
build_both "body edit after it" 4

# what a retitled, re-headed or superseded document changes for the
# documents that link to it, or look up a name it now answers to
sed -i 's/^title: Delta$/title: Delta Two/' "$P/policies/d.md"
build_both "the title b's [[Delta]] found, changed" 3
check "... b's [[Delta]] now names no document" \
    sh -c 'printf "%s\n" "$1" | grep -q "^policies/b.md:.*\[\[Delta\]\] names no document"' _ "$ierr"
sed -i 's/^title: Charlie$/title: Delta/' "$P/policies/c.md"
build_both "a title b's [[Delta]] did not find, now found (and a links to it)" 2
sed -i 's/^# Roles$/# Duties/' "$P/policies/c.md"
build_both "the heading a's link to c.md#roles names, changed" 2
sed -i 's/^title: Echo Renamed$/title: Delta/' "$P/policies/e.md"
build_both "a second Delta: b's [[Delta]] matches several" 3
sed -i 's/^review: 2030-01-01$/review: 2030-01-01\nstatus: superseded\nsuperseded-by: c/' "$P/policies/b.md"
build_both "b, which a links to, superseded" 3
check "... a's link to b is now a link to a superseded document" \
    sh -c 'printf "%s\n" "$1" | grep -q "^policies/a.md:.*superseded-link"' _ "$ierr"

run_policyc build "$P" -o "$I" --today 2030-01-01 --outputs xml,html --timings
kept=$(printf '%s\n' "$err" | sed -n 's/^timing:   links kept from the cache: \([0-9]*\) of.*/\1/p')
is "$kept" 0 "another day: no document keeps its links (a citation's successor 'is to be' or 'was' replaced)"
run_policyc build "$P" -o "$I" $T --outputs xml,html --timings
kept=$(printf '%s\n' "$err" | sed -n 's/^timing:   links kept from the cache: \([0-9]*\) of.*/\1/p')
is "$kept" 0 "... and back: recorded under that day, none kept"

printf -- '- term: allegation\n  definition: A claim of harm.\n' >> "$P/glossary.yaml"
build_both "a glossary term added" 0

touch "$P/policies/files/new.txt"
build_both "a file added (a link may name it)" 0

printf '\nMore.\n' >> "$P/policies/c.md"
mv "$P/policies/d.md" "$P/policies/d2.md"
build_both "a document renamed" 0

# every document's text as it was, but a template edited: the links are
# the cache's, the pages made again from trees linked on demand
printf '\n' >> "$P/policyc.yaml"
build_both "policyc.yaml touched (bytes changed)" 0
mkdir -p "$P/templates/html"
sed 's/Review dates/Review dates (edited)/' \
    "$(dirname "$0")/../templates/html/layout.xsl" > "$P/templates/html/layout.xsl"
build_both "a site template" 0
sed -i 's/Review dates (edited)/Review dates (edited twice)/' "$P/templates/html/layout.xsl"
build_both "the template's bytes (the same names: every page made again)" 5
printf '\nA last edit.\n' >> "$P/policies/b.md"
build_both "body edit with the template in place" 4
