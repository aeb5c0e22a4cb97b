#!/usr/bin/env python3
"""End-to-end headless rendering of an edition.

    check_render.py NEWSKIOSK PNGSTAT EDITION WxH MIN_PAGES

Renders every page twice (--render-pages) and dumps the layout once, then
checks: exit 0 and no sanitizer report; as many PNGs as pages in the dump and
at least MIN_PAGES; every article of manifest.yaml has its pages (an index
first); each PNG has the screen's size and is not blank (ink, and dark text
pixels on every page that has lines); a page with a photo has more ink than
its text alone would give (the photo or its placeholder is drawn); the two
renders are byte-identical; a re-render into the same folder leaves no stale
pages. Exit 0 when all hold.
"""
import filecmp
import json
import os
import sys
import tempfile

from e2e_common import manifest_articles, run

failures = []


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    exe, pngstat, edition, size, min_pages = sys.argv[1:]
    W, H = (int(v) for v in size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b", "nested")
        show = [exe, "--bundle", edition, "--size", size]
        run(show + ["--render-pages", a], timeout=600)
        run(show + ["--render-pages", b], timeout=600)
        run(show + ["--dump-layout", os.path.join(tmp, "l.json")], timeout=600)
        with open(os.path.join(tmp, "l.json"), encoding="utf-8") as f:
            pages = json.load(f)["pages"]
        files = sorted(os.listdir(a))
        want = [f"{i:04d}.png" for i in range(1, len(pages) + 1)]
        if files != want:
            failures.append(f"wrote {len(files)} files {files[:3]}..., expected {len(want)} "
                            f"pages as 0001.png..{len(want):04d}.png")
        if len(files) < int(min_pages):
            failures.append(f"only {len(files)} pages, expected at least {min_pages}")
        if not pages or pages[0]["kind"] != "index":
            failures.append("the first page is not the index")
        shown = {p.get("article") for p in pages if p["kind"] == "article"}
        for path in manifest_articles(edition):
            if path not in shown:
                failures.append(f"{path} has no rendered page")
        for f in files:
            if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False):
                failures.append(f"{f} differs between two runs")
        stats = run([pngstat] + [os.path.join(a, f) for f in files], timeout=600).stdout
        stats = stats.splitlines()
        for line, page in zip(stats, pages):
            path, w, h, ink, dark = line.rsplit(" ", 4)
            name = os.path.basename(path)
            w, h, ink, dark = int(w), int(h), int(ink), int(dark)
            if (w, h) != (W, H):
                failures.append(f"{name} is {w}x{h}, expected {W}x{H}")
            text_px = sum(ln["w"] * ln["h"] for ln in page["lines"])
            if page["lines"] and dark < 50:
                failures.append(f"{name}: {len(page['lines'])} lines but only {dark} dark pixels")
            if ink < W * H // 200:
                failures.append(f"{name} is nearly blank ({ink} pixels of ink)")
            fig_px = sum(fg["w"] * fg["h"] for fg in page["figures"])
            if fig_px and ink < fig_px * 0.8:
                failures.append(f"{name}: photos cover {fig_px} px but only {ink} px are drawn "
                                f"(text boxes {text_px} px)")
        # A second render into the same folder with fewer pages leaves none stale.
        with open(os.path.join(a, "9999.png"), "wb") as f:
            f.write(b"stale")
        with open(os.path.join(a, "notes.txt"), "w") as f:
            f.write("kept")
        run(show + ["--render-pages", a], timeout=600)
        if os.path.exists(os.path.join(a, "9999.png")):
            failures.append("a stale 9999.png survived a re-render")
        if not os.path.exists(os.path.join(a, "notes.txt")):
            failures.append("a re-render removed a file that is not a page")
    for msg in failures[:40]:
        print("FAIL:", msg)
    print(f"{size}: {len(pages)} pages rendered and checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
