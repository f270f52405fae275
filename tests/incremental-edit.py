#!/usr/bin/env python3
"""incremental-edit.py PROJECT SEED STEP — makes one random edit to a
project, as an editor would between two builds, and prints what it did.

tests/incremental-random.t runs a sequence of these and holds the
incremental build to a full one after each.  The edit is a function of
SEED, STEP and the project as it stands (its files listed in sorted
order), so a sequence is the same on every machine and a failure can be
replayed: the same seed, the same steps.

The edits are the kinds tests/incremental.t tries one at a time, drawn
at random so that they pile up on one another: a body, a title, a
heading renamed or added, a link to another document's heading (or to
one it does not have), a wiki link, a glossary term added, removed or
redefined, related documents, a status (superseded, draft), a document
added, deleted, renamed or moved to another folder, the project's title
or organisation, a contact's number, an override of the site's style
sheet added or removed, a front matter broken and mended, a file
touched without a change.  Edits meant for the bundled sample (contacts)
do nothing where the project has no such thing.
"""
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROKEN = "---\ntitle: [unclosed\n"
WORDS = ("LADO", "significant harm", "Section 47 enquiry", "the child",
         "CCG", "LSCB", "early help", "safeguarding partners", "allegation")


class Project:
    def __init__(self, path, rng):
        self.path = path
        self.rng = rng
        self.policies = os.path.join(path, "policies")

    def docs(self):
        out = []
        for d, _, fs in os.walk(self.policies):
            out += [os.path.join(d, f) for f in fs if f.endswith(".md")]
        return sorted(out)

    def ids(self):
        return [os.path.relpath(d, self.policies)[:-3] for d in self.docs()]

    def pick(self):
        return self.rng.choice(self.docs())

    def n(self):
        return self.rng.randrange(1000)

    def rel(self, p):
        return os.path.relpath(p, self.path)


