#!/bin/sh
# filters-cache.t — the built-in filters marked "-- policyc:
# corpus-index" (orphan) read only the corpus's index, so a build with a
# cache replays their findings while the index is what it was
# (compiler/incrfilters.c) and runs them again when it is not.  After
# every edit the incremental build must print and publish what a full
# build does; whether the findings were replayed is read off --timings.
. "$(dirname "$0")/lib.sh"
set -e
plan 35

T="--today 2026-11-23"
P=$TMP/p
I=$TMP/inc/out
doc() {   # doc FILE TITLE [BODY] [EXTRA FRONT MATTER]
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n%s---\n%s\n' \
	    "$2" "${4:-}" "${3:-Text.}" > "$1"
}
make_project "$P" "title: Orphans"
doc "$P/policies/a.md" "Alpha" "See [b](b.md)."
doc "$P/policies/b.md" "Bravo" "Back to [a](a.md)."
doc "$P/policies/c.md" "Charlie" "Nothing links here."
doc "$P/policies/d.md" "Delta" "Nor here."

# both NAME REPLAYED: the incremental build equals a full one (OUT and
# diagnostics), and the corpus-index filters were replayed (yes) or ran
build_both() {
	incr_vs_full "$1" "$P" "$I" $T --outputs xml,html
	replayed=no
	printf '%s' "$iraw" | grep -q 'corpus-index filters replayed' && replayed=yes
	is "$replayed" "$2" "$1: corpus-index filters replayed: $2"
}
orphans() { printf '%s\n' "$ierr" | grep '\[orphan\]' | sed 's/:.*//' | sort | tr '\n' ' '; }

build_both "first build" no
is "$(orphans)" "policies/c.md policies/d.md " "c and d are orphans"
check "the cache records their findings" grep -q '^fx' "$I/.policyc-cache"

printf '\nMore text.\n' >> "$P/policies/a.md"
build_both "body edit" yes
is "$(orphans)" "policies/c.md policies/d.md " "... the orphans replayed"
local_over() { printf '%s' "$iraw" | sed -n 's/.*document-local over \([0-9]* of [0-9]*\) documents.*/\1/p'; }
is "$(local_over)" "1 of 4" "... the document-local filters ran over the edited document only"
build_both "nothing changed" yes
is "$(local_over)" "0 of 4" "... and over none when nothing changed (no child forked for them)"

perl -0pi -e 's/\n---\n/\n---\nA paragraph added first, above the link.\n\n/' "$P/policies/a.md"
build_both "a link moved down (they read what links to what, not where)" yes
is "$(orphans)" "policies/c.md policies/d.md " "... the orphans replayed"

printf '\nSee [c](c.md).\n' >> "$P/policies/a.md"
build_both "a link added" no
is "$(orphans)" "policies/d.md " "... c is no longer an orphan"

doc "$P/policies/d.md" "Delta" "Nor here." "status: withdrawn
"
build_both "status to withdrawn" no
is "$(orphans)" "" "... a withdrawn document is no orphan"

sed -i 's/^title: Charlie$/title: Charlie Renamed/' "$P/policies/c.md"
build_both "a title (they read where it is, not what it says)" yes
sed -i 's/^title: Charlie Renamed$/owner: O\ntitle: Charlie Renamed/' "$P/policies/c.md"
build_both "the title's line moved" no

doc "$P/policies/e.md" "Echo" "New."
build_both "a document added" no
is "$(orphans)" "policies/e.md " "... the new one is an orphan"

printf 'title: Orphans\nrules:\n  orphan: warning\n' > "$P/policyc.yaml"
build_both "the rule's severity" no
check "... now a warning" sh -c 'printf "%s\n" "$1" | grep -q "^policies/e.md.*warning: .*\[orphan\]"' _ "$ierr"

# the project's own orphan.lua replaces the built-in, and is the project's:
# it runs on every build, marker or not
mkdir -p "$P/filters"
sed 's/no other document links to this one/NOBODY LINKS HERE/' \
    "$(dirname "$0")/../filters/orphan.lua" > "$P/filters/orphan.lua"
build_both "the project's own orphan.lua" no
printf '\nEven more.\n' >> "$P/policies/a.md"
build_both "body edit with the project's orphan.lua" no
check "... its message, not the built-in's" sh -c 'printf "%s\n" "$1" | grep -q "NOBODY LINKS HERE"' _ "$ierr"
