#!/bin/sh
# modules.t — the PDF back end, serve's HTTP server, what reads git and
# import's zip reader are modules of their own (compiler/module.c):
# policyc does not link Pango, cairo, librsvg, qpdf, libmicrohttpd,
# libgit2 or libzip, check and a build without PDFs of a project outside
# git never load them, a build with PDFs loads policyc-pdf.so, a project
# in git or --changed-since loads policyc-git.so, importing a .docx
# loads policyc-zip.so, and a module that is missing, broken or of
# another build fails what needed it with a clear message and the
# previous OUT kept.
. "$(dirname "$0")/lib.sh"
set -e
plan 29

T="--today 2026-11-23"
P=$TMP/p
make_project "$P" "title: Modules"
printf -- '---\ntitle: One\nowner: O\nreview: 2027-01-01\n---\n# One\n\nText.\n' > "$P/policies/one.md"

# 1: what the binary links
libs=$(ldd "$POLICYC" 2>/dev/null || true)
unlike "$libs" 'libpango\|libcairo\|librsvg\|libqpdf\|libmicrohttpd\|libgnutls\|libfontconfig\|libgit2\|libzip\|libcrypto' \
    "policyc links none of the PDF back end's, the server's, git's or the zip reader's libraries"

if [ -n "${POLICYC_WRAP:-}" ]; then
	for k in $(seq 2 29); do
		skip "the loader's trace under a wrapper (${POLICYC_WRAP})"
	done
	exit 0
fi

# which modules a run loaded: glibc's loader says, with LD_DEBUG=files
traced() {
	set +e
	LD_DEBUG=files "$POLICYC" "$@" >"$TMP/.out" 2>"$TMP/.err"
	rc=$?
	set -e
	err=$(cat "$TMP/.err")
}
loaded() { printf '%s' "$err" | grep -o 'file=[^ ]*policyc-[a-z]*\.so' | sed 's|.*/||' | sort -u | tr '\n' ' '; }

traced check "$P" $T
is "$rc" 0 "check: rc 0"
is "$(loaded)" "" "check loads no module"

traced build "$P" -o "$TMP/o1" $T --outputs xml,html
is "$rc" 0 "build --outputs xml,html: rc 0"
is "$(loaded)" "" "a build without PDFs loads no module"

traced build "$P" -o "$TMP/o2" $T
is "$(loaded)" "policyc-pdf.so " "a build with PDFs loads policyc-pdf.so"
check "... and writes the PDF" test -s "$TMP/o2/pdf/one.pdf"

# a copy of the binary elsewhere finds the modules where it was built
B=$TMP/bin
mkdir -p "$B"
cp "$POLICYC" "$B/policyc"
"$B/policyc" build "$P" -o "$TMP/o3" $T >/dev/null 2>&1 || true
check "a copied binary finds the modules of the folder it was built in" test -s "$TMP/o3/pdf/one.pdf"

# a broken module beside the binary is found first, and refused
printf 'not a shared object\n' > "$B/policyc-pdf.so"
cp -R "$TMP/o3" "$TMP/o3.before"
set +e
"$B/policyc" build "$P" -o "$TMP/o3" $T >"$TMP/b.out" 2>"$TMP/b.err"
brc=$?
set -e
is "$brc" 1 "a broken PDF module: the build fails (rc 1)"
like "$(cat "$TMP/b.err")" "^policyc-pdf.so:0:0: error: cannot load the PDF back end: .*policyc-pdf.so.* \[pdf-write\]" \
    "... saying why, as a PDF that could not be written"
check "... and the previous OUT is kept" diff -r "$TMP/o3.before" "$TMP/o3"
"$B/policyc" check "$P" $T >/dev/null 2>&1 && crc=0 || crc=$?
is "$crc" 0 "check does not need the PDF module"

# a module of another build of policyc
cat > "$TMP/stale.c" <<'EOF'
struct t { const char *build_id; void *render, *identity; };
const struct t policyc_pdf_backend = { "0123456789abcdef0123456789abcdef", 0, 0 };
EOF
if cc -shared -fPIC -o "$B/policyc-pdf.so" "$TMP/stale.c" 2>"$TMP/cc.err"; then
	set +e
	"$B/policyc" build "$P" -o "$TMP/o3" $T >/dev/null 2>"$TMP/s.err"
	src=$?
	set -e
	is "$src" 1 "a PDF module of another build: the build fails"
	like "$(cat "$TMP/s.err")" "is of another build of policyc" "... and says so"
