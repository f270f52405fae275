#!/bin/sh
# publish.t — what `policyc build` writes, and where: every output path
# stays inside OUT (" .." folders, unsafe ids), every path the project
# names stays inside the project (symlinked content folder, glossary
# outside, symlinked/FIFO documents), reserved ids are reported and not
# lost, a full disk during any back end keeps the old OUT, `-o out/`
# rebuilds, killed builds' staging folders are swept, SIGINT/SIGTERM clean
# up and exit 130/143, and check prints what build prints.
. "$(dirname "$0")/lib.sh"
set -e
# every test case but the sandbox ones (their time limits are the clock's)
cases=$(find "$ROOT/tests/cases" -name policyc.yaml | sed 's|/policyc.yaml$||' |
    grep -v '/sandbox' | sort)
plan $((107 + $(printf '%s\n' $cases | grep -c .)))

T="--today 2026-11-23"
doc() {   # doc FILE TITLE [BODY]
	mkdir -p "$(dirname "$1")"
	printf -- '---\ntitle: %s\nowner: O\nreview: 2030-01-01\n---\n%s\n' \
	    "$2" "${3:-Text.}" > "$1"
}

# -- a folder named " .." slugs to "..": never written outside OUT
P=$TMP/dots
make_project "$P" "title: Dots
rules:
  orphan: off"
doc "$P/policies/ ../x.md" "Dotted"
doc "$P/policies/a.md" "A"
run_policyc build "$P" -o "$TMP/dots-out/site" $T --outputs xml,html
is "$rc" 0 "' ..' folder: build still publishes"
like "$err" "policies/ \.\./x.md:0:0: error: id '\.\./x' would leave the output folder; published as '__/x' \[id-invalid\]" "' ..' folder: id-invalid, located, says the new id"
check "' ..' folder: nothing written beside OUT" sh -c '[ ! -e "$1/x.xml" ] && [ ! -e "$1/x.html" ] && [ ! -e "$1/site/x.xml" ]' _ "$TMP/dots-out"
check "' ..' folder: published inside OUT under the safe id" sh -c '[ -f "$1/xml/__/x.xml" ] && [ -f "$1/html/__/x.html" ]' _ "$TMP/dots-out/site"
run_policyc check "$P" $T
like "$out" "id-invalid" "' ..' folder: check says it too"

# -- a symlinked content folder that points outside the project
mkdir -p "$TMP/elsewhere"
doc "$TMP/elsewhere/secret.md" "Secret"
P=$TMP/linked
make_project "$P" "title: Linked"
rmdir "$P/policies"
ln -s "$TMP/elsewhere" "$P/policies"
run_policyc check "$P" $T
is "$rc" 2 "content folder linked outside: exit 2"
like "$out" "^policyc.yaml:0:0: error: content folder 'policies' resolves outside the project folder" "content folder linked outside: refused"
unlike "$out" "secret" "content folder linked outside: nothing read from it"

# -- glossary: ../x.yaml is not read
P=$TMP/gloss
make_project "$P" "title: Gloss
glossary: ../outside.yaml"
printf -- '- term: Outside Secret\n  definition: Read from outside.\n' > "$TMP/outside.yaml"
doc "$P/policies/a.md" "A"
run_policyc build "$P" -o "$TMP/gloss-out" $T --outputs xml
like "$err" "^policyc.yaml:2:1[0-9]*: error: glossary '\.\./outside.yaml' resolves outside the project folder; not read \[config-invalid\]" "glossary outside the project: located refusal"
check "glossary outside the project: not published" sh -c '! grep -q "Outside Secret" "$1"' _ "$TMP/gloss-out/xml/corpus.xml"

# -- documents that are links outside, FIFOs, devices: skipped, never read
P=$TMP/files
make_project "$P" "title: Files
rules:
  orphan: off"
doc "$P/policies/ok.md" "Fine"
doc "$TMP/outside-doc.md" "Outside doc" "TOP-SECRET"
ln -s "$TMP/outside-doc.md" "$P/policies/leak.md"
doc "$P/inside-doc.md" "Inside linked"
ln -s ../inside-doc.md "$P/policies/inside-link.md"
mkfifo "$P/policies/fifo.md"
ln -s /dev/zero "$P/policies/zero.md"
set +e
timeout 60 "$POLICYC" build "$P" -o "$TMP/files-out" $T --outputs xml >"$TMP/f.out" 2>"$TMP/f.err"
rc=$?
set -e
err=$(cat "$TMP/f.err")
is "$rc" 0 "FIFO and links: build ends (no hang) and publishes"
like "$err" "^policies/leak.md:0:0: error: is a symbolic link that resolves outside the project folder; not read \[file-unreadable\]" "link outside: located, not read"
like "$err" "^policies/fifo.md:0:0: error: is not a regular file" "FIFO: located, not read"
like "$err" "^policies/zero.md:0:0: error: is a symbolic link that resolves outside the project folder" "link to /dev/zero: not read"
check "link outside: its text is nowhere in OUT" sh -c '! grep -rq TOP-SECRET "$1"' _ "$TMP/files-out"
check "a link to a file inside the project is read" [ -f "$TMP/files-out/xml/inside-link.xml" ]

