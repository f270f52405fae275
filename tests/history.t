#!/bin/sh
# The release history from git (compiler/history.c, historygit.c,
# worddiff.c): a repository made here (tests/history/make-repo.sh: three
# tagged releases with edits, a rename, a deletion, a document added)
# gives each document's versions with a word-level diff by section,
# generated amendments beside hand-written ones, amendment-missing, a
# "Changes" section on the site, valid XML; build --as-of on each release
# date and between them (the working tree untouched), --archive; a
# shallow clone, a repository with no tags, a project in a folder of a
# larger repository, and a project outside git.
. "$(dirname "$0")/lib.sh"
plan 68
RNG=$ROOT/templates/xml/policy.rng
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP"
git config --global init.defaultBranch main
git config --global user.email t@example.org
git config --global user.name Test
git config --global protocol.file.allow always
R=$TMP/repo
sh "$ROOT/tests/history/make-repo.sh" "$R" >/dev/null 2>&1
T="--today 2024-07-01"

# ---- check: amendment-missing, and the cache ----
run_policyc check "$R" $T
is "$rc" 0 "check exits 0 (warnings only)"
like "$out" 'policies/allegations.md:5:1: warning: the text changed in release v2.0 but version: stayed "1.1"' \
    "amendment-missing at version: when a release changed the text and not the version"
is "$(printf '%s\n' "$out" | grep -c 'amendment-missing')" 1 "amendment-missing only there"
ls "$R"/.git/policyc-history-*.xml >/dev/null 2>&1; ok $? "the history is cached in the git folder"
first=$out
run_policyc check "$R" $T
is "$out" "$first" "the cached history gives the same diagnostics"

# ---- the history in the XML ----
run_policyc build "$R" -o "$TMP/out" $T
is "$rc" 0 "build exits 0"
is "$out$err" "$first" "build prints what check prints"
X=$TMP/out/xml
xmllint --noout --relaxng "$RNG" "$X"/*.xml "$X"/*/*.xml 2>/dev/null; ok $? "every XML file with history is valid against policy.rng"
is "$(xmllint --xpath 'count(/document/changes/version)' "$X/allegations.xml")" 3 "allegations: three versions"
is "$(xmllint --xpath 'string(/document/changes/version[@tag="v1.1"]/summary)' "$X/allegations.xml")" \
    "Section 1 Introduction: 1 paragraph changed; Section 4 Process: 1 paragraph changed, 1 added" \
    "the v1.1 summary, by section"
is "$(xmllint --xpath 'string(//version[@tag="v1.1"]/section[@label="Section 4 Process"]/para[1]/del)' "$X/allegations.xml")" \
    "manager" "a word deleted"
is "$(xmllint --xpath 'string(//version[@tag="v1.1"]/section[@label="Section 4 Process"]/para[1]/ins)' "$X/allegations.xml")" \
    "designated officer" "words inserted"
is "$(xmllint --xpath 'string(//version[@tag="v1.1"]/section[@label="Section 4 Process"]/para[2]/@change)' "$X/allegations.xml")" \
    "added" "a paragraph added"
is "$(xmllint --xpath 'string(//version[@tag="v1.0"]/@change)' "$X/allegations.xml")" "added" "the first release adds it"
unlike "$(xmllint --xpath '//version' "$X/allegations.xml")" '##' "the diff is of the text, not the Markdown"
is "$(xmllint --xpath 'string(//version[@tag="v1.1"]/@change)' "$X/people/whistleblowing.xml")" "renamed" "a rename is followed"
is "$(xmllint --xpath 'string(//version[@tag="v1.1"]/@from)' "$X/people/whistleblowing.xml")" "staff/whistleblowing.md" "from its old path"
is "$(xmllint --xpath 'string(//version[1]/@tag)' "$X/online-safety.xml")" "v1.1" "a document added in v1.1 begins there"
is "$(xmllint --xpath 'string(/corpus/releases/release[@tag="v2.0"]/removed/@path)' "$X/corpus.xml")" "old-notice.md" \
    "the deletion is in the release list"
is "$(xmllint --xpath 'count(/corpus/releases/release)' "$X/corpus.xml")" 3 "three releases"
# generated amendments: v2.0 has none written, v1.1 has one (dated 2024-03-01)
is "$(xmllint --xpath 'string(//meta/amendments/amendment[@generated="yes"]/@date)' "$X/allegations.xml")" "2024-06-01" \
    "a generated amendment for the release with none written"
is "$(xmllint --xpath 'count(//meta/amendments/amendment[@generated="yes"])' "$X/allegations.xml")" 1 \
    "a hand-written entry wins for its release"
like "$(xmllint --xpath 'string(//meta/amendments/amendment[@generated="yes"])' "$X/allegations.xml")" \
    "Changed in v2.0: Section 1 Introduction" "the generated amendment names the sections touched"

