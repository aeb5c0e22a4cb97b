#!/usr/bin/env python3
"""World scripts end to end (issue 16): the world edition's layout dump.

    check_world.py NEWSKIOSK PNGSTAT EDITION_DIR WxH

Dumps `newskiosk --dump-layout` of the edition (articles in Persian, Arabic,
Hebrew, Hindi, Bengali, Amharic, Chinese and a mixed-direction English one)
and checks, with expectations taken from the Markdown source:
  text     every character of each article's body (front matter and Markdown
           stripped, list markers and inserted hyphens removed, white space
           ignored) appears once and in logical order across its pages'
           lines; the headline is the title, the deck the deck (or its start
           and "..."), each caption and credit is set on its photo's page;
  glyphs   missing_glyphs is 0 on every page, and the count is live: a small
           canary edition with characters no installed font has (private
           use) reports exactly that many on its page;
  dir      the article's lines (headline, deck, body, subhead, quote, list,
           caption, credit) say "rtl" in the right-to-left articles (dir: rtl
           or an ar/fa/he/ur language) and "ltr" in the others;
  align    in the right-to-left articles every body line ends at its
           column's right edge (within 1 px; a paragraph's first line may
           stop short by an indent) and every line but a paragraph's last
           starts at the column's left edge (justified); headline, deck and
           subhead lines end at the right edge too; the columns are
           measured on the left-to-right articles' justified lines;
  width    no line outside the page or wider than its column;
  chrome   the page header holds the edition's title and the section as
           written, the section label is the section, the byline line holds
           the byline and the date's day and year in that order, the footer
           is "page N of M" (or N and M in that order in any digits); and,
           on the pixels, the header, section label, date line and footer
           of each right-to-left article look exactly as the same strings
           set left to right (the edition rendered again with those articles
           made ltr/en), so the kiosk's own strings are never drawn reversed.
Exit 0 when all hold; 1 with one line per broken rule (at most 60), each
naming the assertion, the article and the page.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

from check_layout import BULLET, IMAGE, LIST, inline_text, split_front_matter
from e2e_common import manifest_articles, run

BODY_ROLES = ("body", "subhead", "quote", "list")
CONTENT_ROLES = ("headline", "deck") + BODY_ROLES + ("caption", "credit")
RTL_LANGS = ("ar", "fa", "he", "ur")
# Private use characters: no Debian font has them, so the kiosk must count them.
CANARY = "\ue000\ue001\ue002"
ROLE_NAMES = {"header": "header", "section": "section label", "byline": "date line",
              "footer": "footer"}
failures = []


def fail(kind, msg):
    failures.append(f"[{kind}] {msg}")


def squash(s):
    """The characters of s without white space."""
    return "".join(s.split())


def is_rtl(meta):
    d = meta.get("dir", "")
    if d in ("rtl", "ltr"):
        return d == "rtl"
    return meta.get("language", "").split("-")[0] in RTL_LANGS


def parse_source(path):
    """(meta, blocks, figures): blocks as (kind, text) in reading order, kind
    one of body, subhead, quote, list (one block a list item)."""
    with open(path, encoding="utf-8") as f:
        meta, body = split_front_matter(f.read())
    blocks, figures = [], []
    for block in re.split(r"\n\s*\n", body):
        lines = [ln.rstrip() for ln in block.strip("\n").splitlines() if ln.strip()]
        if not lines:
            continue
        first = lines[0].strip()
        m = IMAGE.match(first)
        if m and len(lines) == 1:
            figures.append({"image": m.group(2), "caption": inline_text(m.group(1)),
                            "credit": inline_text(m.group(3) or "")})
        elif first.startswith("#"):
            blocks.append(("subhead", inline_text(first.lstrip("#"))))
        elif first.startswith(">"):
            blocks.append(("quote", " ".join(inline_text(re.sub(r"^\s*>\s?", "", ln))
                                             for ln in lines)))
        elif LIST.match(first):
            for ln in lines:
                lm = LIST.match(ln)
                blocks.append(("list", inline_text(lm.group(1) if lm else ln)))
        else:
            blocks.append(("body", " ".join(inline_text(ln) for ln in lines)))
    return meta, blocks, figures


def line_chars(ln):
    """A line's characters (white space removed) without the list marker the
    layout adds and without the hyphen it inserted."""
    t = ln["text"].strip()
    if ln["role"] == "list":
        toks = t.split(None, 1)
        if toks and BULLET.match(toks[0]):
            t = toks[1] if len(toks) > 1 else ""
    if ln.get("hyphenated"):
        if t.endswith(("-", "\u2010", "\u00ad")):
            t = t[:-1]
        else:
            fail("text", f"line marked hyphenated does not end in a hyphen: {t[-30:]!r}")
    return squash(t)


def numbers(s):
    """The numbers in s, read in any script's decimal digits, in logical order."""
    out, cur = [], ""
    for ch in s:
        d = unicodedata.digit(ch, None) if unicodedata.category(ch) == "Nd" else None
        if d is not None:
            cur += str(d)
        elif cur:
            out.append(int(cur))
            cur = ""
    if cur:
        out.append(int(cur))
    return out


