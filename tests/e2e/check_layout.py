#!/usr/bin/env python3
"""Golden invariants of `newskiosk --dump-layout` against the edition's source.

    check_layout.py NEWSKIOSK EDITION_DIR WxH [--font-scale X]

Dumps the layout twice (byte-identical: stable page count) and checks, with
expectations taken from the Markdown source and never from a previous dump:
  - every article has pages 1..of, and the index links to every article;
  - every word of every article body appears exactly once and in order across
    its pages (front matter and Markdown syntax stripped, hyphenated line ends
    joined), the headline is the title and the deck the deck; the index
    entry's headline is the title too (or its first words with an ellipsis);
    an article's headline is set whole on its first page; an index section
    label has an entry under it on its page;
  - every figure of the source appears once, with its caption and credit, and
    its caption lines are on the same page as the photo;
  - no box outside the page, no two boxes (lines, figures) overlapping, no
    line running past its column.
Exit 0 when all hold; 1 with one line per broken rule (at most 40) otherwise.
"""
import html
import json
import os
import re
import sys
import tempfile

from e2e_common import manifest_articles, run

BODY_ROLES = {"body", "subhead", "quote", "list"}
BULLET = re.compile(r"^([\u2022\u2013\u2014\u00b7\u25e6\u25aa*+-]|\d+[.)])$")
failures = []


def fail(msg):
    failures.append(msg)


def run_dump(exe, edition, size, extra, out):
    cmd = [exe, "--bundle", edition, "--dump-layout", out, "--size", size] + extra
    run(cmd)
    with open(out, "rb") as f:
        return f.read()


# ---- the source -------------------------------------------------------------

def split_front_matter(text):
    """(front matter dict of simple `key: value` lines, body)."""
    meta = {}
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            for line in text[4:end].splitlines():
                m = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
                if m:
                    v = m.group(2).strip()
                    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                        v = v[1:-1]
                        if m.group(0).split(":", 1)[1].strip().startswith('"'):
                            v = v.replace('\\"', '"').replace("\\\\", "\\")
                    meta[m.group(1)] = v
            return meta, text[end + 5:]
    return meta, text


def inline_text(s):
    """The characters md4c would give for an inline Markdown string."""
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"<(https?://[^>]+)>", r"\1", s)
    s = s.replace("`", "")
    s = re.sub(r"\*+", "", s)
    s = re.sub(r"(?<![\w\\])_+|_+(?![\w])", "", s)
    s = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", s)
    return html.unescape(s)


IMAGE = re.compile(r'^!\[(.*)\]\((\S+)(?:\s+"(.*)")?\)$')
LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


def parse_article(path):
    """(front matter, body words, figures, paragraphs): paragraphs are the
    (first word, word count) of each plain paragraph in the body words."""
    with open(path, encoding="utf-8") as f:
        meta, body = split_front_matter(f.read())
    words, figures, paras = [], [], []
    for block in re.split(r"\n\s*\n", body):
        lines = [ln.rstrip() for ln in block.strip("\n").splitlines() if ln.strip()]
        if not lines:
            continue
        first = lines[0].strip()
        m = IMAGE.match(first)
        if m and len(lines) == 1:
            figures.append({"image": m.group(2), "caption": inline_text(m.group(1)),
                            "credit": inline_text(m.group(3) or "")})
            continue
        if first.startswith("#"):
            words += inline_text(first.lstrip("#")).split()
            continue
        if first.startswith(">"):
            for ln in lines:
                words += inline_text(re.sub(r"^\s*>\s?", "", ln)).split()
            continue
        if LIST.match(first):
            for ln in lines:
                lm = LIST.match(ln)
                words += inline_text(lm.group(1) if lm else ln).split()
            continue
        start = len(words)
        for ln in lines:
            words += inline_text(ln).split()
        if len(words) > start:
            paras.append((start, len(words) - start))
    return meta, words, figures, paras


# ---- the dump ---------------------------------------------------------------