else
	skip "no C compiler for a stale module"; skip "no C compiler for a stale module"
fi
rm -f "$B/policyc-pdf.so"

# serve without its server module says so and stops, rc 2
printf 'broken\n' > "$B/policyc-serve.so"
set +e
timeout 60 "$B/policyc" serve "$P" -o "$TMP/o4" --port 0 $T >"$TMP/v.out" 2>"$TMP/v.err"
vrc=$?
set -e
is "$vrc" 2 "serve with a broken server module: rc 2"
like "$(cat "$TMP/v.err")" "policyc serve: cannot load the HTTP server: " "... saying why"
check "... and never serves a page (it stops before listening)" sh -c '! grep -q "serving\|http://" "$1"' _ "$TMP/v.out"

# git: a project in a repository of its own loads policyc-git.so (its
# release history), --changed-since too; one outside git never does
G=$TMP/g
cp -R "$P" "$G"
git_() { git -C "$G" -c user.name=t -c user.email=t@example.org -c init.defaultBranch=main "$@" >/dev/null 2>&1; }
git_ init && git_ add -A && git_ commit -m one && git_ tag v1
traced build "$G" -o "$TMP/g1" $T --outputs xml,html
is "$(loaded)" "policyc-git.so " "a build of a project in git loads policyc-git.so"
check "... and corpus.xml has its release" grep -q '<release tag="v1"' "$TMP/g1/xml/corpus.xml"
traced check "$G" $T --changed-since HEAD
is "$rc:$(loaded)" "0:policyc-git.so " "check --changed-since loads policyc-git.so (rc 0)"

# a broken git module beside a copied binary: --changed-since fails as
# a ref it cannot read does, a build says the history is missing
printf 'broken\n' > "$B/policyc-git.so"
set +e
"$B/policyc" check "$G" $T --changed-since HEAD >"$TMP/c.out" 2>&1
crc=$?
set -e
is "$crc" 2 "--changed-since with a broken git module: rc 2"
like "$(cat "$TMP/c.out")" "error: --changed-since HEAD: cannot load the git module: .*policyc-git.so.* \[changed-since-invalid\]" \
    "... saying why"
"$B/policyc" build "$G" -o "$TMP/g2" $T --outputs xml,html >"$TMP/h.out" 2>&1 || true
like "$(cat "$TMP/h.out")" "note: cannot load the git module: .*; no release history \[history-unavailable\]" \
    "a build with a broken git module says there is no release history"
"$B/policyc" check "$P" $T >/dev/null 2>&1 && crc=0 || crc=$?
is "$crc" 0 "check of a project outside git does not need the git module"
rm -f "$B/policyc-git.so"

# import: a .docx (a zip archive) loads policyc-zip.so; a broken zip
# module fails that file's import, saying why, and writes nothing
python3 - "$TMP/t.docx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w')
z.writestr('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
z.writestr('word/document.xml', '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Lone working</w:t></w:r></w:p><w:p><w:r><w:t>Staff who work alone keep in touch.</w:t></w:r></w:p></w:body></w:document>')
z.close()
PY
traced import "$TMP/t.docx" -o "$TMP/i1" $T
is "$rc:$(loaded)" "0:policyc-zip.so " "import of a .docx loads policyc-zip.so (rc 0)"
check "... and writes its document" grep -q "Staff who work alone" "$TMP/i1/policies/t.md"
printf 'broken\n' > "$B/policyc-zip.so"
set +e
"$B/policyc" import "$TMP/t.docx" -o "$TMP/i2" $T >"$TMP/z.out" 2>&1
zrc=$?
set -e
is "$zrc" 1 "import with a broken zip module: rc 1"
like "$(cat "$TMP/z.out")" "cannot load the zip module: .*policyc-zip.so" "... saying why"
check "... and writes no document" test ! -e "$TMP/i2/policies/t.md"
rm -f "$B/policyc-zip.so"