# ---- the site ----
H=$TMP/out/html
like "$(cat "$H/allegations.html")" '<h2 id="pc-changes-h">Changes</h2>' "the page has Changes"
like "$(cat "$H/allegations.html")" '<del><span class="visually-hidden">\[removed: </span>manager' "deletions marked with <del>"
like "$(cat "$H/allegations.html")" '<ins><span class="visually-hidden">\[added: </span>designated officer' "insertions marked with <ins>"
like "$(cat "$H/allegations.html")" 'Generated from the release history' "the generated amendment is marked"
like "$(cat "$H/whats-new.html")" 'Changed in v2.0' "what's new draws on the history"
like "$(cat "$H/feed.xml")" 'Changed in v2.0' "so does the Atom feed"

# ---- amendment-missing in the working tree ----
W=$TMP/work
git clone -q "$R" "$W"
sed -i 's/Write down what was said./Write down exactly what was said./' "$W/policies/allegations.md"
run_policyc check "$W" $T
like "$out" 'allegations.md:5:1: warning: the text has changed since release v2.0 but version: is still "1.1"' \
    "an edit since the last release without a new version"
sed -i 's/^version: "1.1"/version: "1.2"/' "$W/policies/allegations.md"
run_policyc check "$W" $T
unlike "$out" 'amendment-missing' "a new version settles it"

# ---- --as-of ----
asof() { # DATE: builds into $TMP/asof-DATE
	run_policyc build "$R" -o "$TMP/asof-$1" --as-of "$1" $T
}
asof 2024-01-09
is "$rc" 2 "--as-of before the first release: exit 2"
like "$err" "no release on or before" "and says why"
asof 2024-01-10
is "$rc" 0 "--as-of the first release's day"
check "v1.0 has the old notice and the old path, not the later document" \
    test -f "$TMP/asof-2024-01-10/html/old-notice.html" -a -f "$TMP/asof-2024-01-10/html/staff/whistleblowing.html" \
    -a ! -f "$TMP/asof-2024-01-10/html/online-safety.html"
like "$(cat "$TMP/asof-2024-01-10/html/index.html")" 'As in force on 10 January 2024 — not the current version' \
    "every page says so (contents)"
like "$(cat "$TMP/asof-2024-01-10/html/allegations.html")" 'As in force on 10 January 2024' "every page says so (document)"
asof 2024-03-03
check "between releases: the one before (v1.0)" \
    test -f "$TMP/asof-2024-03-03/html/staff/whistleblowing.html" -a ! -f "$TMP/asof-2024-03-03/html/online-safety.html"
like "$(pdftotext "$TMP/asof-2024-03-03/pdf/allegations.pdf" - 2>/dev/null)" 'As in force on 3 March 2024' "the PDF says so"
like "$(cat "$TMP/asof-2024-03-03/html/allegations.html")" 'Tell the manager at once' "with the text of then"
asof 2024-03-04
check "v1.1: the added document and the new path" \
    test -f "$TMP/asof-2024-03-04/html/online-safety.html" -a -f "$TMP/asof-2024-03-04/html/people/whistleblowing.html"
asof 2024-06-01
check "v2.0: the deleted notice is gone" test ! -f "$TMP/asof-2024-06-01/html/old-notice.html"
is "$(git -C "$R" status --porcelain)" "" "the working tree is untouched"

# ---- --archive ----
run_policyc build "$R" -o "$TMP/arch" --archive $T
check "--archive: every release under html/archive/<tag>/" \
    test -f "$TMP/arch/html/archive/v1.0/old-notice.html" -a -f "$TMP/arch/html/archive/v1.1/people/whistleblowing.html" \
    -a -f "$TMP/arch/html/archive/v2.0/allegations.html"
like "$(cat "$TMP/arch/html/allegations.html")" 'href="archive/v1.0/allegations.html"' "linked from Changes"

# ---- a shallow clone ----
S=$TMP/shallow
git clone -q --depth 1 "file://$R" "$S" 2>/dev/null
run_policyc build "$S" -o "$TMP/shallow-out" $T
is "$rc" 0 "a shallow clone builds"
like "$out$err" 'note: a shallow clone: the release history holds only' "and says its history is partial, once"

S1=$TMP/shallow1
git clone -q --depth 1 --no-tags "file://$R" "$S1" 2>/dev/null
run_policyc build "$S1" -o "$TMP/shallow1-out" --outputs xml $T
is "$rc" 0 "a shallow clone with no tags (CI's checkout) builds"
is "$(xmllint --xpath 'count(/corpus/releases/release)' "$TMP/shallow1-out/xml/corpus.xml")" 1 \
    "its one commit is the one release"

# ---- no tags: each commit that changed a document ----
N=$TMP/notags
git clone -q "$R" "$N"
git -C "$N" tag -d v1.0 v1.1 v2.0 >/dev/null
run_policyc build "$N" -o "$TMP/notags-out" --outputs xml $T
is "$(xmllint --xpath 'count(/corpus/releases/release)' "$TMP/notags-out/xml/corpus.xml")" 3 \
    "with no tags, each commit that changed a document is a release"

