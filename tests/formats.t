#!/usr/bin/env python3
# The machine output formats of `policyc check` (diagfmt.c, diag.c) on the
# fixture tests/cases/filters/formats, whose project filter reports text
# that needs escaping everywhere: JSON parses, SARIF 2.1.0 is well formed
# and carries every diagnostic with its rule description and location,
# JUnit XML is well formed (xmllint) with a test case per document and a
# failure per error, GitHub lines follow the workflow-command syntax and
# round-trip the message.
import json, os, re, shutil, subprocess, sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote

policyc = os.environ.get("POLICYC") or sys.exit("set POLICYC")
wrap = os.environ.get("POLICYC_WRAP", "").split()
here = os.path.dirname(os.path.abspath(__file__))
fixture = os.path.join(here, "cases", "filters", "formats")
tests = []

def ok(cond, what, todo=None):
    # a TODO marks only a failure (the integrator removes it once it passes)
    tests.append((bool(cond), what + (" # TODO " + todo if todo and not cond else "")))
    return cond

def check(fmt):
    r = subprocess.run(wrap + [policyc, "check", fixture, "--today", "2026-11-23",
                        "--format", fmt], stdout=subprocess.PIPE)
    return r.returncode, r.stdout

code, out = check("json")
ok(code == 1, "check --format json exits 1 with errors (got %d)" % code)
try:
    diags = json.loads(out.decode("utf-8"))
except Exception as e:
    diags = []
    ok(False, "JSON parses: %s" % e)
else:
    ok(isinstance(diags, list) and len(diags) >= 7, "JSON parses: %d diagnostics" % len(diags))
key = lambda d: (d["file"], d["line"], d["column"], d["rule"], d["message"])
want = sorted(key(d) for d in diags)
ok(any("newline \n cr \r" in d["message"] for d in diags), "JSON keeps newlines and CRs")
ok(any("\U0001d11e" in d["message"] and "\u2028" in d["message"] for d in diags),
   "JSON keeps astral characters and U+2028")

# --- text: the fixture's expected.lint (tests/cases.t compares it whole) ---
# One diagnostic, one line: the text format is what a CI log and a
# terminal show, so a newline, a CR or an escape in a message must not
# start a line of its own (a forged diagnostic) nor reach the terminal.
lint = open(os.path.join(fixture, "expected.lint"), encoding="utf-8", newline="").read()
code, out = check("text")
ok(out.decode("utf-8") == lint, "check's text output is the fixture's expected.lint")
lines = lint.split("\n")[:-1]
ok(len(lines) == len(diags) + 1,
   "the text format prints one line per diagnostic, and the summary (%d lines for %d diagnostics)"
   % (len(lines), len(diags)))
ok(not any(re.search(r"[\x00-\x08\x0b-\x1f\x7f]", l) for l in lines),
   "no control character reaches the text format")
line_re = re.compile(r"^(.+?):(\d+):(\d+): (error|warning|note): (.*) \[([a-z0-9-]+)\]$")
parsed = [line_re.match(l) for l in lines[:-1]]
ok(all(parsed) and sorted((m.group(1), int(m.group(2)), int(m.group(3)), m.group(6)) for m in parsed) ==
   sorted((d["file"], d["line"], d["column"], d["rule"]) for d in diags),
   "every line of the text format is a located diagnostic JSON also carries")

# --- SARIF ---
# SARIF and GitHub name files from the working directory (the repository
# root, in CI): the fixture folder as seen from here, then the file.
rel = os.path.relpath(os.path.realpath(fixture), os.path.realpath(os.getcwd()))
prefix = "" if rel == "." or rel.startswith("..") else rel + "/"
def from_root(f):
    ok_prefix = f.startswith(prefix)
    return f[len(prefix):] if ok_prefix else "(not under %s) %s" % (prefix, f)

code, out = check("sarif")
ok(code == 1, "check --format sarif exits 1")
try:
    sarif = json.loads(out.decode("utf-8"))
except Exception as e:
    sarif = {}
    ok(False, "SARIF parses as JSON: %s" % e)
