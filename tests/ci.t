#!/bin/sh
# CI wiring: `check --write-baseline` / `--baseline` (only new findings
# fail, counts of remaining and fixed ones, findings survive lines moving,
# every --format, a corrupt or missing baseline is a located exit-2
# error), `check --changed-since REF` on a git repository made here (and
# outside git, and with an unknown ref), `--files`/`--files-from`, and
# `make deb` installed with dpkg (root only) and run on the sample.
. "$(dirname "$0")/lib.sh"
plan 41

TODAY=--today=2026-11-23
P=$TMP/proj
make_project "$P" "title: CI test"
cat > "$P/policies/alpha.md" <<'MD'
---
title: Alpha
owner: Operations
review: 2027-06-01
---

Intro text for alpha, which links to [beta](beta.md).

See [the missing one](nowhere.md) for more.

Also see [another](gone.md) here.
MD
cat > "$P/policies/beta.md" <<'MD'
---
title: Beta
owner: Operations
review: 2027-06-01
---

Beta links to [alpha](alpha.md) and to [a third](third.md).
MD

# ---- baseline -----------------------------------------------------------
run_policyc check "$P" $TODAY
is "$rc" 1 "the project has errors: check fails"
nerr=$(printf '%s\n' "$out" | grep -c 'error:')
is "$nerr" 3 "three link-broken errors to start from"

run_policyc check "$P" $TODAY --write-baseline "$TMP/base.json"
is "$rc" 0 "--write-baseline records them and exits 0"
like "$out" "3 findings written to the baseline" "and says how many it wrote"
check "the baseline is JSON" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['policyc-baseline']==1 and len(d['findings'])==3" "$TMP/base.json"

run_policyc check "$P" $TODAY --baseline "$TMP/base.json"
is "$rc" 0 "with the baseline, the same project passes"
like "$out" "3 findings in the baseline: 3 remain, 0 fixed" "and says how many old ones remain"
unlike "$out" "error:" "no baselined finding is printed"

# an edit that moves every line down and adds one new broken link
python3 - "$P/policies/alpha.md" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().split('\n')
end = [i for i, l in enumerate(s) if l == '---'][1]
s[end + 1:end + 1] = ['', 'A new first paragraph that moves every line.', '',
                      'And a new link to [a ghost](ghost.md).', '']
open(p, 'w').write('\n'.join(s))
PY
run_policyc check "$P" $TODAY --baseline "$TMP/base.json"
is "$rc" 1 "a new error after lines moved fails the check"
is "$(printf '%s\n' "$out" | grep -c 'error:')" 1 "only the new finding is printed"
like "$out" "alpha.md:9:.*ghost.md" "it is the new link, where it is now"
like "$out" "3 findings in the baseline: 3 remain, 0 fixed" "the moved old findings still match the baseline"

# fixing one old finding is counted
sed -i 's/\[a third\](third.md)/a third/' "$P/policies/beta.md"
run_policyc check "$P" $TODAY --baseline "$TMP/base.json"
like "$out" "3 findings in the baseline: 2 remain, 1 fixed" "a fixed finding is counted as fixed"

# every format: only the new finding; SARIF marks it new
run_policyc check "$P" $TODAY --baseline "$TMP/base.json" --format json
check "json: valid, one finding" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert len(d)==1 and 'ghost' in d[0]['message']" "$out"
like "$err" "in the baseline: 2 remain, 1 fixed" "json: the counts go to stderr, not into the JSON"
run_policyc check "$P" $TODAY --baseline "$TMP/base.json" --format sarif
check "sarif: one result, baselineState new" python3 -c "import json,sys; r=json.loads(sys.argv[1])['runs'][0]['results']; assert len(r)==1 and r[0]['baselineState']=='new'" "$out"
run_policyc check "$P" $TODAY --baseline "$TMP/base.json" --format github
like "$out" "::notice title=policyc baseline::3 findings in the baseline" "github: the counts as a notice"
is "$(printf '%s\n' "$out" | grep -c '^::error')" 1 "github: one error annotation"
run_policyc check "$P" $TODAY --baseline "$TMP/base.json" --format junit
check "junit: well-formed, one failure" sh -c 'printf "%s" "$1" | python3 -c "import sys,xml.dom.minidom as m; d=m.parseString(sys.stdin.read()); assert len(d.getElementsByTagName(\"failure\"))==1"' _ "$out"

