#!/usr/bin/env python3
"""matterhorn.py — checks PDFs against the machine-checkable conditions of
the Matterhorn Protocol (PDF/UA-1), as far as they apply to what policyc
writes.  veraPDF is the reference checker but is Java and not in Debian, so
this reads each file through `qpdf --json` (qpdf is a test dependency
already; no Python PDF library needed) and checks:

  catalog   /MarkInfo /Marked true, no /Suspects true (01), /Lang (11),
            /ViewerPreferences /DisplayDocTitle true (07)
  metadata  an XMP stream with dc:title and pdfuaid:part 1 (06), /Info
            /Title
  content   every painting or text operator of every page is inside a
            marked-content sequence with an MCID or inside an /Artifact
            sequence; no tagged content inside an artifact, no artifact
            inside tagged content (01); every MCID is owned by the
            structure element the parent tree names, and that element
            holds it in /K
  structure every /S is a standard type or role-mapped to one (02); Table
            holds TR (or THead/TBody/TFoot/Caption) and TR holds TH/TD,
            every table has a TH and every TH a /Scope (09, 15); L holds
            LI (or Caption/L), LI holds Lbl/LBody (09); every Figure has
            /Alt or /ActualText (13); headings start at H1 and never skip
            a level on the way down (14)
  links     every Link annotation has /Contents, a /StructParent that
            the parent tree maps to a Link element (28), and its page has
            /Tabs /S
  fonts     every font is embedded (FontFile, FontFile2 or FontFile3 in
            its descriptor; Type 3 fonts carry their glyphs) and has a
            /ToUnicode map (31)

Usage: matterhorn.py FILE.pdf...  Prints one line per failure
("FILE: [checkpoint] message") and a closing "N passed, N failed" line;
exits 1 when any file fails.
"""
import base64, json, re, subprocess, sys

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index
NonStruct Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead
TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP
Warichu WT WP Figure Formula Form""".split())
PAINT = set("Tj TJ ' \" Do sh S s f F f* B B* b b* BI".split())
MAX_REPORT = 20


def qpdf_json(path):
    r = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf",
                        "--json-stream-data=inline",
                        "--decode-level=generalized", path],
                       capture_output=True)
    if r.returncode not in (0, 3):
        raise RuntimeError("qpdf --json failed: " +
                           r.stderr.decode(errors="replace")[:300])
    return json.loads(r.stdout)["qpdf"][1]


class Doc:
    def __init__(self, path):
        self.objs = qpdf_json(path)
        self.trailer = self.objs["trailer"]["value"]

    def get(self, v):
        """Resolves a reference ("n g R") to the value (a stream's dict)."""
        if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            o = self.objs.get("obj:" + v)
            if o is None:
                return None
            return o["stream"]["dict"] if "stream" in o else o["value"]
        return v

    def stream(self, ref):
        o = self.objs.get("obj:" + ref) if isinstance(ref, str) else None
        if not o or "stream" not in o or "data" not in o["stream"]:
            return b""
        return base64.b64decode(o["stream"]["data"])

    def pages(self):
        out = []

        def walk(ref, inherited):
            node = self.get(ref)
            res = node.get("/Resources", inherited)
            if node.get("/Type") == "/Pages" or "/Kids" in node:
                for k in node.get("/Kids", []):
                    walk(k, res)
            else:
                out.append((ref, node, self.get(res) or {}))
        walk(self.get(self.trailer["/Root"])["/Pages"], None)
        return out


def text(v):
    if isinstance(v, str) and v[:2] in ("u:", "b:"):
        return v[2:]
    return v


# ---- content streams ----------------------------------------------------

TOKEN = re.compile(rb"""\s+|%[^\r\n]*|\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)
    |<<|>>|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s()<>\[\]{}/%]*|[^\s()<>\[\]{}/%]+""",
                   re.X | re.S)


def operators(data):
    """(operator, operands text) pairs of a content stream."""
    ops, operands, i = [], [], 0
    while i < len(data):
        m = TOKEN.match(data, i)
        if not m:
            i += 1
            continue
        t = m.group(0)
        i = m.end()
        if t[:1].isspace() or t[:1] == b"%":
            continue
        if (re.fullmatch(rb"[A-Za-z'\"*]+", t) and
                t not in (b"true", b"false", b"null")):
            ops.append((t.decode(), b" ".join(operands)))
            operands = []
            if t == b"ID":      # inline image data up to EI
                j = re.compile(rb"\sEI(\s|$)").search(data, i)
                i = j.end() if j else len(data)
        else:
            operands.append(t)
    return ops


def check_content(doc, data, page_no, stack, report, mcids):
    """Walks one content stream; stack holds the open sequences."""
    for op, args in operators(data):
        if op in ("BDC", "BMC"):
            tag = args.split()[0].decode() if args else "?"
            m = re.search(rb"/MCID\s+(\d+)", args)
            mcid = int(m.group(1)) if m and op == "BDC" else None
            inside_art = any(s[0] == "/Artifact" for s in stack)
            inside_tag = any(s[1] is not None for s in stack)
            if mcid is not None:
                if inside_art:
                    report("01", "page %d: MCID %d inside an artifact"
                           % (page_no, mcid))
                mcids.append(mcid)
            if tag == "/Artifact" and inside_tag:
                report("01", "page %d: artifact inside tagged content"
                       % page_no)
            stack.append((tag, mcid))
        elif op == "EMC":
            if stack:
                stack.pop()
            else:
                report("01", "page %d: EMC without BMC/BDC" % page_no)
        elif op in PAINT:
            if not any(s[0] == "/Artifact" or s[1] is not None
                       for s in stack):
                report("01", "page %d: content (%s) neither tagged nor an "
                       "artifact" % (page_no, op))


# ---- structure ----------------------------------------------------------

def kids(doc, e):
    k = e.get("/K")
    if k is None:
        return []
    return k if isinstance(k, list) else [k]


def check_structure(doc, root, report, root_ref=None):
    rolemap = doc.get(root.get("/RoleMap")) or {}
    owned = {}          # (page ref, mcid) -> element ref
    headings = []
    seen = set()

    def std(s):
        n = 0
        while s[1:] not in STANDARD and s in rolemap and n < 10:
            s = rolemap[s]
            n += 1
        return s[1:] if s[1:] in STANDARD else None

    def walk(ref, parent_type, pg, parent_ref):
        e = doc.get(ref)
        if not isinstance(e, dict) or id(e) in seen:
            return
        seen.add(id(e))
        # ISO 32000-1 14.7.2: /P is the element's immediate parent (a
        # reader walking up from content, as assistive technology does
        # from a link, goes by it)
        if parent_ref and e.get("/P") != parent_ref:
            report("01", "%s element %s has /P %s, not its parent %s" %
                   (e.get("/S"), ref, e.get("/P"), parent_ref))
        s = e.get("/S")
        t = std(s) if s else None
        if s and not t:
            report("02", "structure type %s is not standard and not "
                   "role-mapped" % s)
        pg = e.get("/Pg", pg)
        kid_types = []
        for k in kids(doc, e):
            kv = doc.get(k)
            if isinstance(k, int):
                owned[(pg, k)] = ref
            elif isinstance(kv, dict) and "/MCID" in kv:
                owned[(kv.get("/Pg", pg), kv["/MCID"])] = ref
            elif isinstance(kv, dict) and kv.get("/Type") == "/OBJR":
                pass
            elif isinstance(kv, dict):
                kid_types.append(std(kv.get("/S", "")) or "?")
        if t == "Table":
            bad = [x for x in kid_types if x not in
                   ("TR", "THead", "TBody", "TFoot", "Caption")]
            if bad:
                report("09", "Table holds %s" % ", ".join(sorted(set(bad))))
        if t == "TR":
            if parent_type not in ("Table", "THead", "TBody", "TFoot"):
                report("09", "TR outside a Table (in %s)" % parent_type)
            bad = [x for x in kid_types if x not in ("TH", "TD")]
            if bad:
                report("09", "TR holds %s" % ", ".join(sorted(set(bad))))
        if t in ("TH", "TD") and parent_type != "TR":
            report("09", "%s outside a TR (in %s)" % (t, parent_type))
        if t == "TH":
            a = doc.get(e.get("/A"))
            attrs = a if isinstance(a, list) else [a]
            if not any(isinstance(doc.get(x), dict) and
                       "/Scope" in doc.get(x) for x in attrs):
                report("15", "TH without /Scope")
        if t == "L":
            bad = [x for x in kid_types if x not in ("LI", "Caption", "L")]
            if bad:
                report("09", "L holds %s" % ", ".join(sorted(set(bad))))
        if t == "LI":
            if parent_type != "L":
                report("09", "LI outside an L (in %s)" % parent_type)
            bad = [x for x in kid_types if x not in ("Lbl", "LBody")]
            if bad:
                report("09", "LI holds %s" % ", ".join(sorted(set(bad))))
        if t == "Figure" and not (text(e.get("/Alt")) or
                                  text(e.get("/ActualText"))):
            report("13", "Figure without /Alt")
        if t and re.fullmatch(r"H[1-6]", t):
            headings.append(int(t[1]))
        for k in kids(doc, e):
            kv = doc.get(k)
            if (isinstance(kv, dict) and "/S" in kv and
                    kv.get("/Type") != "/OBJR"):
                walk(k, t, pg, ref if isinstance(ref, str) else None)
        if t == "Table" and not has_type(doc, e, "TH", std):
            report("15", "a Table without TH")

    for k in kids(doc, root):
        walk(k, "StructTreeRoot", None, root_ref)
    if headings and headings[0] != 1:
        report("14", "the first heading is H%d, not H1" % headings[0])
    for a, b in zip(headings, headings[1:]):
        if b > a + 1:
            report("14", "heading H%d follows H%d (a level skipped)" % (b, a))
    return owned


def has_type(doc, e, want, std, depth=0):
    for k in kids(doc, e):
        kv = doc.get(k)
        if isinstance(kv, dict) and "/S" in kv:
            if std(kv["/S"]) == want or (depth < 4 and
                                         has_type(doc, kv, want, std,
                                                  depth + 1)):
                return True
    return False


def number_tree(doc, node, out, depth=0):
    node = doc.get(node) or {}
    nums = node.get("/Nums", [])
    for i in range(0, len(nums) - 1, 2):
        out[nums[i]] = nums[i + 1]
    if depth < 10:
        for k in node.get("/Kids", []):
            number_tree(doc, k, out, depth + 1)
    return out


# ---- fonts --------------------------------------------------------------

def check_fonts(doc, res, report, seen, depth=0):
    res = doc.get(res) or {}
    for name, ref in (doc.get(res.get("/Font")) or {}).items():
        if ref in seen:
            continue
        seen.add(ref)
        f = doc.get(ref) or {}
        if "/ToUnicode" not in f:
            report("31", "font %s (%s) has no /ToUnicode map: its text "
                   "cannot be read out" % (name, f.get("/BaseFont")))
        if f.get("/Subtype") == "/Type3":
            check_fonts(doc, f.get("/Resources"), report, seen, depth + 1)
            continue
        fonts = [f]
        if f.get("/Subtype") == "/Type0":
            fonts = [doc.get(x) or {} for x in f.get("/DescendantFonts", [])]
        for g in fonts:
            fd = doc.get(g.get("/FontDescriptor")) or {}
            if not any(k in fd for k in ("/FontFile", "/FontFile2",
                                         "/FontFile3")):
                report("31", "font %s (%s) is not embedded"
                       % (name, g.get("/BaseFont")))
    if depth < 4:
        for ref in (doc.get(res.get("/XObject")) or {}).values():
            x = doc.get(ref) or {}
            if x.get("/Subtype") == "/Form":
                check_fonts(doc, x.get("/Resources"), report, seen,
                            depth + 1)


# ---- the file -----------------------------------------------------------

def check(path):
    problems = []

    def report(cp, msg):
        problems.append("[%s] %s" % (cp, msg))

    doc = Doc(path)
    root = doc.get(doc.trailer["/Root"])
    mi = doc.get(root.get("/MarkInfo")) or {}
    if mi.get("/Marked") is not True:
        report("01", "no /MarkInfo /Marked true")
    if mi.get("/Suspects") is True:
        report("01", "/MarkInfo /Suspects true")
    if not text(root.get("/Lang")):
        report("11", "no /Lang in the catalogue")
    vp = doc.get(root.get("/ViewerPreferences")) or {}
    if vp.get("/DisplayDocTitle") is not True:
        report("07", "no /ViewerPreferences /DisplayDocTitle true")
    info = doc.get(doc.trailer.get("/Info")) or {}
    if not text(info.get("/Title")):
        report("06", "no /Title in /Info")
    xmp = doc.stream(root.get("/Metadata")).decode("utf-8", "replace")
    if not xmp:
        report("06", "no XMP metadata stream")
    else:
        m = re.search(r"<dc:title>.*?<rdf:li[^>]*>([^<]+)</rdf:li>", xmp,
                      re.S)
        if not m or not m.group(1).strip():
            report("06", "no dc:title in the XMP metadata")
        if not re.search(r"pdfuaid:part(>\s*1\s*<|=\"1\")", xmp):
            report("06", "no PDF/UA identification (pdfuaid:part 1) in "
                   "the XMP metadata")

    str_root = doc.get(root.get("/StructTreeRoot"))
    owned = {}
    parents = {}
    if not isinstance(str_root, dict):
        report("01", "no structure tree (/StructTreeRoot)")
    else:
        owned = check_structure(doc, str_root, report,
                                root.get("/StructTreeRoot"))
        parents = number_tree(doc, str_root.get("/ParentTree"), {})

    fonts_seen = set()
    for n, (ref, page, res) in enumerate(doc.pages(), 1):
        mcids, stack = [], []
        cs = page.get("/Contents")
        for s in (cs if isinstance(cs, list) else [cs] if cs else []):
            check_content(doc, doc.stream(s), n, stack, report, mcids)
        if stack:
            report("01", "page %d: %d marked-content sequences left open"
                   % (n, len(stack)))
        if mcids:
            arr = doc.get(parents.get(page.get("/StructParents"))) or []
            for m in mcids:
                elem = arr[m] if m < len(arr) else None
                if elem is None:
                    report("01", "page %d: MCID %d has no structure "
                           "element in the parent tree" % (n, m))
                elif owned.get((ref, m)) != elem:
                    report("01", "page %d: MCID %d is not held by the "
                           "element the parent tree names" % (n, m))
        annots = doc.get(page.get("/Annots")) or []
        if annots and page.get("/Tabs") != "/S":
            report("28", "page %d has annotations but no /Tabs /S" % n)
        for a in annots:
            ad = doc.get(a) or {}
            if ad.get("/Subtype") != "/Link":
                continue
            if not text(ad.get("/Contents")):
                report("28", "page %d: a link without /Contents" % n)
            sp = ad.get("/StructParent")
            el = doc.get(parents.get(sp)) if sp is not None else None
            if not isinstance(el, dict) or el.get("/S") != "/Link":
                report("28", "page %d: a link annotation not in a Link "
                       "structure element" % n)
        check_fonts(doc, res, report, fonts_seen)
    return problems


def main(argv):
    passed = failed = 0
    for path in argv:
        try:
            problems = check(path)
        except Exception as e:      # an unreadable file fails, loudly
            problems = ["[--] cannot check: %s" % e]
        uniq = list(dict.fromkeys(problems))
        for p in uniq[:MAX_REPORT]:
            print("%s: %s" % (path, p))
        if len(uniq) > MAX_REPORT:
            print("%s: ... and %d more" % (path, len(uniq) - MAX_REPORT))
        if uniq:
            failed += 1
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
