#!/usr/bin/env python3
# Hostile projects (tests/cases/security/*/, issue 10): each is built with
# every output, and what the build published is read back with parsers,
# not greps (html.parser for every page, xml.etree for the feed, the
# sitemap, the XML and any SVG, a small parser for the search index, qpdf's
# JSON for the PDFs).  Nothing published may carry active content:
#   - no <script> but the site's own script files, no inline script;
#   - no event-handler attribute, no javascript:/vbscript:/data:text/file:
#     URL in any URL attribute (data:image/ only in an image's src);
#   - no iframe, frame, object, embed, applet, base, refresh meta;
#   - every page carries a Content-Security-Policy meta at least as strict
#     as issue 10's;
#   - PDFs pass `qpdf --check`, carry no JavaScript, Launch or form action
#     and no link annotation with a script URI;
#   - no file outside OUT is written (the whole working folder and the
#     absolute paths the cases name are compared before and after);
#   - nothing outside the project is read into the output: the files in
#     tests/cases/security/outside/ carry a marker string that must appear
#     in no published byte (nor in a PDF's text or decompressed streams),
#     nor may /etc/passwd or an HTML comment's text;
#   - no document is lost without a word: each document's title marker is
#     on a published page, or check names the document's file;
#   - every line check prints is a located diagnostic or the summary, with
#     no control character (no forged lines, no terminal escapes).
# Assertions known to fail until the other branches land are marked TODO
# below with the reason; the integrator removes them after the merge.
import html.parser, json, os, re, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

policyc = os.environ.get("POLICYC") or sys.exit("set POLICYC to the policyc binary")
wrap = os.environ.get("POLICYC_WRAP", "").split()
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
cases_dir = os.path.join(here, "cases", "security")
TODAY = "2026-11-23"
MARKER = "POLICYC-OUTSIDE-MARKER-5e1f"
FORBIDDEN = [MARKER, "root:x:0:0", "SECRET-COMMENT"]
ABSOLUTE_TARGETS = ["/tmp/policyc-absolute-id", "/tmp/policyc-absolute-id.xml",
                    "/tmp/policyc-absolute-id.html", "/tmp/policyc-absolute-id.pdf"]
SITE_SCRIPTS = {os.path.basename(f) for f in os.listdir(os.path.join(root, "templates", "html"))
                if f.endswith(".js")} | {"search-index.js"}

# (case, check) -> why it fails today; check is the word after the case
# name in the test's description.
TODO = {}

tests = []
def ok(cond, case, check, what, diag=()):
    # a TODO marks only a failure: what passes is plain ok, so the list
    # shows the integrator what still fails
    todo = None if cond else TODO.get((case, check)) or TODO.get(("*", check))
    tests.append((bool(cond), "%s: %s %s" % (case, check, what), todo, list(diag)))

# ---------------------------------------------------------------- URLs ----
BAD_SCHEMES = {"javascript", "vbscript", "livescript", "mocha", "file", "jar", "data",
               "view-source", "ms-its", "mhtml", "res"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background",
             "cite", "longdesc", "lowsrc", "dynsrc", "manifest", "codebase", "ping",
             "icon", "profile", "usemap", "xlink:href", "srcset", "imagesrcset", "classid",
             "archive", "code", "to", "values", "from", "by"}

def scheme_of(url):
    """The scheme a browser would see: it drops tabs and newlines anywhere
    and C0 controls and spaces at the ends."""
    s = re.sub(r"[\t\n\r]", "", url).strip("".join(chr(c) for c in range(0x21)))
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", s)
    return (m.group(1).lower() if m else ""), s

def url_bad(url, image=False):
    sch, s = scheme_of(url)
    if sch == "data" and image and re.match(r"(?i)data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", s):
        return None
    if sch in BAD_SCHEMES:
        return "%s: URL %r" % (sch, url[:80])
    return None

def style_bad(css):
    c = re.sub(r"/\*.*?\*/|\\|\s", "", css.lower())
    if re.search(r"javascript:|vbscript:|expression\(|-moz-binding|behavior:|@import", c):
        return "active CSS %r" % css[:80]
    return None

