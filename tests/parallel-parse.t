#!/bin/sh
# Documents parsed in parallel threads parse as they do one at a time
# (compiler/cmarkmt.c).  cmark-gfm switches its extensions' special
# characters on and off in global tables around each document's inline
# pass; without cmarkmt.c's counting, a thread finishing one document
# switched autolinks and strikethrough off under another's, and about one
# XML file in twenty here came out different at -j8.
. "$(dirname "$0")/lib.sh"
plan 5

P=$TMP/p
make_project "$P" "title: Parallel"
i=1
while [ $i -le 300 ]; do
	cat > "$P/policies/d$i.md" <<DOC
---
title: Document $i
---
Visit www.example$i.org or https://example.com/$i, write to a$i@example.com;
~~struck $i~~ and ~single~.

| a ~~x~~ | b www.t$i.org |
|---|---|
| ~~c~~ $i | d https://x.org/$i |

- [ ] task $i
- [x] done ~~no~~

A footnote[^n$i].

[^n$i]: https://n.org/$i ~~z~~
DOC
	i=$((i + 1))
done

run_policyc build "$P" -o "$TMP/one" --outputs xml --today 2026-11-23 --no-cache -j1
is "$rc" 0 "one document at a time"
like "$(cat "$TMP/one/xml/d7.xml")" "<strike>struck 7</strike>" "strikethrough parsed"
like "$(cat "$TMP/one/xml/d7.xml")" 'href="http://www.example7.org"' "autolinks parsed"
same=0
for round in 1 2 3; do
	rm -rf "$TMP/many"
	run_policyc build "$P" -o "$TMP/many" --outputs xml --today 2026-11-23 --no-cache -j8
	diff -r -x .policyc-cache "$TMP/one" "$TMP/many" >"$TMP/diff" 2>&1 || same=1
done
is "$same" 0 "eight threads, three times: the same XML as one thread"
[ "$same" = 0 ] || head -20 "$TMP/diff" | sed 's/^/#   /'
no_sanitizer_report "parallel parse"
exit $((tap_failed > 0))
