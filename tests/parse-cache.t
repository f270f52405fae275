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
plan 26

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
