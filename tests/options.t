#!/bin/sh
# The one option table (options.c): build, check, render, the editions
# of a run (editions.c) and serve read their options from one parser, so
# the same option is judged the same way, with the same words, by each.
. "$(dirname "$0")/lib.sh"
plan 16

R=$ROOT/examples/regional
# one judgement of a value, whichever command reads it
for cmdline in "build $R/core" "build $R/core --edition all" "serve $R/core" "check $R/hampshire $R/little-acorns"; do
	run_policyc $cmdline --today 2026-02-30 -o "$TMP/o"
	like "$err" "^policyc: --today '2026-02-30' is not a real date" "--today judged by the table: $(echo $cmdline | cut -d' ' -f1-2 | sed "s|$R/||")"
done
run_policyc build "$R/core" --edition all -j 0
like "$err" "^policyc: -j '0': a number from 1 to 64" "-j judged by the table for editions too"
run_policyc check "$R/core" --edition all --as-of 2026-13-01
like "$err" "^policyc: --as-of '2026-13-01' is not a real date" "--as-of judged by the table for editions too"
is "$rc" 2 "... exit 2"
run_policyc check "$R/core" --edition all --as-of 2026-01-01
like "$err" "option '--as-of' is not for editions" "an option editions cannot honour is refused by name"
run_policyc build "$R/core" --edition all --baseline b.json
like "$err" "option '--baseline' is not for editions" "... --baseline too"
run_policyc check "$R/hampshire" "$R/little-acorns" --files a.md
like "$err" "option '--files' is not for editions" "... and --files"
# --drafts, added once, reaches every command that builds
run_policyc build "$R/core" --edition all --drafts -o "$TMP/d" --outputs xml --today 2026-11-23
is "$rc" 0 "--drafts: editions"
run_policyc check "$R/core" --drafts --today 2026-11-23
is "$rc" 0 "--drafts: check"
run_policyc serve --drafts --help
is "$rc" 0 "--drafts: serve takes it (and --help prints serve's help)"
like "$out" "usage: policyc serve" "serve --help is serve's"
# options of one command only
run_policyc serve "$R/core" --strict
like "$err" "unknown option '--strict'" "serve refuses what it has no use for"
run_policyc build "$R/core" --port 8080
like "$err" "unknown option '--port'" "build refuses serve's options"
exit $((tap_failed > 0))
