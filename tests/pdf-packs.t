#!/usr/bin/env python3
# Packs drawn in processes of their own (compiler/pdf/pdf.c): with two
# workers or more, each pack is drawn and tagged in a child process while
# the parent draws the documents' own PDFs.  The files and everything
# printed are those of the in-process way (POLICYC_PDF_PACKS=inline), at
# -j 1, 2 and 3; --timings says which way was taken, so the comparison
# cannot pass by never forking, and how much of the child's fresh heap a
# thread of its own faulted in beside it.  A pack that cannot be written is
# reported from the child with its file; a child that is killed fails the
# build with a pdf-write error naming its pack, the old output kept; an
# interrupted build leaves no pack process behind and no staging folder.
import os, re, resource, shutil, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICYC = os.environ.get("POLICYC") or os.path.join(ROOT, "build", "policyc")
WRAP = os.environ.get("POLICYC_WRAP", "").split()
SUPP = os.path.join(ROOT, "tests/fixtures/pdf/lsan.supp")
n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, what))
    else:
        failed += 1
        print("not ok %d - %s" % (n, what))
        for line in str(detail).splitlines()[:15]:
            sys.stderr.write("#   " + line + "\n")


def env_of(extra):
    e = dict(os.environ)
    if os.environ.get("POLICYC_SANITIZED"):
        lo = e.get("LSAN_OPTIONS", "")
        e["LSAN_OPTIONS"] = (lo + ":" if lo else "") + "suppressions=" + SUPP
    e["SOURCE_DATE_EPOCH"] = "1767225600"
    e.update(extra)
    return e


def args_of(out, jobs, timings=False):
    a = WRAP + [POLICYC, "build", os.path.join(ROOT, "content"), "-o", out,
                "--today", "2026-11-23", "--no-cache", "--outputs",
                "xml,pdf", "-j", str(jobs)]
    return a + (["--timings"] if timings else [])


def build(out, jobs, packs=None, pre=None):
    extra = {"POLICYC_PDF_PACKS": packs} if packs else {}
    return subprocess.run(args_of(out, jobs, True), capture_output=True,
                          text=True, env=env_of(extra), preexec_fn=pre)


def files_of(d):
    got = {}
    for dp, _, fs in os.walk(d):
        for f in fs:
            p = os.path.join(dp, f)
            rel = os.path.relpath(p, d)
            if rel.startswith(".policyc-cache"):
                continue
            with open(p, "rb") as fh:
                got[rel] = fh.read()
    return got


def printed(r):
    """stdout and stderr without the timing lines"""
    err = "".join(l for l in r.stderr.splitlines(True)
                  if not l.startswith("timing:"))
    return r.stdout + err


FORKED = re.compile(r"^timing:   pdf packs drawn in (\d+) process(es)? of "
                    r"their own", re.M)


def forked(r):
    m = FORKED.search(r.stderr)
    return int(m.group(1)) if m else 0


def pack_children(parent):
    """pids of the processes named policyc-pack whose parent is parent"""
    kids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        if comm == "policyc-pack" and (parent is None or ppid == parent):
            kids.append(int(pid))
    return kids


def staging_left(tmp):
    return [d for d in os.listdir(tmp) if ".tmp" in d or ".old" in d]


