#!/usr/bin/env python3
"""Run a composite GitHub Action's shell steps here, as GitHub's runner would.

    action-runner.py ACTION_DIR WORKSPACE name=value...

tests/wiring.t uses it to run the repository's action.yml for real on a
policy project: each `run:` step is executed with bash in its
working-directory, with `${{ inputs.X }}`, `${{ github.action_path }}`,
`${{ github.workspace }}` and `${{ steps.ID.outputs.K }}` expanded, its
`env:` set, GITHUB_OUTPUT and GITHUB_PATH honoured between steps, and
`if:` conditions of the forms the action uses evaluated. A `uses:` step
(the SARIF upload, which needs GitHub) is not run: its inputs are printed
as `would use NAME with KEY=VALUE` so the test can check what it would have
been given. Anything else in an expression is an error, so a change to the
action that this runner cannot follow fails the test instead of passing
untried. Prints each step's name and output; exits with the first failing
step's status (as the job would fail), else 0.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml


def main():
    action_dir, workspace = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    given = dict(a.split("=", 1) for a in sys.argv[3:])
    with open(os.path.join(action_dir, "action.yml")) as f:
        action = yaml.safe_load(f)
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for k, v in given.items():
        if k not in inputs:
            sys.exit(f"action-runner: the action has no input '{k}'")
        inputs[k] = v
    steps_out = {}
    tmp = tempfile.mkdtemp()
    path_file = os.path.join(tmp, "path")
    open(path_file, "w").close()
    failed = None

    def expand(text):
        def one(m):
            e = m.group(1).strip()
            return str(evaluate(e))
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def evaluate(e):
        e = e.strip()
        if e.startswith("${{") and e.endswith("}}"):
            e = e[3:-2].strip()
        if " && " in e:
            return all(evaluate(p) for p in e.split(" && "))
        m = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", e)
        if m and not e.startswith("hashFiles"):
            a, op, b = evaluate(m.group(1)), m.group(2), evaluate(m.group(3))
            return (str(a) == str(b)) == (op == "==")
        if e == "always()":
            return True
        if e == "failure()":
            return failed is not None
        if re.fullmatch(r"'[^']*'", e):
            return e[1:-1]
        m = re.fullmatch(r"inputs\.([\w-]+)", e)
        if m:
            return inputs[m.group(1)]
        if e == "github.action_path":
            return action_dir
        if e == "github.workspace":
            return workspace
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", e)
        if m:
            return steps_out.get(m.group(1), {}).get(m.group(2), "")
        m = re.fullmatch(r"hashFiles\((.+)\)\s*(!=|==)\s*''", e)
        if m:
            f = os.path.join(workspace, str(evaluate(m.group(1))))
            present = os.path.isfile(f)
            return present if m.group(2) == "!=" else not present
        sys.exit(f"action-runner: cannot evaluate '{e}'")

    extra_path = []
    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("id", "?"))
        # GitHub's rule: a condition without a status function means
        # success() && condition; a failed step skips those steps.
        cond = step.get("if")
        status_fn = cond is not None and re.search(r"\b(always|failure|cancelled)\(\)", str(cond))
        if failed is not None and not status_fn:
            print(f"== {name}: skipped (an earlier step failed)")
            continue
        if cond is not None and not evaluate(cond):
            print(f"== {name}: skipped")
            continue
        if "uses" in step:
            withs = " ".join(f"{k}={expand(v)}" for k, v in step.get("with", {}).items())
            print(f"== {name}: would use {step['uses']} with {withs}")
            continue
        out_file = os.path.join(tmp, "out-" + str(len(steps_out)))
        open(out_file, "w").close()
        env = dict(os.environ)
        env.update({k: expand(v) for k, v in step.get("env", {}).items()})
        env["GITHUB_OUTPUT"] = out_file
        env["GITHUB_PATH"] = path_file
        env["GITHUB_WORKSPACE"] = workspace
        env["PATH"] = ":".join(extra_path + [env["PATH"]])
        cwd = expand(step.get("working-directory", workspace))
        print(f"== {name}", flush=True)
        rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])], cwd=cwd, env=env).returncode
        with open(out_file) as f:
            outs = dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
        if "id" in step:
            steps_out[step["id"]] = outs
        with open(path_file) as f:
            extra_path = [l.strip() for l in f if l.strip()][::-1]
        if rc != 0 and failed is None:
            print(f"== {name}: exit {rc}")
            failed = rc
    for sid, outs in steps_out.items():
        for k, v in outs.items():
            print(f"output {sid}.{k}={v}")
    sys.exit(failed or 0)


if __name__ == "__main__":
    main()