def in_order(have, want):
    """True when the items of want appear in have in that order."""
    it = iter(have)
    return all(any(h == w for h in it) for w in want)


def dump(exe, bundle, size, out):
    run([exe, "--bundle", bundle, "--size", size, "--dump-layout", out], timeout=600)
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def where(p, page):
    return f"{p} page {page['number']}/{page['of']}"


# ---- text, glyphs, direction -------------------------------------------------

def check_text(p, meta, blocks, figures, pages):
    lines = [ln for page in pages for ln in page["lines"]]
    got_lines = [(page, ln) for page in pages for ln in page["lines"] if ln["role"] in BODY_ROLES]
    want = "".join(squash(t) for _, t in blocks)
    got, owner = "", []
    for page, ln in got_lines:
        c = line_chars(ln)
        got += c
        owner += [page] * len(c)
    if got != want:
        i = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        on = where(p, owner[i]) if i < len(owner) else p
        fail("text", f"{on}: body characters differ from the source at character {i} of "
             f"{len(want)}: set {got[max(0, i - 12):i + 12]!r}, source "
             f"{want[max(0, i - 12):i + 12]!r} ({len(got)} characters set)")
    head = "".join(line_chars(ln) for ln in lines if ln["role"] == "headline")
    if head != squash(inline_text(meta.get("title", ""))):
        fail("text", f"{p}: headline {head!r} is not the title {meta.get('title')!r}")
    deck = "".join(line_chars(ln) for ln in lines if ln["role"] == "deck")
    want_deck = squash(inline_text(meta.get("deck", "")))
    if deck != want_deck and not (deck.endswith("\u2026") and want_deck.startswith(deck[:-1])):
        fail("text", f"{p}: deck {deck!r} is not the front matter's {meta.get('deck')!r}")
    for page in pages:
        for fg in page["figures"]:
            for field, role in (("caption", "caption"), ("credit", "credit")):
                have = "".join(line_chars(ln) for ln in page["lines"] if ln["role"] == role)
                if squash(fg[field]) not in have:
                    fail("text", f"{where(p, page)}: the {field} of {fg['image']} "
                         f"({fg[field][:40]!r}) is not set on the photo's page")
    have = [(f["image"], f["caption"], f["credit"]) for page in pages for f in page["figures"]]
    if have != [(f["image"], f["caption"], f["credit"]) for f in figures]:
        fail("text", f"{p}: figures set {have} differ from the source's {figures}")


def check_dir(p, rtl, pages):
    want = "rtl" if rtl else "ltr"
    for page in pages:
        bad = {}
        for ln in page["lines"]:
            if ln["role"] in CONTENT_ROLES and ln.get("dir") != want:
                bad.setdefault(ln["role"], []).append(ln["text"][:24])
        for role, texts in bad.items():
            fail("dir", f"{where(p, page)}: {len(texts)} {role} line(s) not \"dir\": \"{want}\", "
                 f"e.g. {texts[0]!r}")


# ---- columns and alignment ------------------------------------------------------