# -- reserved ids: reported, and the document is kept under another id
P=$TMP/reserved
make_project "$P" "title: Reserved
rules:
  orphan: off
packs:
  - id: handbook
    title: Handbook
    include: { types: [policy] }"
for id in index glossary search review whats-new 404 corpus feed sitemap handbook packs; do
	doc "$P/policies/$id.md" "Doc $id" "Body of $id."
done
# the pack has a member (an empty pack trips pdf.c under UBSan)
printf -- '---\ntitle: Member\ntype: policy\nowner: O\nreview: 2030-01-01\n---\nText.\n' > "$P/policies/member.md"
run_policyc build "$P" -o "$TMP/reserved-out" $T --outputs xml,html
is "$rc" 0 "reserved ids: build publishes"
for id in packs glossary search review whats-new 404 corpus handbook; do
	like "$err" "^policies/$id.md:0:0: error: id '$id' is .*; published as '$id-2' \[id-reserved\]" "reserved id $id: id-reserved"
done
check "reserved: the document is kept as packs-2" sh -c '[ -f "$1/xml/packs-2.xml" ] && [ -f "$1/html/packs-2.html" ]' _ "$TMP/reserved-out"
# the root index.md is the home page's text, above the contents
check "reserved: index.md is the home page, with the contents" sh -c 'grep -q "Body of index" "$1" && grep -q "Doc glossary" "$1"' _ "$TMP/reserved-out/html/index.html"
check "reserved: index.md keeps its XML" [ -f "$TMP/reserved-out/xml/index.xml" ]
check "reserved: corpus.xml is the corpus" grep -q "<corpus" "$TMP/reserved-out/xml/corpus.xml"
run_policyc check "$P" $T
like "$out" "published as 'corpus-2' \[id-reserved\]" "reserved ids: check says it too"

# -- a folder of an id named like another output's file: pdf/z.pdf is
# z's PDF, so z.pdf/a would need it to be a folder.  Judged before any
# back end, so check says it, and build publishes both.
P=$TMP/folders
make_project "$P" "title: Folders
rules:
  orphan: off
packs:
  - id: handbook
    title: Handbook
    include: { types: [policy] }"
for id in z z.pdf/a y y.xml/a x x.html/a handbook.pdf/b pdf/x.pdf/c feed.xml/d corpus.xml/e w w.pdf/w.xml/f plain.pdf/g; do
	mkdir -p "$P/policies/$(dirname "$id")"
	doc "$P/policies/$id.md" "Doc $id" "Body of $id."
done
run_policyc check "$P" $T
is "$rc" 1 "folder named like a file: check fails"
checked=$out
run_policyc build "$P" -o "$TMP/folders-out" $T
is "$rc" 0 "folder named like a file: build publishes"
is "$(printf '%s\n' "$err" | grep -v '^[0-9]* error')" "$(printf '%s\n' "$checked" | grep -v '^[0-9]* error')" "folder named like a file: build says what check said"
unlike "$err" "pdf-write\\|output-error\\|tmp-" "folder named like a file: no back end fails to write"
like "$err" "^policies/z.pdf/a.md:0:0: error: id 'z.pdf/a' has a folder 'z.pdf' where the PDF pdf/z.pdf of 'z' is written; published as 'z.pdf-2/a' \[id-reserved\]" "z.pdf/a: id-reserved, located"
like "$err" "'y.xml/a' has a folder 'y.xml' where the XML xml/y.xml of 'y'" "y.xml/a: the XML's file"
like "$err" "'x.html/a' has a folder 'x.html' where the page html/x.html of 'x'" "x.html/a: the page"
like "$err" "'handbook.pdf/b' has a folder 'handbook.pdf' where the PDF pdf/handbook.pdf of pack 'handbook'" "handbook.pdf/b: the pack's PDF"
like "$err" "'pdf/x.pdf/c' has a folder 'pdf/x.pdf' where the site's copy html/pdf/x.pdf" "pdf/x.pdf/c: the site's copy of a PDF"
like "$err" "'feed.xml/d' has a folder 'feed.xml' where the site's html/feed.xml" "feed.xml/d: the site's feed"
like "$err" "'corpus.xml/e' has a folder 'corpus.xml' where the corpus's xml/corpus.xml" "corpus.xml/e: the corpus XML"
like "$err" "published as 'w.pdf-2/w.xml/f'" "w.pdf/w.xml/f: only the folder that clashes is renamed"
unlike "$err" "plain.pdf/g" "plain.pdf/g: a folder named .pdf with no such PDF is fine"
for f in pdf/z.pdf-2/a.pdf xml/y.xml-2/a.xml html/x.html-2/a.html pdf/handbook.pdf-2/b.pdf html/pdf/x.pdf-2/c.html html/feed.xml-2/d.html xml/corpus.xml-2/e.xml html/plain.pdf/g.html pdf/z.pdf xml/y.xml html/x.html pdf/handbook.pdf html/feed.xml; do
	check "folder named like a file: $f published" [ -f "$TMP/folders-out/$f" ]
