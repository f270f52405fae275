#!/bin/sh
# make-repo.sh DIR — a small policy repository with three tagged releases
# for tests/history.t: v1.0 (2024-01-10) two documents; v1.1 (2024-03-04)
# an edit with a new version and a hand-written amendment, a rename, a
# document added; v2.0 (2024-06-01) an edit with no new version (so
# amendment-missing, and a generated amendment), a deletion.
set -eu
D=$1
mkdir -p "$D/policies/staff"
cd "$D"
git init -q
git config user.email history@example.org
git config user.name "History Test"
git config commit.gpgsign false
cat > policyc.yaml <<'Y'
title: History Test Policies
organisation:
  name: History Test Pre-School
Y
: > glossary.yaml
doc() { # FILE TITLE VERSION BODY [AMENDMENT]
	{
		printf -- '---\ntitle: %s\ntype: policy\nowner: Manager\nversion: "%s"\nreview: 2099-01-31\nstatus: active\n' "$2" "$3"
		if [ -n "${5:-}" ]; then printf 'amendments:\n  - date: %s\n' "$5"; printf '    summary: Hand-written note.\n'; fi
		printf -- '---\n\n%s\n' "$4"
	} > "$1"
}
commit() { # DATE TAG MESSAGE
	git add -A
	GIT_AUTHOR_DATE="$1T12:00:00Z" GIT_COMMITTER_DATE="$1T12:00:00Z" git commit -q -m "$3"
	GIT_COMMITTER_DATE="$1T12:00:00Z" git tag -a "$2" -m "$2"
}
ALLEG='## 1. Introduction

This policy says how we manage allegations.

## 4. Process

Tell the manager at once.

Write down what was said.'
doc policies/allegations.md "Managing Allegations" 1.0 "$ALLEG"
doc policies/staff/whistleblowing.md "Whistleblowing" 1.0 "## Introduction

Staff may raise concerns about practice.

## Contacts

Call the NSPCC helpline."
doc policies/old-notice.md "Old Notice" 1.0 "## Notice

This notice will be withdrawn."
commit 2024-01-10 v1.0 "first release"

ALLEG2='## 1. Introduction

This policy says how we manage allegations against staff.

## 4. Process

Tell the designated officer at once.

Write down what was said.

Contact the LADO within one working day.'
doc policies/allegations.md "Managing Allegations" 1.1 "$ALLEG2" 2024-03-01
mkdir -p policies/people
git mv policies/staff/whistleblowing.md policies/people/whistleblowing.md
doc policies/online-safety.md "Online Safety" 1.0 "## Introduction

We keep children safe online."
commit 2024-03-04 v1.1 "second release"

doc policies/allegations.md "Managing Allegations" 1.1 "## 1. Introduction

This policy says how we manage allegations against staff and volunteers.

## 4. Process

Tell the designated officer at once.

Write down what was said.

Contact the LADO within one working day." 2024-03-01
git rm -q policies/old-notice.md
commit 2024-06-01 v2.0 "third release"
