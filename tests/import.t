#!/bin/sh
# policyc import (compiler/import*.c): Word and OpenDocument files into a
# policyc project.  The .docx/.odt fixtures are made here from the seeds
# and by hand (tests/fixtures/import/mkdocx.py writes the XML parts, no
# LibreOffice needed); each imported document must equal its golden file
# in tests/fixtures/import/expected/ (front matter with the comments
# saying where each guess came from, then the body); the project must
# check with no link-broken and no yaml-syntax; corrupt, encrypted, non-
# Word files and zip bombs are import-invalid errors with exit status 1
# and no file left behind; existing documents are kept without --force;
# a folder's subfolders become sections.
# Regenerate the golden files with:  REGEN=1 prove tests/import.t
. "$(dirname "$0")/lib.sh"
plan 66

EXP=$ROOT/tests/fixtures/import/expected
FX=$TMP/fx
# the bombs' guards against a hang: seconds a natively built policyc is
# given; ASan+UBSan and TSan builds run several times slower (a guard,
# not a speed test: the quadratic and copying versions took minutes)
slow=1
[ -n "${POLICYC_SANITIZED:-}" ] && slow=10
if ! python3 "$ROOT/tests/fixtures/import/mkdocx.py" "$SHARED/seeds" "$FX"; then
	echo "Bail out! cannot make the fixtures (python3)"
	exit 1
fi

# all the good fixtures into one new project
P=$TMP/proj
run_policyc import "$FX"/seed-000.docx "$FX"/seed-001.docx \
    "$FX"/seed-002.docx "$FX"/seed-003.docx "$FX"/seed-004.docx \
    "$FX"/lists.docx "$FX"/merged.docx "$FX"/image-footnote.docx \
    "$FX"/no-styles.docx "$FX"/lone-working.odt "$FX"/word-features.docx -o "$P" --today 2026-11-23
is "$rc" 0 "importing the eleven good fixtures succeeds"
like "$out" "new policy project in" "a new project is made"
like "$out" "review: *2014-12" "the report names the review date it recovered"
like "$out" "not recovered: \"Target Audience" "the report names what it could not recover"
like "$out" "diagnostics on the imported documents" "the report ends with what policyc check says"

for name in seed-000 seed-001 seed-002 seed-003 seed-004 lists merged \
    image-footnote no-styles lone-working word-features; do
	got=$P/policies/$name.md
	if [ "${REGEN:-}" ]; then mkdir -p "$EXP"; cp "$got" "$EXP/$name.md"; fi
	if cmp -s "$got" "$EXP/$name.md"; then ok 0 "$name: golden Markdown and front matter"
	else ok 1 "$name: golden Markdown and front matter"; diff -u "$EXP/$name.md" "$got" | head -30 | sed 's/^/# /'; fi
done

if grep -q '^review: 2014-12  # from "Next Review Date December2014" (table row 4)$' \
    "$P/policies/seed-004.md"; then r=0; else r=1; fi
