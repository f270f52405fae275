#!/usr/bin/env python3
# Accessible PDFs (compiler/pdf/pdftag.c): every PDF of the sample project,
# its packs, and a project with tables, nested and numbered lists, images,
# links, footnotes and a language of its own is "Tagged: yes" for pdfinfo,
# passes qpdf --check and tests/matterhorn.py (the Matterhorn Protocol's
# machine-checkable conditions, in place of veraPDF, which is Java and not
# in Debian); the structure holds what the Markdown said (Table/TR/TH with
# scopes, L/LI/LBody nested as the list was, Figure /Alt from the alt
# text, Link elements with /Contents, the project's /Lang); the bytes are
# reproducible; the two writers (compiler/pdf/pdfsave.c, which copies
# what tagging did not change, and qpdf's whole rewrite, which takes the
# files pdfsave cannot read) make the same documents; cairo's content
# left uncompressed and deflated once makes the same bytes as cairo
# compressing it, and no stream is left uncompressed; and the checker
# itself fails files that break each condition (a broken copy of a good
# file for each).
import json, os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICYC = os.environ.get("POLICYC") or os.path.join(ROOT, "build", "policyc")
CHECKER = os.path.join(ROOT, "tests", "matterhorn.py")
n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, what))
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def build(project, out, **more):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", **more)
    if os.environ.get("POLICYC_SANITIZED"):    # as tests/pdf.t does
        lo = env.get("LSAN_OPTIONS", "")
        env["LSAN_OPTIONS"] = (lo + ":" if lo else "") + "suppressions=" + \
            os.path.join(ROOT, "tests/fixtures/pdf/lsan.supp")
    return run([POLICYC, "build", project, "-o", out, "--outputs",
                "xml,pdf", "-j", "2"], env=env)


def pdfs(out):
    found = []
    for dp, _, fs in os.walk(os.path.join(out, "pdf")):
        found += [os.path.join(dp, f) for f in fs if f.endswith(".pdf")]
    return sorted(found)


def check_all(label, files):
    untagged = [f for f in files
                if "Tagged:          yes" not in run(["pdfinfo", f]).stdout]
    ok(files and not untagged, "%s: pdfinfo says Tagged: yes for all %d PDFs"
       % (label, len(files)), "\n".join(untagged))
    bad = [f for f in files if run(["qpdf", "--check", f]).returncode != 0]
    ok(not bad, "%s: qpdf --check passes" % label, "\n".join(bad))
    r = run([sys.executable, CHECKER] + files)
    ok(r.returncode == 0, "%s: Matterhorn conditions hold" % label,
       r.stdout + r.stderr)


def qpdf_json(path):
    import json
    r = run(["qpdf", "--json=2", "--json-key=qpdf", path])
    return json.loads(r.stdout)["qpdf"][1]


def structure(path):
    """The structure tree as nested (type, attrs, kids) tuples."""
    objs = qpdf_json(path)

    def get(v):
        if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            return objs["obj:" + v].get("value")
        return v

    def node(v, depth=0):
        e = get(v)
        if not isinstance(e, dict) or "/S" not in e or depth > 60:
            return None
        k = e.get("/K")
        k = k if isinstance(k, list) else [k] if k is not None else []
        kids = [x for x in (node(c, depth + 1) for c in k) if x]
        return (e["/S"][1:], e, kids)

    root = get(objs["trailer"]["value"]["/Root"])
    return objs, root, node(get(root["/StructTreeRoot"])["/K"])


