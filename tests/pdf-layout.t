#!/usr/bin/env python3
# PDF page layout (compiler/pdf/): builds a small project written to strain
# the page furniture — a long address and a telephone number in the footer,
# an SVG logo, a draft with a review date, a table long enough to split,
# glossary terms, nested sections titled by their index.md — plus the
# bundled sample, and checks the pages with poppler (pdftotext -bbox,
# pdfinfo) and qpdf: no text outside the page box or over the footer, a
# footer of one or two lines that never breaks the telephone number,
# "(continued)" over every split table, glossary page numbers that are the
# pages the term is used on, the glossary's first entry clear of its
# introduction, DRAFT on every page of a draft, the draft's
# review date, "Referenced by", the contents' sections and a cover without
# running header and footer.
import os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICYC = os.environ.get("POLICYC") or os.path.join(ROOT, "build", "policyc")
# make valgrind runs policyc under a wrapper; make asan under LSan with
# the PDF back end's suppressions (fontconfig and Pango keep caches).
WRAP = os.environ.get("POLICYC_WRAP", "").split()
SUPP = os.path.join(ROOT, "tests/fixtures/pdf/lsan.supp")
n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


def run(args):
    e = dict(os.environ)
    if os.environ.get("POLICYC_SANITIZED"):
        lo = e.get("LSAN_OPTIONS", "")
        e["LSAN_OPTIONS"] = (lo + ":" if lo else "") + "suppressions=" + SUPP
    return subprocess.run(args, capture_output=True, text=True, env=e)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def pages_of(path):
    return run(["pdftotext", "-layout", path, "-"]).stdout.split("\f")[:-1]


def words_of(path):
    """[(page, W, H, x0, y0, x1, y1, word)] from pdftotext -bbox."""
    out, page, W, H = [], 0, 0.0, 0.0
    bb = run(["pdftotext", "-bbox", path, "-"]).stdout
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)"|'
                         r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" '
                         r'xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)', bb):
        if m.group(1):
            page += 1
            W, H = float(m.group(1)), float(m.group(2))
            continue
        out.append((page, W, H) + tuple(float(m.group(i))
                                         for i in range(3, 7)) +
                   (m.group(7),))
    return out


# The footer starts 16 pt under the bottom margin (70 pt), its rule 6 pt
# above that: body text ends above the rule, the footer's lines below it.
MARGIN_BOTTOM = 70.0
# Both projects' telephone number: on every page's footer, never split.
PHONE_PAGES = "01632 960123"


def layout_faults(path, cover):
    """Words outside the page box, or between the body and the footer;
    pages whose footer has more than two lines or splits the phone."""
    faults, lines = [], {}
    for (pg, W, H, x0, y0, x1, y1, w) in words_of(path):
        if x0 < 0 or y0 < 0 or x1 > W + 0.5 or y1 > H + 0.5:
            faults.append(("outside", pg, w))
        rule = H - MARGIN_BOTTOM + 10
        if pg == 1 and cover:
            continue
        if y0 < rule + 2 and y1 > rule - 1:
            faults.append(("over the footer rule", pg, w, y0, y1))
        # (the page number and DRAFT stand in the right 90 pt)
        if y0 >= rule and y1 < H and x0 < W - 56 - 90:
            lines.setdefault(pg, {}).setdefault(round(y0), []).append(w)
    foot = []
    for pg, ls in sorted(lines.items()):
        # the controlled-copy stamp (print-validity: issue 13) is a line
        # of its own under the footer, not part of it
        for y in [y for y, ws in ls.items() if " ".join(ws).startswith(
                ("Printed copies are uncontrolled", "Built "))]:
            del ls[y]
        if len(ls) > 2 or not ls:
            foot.append((pg, len(ls)))
        alltext = " ".join(" ".join(ws) for ws in ls.values())
        if "01632 960123" in PHONE_PAGES and "960123" not in alltext:
            foot.append((pg, "no telephone number", alltext))
        for y, ws in ls.items():
            t = " ".join(ws)
            if ("01632" in t) != ("960123" in t):  # also "Tel" alone
                foot.append((pg, "phone split", t))
            if ("AB1" in t) != ("2CD" in t) and "\u2026" not in t:
                foot.append((pg, "postcode split", t))
    return faults, foot