ok $r "seed 004: review date from the control table, with its source"
run_policyc check "$P" --today 2026-11-23
if printf '%s\n' "$out" | grep -q 'link-broken\|yaml-syntax'; then r=1; else r=0; fi
ok $r "the imported project checks with no link-broken and no yaml-syntax"
n=$(ls "$P"/assets/*.png 2>/dev/null | wc -l)
is "$n" 1 "the image is extracted into assets/, content-addressed"

# LibreOffice's own .odt and .docx of the fixtures (when soffice is
# installed) must import to the same golden documents
if command -v soffice >/dev/null 2>&1; then
	LO=$TMP/lo
	mkdir -p "$LO/in"
	for f in seed-003 seed-004 lists merged image-footnote; do cp "$FX/$f.docx" "$LO/in/"; done
	soffice --headless -env:UserInstallation="file://$LO/profile" \
	    --convert-to odt --outdir "$LO/odt" "$LO"/in/*.docx >/dev/null 2>&1
	soffice --headless -env:UserInstallation="file://$LO/profile" \
	    --convert-to docx --outdir "$LO/docx" "$LO"/odt/*.odt >/dev/null 2>&1
	for kind in odt docx; do
		run_policyc import "$LO/$kind"/*.$kind -o "$LO/p-$kind" --today 2026-11-23
		bad=
		for f in seed-003 seed-004 lists merged image-footnote; do
			cmp -s "$LO/p-$kind/policies/$f.md" "$EXP/$f.md" || bad="$bad $f"
		done
		is "$rc:$bad" "0:" "LibreOffice's .$kind of the fixtures imports to the same golden documents"
	done
else
	skip "soffice not installed (libreoffice-writer-nogui)"
	skip "soffice not installed (libreoffice-writer-nogui)"
fi

# the main part where the package's relationships say (Office sometimes
# writes word/document2.xml)
python3 - "$FX/lists.docx" "$TMP/doc2/lists.docx" <<'PY'
import os, sys, zipfile
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
with zipfile.ZipFile(sys.argv[1]) as a, zipfile.ZipFile(sys.argv[2], 'w') as b:
    for n in a.namelist():
        d = a.read(n)
        if n == '_rels/.rels':
            d = d.replace(b'word/document.xml', b'word/document2.xml')
        n = {'word/document.xml': 'word/document2.xml',
             'word/_rels/document.xml.rels': 'word/_rels/document2.xml.rels'}.get(n, n)
        b.writestr(n, d)
PY
run_policyc import "$TMP/doc2/lists.docx" -o "$TMP/p-doc2" --today 2026-11-23
if cmp -s "$TMP/p-doc2/policies/lists.md" "$EXP/lists.md"; then r=0; else r=1; fi
ok $r "word/document2.xml, named by _rels/.rels, imports as word/document.xml does"

# bad files: a clear error, exit 1, nothing left behind
for bad in corrupt encrypted not-word; do
	run_policyc import "$FX/$bad.docx" -o "$P"
	is "$rc" 1 "$bad.docx: exit status 1"
	like "$err" "$bad.docx:0:0: error: .*\[import-invalid\]" "$bad.docx: a located import-invalid error"
done
run_policyc import "$FX/encrypted.docx" -o "$P"
like "$err" "is encrypted" "an encrypted file is named as encrypted"
left=$(find "$P" -name '*.tmp' -o -name 'corrupt*' -o -name 'encrypted*' -o -name 'not-word*' | wc -l)
is "$left" 0 "no partial or temporary file left behind"

# a zip bomb: one part far larger than the bound
python3 - "$FX/bomb.docx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', ' ' * (65 << 20))
PY
run_policyc import "$FX/bomb.docx" -o "$P"
like "$err" "larger than 64 MB.*\[import-invalid\]" "a zip bomb is refused, not inflated"

# an entity bomb: a part of a few kilobytes whose one entity, referenced
# thousands of times, would expand past the 64 MB bound; and an external
# entity naming a file outside.  Office files never declare entities, so
# each is refused before anything is expanded or read.
python3 - "$FX" <<'PY'
import sys, zipfile
fx = sys.argv[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
def docx(name, dtd, text):
    with zipfile.ZipFile('%s/%s.docx' % (fx, name), 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<Types/>')
        z.writestr('word/document.xml', '<?xml version="1.0"?>%s<w:document %s>'
            '<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>'
            % (dtd, W, text))
docx('entity-bomb', '<!DOCTYPE w:document [<!ENTITY a "%s">]>' % ('x' * 1000),
    '&a;' * 5000)
docx('entity-file', '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    'secret: &x;')
with zipfile.ZipFile(fx + '/entity-odt.odt', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('mimetype', 'application/vnd.oasis.opendocument.text')
    z.writestr('content.xml', '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "%s">]>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        '<text:p>%s</text:p></office:text></office:body></office:document-content>'
        % ('x' * 1000, '&a;' * 5000))
PY
for bad in entity-bomb.docx entity-file.docx entity-odt.odt; do
	run_policyc import "$FX/$bad" -o "$TMP/ent"
	is "$rc" 1 "$bad: exit status 1"
	like "$err" "$bad:0:0: error: .* declares XML entities.*\[import-invalid\]" "$bad: refused as declaring entities"
done
left=$(find "$TMP/ent" -name 'entity-*' | wc -l)
is "$left" 0 "entity bombs: no document written"

# a FIFO named on the command line is not opened (nothing writes to it:
# the open would wait for ever)
mkfifo "$TMP/fifo.docx"
wrap=${POLICYC_WRAP:-}
POLICYC_WRAP="timeout $((30 * slow)) $wrap"
run_policyc import "$TMP/fifo.docx" -o "$TMP/ent"
POLICYC_WRAP=$wrap
is "$rc" 1 "a FIFO: exit status 1, at once"
like "$err" "fifo.docx:0:0: error: .*not a regular file.*\[import-invalid\]" "a FIFO: refused as not a regular file"

# nothing is written outside the project: not through a content folder
# or assets/ that is a symbolic link out of it, nor where a content:
# that climbs out of it points (the checks refuse to read them there)
mkdir -p "$TMP/away/p" "$TMP/away/a" "$TMP/lnk" "$TMP/climb"
printf 'title: Links\n' >"$TMP/lnk/policyc.yaml"
ln -s "$TMP/away/p" "$TMP/lnk/policies"
run_policyc import "$FX/image-footnote.docx" -o "$TMP/lnk"
is "$rc" 1 "a content folder linked outside: exit status 1"
like "$err" "image-footnote.docx:0:0: error: cannot write policies/image-footnote.md: .*outside the project.*\[import-invalid\]" "a content folder linked outside: says it is outside"
rm -rf "$TMP/lnk/policies" "$TMP/lnk/assets" && mkdir "$TMP/lnk/policies"
ln -s "$TMP/away/a" "$TMP/lnk/assets"
run_policyc import "$FX/image-footnote.docx" -o "$TMP/lnk"
like "$out" "image .* not written: .*outside the project" "assets/ linked outside: the image is said not written"
printf 'title: Climb\ncontent: ../away/p\n' >"$TMP/climb/policyc.yaml"
run_policyc import "$FX/lists.docx" -o "$TMP/climb"
is "$rc" 1 "content: ../away: exit status 1"
is "$(find "$TMP/away" -type f | wc -l)" 0 "nothing written outside the project"

# a table of one row of 3,000 empty cells over 100 one-cell rows: 2 KB
# that padded every row to the widest made 300,000 cells; at most 64
# columns are kept (Word's own limit is 63), as for .odt, and it is said
python3 - "$FX/wide.docx" <<'PY'
import sys, zipfile
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
row = '<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document %s><w:body>'
        '<w:tbl><w:tr>%s</w:tr>%s</w:tbl></w:body></w:document>'
        % (W, '<w:tc/>' * 3000, row * 100))
PY
run_policyc import "$FX/wide.docx" -o "$TMP/ent"
widest=$(grep '^|' "$TMP/ent/policies/wide.md" | awk -F'|' '{ if (NF > m) m = NF } END { print m - 2 }')
is "$widest" 64 "a table 3,000 cells wide: 64 columns kept"
like "$out" "cells past the 64th dropped" "a table too wide: the report says so"

# one footnote of 100 KB referenced 200 times (1 KB of zip): each
# reference to it is [^1], its text written once, not 200 times
python3 - "$FX/notes.docx" <<'PY'
import sys, zipfile
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document %s><w:body>'
        '<w:p><w:r><w:t>Text</w:t></w:r>%s</w:p></w:body></w:document>'
        % (W, '<w:r><w:footnoteReference w:id="1"/></w:r>' * 200))
    z.writestr('word/footnotes.xml', '<?xml version="1.0"?><w:footnotes %s>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:footnote>'
        '</w:footnotes>' % (W, 'n' * 100000))
PY
run_policyc import "$FX/notes.docx" -o "$TMP/ent"
is "$(grep -o '\[^1\]' "$TMP/ent/policies/notes.md" | wc -l):$(grep -c '^\[^' "$TMP/ent/policies/notes.md")" "201:1" \
    "a footnote referenced 200 times: 200 references, one definition"

# one 100 KB address linked 1,000 times (2 KB of zip, 100 MB of
# Markdown): addresses copied past 8 MB in all are written as the
# link's text
python3 - "$FX/links.docx" <<'PY'
import sys, zipfile
W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document %s><w:body>'
        '<w:p>%s</w:p></w:body></w:document>'
        % (W, '<w:hyperlink r:id="rL"><w:r><w:t>link</w:t></w:r></w:hyperlink>' * 1000))
    z.writestr('word/_rels/document.xml.rels', '<?xml version="1.0"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rL" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/hyperlink" Target="https://example.org/%s" '
        'TargetMode="External"/></Relationships>' % ('x' * 100000))
PY
run_policyc import "$FX/links.docx" -o "$TMP/ent"
size=$(wc -c <"$TMP/ent/policies/links.md")
ok $([ "$size" -le $((9 << 20)) ] && echo 0 || echo 1) "one address linked 1,000 times: at most 8 MB of addresses written ($size bytes)"
like "$out" "links written as their text: their addresses" "and the report says how many links lost theirs"

# one 32 MB picture (32 KB of zip) shown 300 times, and a corrupt one
# shown 50 times: each part is read once a document, not inflated and
# hashed at every reference (9.6 GB of work for 40 KB)
python3 - "$FX/pictures.docx" <<'PY'
import sys, zipfile
W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
     'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
     'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
def pic(rid):
    return ('<w:r><w:drawing><wp:inline><wp:docPr id="1" name="p" descr="A picture"/>'
        '<a:graphic><a:graphicData><a:blip r:embed="%s"/></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r>' % rid)
rel = ('<Relationship Id="%s" Type="http://schemas.openxmlformats.org/officeDocument/'
       '2006/relationships/image" Target="media/%s"/>')
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document %s><w:body>'
        '<w:p>%s%s</w:p></w:body></w:document>' % (W, pic('rBig') * 300, pic('rBad') * 50))
    z.writestr('word/_rels/document.xml.rels', '<?xml version="1.0"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s%s'
        '</Relationships>' % (rel % ('rBig', 'big.png'), rel % ('rBad', 'bad.png')))
    z.writestr('word/media/big.png', b'\x89PNG' + bytes(32 << 20))
    z.writestr(zipfile.ZipInfo('word/media/bad.png'), b'\x89PNG' + bytes(1000))
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'\x89PNG' + bytes(1000))
d[i + 500] = 1          # its CRC no longer matches
open(sys.argv[1], 'wb').write(d)
PY
wrap=${POLICYC_WRAP:-}
POLICYC_WRAP="timeout $((60 * slow)) $wrap"
run_policyc import "$FX/pictures.docx" -o "$TMP/ent"
POLICYC_WRAP=$wrap
is "$rc:$(grep -c '^!\[A picture\]' "$TMP/ent/policies/pictures.md")" "0:1" "one picture shown 300 times: imported, within a minute"
is "$(printf '%s\n' "$out" | grep -c 'image word/media/bad.png not read')" 1 "a corrupt picture shown 50 times: said once"

# 40,000 styles and 400,000 runs naming one that is not there: each
# lookup a scan of every style made this 300 KB file take about a
# minute; looked up by id, a second or two (natively: under the
# sanitizers, whose allocator makes this import a hundred times slower,
# a quarter of each)
styles=40000 paras=4000
[ "$slow" -gt 1 ] && styles=10000 paras=1000
python3 - "$FX/styles.docx" "$styles" "$paras" <<'PY'
import sys, zipfile
styles, paras = int(sys.argv[2]), int(sys.argv[3])
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
run = '<w:r><w:rPr><w:rStyle w:val="NoSuchStyle"/></w:rPr></w:r>'
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document %s><w:body>%s'
        '<w:p><w:r><w:t>End.</w:t></w:r></w:p></w:body></w:document>'
        % (W, ('<w:p>' + run * 100 + '</w:p>') * paras))
    z.writestr('word/styles.xml', '<?xml version="1.0"?><w:styles %s>%s</w:styles>'
        % (W, ''.join('<w:style w:type="character" w:styleId="S%d"><w:name w:val="s%d"/>'
                      '</w:style>' % (i, i) for i in range(styles))))
PY
wrap=${POLICYC_WRAP:-}
POLICYC_WRAP="timeout $((30 * slow)) $wrap"
run_policyc import "$FX/styles.docx" -o "$TMP/ent"
POLICYC_WRAP=$wrap
is "$rc" 0 "$styles styles and $((paras * 100)) runs: imported within $((30 * slow)) s"

# a folder with no Word or OpenDocument file: says so, exit 2, and no
# project is made for nothing (a mistyped folder)
mkdir -p "$TMP/noword/sub" && echo x > "$TMP/noword/notes.txt" && echo y > "$TMP/noword/sub/a.pdf"
run_policyc import "$TMP/noword" -o "$TMP/noword-out"
is "$rc" 2 "a folder with no .docx or .odt file: exit 2"
like "$err" "no .docx or .odt files in .*noword: nothing imported" "and says nothing was imported"
check "no project made for it" [ ! -e "$TMP/noword-out" ]

# a folder that is neither a project nor empty is not written into
mkdir -p "$TMP/notproj" && echo x > "$TMP/notproj/file.txt"
run_policyc import "$FX/lists.docx" -o "$TMP/notproj"
is "$rc" 2 "a non-empty folder that is no project is refused (exit 2)"

# an existing document is kept without --force
cp "$P/policies/lists.md" "$TMP/lists.before"
run_policyc import "$FX/lists.docx" -o "$P"
is "$rc" 1 "importing over an existing document fails"
like "$err" "use --force" "and says how to replace it"
run_policyc import "$FX/lists.docx" -o "$P" --force
is "$rc" 0 "--force replaces it"

# a folder: subfolders become sections, images link back to assets/
mkdir -p "$TMP/Policy Folder/Health and Safety"
cp "$FX/image-footnote.docx" "$TMP/Policy Folder/Health and Safety/"
cp "$FX/no-styles.docx" "$TMP/Policy Folder/"
cp "$FX/lone-working.odt" "$TMP/Policy Folder/no-styles.odt"
run_policyc import "$TMP/Policy Folder" -o "$P"
if [ -f "$P/policies/policy-folder/health-and-safety/image-footnote.md" ] &&
    [ -f "$P/policies/policy-folder/no-styles.md" ]; then ok 0 "a folder's structure is kept as sections"
else ok 1 "a folder's structure is kept as sections"; fi
if grep -q '](../../../assets/' "$P/policies/policy-folder/health-and-safety/image-footnote.md"; then r=0; else r=1; fi
ok $r "an image in a section links to the project's assets/"
if grep -q '^title: "Lone Working Procedure"' "$P/policies/policy-folder/no-styles-2.md"; then r=0; else r=1; fi
ok $r "two inputs with one name: the second is NAME-2, not written over the first"

# list numbers past what a Markdown item can say (nine digits): Word's
# w:start and w:startOverride, OpenDocument's text:start-value, at
# INT_MAX and beyond (atoi of them was undefined, and counting on from
# INT_MAX overflowed): imported, every item's number nine digits at most
python3 - "$FX" <<'PY'
import re, sys, zipfile
fx = sys.argv[1]
with zipfile.ZipFile(fx + '/lists.docx') as a, \
        zipfile.ZipFile(fx + '/numbers.docx', 'w', zipfile.ZIP_DEFLATED) as b:
    for n in a.namelist():
        d = a.read(n)
        if n == 'word/numbering.xml':
            d = d.replace(b'<w:start w:val="1"/><w:numFmt w:val="decimal"/>',
                          b'<w:start w:val="99999999999"/><w:numFmt w:val="decimal"/>')
            d = d.replace(b'<w:startOverride w:val="5"/>', b'<w:startOverride w:val="2147483647"/>')
            d = d.replace(b'<w:startOverride w:val="1"/>', b'<w:startOverride w:val="-2147483648"/>')
        b.writestr(n, d)
item = '<text:list-item %s><text:p>item</text:p></text:list-item>'
with zipfile.ZipFile(fx + '/numbers.odt', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('mimetype', 'application/vnd.oasis.opendocument.text')
    z.writestr('content.xml', '<?xml version="1.0"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        '<text:list>%s%s%s</text:list></office:text></office:body></office:document-content>'
        % (item % 'text:start-value="2147483647"', item % '', item % ''))
PY
run_policyc import "$FX/numbers.docx" "$FX/numbers.odt" -o "$TMP/numbers" --today 2026-11-23
is "$rc" 0 "list start numbers past nine digits: imported"
long=$(cat "$TMP"/numbers/policies/*.md | grep -cE '^ *-?[0-9]{10,}[.)]' || true)
items=$(cat "$TMP"/numbers/policies/*.md | grep -cE '^ *[0-9]{1,9}[.)] ' || true)
check "list start numbers past nine digits: every item numbered in nine digits ($items items)" [ "$long" -eq 0 -a "$items" -gt 3 ]
no_sanitizer_report "list start numbers past nine digits"
