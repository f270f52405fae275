#!/bin/sh
# bounded.t — a bounded build (pipeline.c, "Bounded builds") holds no
# document's cmark tree between stages: each stage that reads a body
# parses the document again and links it again (links_replay).  It must
# say, write and exit exactly as the build that holds every tree.
# POLICYC_BOUNDED=1 forces it on a small project, =0 off; both are
# compared on the bundled sample, the golden project, the collections of
# ../shared/corpora, a generated project, and a small hostile project
# that uses every pass the tree goes through again: [[wiki]] links,
# glossary terms linked in text, {{variables}}, {#custom} anchors, a
# leading title heading, template syntax, images and a file link,
# nesting past the bound, and a filter that keeps every document's view
# and walks them all from corpus() (the trees made again on demand).
. "$(dirname "$0")/lib.sh"
set -e
plan 28

T="--today 2026-11-23"

# both OUT A B NAME ARGS...: builds with and without bounding, each into
# its own OUT, and compares what they print, their status and files
both() {
	a=$1 b=$2 name=$3
	shift 3
	POLICYC_BOUNDED=0 run_policyc build "$@" -o "$a" $T
	out0=$out err0=$err rc0=$rc
	POLICYC_BOUNDED=1 run_policyc build "$@" -o "$b" $T
	is "$rc/$out/$err" "$rc0/$out0/$err0" "$name: the same diagnostics and status"
	check "$name: the same files, byte for byte" same_out "$a" "$b"
}

# --- a small project that goes through every pass again
P=$TMP/p
make_project "$P" "title: Bounded
organisation:
  name: Test Partnership
contacts:
  lado:
    name: Jo Bloggs"
mkdir -p "$P/policies/a" "$P/policies/img" "$P/filters"
cat > "$P/glossary.yaml" <<'EOF'
- term: Local Authority Designated Officer
  abbr: LADO
  definition: The officer who manages allegations against adults who work with children.
- term: significant harm
  definition: The threshold for compulsory intervention in family life.
EOF
printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n' > "$P/policies/img/dot.svg"
printf 'a,b\n1,2\n' > "$P/policies/img/table.csv"
cat > "$P/policies/a/one.md" <<'EOF'
---
title: One
owner: Safeguarding lead
review: 2027-01-01
---
# One