# a corrupt, foreign or missing baseline is a located error, exit 2
printf '{"policyc-baseline": 1, "findings": [\n  {"rule": "x",\n' > "$TMP/corrupt.json"
run_policyc check "$P" $TODAY --baseline "$TMP/corrupt.json"
is "$rc" 2 "a corrupt baseline: exit 2"
like "$out" "corrupt.json:[0-9]*:[0-9]*: error: the baseline is not valid JSON.*\[baseline-invalid\]" "a corrupt baseline: located error"
printf '{"findings": []}\n' > "$TMP/foreign.json"
run_policyc check "$P" $TODAY --baseline "$TMP/foreign.json"
like "$out" "foreign.json:1:1: error: not a policyc baseline" "a JSON file that is no baseline is refused"
printf '{"policyc-baseline": 1, "findings": [{"rule": "link-broken", "file": 3}]}\n' > "$TMP/shape.json"
run_policyc check "$P" $TODAY --baseline "$TMP/shape.json"
like "$out" "shape.json:1:.*needs a string \"file\"" "a finding of the wrong shape is located"
run_policyc check "$P" $TODAY --baseline "$TMP/absent.json"
is "$rc" 2 "a missing baseline: exit 2"
like "$out" "absent.json:0:0: error: cannot read the baseline" "a missing baseline: clear error"
run_policyc check "$P" --baseline a.json --write-baseline b.json
is "$rc" 2 "--baseline with --write-baseline is bad usage"

# ---- changed files ----------------------------------------------------------
R=$TMP/repo
mkdir -p "$R"
cp -R "$P" "$R/site"
git_() { git -C "$R" -c user.name=t -c user.email=t@example.org -c init.defaultBranch=main "$@" >/dev/null 2>&1; }
git_ init
git_ add -A
git_ commit -m one
run_policyc check "$R/site" $TODAY --changed-since HEAD
is "$rc" 0 "nothing changed since HEAD: nothing reported, exit 0"
like "$out" "0 errors" "and the summary says so"
# beta changes (a new broken link), alpha does not
printf '\nA new link to [nothing](nothing.md).\n' >> "$R/site/policies/beta.md"
run_policyc check "$R/site" $TODAY --changed-since HEAD
is "$rc" 1 "a changed document with a new error fails"
unlike "$out" "alpha.md" "unchanged documents are not reported on"
like "$out" "beta.md:.*nothing.md" "the changed one is"
unlike "$out" "beta.md.*orphan\|alpha.md:.*link-broken" "links into unchanged documents still resolve"
# an untracked new document counts as changed; policyc.yaml when it changed
printf -- '---\ntitle: Gamma\nowner: Ops\nreview: 2027-06-01\n---\n\n[x](y.md)\n' > "$R/site/policies/gamma.md"
run_policyc check "$R/site" $TODAY --changed-since HEAD
like "$out" "gamma.md:.*y.md" "a new untracked document is reported on"
printf 'bogus_key: 1\n' >> "$R/site/policyc.yaml"
run_policyc check "$R/site" $TODAY --changed-since HEAD
like "$out" "policyc.yaml:[0-9]*:1: error: unknown key 'bogus_key'" "a changed policyc.yaml keeps its project-wide diagnostics"
run_policyc check "$R/site" $TODAY --changed-since no-such-ref
is "$rc" 2 "an unknown ref: exit 2"
like "$out" "error: --changed-since no-such-ref: no such commit.*\[changed-since-invalid\]" "an unknown ref: clear error"
run_policyc check "$P" $TODAY --changed-since HEAD
like "$rc:$out" "2:.*is not in a git repository.*\[changed-since-invalid\]" "outside git: exit 2, clear error"
run_policyc check "$P" $TODAY --files "$P/policies/beta.md"
unlike "$out" "alpha.md" "--files: only the files named are reported on"
printf 'policies/alpha.md\n' | (cd "$TMP" && run_policyc check "$P" $TODAY --files-from - && printf '%s' "$out" > "$TMP/ff.out")
like "$(cat "$TMP/ff.out")" "alpha.md:.*ghost.md" "--files-from -: names relative to the project work too"

