#!/usr/bin/env python3
"""The font fallback chain end to end: the world-scripts fixture (Persian,
Arabic, Hebrew, Hindi, Bengali, Amharic, Chinese, Thai) dumped at a size has
0 missing glyphs on every page; a copy with characters no font covers counts
each once on the page that draws it.
  check_fonts.py NEWSKIOSK FIXTURE WxH"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import run  # noqa: E402


def dump(kiosk, edition, size, tmp):
    out = os.path.join(tmp, "dump.json")
    run([kiosk, "--bundle", edition, "--size", size, "--dump-layout", out])
    with open(out, encoding="utf-8") as f:
        return json.load(f)["pages"]


def main():
    kiosk, fixture, size = sys.argv[1:4]
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        pages = dump(kiosk, fixture, size, tmp)
        arts = {p.get("article") for p in pages if p["kind"] == "article"}
        if len(arts) != 8:
            fails.append(f"{len(arts)} articles laid out, expected 8")
        for p in pages:
            if p["missing_glyphs"] != 0:
                fails.append(f"page {p['kind']} {p.get('article')} {p['number']}: "
                             f"{p['missing_glyphs']} missing glyphs")
        # Three characters no font has: U+10FFFD twice and unassigned U+0378.
        ed = os.path.join(tmp, "ed")
        shutil.copytree(fixture, ed)
        path = os.path.join(ed, "articles", "zh.md")
        with open(path, "a", encoding="utf-8") as f:
            f.write("\nMark \U0010FFFD and \U0010FFFD, then \u0378.\n")
        pages = dump(kiosk, ed, size, os.path.join(tmp))
        zh = [p for p in pages if p.get("article") == "articles/zh.md"]
        got = sum(p["missing_glyphs"] for p in zh)
        other = sum(p["missing_glyphs"] for p in pages) - got
        if got != 3 or other != 0:
            fails.append(f"hostile copy: {got} missing on the Chinese pages (expected 3), "
                         f"{other} elsewhere (expected 0)")
    for f in fails:
        print("FAIL:", f)
    print(f"check_fonts {size}: {'FAIL' if fails else 'ok'}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
