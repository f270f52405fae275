#!/bin/sh
# feed.t — the Atom feed of amendments (templates/html/feed.xsl): an
# entry's id stays the same when a newer amendment is added above it or
# the build runs on another day, two amendments of one day get ids of
# their own, and an undated amendment stays out of the feed (it would
# take the build's day, and with it a new id every day) while its page
# and What's new still show it.  The sitemap's URLs are ASCII: a
# document's path past ASCII is percent-encoded as UTF-8.
. "$(dirname "$0")/lib.sh"
set -e
plan 10

P=$TMP/feed
make_project "$P" "title: Feed"
amend() {   # amend AMENDMENTS-YAML: the one document with those amendments
	printf -- '---\ntitle: Amended\nowner: O\nreview: 2030-01-01\namendments:\n%s---\n\nText.\n' "$1" > "$P/policies/a.md"
}
ids() { sed -n 's|.*<entry>.*||; s|^ *<id>\(.*\)</id>$|\1|p' "$1/html/feed.xml" | grep -v ':feed$' | sort; }

older='  - { date: 2025-02-01, summary: Second. }
  - { date: 2025-02-01, summary: First of the day. }
  - { date: 2024-12-01, summary: Oldest. }
  - { summary: Undated. }
'
amend "$older"
run_policyc build "$P" -o "$TMP/o1" --today 2026-11-23 --outputs html
is "$rc" 0 "the project builds"
before=$(ids "$TMP/o1")
is "$(printf '%s\n' "$before" | wc -l | tr -d ' ')" 3 "one entry for each dated amendment, none for the undated one"
is "$(printf '%s\n' "$before" | sort -u | wc -l | tr -d ' ')" 3 "two amendments of one day have ids of their own"
unlike "$(cat "$TMP/o1/html/feed.xml")" "Undated." "the undated amendment is not in the feed"
like "$(cat "$TMP/o1/html/whats-new.html")" "Undated." "... and is on What's new"

# two newer ones above them (newest first), one of them the same day
amend '  - { date: 2025-03-01, summary: Newest. }
  - { date: 2025-02-01, summary: Later the same day. }
'"$older"
run_policyc build "$P" -o "$TMP/o2" --today 2026-12-24 --outputs html
is "$rc" 0 "the project builds with two newer amendments, on another day"
after=$(ids "$TMP/o2")
missing=$(printf '%s\n' "$before" | while read -r id; do
	printf '%s\n' "$after" | grep -qxF "$id" || echo "$id"; done)
is "$missing" "" "every entry's id is kept after newer amendments are added above it"
is "$(printf '%s\n' "$after" | wc -l | tr -d ' ')" 5 "and the two new ones have ids of their own"

# -- the sitemap: a folder and file named past ASCII, under base-url
S=$TMP/sitemap
make_project "$S" "title: Sitemap
base-url: https://example.org/policies"
mkdir -p "$S/policies/Säfe guarding"
printf -- '---\ntitle: Ünïcode\nowner: O\nreview: 2030-01-01\n---\n\nText.\n' > "$S/policies/Säfe guarding/Über.md"
run_policyc build "$S" -o "$TMP/s1" --today 2026-11-23 --outputs html
like "$(cat "$TMP/s1/html/sitemap.xml")" "<loc>https://example.org/policies/s%C3%A4fe-guarding/%C3%9Cber.html</loc>" \
    "a sitemap URL past ASCII is percent-encoded as UTF-8"
check "... and the page is where it points" test -f "$TMP/s1/html/säfe-guarding/Über.html"

exit $((tap_failed > 0))