done

# -- a pack whose rules match no document: said (check and build alike),
# published all the same, and its line on the packs page ends cleanly
P=$TMP/emptypack
make_project "$P" "title: Empty pack
rules:
  orphan: off
packs:
  - id: nobody
    title: Nobody
    include: { types: [no-such-type] }"
doc "$P/policies/one.md" "One" "Text."
run_policyc check "$P" $T
like "$out" "^policyc.yaml:[0-9]*:0: warning: pack 'nobody' includes no document: its PDF has a cover and contents only \[config-invalid\]" "empty pack: a located warning"
run_policyc build "$P" -o "$TMP/emptypack-out" $T
like "$err" "pack 'nobody' includes no document" "empty pack: build says it too"
check "empty pack: its PDF is published" [ -f "$TMP/emptypack-out/pdf/nobody.pdf" ]
check "empty pack: the packs page says 0 documents, no dangling colon" sh -c \
    'grep -q "0 documents</span>" "$1" && ! grep -q "0 documents: *</span>" "$1"' _ "$TMP/emptypack-out/html/packs.html"

# -- an empty content folder is said, not "0 documents" and exit 0
P=$TMP/nodocs
make_project "$P" "title: Empty"
echo "not markdown" > "$P/policies/readme.txt"
run_policyc check "$P" $T
is "$rc" 1 "no *.md files: check fails"
like "$out" "^policyc.yaml:0:0: error: content folder 'policies' holds no Markdown (\*.md) files \[content-empty\]" "no *.md files: located content-empty"
printf 'title: Empty\ncontent: docs\n' > "$P/policyc.yaml"
mkdir -p "$P/docs"
run_policyc check "$P" $T
like "$out" "^policyc.yaml:2:10: error: content folder 'docs' holds" "content-empty points at content:"

# -- a malformed SOURCE_DATE_EPOCH is said
P=$TMP/sde
make_project "$P" "title: SDE
rules:
  orphan: off"
doc "$P/policies/a.md" "A"
SOURCE_DATE_EPOCH=yesterday run_policyc check "$P"
like "$out" "warning: SOURCE_DATE_EPOCH 'yesterday' is not a number of seconds.*\[env-invalid\]" "malformed SOURCE_DATE_EPOCH: a diagnostic"
SOURCE_DATE_EPOCH=1795392000 run_policyc check "$P"
unlike "$out" "env-invalid" "a good SOURCE_DATE_EPOCH: no diagnostic"

# -- a 255-byte file name: a located diagnostic, not a failed build
long=$(printf 'a%.0s' $(seq 1 252))
doc "$P/policies/$long.md" "Long"
run_policyc build "$P" -o "$TMP/sde-out" $T
is "$rc" 0 "255-byte file name: the build publishes"
like "$err" "^policies/$long.md:0:0: error: id has a part longer than 240 bytes" "255-byte file name: located id-invalid"
check "255-byte file name: published under a shorter name" sh -c 'ls "$1"/html/ | grep -q "^aaaa.*\.html$" && ls "$1"/pdf/ | grep -q "^aaaa.*\.pdf$"' _ "$TMP/sde-out"

