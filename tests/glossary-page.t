#!/bin/sh
# glossary-page.t — the glossary page lists, under each term, the first
# 100 documents that use it and counts the rest, with a link to search
# for the term (templates/html/glossary.xsl): a term used across a large
# manual would otherwise list every document (100 MB of page at 50,000
# documents).  A term used less often lists every document.
. "$(dirname "$0")/lib.sh"
set -e
plan 5

P=$TMP/p
make_project "$P" "title: Glossary"
cat > "$P/glossary.yaml" <<'EOF2'
- term: Local Authority Designated Officer
  abbr: LADO
  definition: The officer who manages allegations against adults who work with children.
- term: significant harm & risk
  definition: The threshold for compulsory intervention in family life.
EOF2
i=1
while [ $i -le 103 ]; do
	n=$(printf '%03d' $i)
	extra=
	[ $i -le 2 ] && extra=" It may mean significant harm & risk."
	printf -- '---\ntitle: Procedure %s\n---\nTell the LADO.%s\n' "$n" "$extra" > "$P/policies/p$n.md"
	i=$((i + 1))
done
run_policyc build "$P" -o "$TMP/out" --outputs xml,html --today 2026-11-23
G=$TMP/out/html/glossary.html
# the entry of each term, from its <dt> to the next
python3 - "$G" >"$TMP/entries" <<'EOF2'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'<details class="glossary__uses">(.*?)</details>', s, re.S):
    body = m.group(1)
    links = len(re.findall(r'<li><a href="p\d+\.html">', body))
    more = re.search(r'and (\d+) more:\s*<a href="([^"]*)">', body)
    summary = re.search(r'<summary>(.*?)</summary>', body, re.S).group(1)
    print(" ".join(summary.split()), "|", links, "|",
          more.group(1) + " " + more.group(2) if more else "-")
EOF2
like "$(cat "$TMP/entries")" "Used in 103 documents | 100 | 3 search.html?q=Local+Authority+Designated+Officer" "a term used by 103 documents lists 100 and counts 3, with a search for it"
like "$(cat "$TMP/entries")" "Used in 2 documents | 2 | -" "a term used by 2 lists both, and nothing more"
grep -q 'search.html?q=significant+harm' "$G" && r=1 || r=0
ok $r "no search link for a term that lists every document"
xmllint --noout "$G" 2>"$TMP/xl"; ok $? "the page is well-formed"

# a term whose name holds what a query cannot: the query keeps its words
printf -- '- term: "Children & Families #1 \\"team\\"?"\n  definition: A team.\n' > "$P/glossary.yaml"
i=1
while [ $i -le 103 ]; do
	printf -- '---\ntitle: Procedure %03d\n---\nAsk Children & Families #1 "team"?\n' $i > "$P/policies/p$(printf '%03d' $i).md"
	i=$((i + 1))
done
run_policyc build "$P" -o "$TMP/out2" --outputs xml,html --today 2026-11-23
like "$(cat "$TMP/out2/html/glossary.html")" 'href="search.html?q=Children+Families+1+team"' "a term's symbols become spaces in its search, and runs of them one"