tmp = tempfile.mkdtemp(prefix="pdf-packs-")
try:
    # the same files and words every way
    runs = {}
    for name, jobs, packs in (("inline-j2", 2, "inline"), ("j1", 1, None),
                              ("j2", 2, None), ("j3", 3, None)):
        runs[name] = (build(os.path.join(tmp, name), jobs, packs),
                      os.path.join(tmp, name))
    base, based = runs["inline-j2"]
    ok(base.returncode == 0 and forked(base) == 0,
       "POLICYC_PDF_PACKS=inline draws the packs in the process",
       base.stderr[-600:])
    want = files_of(based)
    ok(any(k.endswith("safeguarding-pack.pdf") for k in want) and
       any(k.endswith("allegations-pack.pdf") for k in want),
       "the sample has two packs", sorted(want)[:20])
    for name, expect in (("j1", 0), ("j2", 1), ("j3", 2)):
        r, d = runs[name]
        ok(r.returncode == base.returncode and forked(r) == expect,
           "-j %s: packs drawn in %d process(es) of their own" %
           (name[1:], expect), (r.returncode, r.stderr[-600:]))
        got = files_of(d)
        diff = sorted(k for k in set(got) | set(want)
                      if got.get(k) != want.get(k))
        ok(not diff, "-j %s: every file the same bytes as in-process"
           % name[1:], diff[:10])
        ok(printed(r) == printed(base),
           "-j %s: the same diagnostics and summary" % name[1:],
           (printed(r)[-400:], printed(base)[-400:]))

    # the fresh heap a pack's process will use is faulted in beside it
    # by a thread of its own (hugepages_prefault), when the heap is on
    # huge pages; the files above are the same either way
    r, d = runs["j2"]
    m = re.search(r"\((\d+) MiB of fresh heap asked for, (\d+) MiB faulted "
                  r"in beside them\)", r.stderr)
    marked = "timing: malloc on transparent huge pages" in r.stderr
    ok(m and int(m.group(1)) > 0 and
       (0 < int(m.group(2)) <= int(m.group(1)) if marked
        else int(m.group(2)) == 0),
       "-j 2: the pack's process had its fresh heap faulted in beside it "
       "(%s)" % (m.group(0) if m else "no timing line"), r.stderr[-600:])

    # a pack's process that waits for ever (POLICYC_PDF_PACKS=stuck makes
    # it wait at once): killed after five seconds asleep, its pack drawn
    # in the build's own process, the same files
    r = build(os.path.join(tmp, "stuck"), 2, "stuck")
    notes = re.findall(r"^policyc: note: the process drawing pack .*$",
                       r.stderr, re.M)
    ok(r.returncode == base.returncode and forked(r) == 1 and
       len(notes) == 1 and "'safeguarding-pack'" in notes[0],
       "a pack's process asleep for good: a note, and the build goes on",
       (r.returncode, r.stderr[-600:]))
    got = files_of(os.path.join(tmp, "stuck"))
    ok(got == want, "its pack drawn in the build's own process: every "
       "file the same bytes",
       sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k)))
    ok(not pack_children(None), "no pack process left running")

    # a pack too large to be written: its error comes from its process
    sizes = dict((k, len(v)) for k, v in want.items() if k.endswith(".pdf"))
    packs = [s for k, s in sizes.items() if "pack" in os.path.basename(k)]
    docs = [s for k, s in sizes.items() if "pack" not in os.path.basename(k)]
    limit = (max(docs) + min(packs)) // 2
    ok(max(docs) < min(packs), "every pack is larger than any document's "
       "PDF (so a file size limit fails only packs)", (docs, packs))

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    wo = os.path.join(tmp, "j2")
    before = files_of(wo)
    r = build(wo, 2, pre=small_files)
    ok(r.returncode != 0 and forked(r) == 1 and
       re.search(r"^pdf/\S*pack\.pdf:0:0: error: cannot write PDF: .*"
                 r"\[pdf-write\]$", r.stderr, re.M),
       "a pack that cannot be written: its pdf-write error, sent by its "
       "process, fails the build", (r.returncode, r.stderr[-800:]))
    ok(not re.search(r"^pdf/(?!\S*pack\.pdf)\S*:0:0: error", r.stderr, re.M),
       "no document's PDF is said to fail", r.stderr[-800:])
    ok(files_of(wo) == before and not staging_left(tmp),
       "the old output is kept whole, no staging folder left")

    # a pack's process killed: the build fails, naming the pack.  SIGINT
    # set back to its default first: a shell running the tests in the
    # background leaves it ignored, and policyc keeps an ignored SIGINT
    # ignored, as the shell meant
    def killed_build(sig_to_build):
        p = subprocess.Popen(args_of(wo, 2), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             env=env_of({}), start_new_session=True,
                             preexec_fn=lambda: signal.signal(
                                 signal.SIGINT, signal.SIG_DFL))
        seen = []
        deadline = time.time() + 120
        while p.poll() is None and time.time() < deadline and not seen:
            seen = pack_children(p.pid)
            time.sleep(0.003)
        if seen:
            if sig_to_build:
                os.kill(p.pid, sig_to_build)
            else:
                os.kill(seen[0], signal.SIGKILL)
        out, err = p.communicate(timeout=600)
        return p.returncode, err, seen

    for attempt in range(5):
        rc, err, seen = killed_build(None)
        if seen:
            break
    ok(seen, "a process named policyc-pack is the build's child while a "
       "pack is drawn")
    ok(rc == 1 and re.search(
        r"^policyc\.yaml:0:0: error: cannot write PDF of pack '[a-z-]+': "
        r"the process drawing it was killed by signal 9 \[pdf-write\]$",
        err, re.M),
       "a pack's process killed: a pdf-write error naming the pack, exit 1",
       (rc, err[-800:]))
    ok(files_of(wo) == before and not staging_left(tmp),
       "the old output is kept whole, no staging folder left")

    # the build interrupted while a pack is drawn: its handler kills and
    # reaps the pack's process before it removes the staging folder, so
    # the process is gone the moment the build is (one the kernel ends
    # later, by PR_SET_PDEATHSIG, could first make its next pack's folder
    # again, and with it the staging folder)
    for attempt in range(5):
        rc, err, seen = killed_build(signal.SIGINT)
        if seen:
            break
    left = [k for k in seen if os.path.exists("/proc/%d" % k)]
    ok(seen and rc == 130 and not left,
       "Ctrl-C while a pack is drawn: the build ends with 130, its "
       "pack process reaped before it", (seen, left, rc, err[-400:]))
    ok(files_of(wo) == before and not staging_left(tmp),
       "the old output is kept whole, no staging folder left",
       staging_left(tmp))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