# -- check = build on every project above (write errors aside)
# (and on the bundled project, the golden project and the test cases)
for P in "$TMP/dots" "$TMP/files" "$TMP/reserved" "$TMP/sde" "$TMP/gloss" \
    "$ROOT/content" "$ROOT/tests/golden/project" $cases; do
	"$POLICYC" check "$P" $T >"$TMP/c.txt" 2>/dev/null || true
	"$POLICYC" build "$P" -o "$TMP/cb-out" $T >/dev/null 2>"$TMP/b.txt" || true
	rm -rf "$TMP/cb-out"
	# diagnostics and the summary only (a leak checker adds its own)
	diags() { grep -E ': (error|warning|note): |^[0-9]+ errors?, ' "$1" || true; }
	what="check = build: ${P#$ROOT/}"
	if [ "$(diags "$TMP/b.txt")" = "$(diags "$TMP/c.txt")" ]; then
		ok 0 "$what"
	else
		is "$(diags "$TMP/b.txt")" "$(diags "$TMP/c.txt")" "$what"
	fi
done

# -- -o out/ (a trailing slash) rebuilds
P=$TMP/sde
rm -f "$P/policies/$long.md"
run_policyc build "$P" -o "$TMP/slash/" $T --outputs xml
is "$rc" 0 "-o out/: first build"
run_policyc build "$P" -o "$TMP/slash/" $T --outputs xml
is "$rc" 0 "-o out/: the rebuild works"
check "-o out/: the output is there" [ -f "$TMP/slash/xml/a.xml" ]

# -- staging folders a killed build left are swept; a live build's kept
mkdir -p "$TMP/slash.tmp-999999-abcdef/xml" "$TMP/slash.old-999998"
sleep 1000 & live=$!
mkdir -p "$TMP/slash.tmp-$live-ghijkl"
run_policyc build "$P" -o "$TMP/slash" $T --outputs xml
check "a dead build's staging folder is swept" [ ! -e "$TMP/slash.tmp-999999-abcdef" ]
check "a dead build's old OUT is swept" [ ! -e "$TMP/slash.old-999998" ]
check "a running build's staging folder is left alone" [ -d "$TMP/slash.tmp-$live-ghijkl" ]
kill "$live" 2>/dev/null || true
rm -rf "$TMP/slash.tmp-$live-ghijkl"

# -- concurrent builds into one OUT keep working
set +e
"$POLICYC" build "$P" -o "$TMP/conc" $T --outputs xml,html >/dev/null 2>&1 & a=$!
"$POLICYC" build "$P" -o "$TMP/conc" $T --outputs xml,html >/dev/null 2>&1 & b=$!
wait $a; ra=$?; wait $b; rb=$?
set -e
is "$ra$rb" "00" "two builds into one OUT at once: both succeed"
check "two builds into one OUT: a whole OUT" sh -c '[ -f "$1/xml/a.xml" ] && [ -f "$1/html/a.html" ]' _ "$TMP/conc"
old_gone "$TMP/conc" || true
unlike "$(ls "$TMP")" "conc.tmp-\|conc.old-" "two builds into one OUT: nothing left beside it"

# -- the previous OUT is removed after the swap by a child of its own:
# the build does not wait for it, nor does the next build (the child
# holds no lock); a child that died leaves what the next build sweeps.
# (Full builds: one with a trusted cache that makes little commits in
# place, and has nothing to remove but what it no longer makes.)
"$POLICYC" build "$P" -o "$TMP/big" $T --outputs xml >/dev/null 2>&1 || true
mkdir -p "$TMP/big/junk"
(cd "$TMP/big/junk" && seq 1 20000 | xargs touch)
"$POLICYC" build "$P" -o "$TMP/big" $T --outputs xml --no-cache >/dev/null 2>&1 & b=$!
wait $b || true
left=$(cd "$TMP" && ls -d big.old-* 2>/dev/null || true)
like "$left" "^big\.old-[0-9]*$" "a large previous OUT: still being removed when the build has returned"
check "... by another process than the build" [ "$left" != "big.old-$b" ]
run_policyc build "$P" -o "$TMP/big" $T --outputs xml --no-cache
unlike "$err" "waiting" "... the next build does not wait for its removal"
old_gone "$TMP/big" && r=0 || r=1; ok $r "... and it is gone soon after"
check "... OUT itself is whole" sh -c '[ -f "$1/xml/a.xml" ] && [ ! -e "$1/junk" ]' _ "$TMP/big"
(cd "$TMP/big" && mkdir junk && seq 1 2000 | sed 's/^/junk\//' | xargs touch)
POLICYC_REMOVE_WAIT=1 "$POLICYC" build "$P" -o "$TMP/big" $T --outputs xml --no-cache >/dev/null 2>&1 || true
unlike "$(ls "$TMP")" "big\.old-" "POLICYC_REMOVE_WAIT=1: removed before the build returns"