Call the LADO ({{contacts.lado.name}}) of {{organisation.name}}, [by mail](mailto:{{contacts.lado.name}}@example.org), when a child may suffer significant harm.
See [[two]] and [[a/three|the third]], and [the placeholder](#).

## Who to call {#who}

![A dot](../img/dot.svg) and [the table](../img/table.csv).

> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > deep

{% raw %}Keep {{ this }} as written.{% endraw %}
EOF
cat > "$P/policies/two.md" <<'EOF'
---
title: Two
---
Text only, with a [broken link](gone.md) and [one](a/one.md#who).
The Local Authority Designated Officer is named in [[One]].
EOF
cat > "$P/policies/a/three.md" <<'EOF'
# Three

| Step | Who |
|------|-----|
| 1    | the LADO |

- [x] done
- [ ] not yet[^n]

[^n]: A footnote about significant harm.
EOF
cat > "$P/filters/keep.lua" <<'EOF'
-- keeps every view, and walks them all after the last document
local F = { rules = { "kept-walk" } }
local kept = {}
function F.document(doc, ctx)
  kept[#kept + 1] = doc
end
function F.corpus(corpus, ctx)
  for _, doc in ipairs(kept) do
    local texts, links = 0, 0
    doc:walk{ Text = function() texts = texts + 1 end,
              Link = function(l)
                links = links + 1
                -- a walk inside a walk, of another document
                local other = corpus.documents["two"]
                if other then other:walk{ Text = function() end } end
              end }
    ctx.report("kept-walk", doc.id .. ": " .. texts .. " texts, " ..
      links .. " links, " .. #doc.paragraphs .. " paragraphs, " ..
      #doc.images .. " images", { severity = "note" })
  end
end
return F
EOF
both "$TMP/p0" "$TMP/p1" "a hostile project" "$P"
like "$err" "kept-walk" "the filter walked the kept views"
like "$err" "a/one: [1-9][0-9]* texts, [1-9][0-9]* links" "the views' trees were made again: texts and links counted"
unlike "$err" "a/one: 0 texts" "no view walked an empty tree"

POLICYC_BOUNDED=0 run_policyc check "$P" $T
out0=$out err0=$err rc0=$rc
POLICYC_BOUNDED=1 run_policyc check "$P" $T
is "$rc/$out/$err" "$rc0/$out0/$err0" "check: the same diagnostics and status"

# a rebuild: the body and the title of one document edited, each built
# bounded into the bounded OUT (with its cache) and compared with a full
# build held whole
printf '\nAn added paragraph about the LADO.\n' >> "$P/policies/two.md"
POLICYC_BOUNDED=1 run_policyc build "$P" -o "$TMP/p1" $T
out1=$out err1=$err
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$TMP/p-full" $T --no-cache
is "$out1/$err1" "$out/$err" "a body edit, rebuilt bounded: the same diagnostics"
check "a body edit, rebuilt bounded: the same files as a full build" same_out "$TMP/p-full" "$TMP/p1"
sed -i 's/^title: Two$/title: Two, renamed/' "$P/policies/two.md"
POLICYC_BOUNDED=1 run_policyc build "$P" -o "$TMP/p1" $T
out1=$out err1=$err
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$TMP/p-full2" $T --no-cache
is "$out1/$err1" "$out/$err" "a title edit, rebuilt bounded: the same diagnostics"
check "a title edit, rebuilt bounded: the same files as a full build" same_out "$TMP/p-full2" "$TMP/p1"

# --- texts read again (bounded builds hold no text between stages
# either): a project in git whose release history reads each text, a
# file that is not UTF-8 (repaired the same way each time it is read)
# and one with a NUL byte
H=$TMP/h
make_project "$H" "title: History"
mkdir -p "$H/policies"
printf -- '---\ntitle: Versioned\nversion: 1.0\n---\nThe first text.\n' > "$H/policies/v.md"
printf -- '---\ntitle: Caf\351\n---\nLatin-1 text: caf\351, na\357ve.\n' > "$H/policies/latin.md"
printf -- '---\ntitle: Nul\n---\nA NUL \000 byte.\n' > "$H/policies/nul.md"
G="git -C $H -c user.email=t@example.org -c user.name=Test"
$G init -q && $G add -A && $G commit -qm first && $G tag -a v1 -m v1
printf 'The text changed, its version did not.\n' >> "$H/policies/v.md"
both "$TMP/h0" "$TMP/h1" "release history, Latin-1 and NUL" "$H" --outputs xml,html
like "$err" "amendment-missing" "the history read the texts again"
like "$err" "not UTF-8" "the Latin-1 file was repaired"
unlike "$err" "changed while it was being read" "a text read again is the text loaded"

# --- the bundled sample, every output (PDFs too)
both "$TMP/c0" "$TMP/c1" "content/" "$ROOT/content"

# --- the golden project
both "$TMP/g0" "$TMP/g1" "the golden project" "$TESTS_DIR/golden/project" --outputs xml,html

# --- a generated project
GEN=$SHARED/bench/gen-corpus
if [ -x "$GEN" ] || [ -f "$GEN" ]; then
	python3 "$GEN" 60 "$TMP/gen" >/dev/null
	both "$TMP/n0" "$TMP/n1" "60 generated documents" "$TMP/gen" --outputs xml,html
else
	skip "no gen-corpus"
	skip "no gen-corpus"
fi

# --- the collections written by others
k=0
for c in "$SHARED"/corpora/*/; do
	[ -d "$c" ] || continue
	k=$((k + 1))
	[ $k -le 2 ] || break
	leaf=$(basename "$c")
	cp -R "$c" "$TMP/corp-$leaf"
	printf 'title: %s\ncontent: .\n' "$leaf" > "$TMP/corp-$leaf/policyc.yaml"
	both "$TMP/k0-$leaf" "$TMP/k1-$leaf" "corpora/$leaf" "$TMP/corp-$leaf" --outputs xml,html
done
while [ $k -lt 2 ]; do
	k=$((k + 1))
	skip "fewer than two collections in ../shared/corpora"
	skip "fewer than two collections in ../shared/corpora"
done

# --- the timings say which it was; huge projects choose it themselves
POLICYC_BOUNDED=1 run_policyc build "$P" -o "$TMP/p-t" $T --timings
like "$err" "timing: bounded: no document's tree held between stages" "--timings says a build is bounded"
POLICYC_BOUNDED=0 run_policyc build "$P" -o "$TMP/p-t0" $T --timings
unlike "$err" "timing: bounded" "--timings says nothing of it when every tree is held"
(unset POLICYC_BOUNDED; run_policyc build "$P" -o "$TMP/p-t2" $T --timings; printf '%s' "$err" >"$TMP/p-t2.err")
unlike "$(cat "$TMP/p-t2.err")" "timing: bounded" "a small project is not bounded by default"
