#!/bin/sh
# Markdown repositories written for other tools work on day one (issue 15
# part 2).  Each fixture under tests/cases/adopt/<tool>/ is a small project
# in the shape Jekyll, Hugo, Eleventy, Middleman or comply gives it, with
# the policyc.yaml settings README's "Adopting a repository" documents:
# `policyc check` gives exactly its expected.lint, with no link-broken;
# `policyc build` publishes a redirect page for every accepted
# redirect_from:/aliases: path, each pointing at a page that exists; no
# template comment reaches the output.  Then the pieces one at a time:
# did-you-mean, refused redirects, TOML, sections, link-text names.
# Regenerate an expected.lint with:  REGEN=1 prove tests/adopt.t
. "$(dirname "$0")/lib.sh"
CASES=$ROOT/tests/cases/adopt
TODAY=2026-11-23
plan 46

# redirect pages below $1/html: "page target" per line, target resolved
redirects() {
	(cd "$1/html" && grep -rl 'http-equiv="refresh"' . | sort | while read -r f; do
		url=$(sed -n 's/.*http-equiv="refresh" content="0; url=\([^"]*\)".*/\1/p' "$f")
		printf '%s %s\n' "$f" "$(dirname "$f")/$url"
	done)
}

for c in jekyll hugo eleventy middleman comply; do
	run_policyc check "$CASES/$c" --today $TODAY
	if [ -n "${REGEN:-}" ]; then printf '%s\n' "$out" > "$CASES/$c/expected.lint"; fi
	is "$out" "$(cat "$CASES/$c/expected.lint")" "$c: check gives expected.lint"
	unlike "$out" "link-broken" "$c: no link-broken once the settings are given"
	run_policyc build "$CASES/$c" -o "$TMP/out-$c" --today $TODAY
	is "$rc" 0 "$c: builds"
	bad=""
	n=0
	for t in $(redirects "$TMP/out-$c" | awk '{print $2}'); do
		n=$((n + 1))
		[ -f "$TMP/out-$c/html/$t" ] || bad="$bad $t"
	done
	is "$bad" "" "$c: every redirect ($n) lands on a page that exists"
	# (hugo: the third alias is a draft's, left out without --drafts)
	case $c in
	jekyll) want=3 ;; hugo) want=2 ;; *) want=0 ;;
	esac
	is "$n" "$want" "$c: one redirect page per accepted alias"
done

# what a comment holds is never published
leak=$(grep -rl -e 'Privacy Shield' -e 'break-glass' -e 'reviewers: keep' \
    "$TMP"/out-* 2>/dev/null || true)
is "$leak" "" "no template comment's content is in any output"
# policyc's own {{variables}} still work beside Liquid's
like "$(cat "$TMP/out-jekyll/xml/index.xml")" "Example Ltd publishes" \
    "{{organisation.name}} is substituted where Liquid is taken out"
# site-rooted links outside links: root go to the links: external host
like "$(cat "$TMP/out-jekyll/xml/index.xml")" \
    'href="https://docs.github.com/en/account-and-profile"' \
    "a path outside links: root is a page of the external host"
# {#id}: the anchor is the id, the heading text loses the attribute
like "$(cat "$TMP/out-jekyll/xml/privacy.xml")" \
    '<heading level="2" id="collect" line="12">Data we collect</heading>' \
    "{#collect} gives the anchor and leaves the heading text clean"
# aliases and sections are in the model for the site writer
like "$(cat "$TMP/out-jekyll/xml/privacy.xml")" \
    '<alias path="old-privacy/index.html" from="/site-policy/old-privacy/"/>' \
    "a document's aliases are in its XML"
like "$(cat "$TMP/out-jekyll/xml/corpus.xml")" \
    '<section path="hr" title="Human resources" ref="hr"/>' \
    "sections: names a folder in corpus.xml"
like "$(cat "$TMP/out-hugo/xml/corpus.xml")" \
    '<section path="security" title="Security" ref="security"/>' \
    "a folder's _index.md title names its section"
# the raw block keeps its braces as text
like "$(cat "$TMP/out-eleventy/xml/index.xml")" "Write {{ variables }} like this" \
    "{% raw %} keeps its text, braces and all"
# [Go] is a name, not vague link text
unlike "$(cat "$CASES/jekyll/expected.lint")" 'link text "Go"' \
    "link-text leaves a proper name alone"

# ---- one piece at a time ----
P=$TMP/pieces
make_project "$P" 'title: Pieces
rules: { orphan: off, meta-required: off }'
mkdir -p "$P/policies/a/b"
cat > "$P/policies/one.md" <<'EOF'
---
title: One
redirect_from: [../../etc/passwd, /two/, /glossary/, /old-one/]
---
# One

## Scope

[two](tow.md), [scope](#scop), [deep](a/b/deep.html).
EOF
cat > "$P/policies/two.md" <<'EOF'
---
title: Two
aliases: /old-one/
---
# Two
EOF
cat > "$P/policies/a/b/deep.md" <<'EOF'
+++
title = "Deep"
note = """
two lines
"""
+++
# Deep
EOF
run_policyc check "$P" --today $TODAY
like "$out" "link to tow.md: no document policies/tow.md (did you mean two.md?)" \
    "a broken link says which document was meant"
like "$out" "#scop (did you mean #scope?)" "a broken anchor says which was meant"
like "$out" "one.md:3:.*redirect '../../etc/passwd' is not safe as a path of the site.*\[alias-invalid\]" \
    "a redirect leaving the site is refused where it is written"
like "$out" "redirect '/two/' is already a document's page: policies/two.md" \
    "a redirect over a document's page is refused"
like "$out" "redirect '/glossary/' is a page the site makes itself" \
    "a redirect over a generated page is refused"
like "$out" "two.md:3:.*redirect '/old-one/' is already another document's redirect" \
    "two documents cannot claim one redirect"
like "$out" "deep.md:3:.*TOML front matter: multi-line strings are not read.*\[yaml-syntax\]" \
    "TOML outside the subset is named, with its line"
like "$(cat "$TMP/.out")" "link-broken" "the pieces project has its broken links"

run_policyc build "$P" -o "$TMP/out-pieces" --today $TODAY
is "$(redirects "$TMP/out-pieces" | wc -l | tr -d ' ')" 1 "only the accepted redirect is published"
check "nothing is written outside OUT/html for a refused redirect" \
    test ! -e "$TMP/etc/passwd.html" -a ! -e "$TMP/out-pieces/etc"
like "$(cat "$TMP/out-pieces/xml/corpus.xml")" '<section path="a/b" title="B" parent="a"/>' \
    "nested folders give a hierarchy (parent)"

# an unknown scheme is named as the typo it likely is
like "$(cat "$CASES/jekyll/expected.lint")" "unknown scheme 'hhttps' — a typo for https?" \
    "hhttps: is reported as a typo for https"