def read(p):
    with open(p, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def write(p, s):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(s)


def split_front(s):
    m = re.match(r"---\n(.*?\n)---\n(.*)", s, re.S)
    return (m.group(1), m.group(2)) if m else (None, s)


def slug(t):
    return re.sub(r"[^\w\- ]", "", t.lower()).replace(" ", "-")


def body(p):
    d = p.pick()
    write(d, read(d) + f"\n\nA new paragraph about {p.rng.choice(WORDS)} ({p.n()}).\n")
    return f"body of {p.rel(d)}"


def edit_front(p, kind, change):
    """Changes a random document's front matter: change(fm) gives the
    new front matter and what it did."""
    d = p.pick()
    fm, b = split_front(read(d))
    if fm is None:
        return f"{kind} of {p.rel(d)}: no front matter, nothing done"
    fm, what = change(fm)
    write(d, f"---\n{fm}---\n{b}")
    return f"{kind} of {p.rel(d)} {what}"


def title(p):
    def change(fm):
        t = f"Title {p.n()}"
        if re.search(r"^title:", fm, re.M):
            return re.sub(r"^title:.*$", f"title: {t}", fm, count=1, flags=re.M), f"to {t}"
        return f"title: {t}\n" + fm, f"to {t}"
    return edit_front(p, "title", change)


def heading(p):
    d = p.pick()
    s = read(d)
    hs = re.findall(r"^## .+$", s, re.M)
    if hs and p.rng.random() < 0.5:
        s = s.replace(p.rng.choice(hs), f"## Renamed {p.n()}", 1)
        what = "renamed"
    else:
        s += f"\n\n## Added heading {p.n()}\n\nText under it.\n"
        what = "added"
    write(d, s)
    return f"heading {what} in {p.rel(d)}"


def link(p):
    d, t = p.pick(), p.pick()
    hs = re.findall(r"^#{2,3} (.+)$", read(t), re.M)
    frag = ""
    r = p.rng.random()
    if hs and r < 0.6:
        frag = "#" + slug(p.rng.choice(hs))
    elif r < 0.8:
        frag = "#no-such-anchor"
    if p.rng.random() < 0.6:
        target = os.path.relpath(t, os.path.dirname(d)) + frag
        write(d, read(d) + f"\n\nSee [the other]({target}).\n")
    else:
        target = os.path.relpath(t, p.policies)[:-3]
        write(d, read(d) + f"\n\nSee [[{target}]].\n")
    return f"link from {p.rel(d)} to {target}"


def glossary(p):
    g = os.path.join(p.path, "glossary.yaml")
    s = read(g) if os.path.exists(g) else ""
    r = p.rng.random()
    if r < 0.4:
        n = p.n()
        s += f"\n- term: Random term {n}\n  definition: Definition of random term {n}.\n"
        d = p.pick()
        write(d, read(d) + f"\n\nThe random term {n} appears here.\n")
        what = f"term {n} added, used in {p.rel(d)}"
    elif r < 0.7:
        entries = re.split(r"\n(?=- term:)", s)
        if len(entries) < 3:
            return "glossary: too few terms to remove one"
        i = p.rng.randrange(1, len(entries))
        what = "removed " + entries[i].split("\n")[0]
        del entries[i]
        s = "\n".join(entries)
    else:
        s = re.sub(r"(definition: \|?\n?\s*)(\S)",
                   lambda m: m.group(1) + "Changed. " + m.group(2), s, count=1)
        what = "first definition changed"
    write(g, s)
    return f"glossary: {what}"


def related(p):
    def change(fm):
        other = p.rng.choice(p.ids())
        fm = re.sub(r"^related:.*\n(  - .*\n)*", "", fm, flags=re.M)
        if p.rng.random() < 0.8:
            return fm + f"related: [{other}]\n", f"to {other}"
        return fm, "removed"
    return edit_front(p, "related", change)


def status(p):
    def change(fm):
        fm = re.sub(r"^(status|superseded-by|draft):.*\n", "", fm, flags=re.M)
        r = p.rng.random()
        if r < 0.4:
            fm += "status: superseded\n"
            what = "superseded"
            if p.rng.random() < 0.5:
                by = p.rng.choice(p.ids())
                fm += f"superseded-by: {by}\n"
                what += f" by {by}"
            return fm, what
        if r < 0.6:
            return fm + "draft: true\n", "draft: true"
        if r < 0.8:
            return fm + "status: draft\n", "status: draft"
        return fm, "back to current"
    return edit_front(p, "status", change)


def add(p):
    n = p.n()
    folder = p.rng.choice(["safeguarding", "health", "new-folder"])
    other = p.rng.choice(p.ids())
    d = os.path.join(p.policies, folder, f"added-{n}.md")
    write(d, f"---\ntitle: Added {n}\nowner: O\nreview: 2030-01-01\nrelated: [{other}]\n---\n"
             f"## Purpose\n\nThe LADO and [[{other}]].\n")
    return f"added {p.rel(d)}"


def delete(p):
    ds = p.docs()
    if len(ds) < 4:
        return "delete: too few documents left"
    d = p.rng.choice(ds)
    os.unlink(d)
    return f"deleted {p.rel(d)}"


def rename(p):
    d = p.pick()
    if p.rng.random() < 0.3:
        to = os.path.join(p.policies, "moved", os.path.basename(d))
    else:
        to = os.path.join(os.path.dirname(d), f"renamed-{p.n()}.md")
    if os.path.exists(to):
        return f"rename of {p.rel(d)}: {p.rel(to)} exists, nothing done"
    os.makedirs(os.path.dirname(to), exist_ok=True)
    os.rename(d, to)
    return f"renamed {p.rel(d)} to {p.rel(to)}"


def config(p):
    c = os.path.join(p.path, "policyc.yaml")
    s = read(c)
    if p.rng.random() < 0.5:
        s = re.sub(r"^title: .*$", f"title: Project {p.n()}", s, count=1, flags=re.M)
        what = "title"
    else:
        s = re.sub(r"(  name: )(.*)", lambda m: m.group(1) + f"Org {p.n()}", s, count=1)
        what = "organisation's name"
    write(c, s)
    return f"config: {what}"


def contact(p):
    c = os.path.join(p.path, "policyc.yaml")
    s = read(c)
    write(c, re.sub(r'(phone: "01632 9604)(\d\d)',
                    lambda m: m.group(1) + f"{p.rng.randrange(100):02d}", s, count=1))
    return "config: a contact's phone number"


def style(p):
    own = os.path.join(p.path, "templates", "html", "style.css")
    if os.path.exists(own) and p.rng.random() < 0.5:
        os.unlink(own)
        return "templates: style sheet override removed"
    css = read(os.path.join(ROOT, "templates", "html", "style.css"))
    write(own, css + f"\n/* {p.n()} */\n")
    return "templates: style sheet overridden"


def break_front(p):
    d = p.pick()
    s = read(d)
    if not s.startswith("---\n") or s.startswith(BROKEN):
        return f"front matter of {p.rel(d)}: none or broken already, nothing done"
    write(d, BROKEN + s[4:])
    return f"front matter of {p.rel(d)} broken"


def mend_front(p):
    for d in p.docs():
        s = read(d)
        if s.startswith(BROKEN):
            write(d, "---\n" + s[len(BROKEN):])
            return f"front matter of {p.rel(d)} mended"
    return "mend: no broken front matter"


def touch(p):
    d = p.pick()
    os.utime(d)
    return f"touched {p.rel(d)}"


EDITS = [body] * 4 + [title] * 3 + [heading] * 2 + [link] * 3 + [glossary] * 2 + \
    [related] * 2 + [status] * 2 + [add, delete, rename, config, contact, style,
                                     break_front, mend_front, touch]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: incremental-edit.py PROJECT SEED STEP")
    rng = random.Random(f"{sys.argv[2]}:{sys.argv[3]}")
    p = Project(sys.argv[1], rng)
    print(rng.choice(EDITS)(p))


if __name__ == "__main__":
    main()