def line_text(ln):
    """A line's characters without the list marker layout adds; an inserted
    hyphen is checked and removed."""
    t = ln["text"].strip()
    if ln["role"] == "list":
        toks = t.split(None, 1)
        if toks and BULLET.match(toks[0]):
            t = toks[1] if len(toks) > 1 else ""
    if ln.get("hyphenated"):
        if t.endswith(("-", "\u2010", "\u00ad")):
            t = t[:-1]
        else:
            fail(f"line marked hyphenated does not end in a hyphen: {t!r}")
    return t


def set_words(lines, want, starts=None):
    """The words of lines in reading order. A line may end inside a word (an
    inserted hyphen, or a break after '-', '/', '?' that UAX #14 allows): the
    line's last piece is joined to the next line's first when together they
    start the word the source has at that point. Nothing else is joined, so a
    lost, doubled or moved word still shows."""
    out, partial = [], None
    for ln in lines:
        toks = line_text(ln).split()
        if starts is not None:
            starts.append(len(out))  # the word the line begins, or goes on with
        for j, tok in enumerate(toks):
            if partial is not None:
                if j == 0:
                    tok = partial + tok
                else:
                    out.append(partial)
                partial = None
            k = len(out)
            if j == len(toks) - 1 and k < len(want) and want[k] != tok and \
                    want[k].startswith(tok):
                partial = tok
            else:
                out.append(tok)
    if partial is not None:
        out.append(partial)
    return out


def join_lines(lines):
    """Words of lines in reading order, without the source as a guide:
    inserted hyphens removed, words broken after a hyphen or dash joined."""
    text = ""
    for ln in lines:
        t = ln["text"].strip()
        if ln["role"] == "list":
            toks = t.split(None, 1)
            if toks and BULLET.match(toks[0]):
                t = toks[1] if len(toks) > 1 else ""
        if not text:
            text = t
        elif text.endswith("\x00"):
            text = text[:-1] + t
        else:
            text += " " + t
        if ln.get("hyphenated"):
            if text.endswith(("-", "\u2010", "\u00ad")):
                text = text[:-1]
            text += "\x00"
        elif re.search(r"\w[-\u2010\u2013\u2014/]$", text):
            text += "\x00"
    return text.replace("\x00", "").split()


def clipped_with_ellipsis(got, want):
    """True when got is the start of want, cut short with a visible "…"."""
    if not got or not got[-1].endswith("\u2026"):
        return False
    last = got[-1][:-1]
    head = got[:-1] + ([last] if last else [])
    return len(head) < len(want) and want[:len(head)] == head


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def check_boxes(page, W, H, where):
    boxes = []
    for ln in page["lines"]:
        boxes.append(("line " + repr(ln["text"][:30]), ln))
    for fg in page["figures"]:
        boxes.append(("figure " + fg["image"], fg))
    for name, b in boxes + [("link", k) for k in page.get("links", [])]:
        if b["w"] < 0 or b["h"] < 0 or b["x"] < 0 or b["y"] < 0 or \
                b["x"] + b["w"] > W or b["y"] + b["h"] > H:
            fail(f"{where}: {name} at {b['x']},{b['y']} {b['w']}x{b['h']} is outside the "
                 f"{W}x{H} page")
    for i in range(len(boxes)):
        a = boxes[i][1]
        if a["w"] == 0 or a["h"] == 0:
            continue
        for j in range(i + 1, len(boxes)):
            b = boxes[j][1]
            if b["w"] == 0 or b["h"] == 0:
                continue
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and \
                    a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                fail(f"{where}: {boxes[i][0]} ({a['x']},{a['y']} {a['w']}x{a['h']}) overlaps "
                     f"{boxes[j][0]} ({b['x']},{b['y']} {b['w']}x{b['h']})")
    # Columns: body lines start at one x a column (indents aside); a line
    # must end before the next column starts, the last one before the right
    # margin (as wide as the left one).
    body = [ln for ln in page["lines"] if ln["role"] in BODY_ROLES and ln["w"] > 0]
    left = min([b["x"] for _, b in boxes] or [0])
    starts = []
    for x in sorted(ln["x"] for ln in body):
        if not starts or x - starts[-1] > W // 4:
            starts.append(x)
    for ln in page["lines"]:
        limit = W - left
        if ln["role"] in BODY_ROLES:
            for k, s in enumerate(starts):
                if ln["x"] >= s and k + 1 < len(starts) and ln["x"] < starts[k + 1]:
                    limit = starts[k + 1] - 1
        if ln["x"] + ln["w"] > limit:
            fail(f"{where}: line {ln['text'][:40]!r} ends at x={ln['x'] + ln['w']}, past its "
                 f"column's edge {limit}")