# the pre-commit hook's script: project folder first, then staged files
run_policyc_hook() {
	set +e
	out=$(cd "$R" && PATH="$(dirname "$POLICYC"):$PATH" "$ROOT/scripts/pre-commit-policyc" site --today 2026-11-23 "$@" 2>&1)
	rc=$?
	set -e
}
if [ "$(basename "$POLICYC")" = policyc ]; then
	run_policyc_hook site/policies/alpha.md README.md
	like "$rc:$out" "1:.*alpha.md:.*ghost.md" "pre-commit hook: the staged document is checked"
else
	skip "pre-commit hook: the hook runs a binary named policyc"
fi

# ---- make deb
# dpkg, waiting (up to a minute) while another apt or dpkg holds its lock
dpkg_wait() {
	n=0
	while :; do
		if dpkg "$@" >"$TMP/dpkg.out" 2>&1; then return 0; fi
		grep -q 'lock' "$TMP/dpkg.out" && [ $n -lt 30 ] || return 1
		n=$((n + 1))
		sleep 2
	done
}
if [ "$(id -u)" -ne 0 ]; then
	skip "make deb: dpkg -i needs root"
elif ! command -v dpkg-deb >/dev/null 2>&1; then
	skip "make deb: no dpkg-deb"
elif dpkg -s policyc >/dev/null 2>&1 || [ -e /usr/bin/policyc ]; then
	skip "make deb: a policyc is installed already; not replacing it"
else
	deb=$(make -s -C "$ROOT" deb 2>"$TMP/deb.err" | tail -1)
	if [ ! -f "$deb" ]; then
		ok 1 "make deb builds a package"
		sed 's/^/#   /' "$TMP/deb.err" | tail -10
	elif ! dpkg_wait -i "$deb" && grep -q 'lock' "$TMP/dpkg.out"; then
		skip "make deb: dpkg is locked by another process"
	elif dpkg -s policyc >/dev/null 2>&1; then
		set +e
		# from an empty folder, with no POLICYC_DATA: the data files
		# must be found beside the installed binary
		(cd "$TMP" && env -u POLICYC_DATA /usr/bin/policyc check "$ROOT/content" --today 2026-11-23 >"$TMP/deb.run" 2>&1)
		drc=$?
		(cd "$TMP" && env -u POLICYC_DATA /usr/bin/policyc build "$ROOT/content" -o "$TMP/debout" --outputs xml,html --today 2026-11-23 >>"$TMP/deb.run" 2>&1)
		# its PDF back end from /usr/lib/policyc (compiler/module.c),
		# not from the build folder it also knows
		(cd "$TMP" && env -u POLICYC_DATA LD_DEBUG=files /usr/bin/policyc build "$ROOT/content" -o "$TMP/debpdf" --outputs pdf --today 2026-11-23 >"$TMP/deb.pdf" 2>&1)
		set -e
		listed=$(dpkg -L policyc 2>/dev/null | grep -c '^/usr/share/policyc/\(templates\|filters\)/' || true)
		dpkg_wait -P policyc || true
		if [ "$drc" -eq 1 ] && grep -q 'review-overdue' "$TMP/deb.run" &&
		    [ -f "$TMP/debout/html/index.html" ] && [ "$listed" -gt 0 ] &&
		    grep -q 'file=/usr/lib/policyc/policyc-pdf.so' "$TMP/deb.pdf" &&
		    [ -f "$TMP/debpdf/pdf/safeguarding/lado-notice.pdf" ] &&
		    [ ! -e /usr/bin/policyc ]; then
			ok 0 "make deb: dpkg -i; policyc checks and builds the sample with /usr/share/policyc and /usr/lib/policyc; dpkg -P"
		else
			ok 1 "make deb: the installed policyc checks and builds the sample"
			sed 's/^/#   /' "$TMP/deb.run" | tail -10
			grep 'policyc-pdf\|error' "$TMP/deb.pdf" | sed 's/^/#   /' | tail -5
		fi
	else
		ok 1 "make deb builds a package dpkg installs"
		sed 's/^/#   /' "$TMP/dpkg.out" | tail -10
		dpkg_wait -P policyc || true
	fi
fi
[ "$tap_failed" -eq 0 ]