# ---------------------------------------------------------------- HTML ----
CSP_WANT = {"default-src", "script-src", "object-src", "base-uri", "form-action"}

def csp_problems(content):
    d = {}
    for part in content.split(";"):
        w = part.split()
        if w:
            d[w[0].lower()] = [x.lower() for x in w[1:]]
    p = []
    dflt = d.get("default-src")
    for k in sorted(CSP_WANT - set(d)):
        # script-src falls back to default-src; object-src too, when that is 'none'
        if k == "script-src" and dflt in (["'none'"], ["'self'"]):
            continue
        if k == "object-src" and dflt == ["'none'"]:
            continue
        p.append("CSP has no %s" % k)
    for k in ("default-src", "script-src"):
        for v in d.get(k, []):
            if v in ("*", "'unsafe-inline'", "'unsafe-eval'", "data:", "http:", "https:", "blob:"):
                p.append("CSP %s allows %s" % (k, v))
    if "object-src" in d and d["object-src"] != ["'none'"]:
        p.append("CSP object-src is not 'none'")
    if "base-uri" in d and d["base-uri"] not in (["'none'"], ["'self'"]):
        p.append("CSP base-uri is %s" % d["base-uri"])
    return p

class PageChecker(html.parser.HTMLParser):
    """Collects every active thing on one page (problems), and the CSP."""
    def __init__(self, path, full, site_root):
        super().__init__(convert_charrefs=True)
        self.path, self.full, self.site_root = path, full, site_root
        self.problems, self.csp, self.in_script, self.in_style = [], None, False, False
        self.seen_script, self.in_title, self.title = False, False, ""

    def bad(self, what):
        self.problems.append("%s:%d: %s" % (self.path, self.getpos()[0], what))

    def handle_starttag(self, tag, attrs):
        self.check_tag(tag, attrs)
        if tag == "script":
            self.in_script = True
        if tag == "style":
            self.in_style = True
        if tag == "title":
            self.in_title = True

    def handle_startendtag(self, tag, attrs):
        self.check_tag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if tag == "style":
            self.in_style = False
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.in_script and data.strip():
            self.bad("inline script %r" % data.strip()[:60])
        if self.in_style:
            b = style_bad(data)
            if b:
                self.bad(b)

    def check_tag(self, tag, attrs):
        a = {}
        for k, v in attrs:
            a[k] = v if v is not None else ""
        if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
                   "param", "isindex", "foreignobject", "handler", "listener"):
            self.bad("<%s> element" % tag)
        if tag == "meta":
            he = a.get("http-equiv", "").lower()
            if he == "refresh":
                self.bad("refresh meta %r" % a.get("content", ""))
            if he == "content-security-policy":
                if self.seen_script:
                    self.bad("the CSP meta comes after a script")
                self.csp = a.get("content", "")
        if tag == "script":
            self.seen_script = True
            src = a.get("src")
            if src is None:
                pass  # inline: handle_data reports any content
            else:
                sch, s = scheme_of(src)
                target = os.path.realpath(os.path.join(os.path.dirname(self.full), s))
                if sch or s.startswith("//") or os.path.basename(s) not in SITE_SCRIPTS \
                        or not os.path.isfile(target) \
                        or not target.startswith(self.site_root + os.sep):
                    self.bad("script from %r" % src)
        if tag in ("set", "animate", "animatetransform", "animatemotion"):
            an = a.get("attributename", "").lower()
            if an.startswith("on") or an in ("href", "xlink:href"):
                self.bad("<%s attributeName=%s>" % (tag, an))
        for k, v in a.items():
            if k.startswith("on"):
                self.bad("event handler %s=%r on <%s>" % (k, v[:60], tag))
            elif k in ("srcset", "imagesrcset"):
                for part in v.split(","):
                    w = part.split()
                    b = w and url_bad(w[0], image=True)
                    if b:
                        self.bad("%s on <%s>: %s" % (k, tag, b))
            elif k in URL_ATTRS:
                b = url_bad(v, image=(tag in ("img", "source", "image") and k in ("src", "href", "xlink:href")))
                if b:
                    self.bad("%s on <%s>: %s" % (k, tag, b))
            elif k == "style":
                b = style_bad(v)
                if b:
                    self.bad("style on <%s>: %s" % (tag, b))
            elif k == "srcdoc":
                self.bad("srcdoc on <%s>" % tag)