# ---- a project in a folder of a larger repository, and outside git ----
M=$TMP/mono
mkdir -p "$M"
git -C "$M" init -q
cp -R "$R/policyc.yaml" "$R/glossary.yaml" "$R/policies" "$M/"
mkdir "$M/sub" && mv "$M/policyc.yaml" "$M/glossary.yaml" "$M/policies" "$M/sub/"
git -C "$M" add -A && git -C "$M" commit -qm one && git -C "$M" tag v1
run_policyc build "$M/sub" -o "$TMP/mono-out" --outputs xml $T
is "$(xmllint --xpath 'count(/corpus/releases)' "$TMP/mono-out/xml/corpus.xml")" 0 \
    "a project in a folder of another repository: no history unless asked"
printf 'history: { tags: "v*" }\n' >> "$M/sub/policyc.yaml"
run_policyc build "$M/sub" -o "$TMP/mono-out" --outputs xml $T
is "$(xmllint --xpath 'count(/corpus/releases/release)' "$TMP/mono-out/xml/corpus.xml")" 1 "history: asks for it"
O=$TMP/outside
mkdir -p "$O" && cp -R "$R/policyc.yaml" "$R/glossary.yaml" "$R/policies" "$O/"
run_policyc check "$O" $T
unlike "$out" 'history' "outside git: no history, and no word of it unless asked"
printf 'history: on\n' >> "$O/policyc.yaml"
run_policyc build "$O" -o "$TMP/outside-out" $T
is "$(printf '%s\n' "$out$err" | grep -c 'note: the project is not in a git repository: no release history \[history-unavailable\]')" 1 \
    "asked for outside git: one note"

# ---- history in a streamed build, and in rebuilds from the cache ----
# A site build makes each document's tree when a page asks for it; the
# history goes on as it is made, and on corpus.xml once it is whole, so
# the XML is the bytes of a PDF build's (which holds every tree).  A
# rebuild reads back or leaves alone the trees whose document and
# history are as they were, and equals a full build.
I=$TMP/incr
git clone -q "$R" "$I"
run_policyc build "$I" -o "$TMP/incr-whole" --outputs xml,html,pdf $T
run_policyc build "$I" -o "$TMP/incr-out" --outputs xml,html --timings $T
check "with history, the XML is the same streamed as whole" \
    diff -r -x .policyc-cache "$TMP/incr-out/xml" "$TMP/incr-whole/xml"
is "$(xmllint --xpath 'count(/document/changes)' "$TMP/incr-out/xml/allegations.xml")" 1 "one <changes> in a streamed tree"
full() { rm -rf "$TMP/incr-full"; run_policyc build "$I" -o "$TMP/incr-full" --outputs xml,html --no-cache $T; }
rebuild() { run_policyc build "$I" -o "$TMP/incr-out" --outputs xml,html --timings $T; }
sed -i 's/Write down what was said./Write down what was said, and when./' "$I/policies/allegations.md"
rebuild
like "$err" 'document trees 1 made, 0 read back' "a body edit in a git project makes one tree"
full
check "... and the rebuild equals a full build" same_out "$TMP/incr-out" "$TMP/incr-full"
git -C "$I" commit -qam "and when" && git -C "$I" tag v3.0
rebuild
like "$err" 'document trees 1 made' "a new release remakes the tree whose history changed"
like "$(cat "$TMP/incr-out/html/allegations.html")" 'v3.0' "... and its page shows the release"
full
check "... and the rebuild equals a full build" same_out "$TMP/incr-out" "$TMP/incr-full"
# a template of the project's own: every page made again, the trees read
# back from OUT (their history already on them)
mkdir -p "$I/templates/html"
cp "$ROOT/templates/html/404.xsl" "$I/templates/html/404.xsl"
rebuild
like "$err" 'document trees 0 made, [1-9][0-9]* read back' "a template change reads the trees back"
full
check "... and the rebuild equals a full build" same_out "$TMP/incr-out" "$TMP/incr-full"
is "$(xmllint --xpath 'count(/document/changes)' "$TMP/incr-out/xml/allegations.xml")" 1 "... with one <changes> each"
# a release taken away (its tag deleted): the documents it held change
# history and nothing else, and their trees are made again
git -C "$I" tag -d v1.1 >/dev/null
rebuild
like "$err" 'document trees [1-9][0-9]* made' "a deleted tag remakes the trees whose history it held"
full
check "... and the rebuild equals a full build" same_out "$TMP/incr-out" "$TMP/incr-full"
# with PDFs too: history goes on each tree as it is made, and the other
# documents' PDFs are carried over with no tree
run_policyc build "$I" -o "$TMP/incr-pdf" $T
sed -i 's/Write down what was said, and when./Write down what was said, when and by whom./' "$I/policies/allegations.md"
run_policyc build "$I" -o "$TMP/incr-pdf" --timings $T
like "$err" 'document trees 1 made, 0 read back' "with PDFs, a body edit makes one tree"
rm -rf "$TMP/incr-pdf-full"
run_policyc build "$I" -o "$TMP/incr-pdf-full" --no-cache $T
check "... and the rebuild equals a full build, PDFs too" same_out "$TMP/incr-pdf" "$TMP/incr-pdf-full"