def shape(path):
    """What a reader gets of a PDF, without object numbers or bytes: the
    structure tree (types, attributes, marked content by page and MCID,
    annotations by their /Contents), each page's decoded content, /Tabs
    and annotations, the catalogue's accessibility entries, and the
    text."""
    import json
    r = run(["qpdf", "--json=2", "--json-key=qpdf", "--json-key=pages",
             "--json-stream-data=inline", "--decode-level=generalized", path])
    j = json.loads(r.stdout)
    objs = j["qpdf"][1]
    pages = {p["object"]: i for i, p in enumerate(j["pages"])}
    lines = []

    def get(v):
        if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            o = objs["obj:" + v]
            return o.get("value", o)
        return v

    def walk(v, depth, seen):
        if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            if v in seen or depth > 80:
                lines.append("loop")
                return
            seen = seen | {v}
        e = get(v)
        pad = " " * depth
        if isinstance(e, list):
            for x in e:
                walk(x, depth, seen)
        elif not isinstance(e, dict):
            lines.append(pad + repr(e))
        elif e.get("/Type") == "/OBJR":
            a = get(e.get("/Obj"))
            lines.append(pad + "OBJR %s %s" % (a.get("/Subtype"),
                                              a.get("/Contents")))
        elif "/MCID" in e:
            lines.append(pad + "MCR %s %s" % (pages.get(e.get("/Pg")),
                                             e["/MCID"]))
        else:
            lines.append(pad + "%s page %s %s" % (
                e.get("/S"), pages.get(e.get("/Pg")),
                [(k, e[k]) for k in ("/Alt", "/A", "/Lang") if k in e]))
            if "/K" in e:
                walk(e["/K"], depth + 1, seen)

    root = get(objs["trailer"]["value"]["/Root"])
    for k in ("/MarkInfo", "/Lang", "/ViewerPreferences"):
        lines.append("%s %s" % (k, get(root.get(k))))
    walk(get(root["/StructTreeRoot"])["/K"], 0, frozenset())
    for p in j["pages"]:
        pg = get(p["object"])
        lines.append("page tabs %s annots %d" % (
            pg.get("/Tabs"), len(get(pg.get("/Annots", [])) or [])))
        for c in p["contents"]:
            lines.append(objs["obj:" + c]["stream"].get("data", ""))
    lines.append(run(["pdftotext", path, "-"]).stdout)
    return lines


def same_writers(label, project, out, files):
    """The files of out (made by pdfsave.c) against qpdf's writer."""
    out_q = out + "-qpdf"
    build(project, out_q, POLICYC_PDF_WRITER="qpdf")
    files_q = [f.replace(out, out_q, 1) for f in files]
    check_all(label + ", qpdf's writer", files_q)
    copied = [f for f, q in zip(files, files_q) if os.path.exists(q) and
              open(f, "rb").read() != open(q, "rb").read()]
    ok(len(copied) == len(files), "%s: the usual writer is not qpdf's "
       "(%d of %d files differ in bytes)" % (label, len(copied),
                                            len(files)))
    differ = [f for f, q in zip(files, files_q)
              if not os.path.exists(q) or shape(f) != shape(q)]
    ok(files and not differ, "%s: both writers make the same structure, "
       "pages, annotations and text" % label, "\n".join(differ))


def same_cairo(label, project, out, files):
    """The files of out (cairo's page content uncompressed, deflated once
    as tagging writes it: compiler/pdf/pdf.c) against cairo compressing
    its own; and no stream left uncompressed but the XMP metadata."""
    out_c = out + "-cairo"
    build(project, out_c, POLICYC_CAIRO_COMPRESS="1")
    differ = [f for f in files if not os.path.exists(f.replace(out, out_c, 1))
              or open(f, "rb").read() !=
              open(f.replace(out, out_c, 1), "rb").read()]
    ok(files and not differ, "%s: the same bytes whether cairo compresses "
       "its streams or tagging does" % label, "\n".join(differ))
    plain = []
    for f in files:
        j = run(["qpdf", "--json=2", "--json-key=qpdf",
                 "--json-stream-data=none", f])
        for k, v in json.loads(j.stdout)["qpdf"][1].items():
            d = v.get("stream", {}).get("dict") if isinstance(v, dict) \
                else None
            if d is not None and "/Filter" not in d and \
                    d.get("/Type") != "/Metadata":
                plain.append("%s %s" % (os.path.basename(f), k))
    ok(files and not plain, "%s: every stream is compressed but the "
       "metadata" % label, "\n".join(plain))


def find(tree, typ):
    out = []
    if tree:
        if tree[0] == typ:
            out.append(tree)
        for k in tree[2]:
            out += find(k, typ)
    return out