def check_html_text(text, label, full, site_root):
    """label names the page in reports; full is its path (a script's src
    resolves from it), site_root the real path of OUT/html."""
    pc = PageChecker(label, full, site_root)
    try:
        pc.feed(text)
        pc.close()
    except Exception as e:   # html.parser rarely raises; say so if it does
        pc.problems.append("%s: does not parse: %s" % (label, e))
    return pc

# ------------------------------------------------------------ XML, SVG ----
def local(name):
    return name.rsplit("}", 1)[-1].lower()

def xml_url_problems(path, tree_root, feed=False):
    """URL attributes of any XML; in a feed or sitemap (feed=True) also the
    text of the elements that hold a URL there (loc, link, uri, icon, logo).
    In the policy XML a link's text is just text."""
    p = []
    for el in tree_root.iter():
        if not isinstance(el.tag, str):
            continue
        for k, v in el.attrib.items():
            lk = local(k)
            if lk.startswith("on"):
                p.append("%s: event handler %s on <%s>" % (path, lk, local(el.tag)))
            if lk in ("href", "src", "url", "uri"):
                b = url_bad(v, image=(local(el.tag) in ("image", "img")))
                if b:
                    p.append("%s: %s on <%s>: %s" % (path, lk, local(el.tag), b))
        if feed and (local(el.tag) in ("loc", "uri", "icon", "logo") or
                     (local(el.tag) == "link" and (el.text or "").strip())):
            b = url_bad((el.text or "").strip())
            if b:
                p.append("%s: <%s> %s" % (path, local(el.tag), b))
    return p

def svg_problems(path):
    data = open(path, "rb").read()
    p = []
    if re.search(rb"<!(DOCTYPE|ENTITY)", data):
        p.append("%s: SVG with a DTD or entity declaration" % path)
    try:
        r = ET.fromstring(data)
    except ET.ParseError as e:
        return p + ["%s: SVG does not parse: %s" % (path, e)]
    for el in r.iter():
        if not isinstance(el.tag, str):
            continue
        t = local(el.tag)
        if t in ("script", "foreignobject", "iframe", "embed", "object", "handler", "listener"):
            p.append("%s: <%s> in an SVG" % (path, t))
        if t in ("set", "animate", "animatetransform", "animatemotion"):
            an = el.attrib.get("attributeName", "").lower()
            if an.startswith("on") or an.endswith("href"):
                p.append("%s: <%s attributeName=%s>" % (path, t, an))
    return p + xml_url_problems(path, r)

# -------------------------------------------------------- search index ----
class JSError(Exception):
    pass

