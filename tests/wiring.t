#!/bin/sh
# The ready-made CI wiring, run for real: action.yml's steps through
# tests/action-runner.py (the composite action's bash steps as GitHub's
# runner runs them: inputs, outputs, GITHUB_PATH, `if:`; the SARIF upload,
# which needs GitHub, is shown with the inputs it would get), and the
# .pre-commit-hooks.yaml hooks through Debian's pre-commit, installed from
# this repository's own commit into a policy repository made here.
. "$(dirname "$0")/lib.sh"
plan 16

P=$TMP/ws/policies-repo
make_project "$P" "title: Wiring"
cat > "$P/policies/alpha.md" <<'MD'
---
title: Alpha
owner: Operations
review: 2027-06-01
---

Alpha links to [beta](beta.md).
MD
cat > "$P/policies/beta.md" <<'MD'
---
title: Beta
owner: Operations
review: 2027-06-01
---

Beta links to [alpha](alpha.md).
MD

# The action builds policyc in its own folder (make finds it built) and puts
# build/ on PATH for the next steps, so what runs is this tree's binary.
if [ "$(basename "$POLICYC")" != policyc ] || [ "$(dirname "$POLICYC")" != "$ROOT/build" ] || ! python3 -c 'import yaml' 2>/dev/null; then
	i=0; while [ $i -lt 10 ]; do skip "action.yml: needs $ROOT/build/policyc and python3-yaml"; i=$((i + 1)); done
else
	act() { out=$(cd "$TMP/ws" && python3 "$ROOT/tests/action-runner.py" "$ROOT" "$TMP/ws" "$@" 2>&1); rc=$?; }
	act project=policies-repo today=2026-11-23
	is "$rc" 0 "action on a clean project: the job passes"
	like "$out" "output check.exit-code=0" "action: exit-code output 0"
	check "action: the SARIF file is SARIF 2.1.0" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["version"] != "2.1.0")' "$TMP/ws/policyc.sarif"
	like "$out" "would use github/codeql-action/upload-sarif@v3 with sarif_file=policyc.sarif category=policyc" "action: the SARIF would be uploaded"

	printf '\nSee [the missing one](nowhere.md).\n' >> "$P/policies/alpha.md"
	act project=policies-repo today=2026-11-23
	is "$rc" 1 "action on a project with an error: the job fails"
	like "$out" "output check.exit-code=1" "action: exit-code output 1"
	like "$out" "::error file=policies-repo/policies/alpha.md,line=9" "action: the finding is a GitHub annotation on its line"
	check "action: the SARIF names the broken link" grep -q 'link-broken' "$TMP/ws/policyc.sarif"

	(cd "$TMP/ws" && "$POLICYC" check policies-repo --today 2026-11-23 --write-baseline policies-repo/.policyc-baseline.json >/dev/null 2>&1)
	act project=policies-repo today=2026-11-23 baseline=policies-repo/.policyc-baseline.json upload-sarif=false
	is "$rc" 0 "action with a baseline of today's findings: the job passes"
	unlike "$out" "would use" "action: upload-sarif=false skips the upload"
fi

# pre-commit: the hooks are installed from this repository at HEAD, as a
# user's .pre-commit-config.yaml would name them (rev: a commit).
if ! command -v pre-commit >/dev/null || ! git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1 || [ "$(basename "$POLICYC")" != policyc ]; then
	i=0; while [ $i -lt 6 ]; do skip "pre-commit: needs pre-commit, a git checkout and a binary named policyc"; i=$((i + 1)); done
else
	rev=$(git -C "$ROOT" rev-parse HEAD)
	R=$TMP/user-repo
	mkdir -p "$R" && cp -R "$P/." "$R/" && rm -f "$R/.policyc-baseline.json"
	# the broken link the action part added (it is skipped without a
	# build/policyc, e.g. under make asan)
	grep -q nowhere.md "$R/policies/alpha.md" ||
		printf '\nSee [the missing one](nowhere.md).\n' >> "$R/policies/alpha.md"
	cat > "$R/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $ROOT
    rev: $rev
    hooks:
      - id: policyc-check
        args: [--today, '2026-11-23']
      - id: policyc-check-all
        args: [., --today, '2026-11-23']
EOF
	export PRE_COMMIT_HOME="$TMP/pre-commit-home"
	pc() { out=$(cd "$R" && PATH="$(dirname "$POLICYC"):$PATH" pre-commit run "$@" 2>&1); rc=$?; }
	git -C "$R" init -q && git -C "$R" add -A && git -C "$R" -c user.name=t -c user.email=t@example.org commit -qm start
	pc policyc-check --files policies/beta.md
	is "$rc" 0 "pre-commit: a clean staged document passes"
	pc policyc-check --files policies/alpha.md
	is "$rc" 1 "pre-commit: a staged document with a broken link fails"
	like "$out" "alpha.md:9:.*nowhere.md.*link-broken" "pre-commit: the finding is shown, located"
	pc policyc-check-all --all-files
	is "$rc" 1 "pre-commit: the whole-project hook fails on the error too"
	sed -i 's/(nowhere.md)/(beta.md)/' "$R/policies/alpha.md"
	pc policyc-check --files policies/alpha.md
	is "$rc" 0 "pre-commit: once fixed, the hook passes"
	pc policyc-check-all --all-files
	is "$rc" 0 "pre-commit: the whole-project hook passes"
fi