# ---- the sample project and its packs ------------------------------------
tmp = tempfile.mkdtemp(prefix="pdf-a11y-")
try:
    out = os.path.join(tmp, "sample")
    r = build(os.path.join(ROOT, "content"), out)
    files = pdfs(out)
    ok(len(files) >= 3, "the sample builds its PDFs", r.stderr[-2000:])
    packs = [f for f in files if os.path.dirname(f) ==
             os.path.join(out, "pdf")]
    ok(packs, "the sample has packs", files)
    check_all("sample", files)
    ok("pdf-write" not in r.stderr, "tagging reports nothing",
       r.stderr[-2000:])
    same_writers("sample", os.path.join(ROOT, "content"), out, files)
    same_cairo("sample", os.path.join(ROOT, "content"), out, files)

    # ---- a project with tables, lists, images, links ----------------------
    proj = os.path.join(tmp, "a11y")
    os.makedirs(os.path.join(proj, "policies"))
    os.makedirs(os.path.join(proj, "assets"))
    shutil.copy(os.path.join(ROOT, "content", "assets", "logo.png"),
                os.path.join(proj, "assets", "chart.png"))
    with open(os.path.join(proj, "policyc.yaml"), "w") as f:
        f.write("title: Polisïau\ncontent: policies\nlanguage: cy\n"
                "organisation:\n  name: Meithrinfa Test\n"
                "packs:\n  - id: the-pack\n    title: The Pack\n"
                "    include: { types: [policy] }\n    cover: true\n")
    fm = ("---\ntitle: %s\ntype: policy\nowner: Manager\nversion: \"1\"\n"
          "approved: 2025-01-01\napproved-by: Committee\n"
          "review: 2029-01-01\n---\n\n")
    with open(os.path.join(proj, "policies", "rich.md"), "w") as f:
        f.write(fm % "Rich Document" +
                "## Who does what\n\n"
                "| Role | Duty | Phone |\n|---|---|---|\n"
                "| Lead | Decides | 0100 |\n| Deputy | Covers | 0200 |\n\n"
                "## Steps\n\n- First step\n  - a sub-step\n  - another\n"
                "- Second step\n\n  A second paragraph of the step.\n\n"
                "1. one\n2. two\n\n"
                "## Pictures and links\n\n"
                "![A bar chart of referrals](../assets/chart.png)\n\n"
                "See [the GOV.UK guidance](https://www.gov.uk/guidance) "
                "and [the other policy](other.md).[^1]\n\n"
                "---\n\nAfter the rule.\n\n[^1]: A footnote.\n")
    with open(os.path.join(proj, "policies", "other.md"), "w") as f:
        # a table of one column: each row's /K is its one cell
        f.write(fm % "Other Document" + "## Only section\n\nText.\n\n"
                "| Only |\n|---|\n| one |\n")
    out = os.path.join(tmp, "a11y-out")
    r = build(proj, out)
    files = pdfs(out)
    rich = os.path.join(out, "pdf", "rich.pdf")
    ok(os.path.exists(rich) and os.path.exists(
        os.path.join(out, "pdf", "the-pack.pdf")),
       "the case builds its documents and pack", r.stderr[-2000:])
    check_all("case", files)

    objs, root, tree = structure(rich)
    ok(root.get("/Lang") == "u:cy", "/Lang is the project's language",
       root.get("/Lang"))
    ok(tree and tree[0] == "Document", "one Document element at the root",
       tree and tree[0])
    tables = find(tree, "Table")
    md = [t for t in tables if len(find(t, "TR")) == 3]
    ths = find(md[0], "TH") if md else []
    ok(len(md) == 1 and len(ths) == 3 and
       all(t[1].get("/A", {}).get("/Scope") == "/Column" for t in ths),
       "the Markdown table is a Table of 3 rows under 3 column headers",
       [(t[0], len(find(t, "TR"))) for t in tables])
    ok(tables and find(tables[0], "TH") and
       all(t[1].get("/A", {}).get("/Scope") == "/Row"
           for t in find(tables[0], "TH")),
       "the document-control table's labels are row headers")
    lists = find(tree, "L")
    top = [l for l in tree[2] if l[0] == "L"]
    ok(len(top) == 2 and len(top[0][2]) == 2 and
       all(li[0] == "LI" and li[2][0][0] == "LBody" for li in top[0][2]),
       "the bullet list is an L of two LI, each with its LBody",
       [(l[0], [k[0] for k in l[2]]) for l in top])
    nested = find(top[0][2][0], "L") if top else []
    ok(len(nested) == 1 and len(nested[0][2]) == 2,
       "the sub-steps are an L inside the first item", len(nested))
    ok(top and [k[0] for k in top[0][2][1][2][0][2]] == ["P"],
       "the step's second paragraph is inside its LBody")
    ok(len(top) == 2 and len(top[1][2]) == 2, "the numbered list is its "
       "own L")
    figs = find(tree, "Figure")
    ok(len(figs) == 1 and figs[0][1].get("/Alt") ==
       "u:A bar chart of referrals", "the Figure's /Alt is the alt text",
       [f[1].get("/Alt") for f in figs])
    links = find(tree, "Link")
    ok(len(links) == 2, "the web link and the footnote mark are Link "
       "elements (the other document is not in this file)", len(links))
    contents = []
    for k, o in objs.items():
        v = o.get("value")
        if isinstance(v, dict) and v.get("/Subtype") == "/Link":
            contents.append(v.get("/Contents", ""))
    ok("u:Link to https://www.gov.uk/guidance" in contents and
       "u:Footnote 1" in contents, "link annotations say where they go",
       contents)
    pobjs = qpdf_json(os.path.join(out, "pdf", "the-pack.pdf"))
    pc = [o["value"].get("/Contents") for o in pobjs.values()
          if isinstance(o.get("value"), dict) and
          o["value"].get("/Subtype") == "/Link"]
    ok("u:Go to Other Document" in pc, "in the pack, a link to the other "
       "document says so", pc)
    _, _, ptree = structure(os.path.join(out, "pdf", "the-pack.pdf"))
    parts = [k for k in ptree[2] if k[0] == "Part"]
    ok(len(parts) == 4 and len(parts) == len(ptree[2]) and
       [h[0] for h in find(parts[2], "H1")] == ["H1"],
       "the pack's cover, contents and two documents are four Parts, each "
       "document's title its H1", [k[0] for k in ptree[2]])

    # bytes are reproducible
    out2 = os.path.join(tmp, "a11y-out2")
    build(proj, out2)
    same = all(open(f, "rb").read() == open(f.replace(out, out2), "rb")
               .read() for f in files)
    ok(same, "tagged PDFs are byte-identical across builds")
    same_writers("tables, lists, images, links", proj, out, files)
    same_cairo("tables, lists, images, links", proj, out, files)

    # ---- the checker fails what it should -----------------------------------
    qdf = os.path.join(tmp, "rich.qdf")
    run(["qpdf", "--qdf", "--object-streams=disable", rich, qdf])
    text = open(qdf, "rb").read()
    r = run([sys.executable, CHECKER, qdf])
    ok(r.returncode == 0, "the checker passes the good file", r.stdout)
    breaks = [
        ("no /Lang", rb"/Lang \(cy\)", b"/Lxng (cy)", "[11]"),
        ("no DisplayDocTitle", rb"/DisplayDocTitle true",
         b"/DisplayDocTitle false", "[07]"),
        ("no PDF/UA id", rb"pdfuaid:part>1<", b"pdfuaid:part>2<", "[06]"),
        ("an artifact unmarked", rb"/Artifact BMC", b"/Span BMC",
         "neither tagged nor an artifact"),
        ("a Figure without /Alt", rb"/Alt ", b"/Xlt ", "[13]"),
        ("a TH without /Scope", rb"/Scope ", b"/Xcope ", "[15]"),
        ("a non-standard type", rb"/S /LBody", b"/S /Body2", "[02]"),
        ("a link without /Contents", rb"/Contents ", b"/Xontents ", "[28]"),
        ("a font not embedded", rb"/FontFile2 ", b"/FontFileX ", "[31]"),
    ]
    for what, pat, rep, expect in breaks:
        bad = os.path.join(tmp, "bad.pdf")
        with open(bad + ".qdf", "wb") as f:
            f.write(re.sub(pat, rep, text))
        with open(bad, "wb") as f:
            subprocess.run(["fix-qdf", bad + ".qdf"], stdout=f)
        r = run([sys.executable, CHECKER, bad])
        ok(r.returncode == 1 and expect in r.stdout,
           "the checker fails %s" % what, r.stdout[-1500:])
finally:
    shutil.rmtree(tmp, ignore_errors=True) if not os.environ.get("KEEP") else print("# kept " + tmp)

print("1..%d" % n)
sys.exit(1 if failed else 0)