def parse_js_value(s, i):
    """A JavaScript literal (array, object with bare or quoted keys,
    double-quoted string, number, true/false/null) from s[i:]: the search
    index must be data and nothing else."""
    def ws(i):
        while i < len(s) and s[i] in " \t\r\n":
            i += 1
        return i
    i = ws(i)
    if i >= len(s):
        raise JSError("unexpected end")
    c = s[i]
    if c == "[":
        out, i = [], ws(i + 1)
        if s[i:i + 1] == "]":
            return out, i + 1
        while True:
            v, i = parse_js_value(s, i)
            out.append(v)
            i = ws(i)
            if s[i:i + 1] == ",":
                i = ws(i + 1)
                if s[i:i + 1] == "]":
                    return out, i + 1
                continue
            if s[i:i + 1] == "]":
                return out, i + 1
            raise JSError("expected , or ] at %d" % i)
    if c == "{":
        out, i = {}, ws(i + 1)
        if s[i:i + 1] == "}":
            return out, i + 1
        while True:
            m = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*").match(s, i)
            if m:
                k, i = m.group(0), m.end()
            elif s[i:i + 1] == '"':
                k, i = parse_js_value(s, i)
            else:
                raise JSError("expected a key at %d" % i)
            i = ws(i)
            if s[i:i + 1] != ":":
                raise JSError("expected : at %d" % i)
            v, i = parse_js_value(s, i + 1)
            out[k] = v
            i = ws(i)
            if s[i:i + 1] == ",":
                i = ws(i + 1)
                if s[i:i + 1] == "}":
                    return out, i + 1
                continue
            if s[i:i + 1] == "}":
                return out, i + 1
            raise JSError("expected , or } at %d" % i)
    if c == '"':
        j = i + 1
        while j < len(s) and s[j] != '"':
            if s[j] == "\\":
                j += 1
            elif s[j] in "\n\r":
                raise JSError("line break in a string at %d" % j)
            j += 1
        if j >= len(s):
            raise JSError("unterminated string")
        try:
            return json.loads(s[i:j + 1]), j + 1
        except ValueError as e:
            raise JSError("bad string at %d: %s" % (i, e))
    m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(s, i)
    if m:
        return json.loads(m.group(0)), m.end()
    raise JSError("unexpected %r at %d" % (s[i:i + 20], i))

def js_calls_problems(path, text, shapes):
    """text must be only `NAME = literal;` / `NAME(literal);` statements,
    in the order shapes gives (name, kind); returns (problems, values)."""
    i, vals = 0, []
    for name, kind in shapes:
        if kind == "=":
            pat = r"\s*(/\*.*?\*/\s*)*" + re.escape(name) + r"\s*="
        else:
            pat = r"\s*(/\*.*?\*/\s*)*" + re.escape(name) + r"\s*\("
        m = re.compile(pat, re.S).match(text, i)
        if not m:
            return ["%s: not `%s %s ...`" % (path, name, kind)], vals
        try:
            val, i = parse_js_value(text, m.end())
        except JSError as e:
            return ["%s: the index is not a plain literal: %s" % (path, e)], vals
        if kind == "(":
            m = re.compile(r"\s*\)").match(text, i)
            if not m:
                return ["%s: code in the call: %r" % (path, text[i:i + 60])], vals
            i = m.end()
        m = re.compile(r"\s*;?").match(text, i)
        i = m.end()
        vals.append(val)
    rest = text[i:].strip()
    if rest:
        return ["%s: code after the index: %r" % (path, rest[:60])], vals
    return [], vals

def index_url_problems(path, val):
    p = []
    def walk(v, key):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)
        elif isinstance(v, str) and key in ("u", "url", "href"):
            sch, s = scheme_of(v)
            if sch or s.startswith("//") or s.startswith("/"):
                p.append("%s: index URL %r is not a page of the site" % (path, v[:80]))
    walk(val, "")
    return p

def search_index_problems(path):
    """search-index.js: the glossary's entries, then the parts' files,
    each html/search/<16 hex>.js beside it, each only a call of
    POLICYC_SEARCH_ADD with a literal."""
    text = open(path, encoding="utf-8").read()
    p, vals = js_calls_problems(path, text, [("window.POLICYC_SEARCH", "="),
                                             ("window.POLICYC_SEARCH_PARTS", "=")])
    if p:
        return p
    p = index_url_problems(path, vals[0])
    if not isinstance(vals[1], list):
        return p + ["%s: the parts are not a list" % path]
    for part in vals[1]:
        full = os.path.join(os.path.dirname(path), part) if isinstance(part, str) else ""
        if not isinstance(part, str) or not re.fullmatch(r"search/[0-9a-f]{16}\.js", part) \
                or not os.path.isfile(full):
            p.append("%s: part %r is not a file of the index" % (path, part))
            continue
        q, pv = js_calls_problems(full, open(full, encoding="utf-8").read(),
                                  [("window.POLICYC_SEARCH_ADD", "(")])
        p += q or index_url_problems(full, pv[0])
    return p