run = (sarif.get("runs") or [{}])[0]
driver = run.get("tool", {}).get("driver", {})
ok(sarif.get("version") == "2.1.0" and "$schema" in sarif, "SARIF version 2.1.0 with $schema")
ok(driver.get("name") == "policyc" and driver.get("version"), "tool.driver names policyc and its version")
rules = driver.get("rules", [])
ids = [r.get("id") for r in rules]
ok(all(r.get("shortDescription", {}).get("text") for r in rules), "every rule has a shortDescription")
ok("review-overdue" in ids and "quoting" in ids, "rules list built-in and project rules")
results = run.get("results", [])
got = []
good = True
for r in results:
    loc = (r.get("locations") or [{}])[0].get("physicalLocation", {})
    region = loc.get("region", {})
    uri = loc.get("artifactLocation", {}).get("uri", "")
    if r.get("level") not in ("error", "warning", "note"): good = False
    if ids[r.get("ruleIndex", -1)] != r.get("ruleId"): good = False
    if re.search(r"[ ,]", uri): good = False
    got.append((from_root(unquote(uri)), region.get("startLine", 0), region.get("startColumn", 0),
                r.get("ruleId"), r.get("message", {}).get("text")))
ok(good, "every result has a level, a matching ruleIndex and an encoded uri")
ok(sorted(got) == want, "SARIF carries every diagnostic (%d of %d) with its location" % (len(got), len(want)))

# --- JUnit ---
code, out = check("junit")
ok(code == 1, "check --format junit exits 1")
if shutil.which("xmllint"):
    x = subprocess.run(["xmllint", "--noout", "-"], input=out)
    ok(x.returncode == 0, "JUnit XML is well formed (xmllint)")
else:
    ok(True, "JUnit XML is well formed # skip no xmllint")
try:
    root = ET.fromstring(out)
except ET.ParseError as e:
    root = ET.Element("none")
    ok(False, "JUnit parses: %s" % e)
suites = root.findall("testsuite")
ok(root.tag == "testsuites" and len(suites) == 1, "one testsuite")
cases = {c.get("name"): c for c in root.iter("testcase")}
ok(set(cases) == {"policies/clean.md", "policies/odd name,1.md", "policies/overdue.md"},
   "a test case per document: %s" % sorted(cases))
ok(len(cases["policies/clean.md"]) == 0 if "policies/clean.md" in cases else False,
   "a clean document is a passing test case")
fails = [(c.get("name"), f.get("type"), f.get("message")) for c in cases.values()
         for f in c.findall("failure")]
xmlctl = lambda s: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", s)  # not XML 1.0 characters
ok(sorted(fails) == sorted((d["file"], d["rule"], xmlctl(d["message"])) for d in diags
                           if d["severity"] == "error"),
   "a failure per error, with rule and message (%d)" % len(fails))
outs = "".join((c.findtext("system-out") or "") for c in cases.values())
nonerr = [d for d in diags if d["severity"] != "error"]
ok(all(("[%s]" % d["rule"]) in outs for d in nonerr) and outs.count("\n") == len(nonerr),
   "warnings and notes are in system-out (%d)" % len(nonerr))
ok(suites and suites[0].get("tests") == "3" and suites[0].get("failures") == "1",
   "testsuite counts: 3 tests, 1 failing")

# --- GitHub ---
code, out = check("github")
ok(code == 1, "check --format github exits 1")
lines = out.decode("utf-8").split("\n")[:-1]   # not splitlines: U+2028 is no line end here
pat = re.compile(r"^::(error|warning|notice) (?:file=([^,:]+),)?(?:line=(\d+),)?(?:col=(\d+),)?"
                 r"title=([^,:]+)::(.*)$")
def unesc(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
parsed = []
allmatch = True
for l in lines:
    m = pat.match(l)
    if not m:
        allmatch = False
        print("# bad line: %r" % l)
        continue
    parsed.append((from_root(unesc(m.group(2) or "")) if m.group(2) else "", int(m.group(3) or 0), int(m.group(4) or 0),
                   unesc(m.group(5)), unesc(m.group(6))))
ok(allmatch and len(lines) == len(diags), "every GitHub line matches ::level file=,line=,col=,title=::message (%d)" % len(lines))
sev = {"error": "error", "warning": "warning", "note": "notice"}
ok([l.split(" ")[0][2:] for l in lines] == [sev[d["severity"]] for d in sorted(diags, key=key)] or
   sorted(l.split(" ")[0][2:] for l in lines) == sorted(sev[d["severity"]] for d in diags),
   "levels map error/warning/note to error/warning/notice")
def ctl(s):   # GitHub output replaces control characters other than \t\r\n
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", s)
ok(sorted(parsed) == sorted((d["file"], d["line"], d["column"], d["rule"], ctl(d["message"])) for d in diags),
   "GitHub lines round-trip file, line, column, rule and message")
ok(("file=" + prefix + "policies/odd name%2C1.md") in out.decode("utf-8"), "a comma in a file name is escaped as %2C")

print("1..%d" % len(tests))
for i, (c, what) in enumerate(tests, 1):
    print("%s %d - %s" % ("ok" if c else "not ok", i, what))
