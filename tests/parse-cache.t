#!/bin/sh
# parse-cache.t — a build into OUT records what each body's parse gave
# the index (headings with their anchors, the image count) and what it
# reported (compiler/incrparse.c); the next build leaves the body of
# every document read with the same text unparsed until a stage reads
# its tree.  After every edit the incremental build must print and
# publish what a full build does: the kept headings title documents and
# answer #anchor links, the kept findings are reported, and a tree read
# later (a page made again, a filter given it) is the one a parse makes.
# How many bodies were kept is read off --timings.
. "$(dirname "$0")/lib.sh"
set -e
plan 34

T="--today 2026-11-23"
P=$TMP/p
I=$TMP/inc/out
make_project "$P" "title: Bodies kept
organisation:
  name: Test Partnership"
mkdir -p "$P/policies/img"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n' \
    > "$P/policies/img/dot.svg"
# no title in front matter: the first heading is the title
cat > "$P/policies/a.md" <<'EOF'
---
owner: O
review: 2030-01-01
---
# Alpha procedures

## Steps {#the-steps}

## Steps

## Steps

![](img/dot.svg) and ![a dot](img/dot.svg)

Ask {{organisation.name}}, not {{organisation.nobody}}.

{% if site.x %}Liquid{% endif %}
EOF
deep=$(printf '>%.0s' $(seq 1 70))
cat > "$P/policies/b.md" <<EOF
---
title: Bravo
owner: O
review: 2030-01-01
---
See [the steps](a.md#the-steps), [the third](a.md#steps-2) and [a gap](a.md#nowhere).

$deep deep
EOF
cat > "$P/policies/c.md" <<'EOF'
---
title: Charlie
owner: O
review: 2030-01-01
---
Nothing here.
EOF

# build_both NAME KEPT: the incremental build equals a full one (OUT,
# diagnostics, status), and KEPT bodies were the cache's
build_both() {
	incr_vs_full "$1" "$P" "$I" $T --outputs xml,html
	kept=$(printf '%s\n' "$iraw" | sed -n 's/^timing:   bodies kept from the cache: \([0-9]*\) of.*/\1/p')
	# a bounded build records the bodies but parses every one
	if [ "${POLICYC_BOUNDED:-}" = 1 ]; then
		is "$kept" 0 "$1: no body kept (bounded: every body parsed)"
	else
		is "$kept" "$2" "$1: $2 bodies kept"
	fi
}
said() {   # said PATTERN: a diagnostic line of the incremental build
	printf '%s\n' "$ierr" | grep -q -- "$1"
}

build_both "first build" 0
for r in pw pk ph pi pf; do
	check "the cache records $r lines" grep -q "^$r	" "$I/.policyc-cache"
done

printf '\nMore.\n' >> "$P/policies/c.md"
build_both "body edit of a third document" 2
check "... the kept title (a's first heading) is a's title" \
    grep -q '<title>Alpha procedures' "$I/html/a.html"
check "... a's kept findings are reported (variable-unknown)" said 'a.md:.*variable-unknown'
check "... and template-syntax" said 'a.md:.*template-syntax'
check "... b's (nesting-deep)" said 'b.md:.*nesting-deep'
check "... b's link to a's missing anchor is still broken" said 'b.md:.*#nowhere'

printf '\nSee [the steps](a.md#the-steps) and [[a#steps-1]].\n' >> "$P/policies/c.md"
build_both "links to the kept anchors" 2

sed -i 's/^## Steps {#the-steps}$/## First steps {#first-steps}/' "$P/policies/a.md"
build_both "a kept document's heading changed" 2
check "... the links to the old anchor are now broken" said 'b.md:.*#the-steps'

printf 'title: Bodies kept\norganisation:\n  name: Another Partnership\n' > "$P/policyc.yaml"
build_both "policyc.yaml changed ({{variables}})" 0
check "... the new name is in a's page" grep -q 'Another Partnership' "$I/html/a.html"

# every text as it was, a template's bytes edited: every page is made
# again, each tree parsed on demand
mkdir -p "$P/templates/html"
cp "$(dirname "$0")/../templates/html/layout.xsl" "$P/templates/html/layout.xsl"
build_both "a template added" 3
sed -i 's/Review dates/Review dates (edited)/' "$P/templates/html/layout.xsl"
build_both "the template's bytes" 3

# front matter of every kind: a document taken by its stat has its
# front matter made again from the cache's record of its parse ("pv"),
# not parsed; what the build says of it (lines and columns of keys and
# values) and publishes is what a full build does
cat > "$P/policies/rich.md" <<'EOF2'
---
title: "Rich — front matter: with \"quotes\" and a\ttab"
owner: [Jo Bloggs, "Sam Smith"]
review: 2027-01-31
version: 3.10
tags:
  - one
  - "two: three"
custom-key: {nested: {deep: [1, 2.5, -0.0, true, ~]}}
contact-hours: |
  Monday to Friday
  9 to 5
---
# Rich

Text.
EOF2
cat > "$P/policies/toml.md" <<'EOF2'
+++
title = "TOML front matter"
owner = "Jo"
review = "2030-05-01"
tags = ["a", "b"]
+++

# TOML

Body.
EOF2
sleep 1   # settled: changed before the clock tick of the build that reads them
build_both "two documents of rich front matter added" "$(($(ls "$P"/policies/*.md | wc -l) - 2))"
build_both "nothing changed: every front matter from its record" "$(ls "$P"/policies/*.md | wc -l)"
stat_known=$(printf '%s\n' "$iraw" | sed -n 's/.*(\([0-9]*\) texts known by their file.s stat.*/\1/p')
if [ "${POLICYC_BOUNDED:-}" = 1 ]; then
	# a bounded build parses every body and trusts no stat
	check "... (bounded: no pv records)" sh -c "! grep -q '^pv	' '$I/.policyc-cache'"
	is "$stat_known" 0 "... (bounded: no text taken by its stat)"
else
	check "... the cache records pv lines" grep -q "^pv	" "$I/.policyc-cache"
	is "$stat_known" "$(ls "$P"/policies/*.md | wc -l)" "... every text taken by its stat, so every front matter from pv"
fi
check "... a key's line and column as parsed" said 'rich.md:9:1: warning: unknown front matter key .custom-key.'
check "... a value's" said 'rich.md:3:8: error: owner must be text, not a list'