# ---------------------------------------------------------------- PDFs ----
def qpdf_string(v):
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        try:
            return bytes.fromhex(v[2:]).decode("latin-1")
        except ValueError:
            return v
    return v

def pdf_problems(path):
    p = []
    r = subprocess.run(["qpdf", "--check", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        p.append("%s: qpdf --check: %s" % (path, r.stdout.decode("utf-8", "replace").strip()[-300:]))
    r = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=none", path],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        objs = json.loads(r.stdout)["qpdf"][1]
    except (ValueError, KeyError, IndexError) as e:
        return p + ["%s: qpdf --json does not parse: %s" % (path, e)]
    def walk(v):
        if isinstance(v, dict):
            s = v.get("/S")
            if s in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/Rendition"):
                p.append("%s: an action %s" % (path, s))
            for k in ("/JS", "/JavaScript", "/AA", "/OpenAction", "/XFA", "/EmbeddedFile", "/RichMedia"):
                if k in v:
                    p.append("%s: a %s entry" % (path, k))
            if "/URI" in v:
                u = qpdf_string(v["/URI"])
                if isinstance(u, str):
                    b = url_bad(u)
                    if b:
                        p.append("%s: link annotation %s" % (path, b))
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(objs)
    return p

def pdf_texts(path):
    """The text and the decompressed bytes of a PDF, for the markers."""
    out = b""
    r = subprocess.run(["pdftotext", "-q", path, "-"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out += r.stdout
    with tempfile.NamedTemporaryFile(suffix=".pdf") as t:
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", path, t.name],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            out += open(t.name, "rb").read()
        except OSError:
            pass
    return out

# --------------------------------------------------------- one case ----
def snapshot(top, skip):
    s = {}
    for d, dirs, files in os.walk(top):
        if any(d == k or d.startswith(k + os.sep) for k in skip):
            continue
        for f in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            full = os.path.join(d, f)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            s[full] = (st.st_size, st.st_mtime_ns)
    return s

def run(args, timeout):
    try:
        r = subprocess.run(wrap + [policyc] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %d s" % timeout

def all_files(top):
    """Regular files only: a FIFO among them would block the reader."""
    for d, dirs, files in os.walk(top):
        for f in files:
            p = os.path.join(d, f)
            if os.path.isfile(p):
                yield p

def case(name, proj, work, tmp, limits=(120, 300)):
    out = os.path.join(work, "out-" + name)
    before = snapshot(tmp, [])
    for t in ABSOLUTE_TARGETS:
        if os.path.lexists(t):
            os.remove(t)

    # check: what it prints is located, and carries no control character
    rc, so, se = run(["check", proj, "--today", TODAY], limits[0])
    sanitizer = re.search(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer", se)
    ok(rc is not None and rc in (0, 1, 2) and not sanitizer, name, "check",
       "finishes with no crash (exit %s)" % rc, [se[-500:]])
    lines = so.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    odd = [l for l in lines if not (re.match(r"^[^\s:][^:]*:\d+:\d+: (error|warning|note): .* \[[a-z0-9-]+\]$", l)
                                    or re.match(r"^\d+ errors?, \d+ warnings?, \d+ notes? in \d+ documents?$", l))]
    ctl = [l for l in lines if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", l)]
    ok(not odd and not ctl, name, "lines", "check prints only located diagnostics, no control characters",
       ["forged or unlocated: %r" % l for l in odd[:8]] + ["control character: %r" % l for l in ctl[:8]])

    # build, with every output
    rc, bo, be = run(["build", proj, "-o", out, "--today", TODAY, "--outputs", "xml,html,pdf", "-j", "2"], limits[1])
    sanitizer = re.search(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer", be)
    ok(rc is not None and rc in (0, 1, 2) and not sanitizer, name, "build",
       "finishes with no crash (exit %s)" % rc, [be[-800:]])

    # nothing written outside OUT
    after = snapshot(tmp, [out])
    new = sorted(f for f in after if before.get(f) != after[f])
    new += [t for t in ABSOLUTE_TARGETS if os.path.lexists(t)]
    stage = [f for f in os.listdir(work) if f.startswith("out-" + name + ".")]
    ok(not new and not stage, name, "writes", "nothing outside OUT, no staging folder left",
       ["written: %s" % f for f in new[:10]] + ["left: %s" % f for f in stage])
    for t in ABSOLUTE_TARGETS:
        if os.path.lexists(t):
            os.remove(t)

    html_root = os.path.join(out, "html")
    files = list(all_files(out)) if os.path.isdir(out) else []

    # every page
    pages = [f for f in files if f.endswith(".html")]
    probs, nocsp = [], []
    titles = []
    for f in pages:
        text = open(f, encoding="utf-8", errors="replace").read()
        pc = check_html_text(text, os.path.relpath(f, out), f, os.path.realpath(html_root))
        probs += pc.problems
        titles.append(pc.title)
        if pc.csp is None:
            nocsp.append("%s: no Content-Security-Policy meta" % os.path.relpath(f, out))
        else:
            nocsp += ["%s: %s" % (os.path.relpath(f, out), x) for x in csp_problems(pc.csp)]
    # allow-html: true is the project's word that its authors' raw HTML is
    # trusted (README, Security): it is published as written, and only the
    # Content-Security-Policy (checked below) keeps its handlers, script
    # URLs and plugins from running.  Everything else stays inert.
    trusted = re.search(r"^allow-html:\s*true", open(os.path.join(proj, "policyc.yaml")).read(), re.M)
    if trusted:
        probs = [p for p in probs if not p.startswith("html/raw.html:")]
    ok(not probs, name, "pages", "carry no active content (%d pages)%s" % (
        len(pages), "; the trusted raw HTML of raw.html aside" if trusted else ""), probs[:15])
    ok(not nocsp, name, "csp", "every page has a strict Content-Security-Policy", nocsp[:5])

    # feed and sitemap
    fp = []
    for fn in ("feed.xml", "sitemap.xml"):
        f = os.path.join(html_root, fn)
        if not os.path.isfile(f):
            continue
        try:
            r = ET.parse(f).getroot()
        except ET.ParseError as e:
            fp.append("%s: does not parse: %s" % (fn, e))
            continue
        fp += xml_url_problems(fn, r, feed=True)
        for el in r.iter():
            if isinstance(el.tag, str) and local(el.tag) in ("content", "summary", "description") \
                    and el.get("type", "html") in ("html", "xhtml") and el.text:
                fp += check_html_text(el.text, fn + " <%s>" % local(el.tag), f, os.path.realpath(html_root)).problems
    ok(not fp, name, "feeds", "feed.xml and sitemap.xml carry no script URL or markup", fp[:10])

    # search index
    sp = []
    for f in files:
        if os.path.basename(f) == "search-index.js":
            sp += search_index_problems(f)
    ok(not sp, name, "index", "the search index is plain data with site URLs", sp[:10])

    # XML and SVG
    xp = []
    for f in files:
        if f.endswith(".svg"):
            xp += svg_problems(f)
        elif f.endswith(".xml") and os.sep + "xml" + os.sep in f:
            try:
                xp += xml_url_problems(os.path.relpath(f, out), ET.parse(f).getroot())
            except ET.ParseError as e:
                xp.append("%s: does not parse: %s" % (f, e))
    ok(not xp, name, "xml", "the XML and any SVG carry no script URL or script", xp[:10])

    # PDFs
    pdfs = [f for f in files if f.endswith(".pdf")]
    pp = []
    for f in pdfs:
        pp += pdf_problems(f)
    ok(not pp, name, "pdf", "every PDF passes qpdf --check and carries no script (%d PDFs)" % len(pdfs), pp[:10])

    # nothing from outside the project, no comment text
    leaks = []
    for f in files:
        data = open(f, "rb").read()
        if f.endswith(".pdf"):
            data += pdf_texts(f)
        for m in FORBIDDEN:
            if m.encode() in data:
                leaks.append("%s holds %r" % (os.path.relpath(f, out), m))
    for label, text in (("check's output", so + se), ("build's output", bo + be)):
        for m in FORBIDDEN:
            if m in text:
                leaks.append("%s holds %r" % (label, m))
    ok(not leaks, name, "reads", "nothing outside the project, no comment text, is published "
       "(nor printed in a diagnostic)", leaks[:10])

    # no document lost without a word: its own page (a page whose <title>
    # is its title) and, when PDFs were made, its own PDF (Title in the
    # document information), or a diagnostic naming its file
    pdf_titles = []
    for f in pdfs:
        r = subprocess.run(["pdfinfo", f], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        m = re.search(r"^Title:\s*(.*)$", r.stdout.decode("utf-8", "replace"), re.M)
        pdf_titles.append(m.group(1) if m else "")
    lost = []
    for f in all_files(proj):
        if not f.endswith(".md"):
            continue
        try:
            m = re.search(r"SECURITY-TITLE-[a-z0-9-]+", open(f, encoding="utf-8", errors="replace").read())
        except OSError:
            continue
        if not m:
            continue
        rel = os.path.relpath(f, proj)
        mark = re.compile(re.escape(m.group(0)) + r"(?![a-z0-9-])")
        page = any(mark.search(t) for t in titles)
        pdf = not pdfs or any(mark.search(t) for t in pdf_titles)
        named = any(l.startswith(rel + ":") for l in lines)
        if not (page and pdf) and not named:
            lost.append("%s (%s): %s and not reported" % (rel, m.group(0),
                        "no page of its own" if not page else "no PDF of its own"))
    ok(not lost, name, "lost", "every document is published or reported", lost)

def make_fifo_case(d):
    """A logo, a glossary, an image and a document that are FIFOs (git
    cannot keep them, so this case is made here, and run with short time
    limits): each must be refused as not a regular file before reading;
    nothing blocks and the build goes on."""
    os.makedirs(os.path.join(d, "policies"))
    os.makedirs(os.path.join(d, "assets"))
    with open(os.path.join(d, "policyc.yaml"), "w") as f:
        f.write("title: FIFOs\nglossary: glossary.yaml\nrules: { orphan: off }\n"
                "organisation:\n  name: Fifo Org\n  logo: assets/logo.png\n")
    with open(os.path.join(d, "policies", "one.md"), "w") as f:
        f.write("---\ntitle: Fifo SECURITY-TITLE-fifo\ntype: policy\nowner: Test Owner\n"
                "review: 2030-01-01\n---\n# Heading\n\nA picture that is a FIFO: ![pic](pic.png).\n")
    for p in ("glossary.yaml", "assets/logo.png", "policies/pic.png", "policies/pipe.md"):
        os.mkfifo(os.path.join(d, p))
    return d

def main():
    tmp = tempfile.mkdtemp(prefix="policyc-security.")
    try:
        # deep, so that an id escaping OUT by a few ../ still lands in tmp,
        # where the snapshot sees it
        work = os.path.join(tmp, "a", "b", "c", "w")
        shutil.copytree(cases_dir, os.path.join(work, "security"), symlinks=True)
        planted = os.path.join(work, "security", "outside", "secret.txt")
        ok(MARKER in open(planted, encoding="utf-8").read(), "outside", "marker",
           "is planted in the files outside the projects")
        names = sorted(n for n in os.listdir(cases_dir)
                       if os.path.isfile(os.path.join(cases_dir, n, "policyc.yaml")))
        only = os.environ.get("CASES")
        for n in names:
            if only and n not in only.split(","):
                continue
            case(n, os.path.join(work, "security", n), work, tmp)
        if not only or "fifo" in only.split(","):
            case("fifo", make_fifo_case(os.path.join(work, "security", "fifo")), work, tmp, (10, 30))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(tests))
    for i, (c, what, todo, diag) in enumerate(tests, 1):
        print("%s %d - %s%s" % ("ok" if c else "not ok", i, what, " # TODO " + todo if todo else ""))
        if not c:
            for d in diag:
                for l in str(d).split("\n"):
                    print("#   " + re.sub(r"\S*/policyc-security\.[^/]+/a/b/c/w/", "", l))

main()
