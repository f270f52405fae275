#!/bin/sh
# The rule table (compiler/rules.def) is the one list of rule ids:
# `policyc rules` prints it, every rule the built-in Lua filters report is
# in it, README's rule list and the man page agree with it, a misspelt
# rule name under rules: is reported with a suggestion, and a diagnostic
# stays one line whatever its file name or message holds.
. "$(dirname "$0")/lib.sh"
plan 9

run_policyc rules
is "$rc" 0 "policyc rules exits 0"
ids=$(printf '%s\n' "$out" | awk '{print $1}' | sort)
table=$(grep -o 'RULE([A-Z_]*, "[a-z0-9-]*"' "$ROOT/compiler/rules.def" | sed 's/.*"\(.*\)"/\1/' | sort)
is "$ids" "$table" "policyc rules lists every row of rules.def, once"

# every rule id the built-in Lua filters report is in the table
missing=""
for r in $(grep -ho 'report("[a-z0-9-]*"' "$ROOT"/filters/*.lua | sed 's/report("\(.*\)"/\1/' | sort -u); do
	printf '%s\n' "$ids" | grep -qx "$r" || missing="$missing $r"
done
is "$missing" "" "every rule a built-in filter reports is in the table"

# README's rule list (the table under "## Rules") names exactly the table's ids
readme=$(sed -n '/^## Rules/,/^## /p' "$ROOT/README.md" | grep -o '^| `[a-z0-9-]*`' | sed 's/^| `\(.*\)`/\1/' | sort)
is "$readme" "$table" "README's rule list matches the rule table"

like "$(cat "$ROOT/docs/policyc.1")" "policyc rules" "the man page points at policyc rules"

# a misspelt rule name is config-unknown-key, with a suggestion
P=$TMP/typo
make_project "$P" "title: Typo
rules:
  reveiw-overdue: off"
cat > "$P/policies/one.md" <<'MD'
---
title: One
---
Text.
MD
run_policyc check "$P" --today 2026-11-23
like "$out" "policyc.yaml:3:3: error: .*reveiw-overdue.*review-overdue.*\[config-unknown-key\]" "misspelt rule: located, with a suggestion"
is "$rc" 1 "misspelt rule: exit 1"

# a newline and an escape character in a file name stay inside one line
P=$TMP/names
make_project "$P" "title: Names"
nl='
'
esc=$(printf '\033')
printf -- '---\ntitle: [broken\n---\nText.\n' > "$P/policies/a${nl}b${esc}[31m.md"
run_policyc check "$P" --today 2026-11-23
bad=$(printf '%s\n' "$out" | grep -v -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning|note): .* \[[a-z0-9-]+\]$' | grep -v -E '^[0-9]+ errors?, ' | wc -l)
is "$bad" 0 "every diagnostic line is one well-formed line"
case "$out" in *"$esc"*) ok 1 "no escape character reaches the terminal" ;;
*) ok 0 "no escape character reaches the terminal" ;; esac