# -- SIGTERM / SIGINT during a build: staging removed, 143 / 130
P=$TMP/slow
make_project "$P" "title: Slow
rules:
  orphan: off"
i=0
while [ $i -lt 40 ]; do
	{
		printf -- '---\ntitle: Slow %d\nowner: O\nreview: 2030-01-01\n---\n' $i
		j=0
		while [ $j -lt 150 ]; do
			printf '## Part %d\n\nThe designated officer reviews every allegation and records the outcome in writing. %.0s\n\n' $j 1 2 3 4 5 6 7 8
			j=$((j + 1))
		done
	} > "$P/policies/slow-$i.md"
	i=$((i + 1))
done
signal_test() {   # signal_test SIG WANT
	rm -rf "$TMP/sig-out" "$TMP"/sig-out.tmp-*
	env --default-signal="$1" "$POLICYC" build "$P" -o "$TMP/sig-out" $T -j 1 >/dev/null 2>&1 &
	pid=$!
	n=0
	while [ $n -lt 600 ] && ! ls -d "$TMP"/sig-out.tmp-* >/dev/null 2>&1; do
		sleep 0.05; n=$((n + 1))
	done
	sleep 0.3
	kill -s "$1" $pid 2>/dev/null || true
	set +e; wait $pid; got=$?; set -e
	is "$got" "$2" "SIG$1 during a build: exit $2"
	check "SIG$1 during a build: no staging folder left" sh -c '! ls -d "$1"/sig-out.tmp-* >/dev/null 2>&1' _ "$TMP"
}
if env --default-signal=INT true 2>/dev/null; then
	signal_test TERM 143
	signal_test INT 130
else
	for _ in 1 2 3 4; do skip "env --default-signal is missing"; done
fi

# -- a full disk during any back end: nothing published, the old OUT kept
M=$TMP/tmpfs
mkdir -p "$M"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=300k tmpfs "$M" 2>/dev/null; then
	P=$TMP/disk
	make_project "$P" "title: Disk
rules:
  orphan: off"
	doc "$P/policies/a.md" "A"
	full_disk() {   # full_disk OUTPUTS
		rm -rf "$M/out" "$M/fill"
		"$POLICYC" build "$P" -o "$M/out" $T --outputs "$1" >/dev/null 2>&1
		echo keep > "$M/out/sentinel"
		# fill the disk, then leave 8 KB: room for the marker, too little
		# for any output
		dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null || true
		truncate -s -8k "$M/fill"
		# --no-cache: the same inputs would otherwise be carried over
		# (hard links, nothing to write), and the back end must write
		run_policyc build "$P" -o "$M/out" $T --outputs "$1" --no-cache
		rm -f "$M/fill"
	}
	for o in xml html pdf; do
		full_disk $o
		is "$rc" 1 "full disk during $o: the build fails"
		check "full disk during $o: the old OUT is kept" [ -f "$M/out/sentinel" ]
		unlike "$(ls "$M")" "out.tmp-" "full disk during $o: no staging folder left"
	done
	umount "$M"
else
	for _ in 1 2 3 4 5 6 7 8 9; do skip "cannot mount a tmpfs (not root?)"; done
fi

# -- without PDFs each document's tree is made, written and freed in turn
# (pipeline_model_streamed); with them every tree is held.  The same XML,
# the same site, the same diagnostics either way.
P=$TMP/stream
cp -r "$ROOT/content" "$P"
run_policyc build "$P" -o "$TMP/stream-x" $T --outputs xml --no-cache
ex=$err; xrc=$rc
run_policyc build "$P" -o "$TMP/stream-xp" $T --outputs xml,pdf --no-cache
is "$ex" "$err" "streamed trees: the diagnostics of a held-tree build"
is "$xrc" "$rc" "streamed trees: its exit status"
check "streamed trees: the XML files of a held-tree build" diff -r "$TMP/stream-x/xml" "$TMP/stream-xp/xml"
run_policyc build "$P" -o "$TMP/stream-h" $T --outputs html --no-cache
run_policyc build "$P" -o "$TMP/stream-xh" $T --outputs xml,html --no-cache
check "streamed trees: the site without the XML files is the site with them" diff -r "$TMP/stream-h/html" "$TMP/stream-xh/html"

exit $((tap_failed > 0))
