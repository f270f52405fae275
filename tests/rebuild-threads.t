#!/bin/sh
# A rebuild's threads: what the build cache carries over is worked on
# beside the pages (html.c: corpus.xml's rest and the cache's own
# records run as items of the page loop, while other workers make the
# pages a title edit reaches, reading texts again and linking trees
# again), and the link records and the load's texts are read on the
# workers.  Each edit below is rebuilt at -j 3 and must be what a full
# build makes; `make tsan` runs this file, where a race among them is a
# report (lib.sh no_sanitizer_report).
. "$(dirname "$0")/lib.sh"
plan 12

T="--today 2026-11-23"
P=$TMP/p
I=$TMP/inc/out
doc() {   # doc FILE TITLE BODY
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n---\n%s\n' \
	    "$2" "$3" > "$1"
}
GEN=$SHARED/bench/gen-corpus
if [ -f "$GEN" ] && command -v python3 >/dev/null; then
	# 60 generated documents: enough pages made after a title edit for
	# the workers to meet (with 24 small hand-made ones they did not)
	python3 "$GEN" 60 "$P" >/dev/null
else
	make_project "$P" "title: Threads
rules:
  orphan: off"
	printf -- '- term: Local Authority Designated Officer\n  abbr: LADO\n  definition: The officer.\n' \
	    > "$P/glossary.yaml"
	n=1
	while [ $n -le 60 ]; do
		next=$((n % 60 + 1))
		doc "$P/policies/s$((n % 3))/doc-$n.md" "Document $n" "Tell the LADO.

## Duties $n

See [the next](../s$((next % 3))/doc-$next.md) and [[Document $next]].

## More $n

Text of $n."
		n=$((n + 1))
	done
fi
# the documents the edits below touch: the first three, by path
set -- $(cd "$P" && find policies -name '*.md' | sort | head -3)
d1=$P/$1 d2=$P/$2 d3=$P/$3

rebuild() {   # rebuild NAME: at -j 3, against a full build, no race
	incr_vs_full "$1" "$P" "$I" $T --outputs xml,html -j 3
	err=$iraw
	no_sanitizer_report "$1"
}
rebuild "first build"
rebuild "no edit"
printf '\nOne more line.\n' >> "$d1"
rebuild "a body edit"
# every page that links to the second or lists it is made again, its
# tree made from a text known by its stat, read again
sed -i '0,/^title: .*/s//title: "A new title for the second"/' "$d2"
rebuild "a title edit"
printf '\nThe LADO is told.\n' >> "$d3"
rebuild "a term use added"
printf -- '- term: Strategy discussion\n  definition: A meeting of agencies.\n' \
    >> "$P/glossary.yaml"
printf '\nA strategy discussion follows.\n' >> "$d1"
rebuild "a glossary term added and used"