# ---- the typesetter's rules ------------------------------------------------

# Roles never hyphenated (a word wider than the measure is broken without a
# hyphen, as a last resort), and captions of up to this many words.
UNHYPHENATED_ROLES = {"headline", "deck", "subhead"}
SHORT_CAPTION_WORDS = 12
FLOW_ROLES = {"section", "headline", "deck", "byline", "body", "subhead", "quote", "list",
              "caption", "credit"}


def column_starts(page, W):
    """The left edges of the page's columns: where body, subhead and caption
    lines and the page header start, a new column more than a quarter of the
    page to the right."""
    xs = sorted(ln["x"] for ln in page["lines"]
                if ln["role"] in ("body", "subhead", "caption", "header") and ln["w"] > 0)
    starts = []
    for x in xs:
        if not starts or x - starts[-1] > W // 4:
            starts.append(x)
    return starts or [0]


def column_of(x, starts):
    k = 0
    for i, s in enumerate(starts):
        if x >= s:
            k = i
    return k


def reading_order(got, W):
    """Every line and figure of an article's pages in reading order: page by
    page, column by column, top to bottom. Items: dicts with page, col, y, x,
    kind ("line" or "figure") and the line or figure."""
    seq = []
    for n, page in got:
        starts = column_starts(page, W)
        items = []
        for ln in page["lines"]:
            if ln["role"] in FLOW_ROLES:
                items.append({"page": n, "col": column_of(ln["x"], starts), "y": ln["y"],
                              "x": ln["x"], "kind": "line", "role": ln["role"], "line": ln,
                              "left": starts[column_of(ln["x"], starts)]})
        for fg in page["figures"]:
            items.append({"page": n, "col": column_of(fg["x"], starts), "y": fg["y"],
                          "x": fg["x"], "kind": "figure", "role": "figure", "figure": fg,
                          "left": starts[column_of(fg["x"], starts)]})
        items.sort(key=lambda it: (it["col"], it["y"], it["kind"] == "line"))
        seq += items
    return seq