def measure_columns(ltr_pages, W):
    """Column boxes [(left, right)] from the left-to-right articles' body
    lines: the left margin is where their lines start, a column's right edge
    is where their justified lines end."""
    body = [ln for pg in ltr_pages for ln in pg["lines"] if ln["role"] == "body" and ln["w"] > 0]
    if not body:
        return None
    left = min(ln["x"] for ln in body)
    first = [ln for ln in body if ln["x"] < left + (W - 2 * left) // 2]
    width = max(ln["x"] + ln["w"] for ln in first) - left
    if width < 0.6 * (W - 2 * left):
        return [(left, left + width), (W - left - width, W - left)]
    return [(left, W - left)]


def column_of(ln, cols):
    mid = ln["x"] + ln["w"] / 2
    for c in cols:
        if c[0] - 1 <= mid <= c[1] + 1:
            return c
    return None


def paragraph_ends(p, blocks, pages):
    """For each body line in reading order: (page, line, first?, last?) of its
    paragraph, found by consuming the source paragraphs' characters."""
    paras = [squash(t) for kind, t in blocks if kind == "body"]
    out, k, pos = [], 0, 0
    for page in pages:
        for ln in page["lines"]:
            if ln["role"] != "body":
                continue
            c = line_chars(ln)
            first = pos == 0
            pos += len(c)
            last = k < len(paras) and pos >= len(paras[k])
            out.append((page, ln, first, last or k >= len(paras)))
            if last:
                k, pos = k + 1, 0
    return out


def check_align(p, blocks, pages, cols, indent):
    bad = {}
    for page, ln, first, last in paragraph_ends(p, blocks, pages):
        if ln["w"] <= 0:
            continue
        c = column_of(ln, cols)
        if c is None:
            fail("align", f"{where(p, page)}: body line {ln['text'][:24]!r} at x={ln['x']} "
                 f"w={ln['w']} is in no column {cols}")
            continue
        end = ln["x"] + ln["w"]
        lo = c[1] - (indent if first else 0) - 1
        if not lo <= end <= c[1] + 1:
            kind = "last line" if last else "line"
            bad.setdefault(page["number"], []).append(
                f"{kind} {ln['text'][:20]!r} ends at x={end}, column's right edge {c[1]}")
        elif not last and abs(ln["x"] - c[0]) > 1:
            bad.setdefault(page["number"], []).append(
                f"line {ln['text'][:20]!r} starts at x={ln['x']}, not at the column's left edge "
                f"{c[0]} (not justified, or its indent is on the left)")
    for number, msgs in bad.items():
        page = next(pg for pg in pages if pg["number"] == number)
        fail("align", f"{where(p, page)}: {len(msgs)} right-to-left body line(s) not "
             f"right-aligned: {msgs[0]}")
    # headline and deck across the text, subheads in their column: ragged,
    # so only their right edge is fixed
    for page in pages:
        for ln in page["lines"]:
            if ln["role"] not in ("headline", "deck", "subhead") or ln["w"] <= 0:
                continue
            c = cols[-1] if ln["role"] != "subhead" else column_of(ln, cols)
            end = ln["x"] + ln["w"]
            if c and abs(end - c[1]) > 1:
                fail("align", f"{where(p, page)}: right-to-left {ln['role']} line "
                     f"{ln['text'][:20]!r} ends at x={end}, not at the right edge {c[1]}")


def check_width(pages_by_where, W, H, cols):
    for label, page in pages_by_where:
        for ln in page["lines"]:
            if ln["x"] < 0 or ln["w"] < 0 or ln["x"] + ln["w"] > W or ln["y"] + ln["h"] > H:
                fail("width", f"{label}: line {ln['text'][:24]!r} at x={ln['x']} w={ln['w']} "
                     f"is outside the {W}x{H} page")
            if cols and ln["role"] in BODY_ROLES and ln["w"] > 0:
                c = column_of(ln, cols)
                if c and (ln["x"] < c[0] - 1 or ln["x"] + ln["w"] > c[1] + 1):
                    fail("width", f"{label}: line {ln['text'][:24]!r} ({ln['x']}..."
                         f"{ln['x'] + ln['w']}) is wider than its column {c}")


# ---- chrome ---------------------------------------------------------------------

def date_parts(iso):
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", iso or "")
    return [int(m.group(3)), int(m.group(1))] if m else None


def check_footer(label, page):
    for ln in page["lines"]:
        if ln["role"] != "footer":
            continue
        t = ln["text"]
        if t.isascii():
            ok = t == f"page {page['number']} of {page['of']}"
        else:
            ok = numbers(t) == [page["number"], page["of"]]
        if not ok:
            fail("chrome", f"{label}: footer {t!r} is not page {page['number']} of {page['of']} "
                 f"in logical order")


def check_chrome(ed_title, ed_date, by_article, metas, index_pages, sections):
    for n, page in enumerate(index_pages, 1):
        label = f"index page {n}"
        check_footer(label, page)
        heads = [ln["text"] for ln in page["lines"] if ln["role"] == "header"]
        if not any(ed_title in t for t in heads):
            fail("chrome", f"{label}: header {heads} does not hold the title {ed_title!r}")
        for ln in page["lines"]:
            if ln["role"] == "section" and ln["text"].casefold() not in sections:
                fail("chrome", f"{label}: section label {ln['text']!r} is none of the edition's "
                     f"sections {sorted(sections)}")
        if n == 1:
            dates = [ln["text"] for ln in page["lines"] if ln["role"] == "byline"]
            want = date_parts(ed_date)
            if want and not any(in_order(numbers(t), want) for t in dates):
                fail("chrome", f"{label}: no date line with day {want[0]} then year {want[1]} "
                     f"in logical order: {dates}")
    for p, pages in by_article.items():
        meta = metas[p]
        section = meta.get("section", "")
        for page in pages:
            label = where(p, page)
            check_footer(label, page)
            for ln in page["lines"]:
                t = ln["text"]
                if ln["role"] == "header":
                    i = t.find(ed_title)
                    if i < 0 or (section and t.find(section, i + len(ed_title)) < 0):
                        fail("chrome", f"{label}: header {t!r} does not hold {ed_title!r} then "
                             f"{section!r}")
                elif ln["role"] == "section" and t.casefold() != section.casefold():
                    fail("chrome", f"{label}: section label {t!r} is not {section!r}")
                elif ln["role"] == "byline":
                    want = date_parts(meta.get("date"))
                    by = squash(meta.get("byline", ""))
                    if by and by not in squash(t):
                        fail("chrome", f"{label}: byline line {t!r} does not hold "
                             f"{meta.get('byline')!r}")
                    if want and not in_order(numbers(t), want):
                        fail("chrome", f"{label}: byline line {t!r} has not day {want[0]} then "
                             f"year {want[1]} in logical order")


def variant(edition, dst, rtl_paths, force_ltr):
    """A copy of the edition without bylines in the right-to-left articles
    (their byline line is then the kiosk's date alone); with force_ltr those
    articles are also made dir: ltr, language: en."""
    shutil.copytree(edition, dst)
    for p in rtl_paths:
        path = os.path.join(dst, p)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        head, body = text[4:].split("\n---\n", 1)
        keep = [ln for ln in head.splitlines() if not re.match(r"^(byline|dir|language):", ln)]
        if force_ltr:
            keep += ["dir: ltr", "language: en"]
        else:
            keep += [ln for ln in head.splitlines() if re.match(r"^(dir|language):", ln)]
        with open(path, "w", encoding="utf-8") as f:
            f.write("---\n" + "\n".join(keep) + "\n---\n" + body)


def check_chrome_pixels(exe, pngstat, edition, size, rtl_paths, tmp):
    W = int(size.lower().split("x")[0])
    runs = {}
    for name, force in (("rtl", False), ("ltr", True)):
        src = os.path.join(tmp, "ed-" + name)
        variant(edition, src, rtl_paths, force)
        out = os.path.join(tmp, "png-" + name)
        run([exe, "--bundle", src, "--size", size, "--render-pages", out], timeout=600)
        doc = dump(exe, src, size, os.path.join(tmp, name + ".json"))
        runs[name] = (out, doc["pages"])
    (rdir, rpages), (ldir, lpages) = runs["rtl"], runs["ltr"]
    lmap = {(pg.get("article"), pg["number"]): (i, pg) for i, pg in enumerate(lpages, 1)}
    for p in rtl_paths:
        compared = 0
        for i, page in enumerate(rpages, 1):
            if page.get("article") != p or (p, page["number"]) not in lmap:
                continue
            j, other = lmap[(p, page["number"])]
            for role in ("header", "section", "byline", "footer"):
                mine = [ln for ln in page["lines"] if ln["role"] == role]
                theirs = [ln for ln in other["lines"] if ln["role"] == role]
                for a, b in zip(mine, theirs):
                    if a["text"] != b["text"] or a["h"] != b["h"]:
                        continue
                    # the wider of the two boxes: a string drawn reversed may
                    # measure a pixel or two apart (kerning pairs differ)
                    w = min(max(a["w"], b["w"]), W - a["x"], W - b["x"])
                    r = subprocess.run(
                        [pngstat, "--compare", os.path.join(rdir, f"{i:04d}.png"),
                         str(a["x"]), str(a["y"]), str(w), str(a["h"]),
                         os.path.join(ldir, f"{j:04d}.png"), str(b["x"]), str(b["y"])],
                        capture_output=True, text=True, timeout=120)
                    if r.returncode != 0:
                        fail("chrome", f"{p}: pngstat --compare failed: {r.stderr.strip()}")
                        continue
                    diff, total = (int(v) for v in r.stdout.split())
                    compared += 1
                    if diff > total // 100:
                        fail("chrome", f"{where(p, page)}: the {ROLE_NAMES[role]} "
                             f"{a['text']!r} is drawn differently from the same string set "
                             f"left to right ({diff} of {total} pixels differ): reversed?")
        if compared == 0:
            fail("chrome", f"{p}: no header, section label, date or footer could be compared "
                 f"with its left-to-right rendering")


def check_canary(exe, tmp, size):
    """The missing-glyph count is live: characters no font has are counted."""
    ed = os.path.join(tmp, "canary")
    os.makedirs(os.path.join(ed, "articles"))
    with open(os.path.join(ed, "manifest.yaml"), "w", encoding="utf-8") as f:
        f.write("format: 1\ntitle: Canary\nedition: 2026-12-05\nsequence: 1\nlanguage: en\n"
                "articles:\n  - articles/canary.md\n")
    with open(os.path.join(ed, "articles", "canary.md"), "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: Canary\n---\n\nThree characters no font has: {CANARY}.\n")
    pages = dump(exe, ed, size, os.path.join(tmp, "canary.json"))["pages"]
    got = [pg["missing_glyphs"] for pg in pages if pg["kind"] == "article"]
    if sum(got) != len(CANARY):
        fail("glyphs", f"canary: an article with {len(CANARY)} private-use characters reports "
             f"missing_glyphs {got}, not {len(CANARY)}: the count is not live, so the world "
             f"edition's 0 proves nothing")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    exe, pngstat, edition, size = sys.argv[1:5]
    W, H = (int(v) for v in size.lower().split("x"))
    with open(os.path.join(edition, "manifest.yaml"), encoding="utf-8") as f:
        man = f.read()
    ed_title = re.search(r'^title:\s*"?([^"\n]*)"?\s*$', man, re.M).group(1)
    ed_date = re.search(r"^edition:\s*(\S+)", man, re.M).group(1)
    sections = {s.strip().casefold() for s in re.findall(r"^\s+-\s+(.+)$", man.split(
        "articles:")[0], re.M)}
    paths = manifest_articles(edition)
    with tempfile.TemporaryDirectory() as tmp:
        pages = dump(exe, edition, size, os.path.join(tmp, "world.json"))["pages"]
        srcs = {p: parse_source(os.path.join(edition, p)) for p in paths}
        metas = {p: s[0] for p, s in srcs.items()}
        for p, m in metas.items():
            sections.add(m.get("section", "").casefold())
        rtl = [p for p in paths if is_rtl(metas[p])]

        by_article, index_pages, labelled = {}, [], []
        for n, page in enumerate(pages, 1):
            if page["missing_glyphs"] != 0:
                fail("glyphs", f"page {n} ({page['kind']} {page.get('article', '')} "
                     f"{page['number']}/{page['of']}): missing_glyphs is "
                     f"{page['missing_glyphs']}, not 0")
            if page["kind"] == "article":
                by_article.setdefault(page["article"], []).append(page)
                labelled.append((where(page["article"], page), page))
            else:
                index_pages.append(page)
                labelled.append((f"{page['kind']} page {page['number']}", page))
        ltr_pages = [pg for p in paths if p not in rtl for pg in by_article.get(p, [])]
        cols = measure_columns(ltr_pages, W)
        if not cols:
            fail("align", "no left-to-right body lines to measure the columns on")
        ltr_body = [ln for pg in ltr_pages for ln in pg["lines"] if ln["role"] == "body"]
        indents = [ln["x"] - cols[0][0] for ln in ltr_body
                   if cols and 1 < ln["x"] - cols[0][0] < (cols[0][1] - cols[0][0]) // 4]
        indent = max(indents) if indents else 3 * max([ln["h"] for ln in ltr_body] or [20])
        check_width(labelled, W, H, cols)
        for p in paths:
            got = by_article.get(p)
            if not got:
                fail("text", f"{p}: no pages")
                continue
            meta, blocks, figures = srcs[p]
            check_text(p, meta, blocks, figures, got)
            check_dir(p, p in rtl, got)
            if p in rtl and cols:
                check_align(p, blocks, got, cols, indent)
        check_chrome(ed_title, ed_date, by_article, metas, index_pages, sections)
        check_canary(exe, tmp, size)
        check_chrome_pixels(exe, pngstat, edition, size, rtl, tmp)

    for msg in failures[:60]:
        print("FAIL:", msg)
    if len(failures) > 60:
        print(f"... and {len(failures) - 60} more")
    kinds = sorted({m.split("]")[0][1:] for m in failures})
    print(f"{size}: {len(pages)} pages, {len(paths)} articles ({len(rtl)} right to left), "
          f"columns {cols}, {len(failures)} problems" + (f" in: {', '.join(kinds)}" if kinds
                                                         else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