tmp = tempfile.mkdtemp(prefix="pdf-layout-t-")
try:
    proj = os.path.join(tmp, "proj")
    write(os.path.join(proj, "policyc.yaml"), """\
title: Layout Test Policies
content: policies
organisation:
  name: The Long Address Nursery and Out of School Club Partnership
  address: Unit 4, The Old Coach House Business Park, Station Road West, Little Snoring on the Marsh, Anytown AB1 2CD
  phone: "01632 960123"
  registration: EY123456
  charity: "1234567"
  logo: assets/logo.svg
glossary-links: first
packs:
  - id: layout-pack
    title: Layout Pack
    include: { types: [policy, procedure] }
    cover: true
    glossary: true
""")
    write(os.path.join(proj, "assets", "logo.svg"),
          '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
          '<circle cx="20" cy="20" r="18" fill="#00703c"/></svg>\n')
    write(os.path.join(proj, "glossary.yaml"), """\
- term: Designated Safeguarding Lead
  abbreviation: DSL
  definition: The member of staff who leads on safeguarding.
- term: Key person
  definition: The practitioner a child is settled with.
""")
    write(os.path.join(proj, "policies", "care", "index.md"),
          "---\ntitle: Care and Learning\n---\n\n# Care and Learning\n\n"
          "The care section.\n")
    write(os.path.join(proj, "policies", "care", "early", "index.md"),
          "---\ntitle: Early Years Practice\n---\n\n"
          "# Early Years Practice\n\nThe early years section.\n")
    rows = "\n".join("| %d | Row %d text that is long enough to wrap in a "
                     "narrow cell of the table | Contact %d | 01632 96%04d |"
                     % (i, i, i, i) for i in range(1, 120))
    write(os.path.join(proj, "policies", "care", "early", "key-person.md"),
          "---\ntitle: Key Person Policy With A Title Long Enough To "
          "Wrap Onto A Second Line Of The Contents Page\ntype: policy\n"
          "owner: Manager\nversion: \"2.0\"\nreview: 2027-06-30\n---\n\n"
          "## Introduction\n\nEvery child has a Key person. Ask the "
          "Designated Safeguarding Lead.\n\n## Contacts\n\n"
          "| No | Detail | Contact | Telephone |\n|---|---|---|---|\n" +
          rows + "\n\nSee [the draft](../../draft.md).\n")
    write(os.path.join(proj, "policies", "draft.md"),
          "---\ntitle: A Draft Procedure\ntype: procedure\nstatus: draft\n"
          "review: 2027-12-01\n---\n\n## Introduction\n\n" +
          "\n\n".join("Paragraph %d of the draft, with text enough to "
                      "fill the page. " % i * 4 for i in range(60)) + "\n")
    out = os.path.join(tmp, "out")
    r = run(WRAP + [POLICYC, "build", proj, "-o", out, "--drafts", "--outputs", "xml,pdf",
             "--today", "2026-11-23"])
    ok(r.returncode == 0, "the layout project builds", r.stderr[-1500:])
    pack = os.path.join(out, "pdf", "layout-pack.pdf")
    draft = os.path.join(out, "pdf", "draft.pdf")
    keyp = os.path.join(out, "pdf", "care", "early", "key-person.pdf")
    bad = []
    for p in (pack, draft, keyp):
        q = run(["qpdf", "--check", p])
        if q.returncode != 0 or "WARNING" in q.stdout + q.stderr:
            bad.append(p)
    ok(not bad, "qpdf --check passes", bad)

    # Page box, footer band, footer lines.
    faults, foot = layout_faults(pack, True)
    ok(not faults, "no text outside the page box or over the footer",
       faults[:8])
    ok(not foot, "the footer is one or two lines on every page, the "
       "telephone number whole", foot[:8])
    pages = pages_of(pack)
    ok(pages and "Page 1 of" not in pages[0] and "Layout Pack" in pages[0],
       "the cover has no running footer")

    # The SVG logo is drawn in the running header (the green circle, at
    # the left of the header line: 56 pt in, 41-59 pt down).
    ppm = run(["pdftoppm", "-f", "2", "-l", "2", "-r", "72", "-singlefile",
               pack, os.path.join(tmp, "p2")])
    px = None
    try:
        with open(os.path.join(tmp, "p2.ppm"), "rb") as f:
            data = f.read()
        m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
        w = int(m.group(1))
        off = m.end() + (50 * w + 65) * 3
        px = tuple(data[off:off + 3])
    except (OSError, AttributeError, ValueError):
        pass
    ok(px is not None and px[1] > px[0] + 40 and px[1] > px[2] + 20,
       "an SVG logo is drawn in the running header", px)

    # (continued) on every page a table goes on to.
    heads = [i for i, p in enumerate(pages)
             if re.search(r"No\s+Detail\s+Contact\s+Telephone", p)]
    miss = [i + 1 for i in heads[1:] if "(continued)" not in pages[i]]
    ok(len(heads) > 1 and not miss,
       "\"(continued)\" and the header over every split table (%d pages)"
       % len(heads), miss)

    # Glossary: each "(p. N)" is a page where the term is used.
    gl = next((i for i, p in enumerate(pages)
               if p.lstrip().startswith("Glossary") or
               "\nGlossary\n" in p and "Used in" in p), None)
    wrong, seen = [], 0
    if gl is not None:
        text = "\n".join(pages[gl:])
        flat = re.sub(r"\s+", " ", text)
        for name, abbr in (("Designated Safeguarding Lead", "DSL"),
                           ("Key person", None)):
            m = re.search(re.escape(name) + r".*?Used in:(.*?\))", flat)
            if not m:
                wrong.append((name, "no entry"))
                continue
            for num in re.findall(r"\d+", " ".join(
                    re.findall(r"\(pp?\. ([\d, ]+)\)", m.group(1)))):
                seen += 1
                body = re.sub(r"\s+", " ", pages[int(num) - 1]).lower()
                if name.lower() not in body and \
                        not (abbr and abbr.lower() in body):
                    wrong.append((name, int(num)))
    ok(gl is not None and seen >= 2 and not wrong,
       "glossary page numbers are pages where the term is used (%d)" % seen,
       wrong)

    # The glossary's first entry stands clear of the line introducing it
    # (the columns began right under it: 0.01 pt between the two lines).
    gw = [w for w in words_of(pack) if gl is not None and w[0] == gl + 1]
    intro = [w for w in gw if w[7] == "used."]
    first = [w for w in gw if w[7] == "Designated"]
    gap = first[0][4] - intro[0][6] if intro and first else None
    ok(gap is not None and gap >= 8,
       "the glossary's first entry is set apart from its introduction "
       "(%s pt)" % (None if gap is None else round(gap, 1)))

    # The draft: watermark on each page, its review date.
    dp = pages_of(draft)
    nod = [i + 1 for i, p in enumerate(dp) if "DRAFT" not in p]
    ok(len(dp) > 1 and not nod, "DRAFT on every page of a draft (%d)"
       % len(dp), nod)
    ok(dp and "1 December 2027" in dp[0] and "Not set" not in dp[0],
       "a draft's review date is shown")
    packdraft = [i for i, p in enumerate(pages) if "A Draft Procedure" in p
                 and "Paragraph" in p]
    ok(packdraft and all("DRAFT" in pages[i] for i in packdraft),
       "DRAFT on the draft's pages in the pack")
    ok("Referenced by" in "".join(dp) and
       "Key Person Policy" in "".join(dp).split("Referenced by")[-1],
       "\"Referenced by\" lists the documents that link here")

    # Contents: sections from index.md titles, nested; details per entry.
    cont = next((p for p in pages if "Contents" in p), "")
    ok("Care and Learning" in cont and "Early Years Practice" in cont and
       cont.find("Care and Learning") < cont.find("Early Years Practice")
       < cont.find("Key Person Policy"),
       "the contents shows the sections, nested, from index.md titles")
    ok(re.search(r"Version 2\.0 . Review due 30 June 2027", cont) and
       "Review due 1 December 2027" in cont,
       "the contents shows version and review date", cont)

    # The sample: nothing outside the page or over the footer either.
    sample = os.path.join(tmp, "sample")
    r = run(WRAP + [POLICYC, "build", os.path.join(ROOT, "content"), "-o", sample,
             "--outputs", "xml,pdf", "--today", "2026-11-23"])
    allf = []
    for dp_, _, fs in os.walk(os.path.join(sample, "pdf")):
        for f in fs:
            if f.endswith(".pdf"):
                faults, foot = layout_faults(os.path.join(dp_, f),
                                             f.endswith("pack.pdf"))
                allf += [(f,) + x for x in faults + foot]
    ok(r.returncode == 0 and not allf,
       "the sample's PDFs: text inside the page, footers of two lines",
       allf[:8])

    # The adoption log's headers whole at its fixed shares of the column:
    # "Version" was broken "Versio-" / "n" at ten per cent of A4.
    lado = os.path.join(sample, "pdf", "safeguarding", "lado-notice.pdf")
    heads = [w for w in words_of(lado) if w[7] in ("Version", "Versio-", "Versio")]
    ok(r.returncode == 0 and heads and all(w[7] == "Version" for w in heads),
       "the adoption log's header words are never broken", [w[7] for w in heads])
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