def check_typesetting(p, got, W, src_words, paras, src_figs, lang=""):
    """Widows and orphans, hyphenation in display text and the indent rule
    over one article's pages; the words were checked against the source
    already, so each body line is given the paragraph it belongs to from
    the word it starts."""
    seq = reading_order(got, W)
    flow = [it for it in seq if it["kind"] == "line" and it["role"] in BODY_ROLES]
    starts = []
    set_words([it["line"] for it in flow], src_words, starts)
    para_of = {}
    for it, k in zip(flow, starts):
        if it["role"] != "body":
            continue
        for pi, (first, count) in enumerate(paras):
            if first <= k < first + count:
                para_of[id(it["line"])] = pi
                break
    lines_of = {}
    for it in flow:
        pi = para_of.get(id(it["line"]))
        if pi is not None:
            lines_of.setdefault(pi, []).append(it)
    col_items = {}
    for it in seq:
        col_items.setdefault((it["page"], it["col"]), []).append(it)

    # widows and orphans: a paragraph cut between columns keeps two lines on
    # each side, unless a column holds nothing but it (a column too short
    # for two lines, or a paragraph longer than a column; for a widow, with
    # the heading kept with it)
    for pi, its in lines_of.items():
        pieces = []
        for it in its:
            where = (it["page"], it["col"])
            if pieces and pieces[-1][0] == where:
                pieces[-1][1] += 1
            else:
                pieces.append([where, 1])
        if len(pieces) < 2:
            continue
        text = its[0]["line"]["text"][:40]
        if pieces[0][1] == 1 and len(col_items[pieces[0][0]]) > 1:
            fail(f"{p}: orphan: the first line of the paragraph {text!r} ends column "
                 f"{pieces[0][0][1] + 1} of page {pieces[0][0][0]} alone")
        if pieces[-1][1] == 1:
            # the heading kept with the paragraph counts as the paragraph's:
            # a heading and a paragraph of three lines taller than a column
            # (the largest text on the smallest screen) cannot break 2+2
            before = [b for b in col_items[pieces[-2][0]]
                      if not (b["kind"] == "line" and b["line"]["role"] == "subhead")]
            if any(para_of.get(id(b.get("line"))) != pi for b in before):
                last = its[-1]
                fail(f"{p}: widow: the last line {last['line']['text'][:40]!r} of the "
                     f"paragraph {text!r} starts column {last['col'] + 1} of page "
                     f"{last['page']} alone")

    # no hyphen in headlines, decks, subheads and short captions
    for it in seq:
        if it["kind"] != "line" or not it["line"].get("hyphenated"):
            continue
        role = it["role"]
        if role in UNHYPHENATED_ROLES:
            fail(f"{p}: {role} line {it['line']['text']!r} on page {it['page']} is hyphenated")
        elif role == "caption":
            above = [f for f in seq if f["kind"] == "figure" and f["page"] == it["page"]
                     and f["col"] == it["col"] and f["y"] < it["y"]]
            fg = max(above, key=lambda f: f["y"])["figure"] if above else None
            if fg is not None and len(fg["caption"].split()) <= SHORT_CAPTION_WORDS:
                fail(f"{p}: caption line {it['line']['text']!r} on page {it['page']} is "
                     f"hyphenated in a caption of {len(fg['caption'].split())} words")

    # the indent follows what is printed before the paragraph: another
    # paragraph's line, indented; a figure, a heading, a quote, a list or
    # nothing, not. Chinese and Japanese: every paragraph indented.
    cjk = lang.split("-")[0].split("_")[0] in ("zh", "ja")
    pos = {id(it.get("line", it.get("figure"))): k for k, it in enumerate(seq)}
    for pi, its in sorted(lines_of.items()):
        first = its[0]
        if pi not in lines_of or set_words([first["line"]], src_words[paras[pi][0]:])[:1] != \
                src_words[paras[pi][0]:paras[pi][0] + 1]:
            continue  # the paragraph's first line is not where it starts
        k = pos[id(first["line"])]
        prev = seq[k - 1] if k > 0 else None
        want = cjk or prev is not None and prev["kind"] == "line" and prev["role"] == "body"
        indented = first["x"] - first["left"] > 2
        if indented != want:
            what = "nothing" if prev is None else prev["role"] + (
                f" {prev['line']['text'][:30]!r}" if prev["kind"] == "line" else
                f" {prev['figure']['image']}")
            fail(f"{p}: the paragraph {first['line']['text'][:40]!r} on page {first['page']} "
                 f"is {'' if indented else 'not '}indented after {what}")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    exe, edition, size = sys.argv[1:4]
    extra = sys.argv[4:]
    W, H = (int(v) for v in size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        a = run_dump(exe, edition, size, extra, os.path.join(tmp, "a.json"))
        b = run_dump(exe, edition, size, extra, os.path.join(tmp, "b.json"))
    if a != b:
        fail("two dumps of the same edition differ")
    doc = json.loads(a)
    if doc["screen"] != {"width": W, "height": H}:
        fail(f"screen is {doc['screen']}, expected {W}x{H}")
    pages = doc["pages"]
    paths = manifest_articles(edition)
    if not paths:
        fail("no articles found in manifest.yaml")

    by_article = {}
    index_links = set()
    index_entries = {}
    index_pages = 0
    for n, page in enumerate(pages, 1):
        where = f"page {n} ({page['kind']}" + (f" {page['article']}" if "article" in page else "") \
            + f" {page['number']}/{page['of']})"
        check_boxes(page, W, H, where)
        if page["kind"] == "index":
            index_pages += 1
            for k in page.get("links", []):
                if k.get("action") == "open_article":
                    index_links.add(k.get("article"))
                    index_entries[k.get("article")] = (n, page, k)
                if k.get("action") == "section" and not any(
                        ln["role"] == "headline" and ln["y"] > k["y"]
                        and k["x"] <= ln["x"] < k["x"] + k["w"] for ln in page["lines"]):
                    fail(f"{where}: a section label at {k['x']},{k['y']} has no entry under it "
                         f"on its page")
        elif page["kind"] == "article":
            by_article.setdefault(page["article"], []).append((n, page))
            caps = join_lines([ln for ln in page["lines"] if ln["role"] == "caption"])
            creds = join_lines([ln for ln in page["lines"] if ln["role"] == "credit"])
            for fg in page["figures"]:
                for field, words in (("caption", caps), ("credit", creds)):
                    want = fg[field].split()
                    if want and not any(words[i:i + len(want)] == want
                                        for i in range(len(words) - len(want) + 1)):
                        fail(f"{where}: the {field} of {fg['image']} ({fg[field][:40]!r}) is "
                             f"not set on the photo's page")
    if index_pages == 0:
        fail("no index page")
    for p in paths:
        if p not in index_links:
            fail(f"the index has no link to {p}")
    if pages and pages[0]["kind"] != "index":
        fail("the first page is not the index")

    for p in paths:
        got = by_article.get(p)
        if not got:
            fail(f"{p}: no pages")
            continue
        of = got[0][1]["of"]
        numbers = [pg["number"] for _, pg in got]
        if numbers != list(range(1, of + 1)) or any(pg["of"] != of for _, pg in got):
            fail(f"{p}: page numbers {numbers} are not 1..{of}")
        meta, src_words, src_figs, paras = parse_article(os.path.join(edition, p))
        lines = [ln for _, pg in got for ln in pg["lines"]]
        words = set_words([ln for ln in lines if ln["role"] in BODY_ROLES], src_words)
        if words != src_words:
            i = first_difference(words, src_words)
            fail(f"{p}: body words differ from the source at word {i} of {len(src_words)}: "
                 f"set {' '.join(words[max(0, i - 3):i + 4])!r}, source "
                 f"{' '.join(src_words[max(0, i - 3):i + 4])!r} ({len(words)} words set)")
        want_head = inline_text(meta.get("title", "")).split()
        head = set_words([ln for ln in lines if ln["role"] == "headline"], want_head)
        if "title" in meta and head != want_head:
            fail(f"{p}: headline {' '.join(head)!r} is not the title {meta['title']!r}")
        cut = sorted({pg["number"] for _, pg in got
                      if any(ln["role"] == "headline" for ln in pg["lines"])} - {1})
        if cut:
            fail(f"{p}: the headline runs on to page(s) {cut}: a headline is never cut "
                 f"between pages")
        if "title" in meta and p in index_entries:
            # the index entry's headline: the whole title, inside its entry
            n, page, k = index_entries[p]
            inside = [ln for ln in page["lines"] if ln["role"] == "headline"
                      and k["x"] <= ln["x"] and ln["x"] + ln["w"] <= k["x"] + k["w"]
                      and k["y"] <= ln["y"] and ln["y"] + ln["h"] <= k["y"] + k["h"]]
            entry = set_words(inside, want_head)
            if entry != want_head and not clipped_with_ellipsis(entry, want_head):
                fail(f"{p}: its index entry on page {n} reads {' '.join(entry)!r}, not the "
                     f"title {meta['title']!r}")
        want_deck = inline_text(meta.get("deck", "")).split()
        deck = set_words([ln for ln in lines if ln["role"] == "deck"], want_deck)
        if want_deck and deck != want_deck and not clipped_with_ellipsis(deck, want_deck):
            fail(f"{p}: deck {' '.join(deck)!r} is not the front matter's {meta['deck']!r}")
        figs = [f for _, pg in got for f in pg["figures"]]
        want = [(f["image"], f["caption"], f["credit"]) for f in src_figs]
        have = [(f["image"], f["caption"], f["credit"]) for f in figs]
        if have != want:
            fail(f"{p}: figures set {have} differ from the source's {want}")
        if words == src_words:
            check_typesetting(p, got, W, src_words, paras, src_figs, meta.get("language", ""))

    for msg in failures[:40]:
        print("FAIL:", msg)
    if len(failures) > 40:
        print(f"... and {len(failures) - 40} more")
    words_total = sum(len(parse_article(os.path.join(edition, p))[1]) for p in paths)
    print(f"{size}: {len(pages)} pages ({index_pages} index), {len(paths)} articles, "
          f"{words_total} body words checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
