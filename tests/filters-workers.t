#!/bin/sh
# filters-workers.t — the filters stage prints the same findings however
# many workers share it: 130 generated documents, each with something
# for every document-local built-in filter to say (a skipped heading
# level, an image without alt text, "click here", a paragraph number used
# twice, outdated wording, a missing required section, a review date
# passed).  `check --format json` with -j 1, -j 2 and -j 3 prints the same
# bytes (the filters' children report apart and the jail merges their
# reports in job order: jail.c); so does a build with its cache, and its
# rebuild after one document changed (the replayed findings and the
# re-run ones together).
. "$(dirname "$0")/lib.sh"
set -e
plan 8

T="--today 2026-11-23"
P=$TMP/p
make_project "$P" "title: Shares
rules:
  section-missing:
    policy: [Purpose, Scope]"
i=1
while [ $i -le 130 ]; do
	cat > "$P/policies/doc-$i.md" <<DOC
---
title: Document $i
type: policy
owner: Team $((i % 7))
review: 2025-0$((i % 9 + 1))-15
---
# Document $i

## Purpose

#### Skipped level $i

![](missing-$i.png) and [click here](doc-$(( (i % 130) + 1 )).md).

4.21 The LADO decides in document $i.

4.21 The CCG and the LSCB meet.
DOC
	i=$((i + 1))
done

run_policyc check "$P" $T --format json -j 1
one=$out
for r in heading-skip image-alt link-text numbering-duplicate outdated-term section-missing review-overdue; do
	n=$(printf '%s' "$one" | grep -c "\"rule\": *\"$r\"" || true)
	[ "$n" -ge 100 ] || { echo "only $n $r findings" | diag; break; }
done
check "every document-local filter reports across the documents (-j 1)" [ "$n" -ge 100 ]
run_policyc check "$P" $T --format json -j 2
is "$out" "$one" "-j 2 prints what -j 1 prints"
run_policyc check "$P" $T --format json -j 3
is "$out" "$one" "-j 3 prints what -j 1 prints"

# with the build cache: a full build, then a rebuild after one edit
run_policyc build "$P" -o "$TMP/o" $T --outputs xml --format json -j 2
check "build into OUT: its XML is written" test -s "$TMP/o/xml/corpus.xml"
is "$out" "$one" "a build with its cache prints what check -j 1 prints"
printf '\nOne more line.\n' >> "$P/policies/doc-7.md"
run_policyc check "$P" $T --format json -j 1
one=$out
run_policyc build "$P" -o "$TMP/o" $T --outputs xml --format json -j 2
is "$out" "$one" "its rebuild after one edit prints what check -j 1 prints"
run_policyc build "$P" -o "$TMP/full" $T --outputs xml --no-cache -j 2
check "the rebuild's XML is a full build's" diff -r -x .policyc-cache "$TMP/o/xml" "$TMP/full/xml"
no_sanitizer_report "the runs"
