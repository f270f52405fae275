#!/bin/sh
# The command line: help, version, exit codes of check and build, JSON
# diagnostics, the text summary line, render.
. "$(dirname "$0")/lib.sh"
plan 33

run_policyc --help
is "$rc" 0 "--help exits 0"
like "$out" "usage: policyc build" "--help prints usage"
run_policyc --version
like "$out" "^policyc [0-9]" "--version prints the version"
run_policyc
is "$rc" 2 "no command: exit 2"
like "$err" "^policyc: no command given" "no command: one-line reason"
like "$err" "Examples:" "no command: the help follows, with examples"
run_policyc build --help
is "$rc" 0 "build --help exits 0"
like "$out" "usage: policyc build" "build --help is about build"
like "$out" "Examples:" "build --help has examples"
run_policyc check -h
like "$out" "usage: policyc check" "check -h is about check"
run_policyc help render
like "$out" "usage: policyc render" "help render"
run_policyc build --jobs 0
is "$rc" 2 "-j 0: exit 2"
run_policyc check a b
is "$rc" 2 "two project folders: exit 2"

# a clean project: exit 0, with a summary line
P=$TMP/clean
make_project "$P" "title: Clean
rules:
  orphan: off
  term-unused: off"
cat > "$P/policies/one.md" <<'MD'
---
title: One
type: guidance
owner: Someone
approved: 2025-06-01
review: 2027-06-01
---
## Introduction

Plain text.
MD
run_policyc check "$P" --today 2026-11-23
is "$rc" 0 "clean project: check exits 0"
like "$out" "^0 errors, 0 warnings, 0 notes in 1 document$" "summary line"

# a warning only: 0, but 1 under --strict
sed -i 's/^review: 2027-06-01/review: 2026-12-01/' "$P/policies/one.md"
run_policyc check "$P" --today 2026-11-23
is "$rc" 0 "warnings only: exit 0"
like "$out" "review-due-soon" "the due-soon warning is there"
run_policyc check "$P" --today 2026-11-23 --strict
is "$rc" 1 "warnings under --strict: exit 1"
run_policyc build "$P" -o "$TMP/o" --today 2026-11-23 --strict --outputs xml
is "$rc" 1 "build --strict with a warning: exit 1"
check "build --strict with a warning: nothing published" [ ! -e "$TMP/o" ]

# rules: can switch a rule off or raise it
printf 'title: Clean\nrules:\n  orphan: off\n  term-unused: off\n  review-due-soon: error\n' > "$P/policyc.yaml"
run_policyc check "$P" --today 2026-11-23
is "$rc" 1 "rules: review-due-soon: error makes check fail"
like "$out" "error: .*\[review-due-soon\]" "the raised rule prints as an error"

# JSON
run_policyc check "$P" --today 2026-11-23 --format json
printf '%s' "$out" > "$TMP/d.json"
check "--format json parses" node -e 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))' "$TMP/d.json"
like "$out" '"rule": "review-due-soon"' "JSON carries the rule"
like "$out" '"line": [1-9]' "JSON carries the line"

# SOURCE_DATE_EPOCH stands in for --today
SOURCE_DATE_EPOCH=1795392000 run_policyc check "$P"
like "$out" "review-due-soon\|review-overdue" "SOURCE_DATE_EPOCH fixes the date"

# render
printf '# Title\n\nHello *world* [x](https://example.org)\n' > "$TMP/r.md"
run_policyc render "$TMP/r.md" --to xml
like "$out" "<emph>world</emph>" "render --to xml"
run_policyc render "$TMP/nope.md"
is "$rc" 2 "render of a missing file: exit 2"

# new: a starting project that checks clean and builds
run_policyc new "$TMP/fresh-project" --today 2026-11-23
is "$rc" 0 "new: exit 0"
run_policyc check "$TMP/fresh-project" --today 2026-11-23
is "$rc" 0 "new: the starting project checks clean"
like "$out" "^0 errors, 0 warnings, 0 notes in 1 document$" "new: nothing to report"
run_policyc build "$TMP/fresh-project" -o "$TMP/fresh-out" --today 2026-11-23 --outputs xml,html
check "new: the starting project builds" [ -f "$TMP/fresh-out/html/safeguarding/example-policy.html" ]
run_policyc new "$TMP/fresh-project"
is "$rc" 2 "new: refuses a folder that is not empty"
