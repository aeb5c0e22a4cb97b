#!/usr/bin/env python3
"""newsbundle import end to end: the fixtures in tests/fixtures/import (RSS,
Atom, JSON Feed, a saved page, a text scrape) imported with the command,
packed, installed and laid out and rendered by the kiosk: every headline,
caption and credit on its pages, none of the sites' furniture, every page
drawn. Then the command's bad inputs: exit 1, one line on stderr naming the
input, the folder as it was; and usage errors: exit 2.

    check_import.py NEWSBUNDLE NEWSKIOSK PNGSTAT FIXTURES
"""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from e2e_common import SANITIZER, run

HEADLINES = [
    "Night ferry returns to Dunmore Quay after winter refit",
    "Council & trust agree on \u201cquiet hours\u201d for the slipway",
    "Spring tides to flood the causeway twice this week",
    "Frost returns to the reed beds",
    "Caf\u00e9 on the pier opens for the winter",
    "Lifeboat crew rehearse a night rescue",
    "Oyster beds reopen after two closed seasons",
    "Lantern walk draws a record crowd to the sea wall",
]
FIGURES = {  # caption -> credit, as the pages show them
    "Nets drying on the sea wall at Holm.": "Tomas Reyes",
    "The Morwen at Dunmore Quay on Monday evening.": "Photo: Ilse Varga/Courier",
    "Oyster racks on Holm Flats at low tide.": "Photo: Tomas Reyes/Courier",
    "Lanterns on the sea wall at dusk": "Photo: Ilse Varga/Courier",
}
FURNITURE = ["Share on", "Most popular", "Most Popular", "Read more", "Advertisement",
             "Sign up", "winter tyres", "Causeway floods", "trackReader", "The choir"]


def png(path, w, h, seed):
    """A w x h RGB PNG (the importer reads photos by content, not by name)."""
    rows = b"".join(b"\0" + bytes(((x * 3 + y * seed) % 256, (y * 2) % 256, seed % 256)
                                  [i % 3] for x in range(w) for i in range(3))
                    for y in range(h))
    chunk = lambda t, d: (struct.pack(">I", len(d)) + t + d +
                          struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def tree_hash(d):
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(d)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            h.update(os.path.relpath(p, d).encode())
            with open(p, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


def main():
    newsbundle, kiosk, pngstat, fixtures = sys.argv[1:5]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        shutil.copytree(fixtures, src)
        os.mkdir(os.path.join(src, "photos"))
        for i, name in enumerate(["quay.jpg", "nets.png", "causeway.jpg", "pier.jpg",
                                  "flats.jpg", "lanterns.jpg"]):
            png(os.path.join(src, "photos", name), 320 + 40 * i, 200 + 20 * i, 17 * i + 5)
        inputs = [os.path.join(src, f) for f in ["saltmarsh-rss.xml", "marsh-atom.xml",
                                                 "tidewatch.json", "oyster-page.html",
                                                 "lantern-scrape.txt"]]
        ed = os.path.join(tmp, "edition")
        p = run([newsbundle, "import", *inputs, "-o", ed, "--title", "Marsh Test Edition",
                 "--image", "1=" + os.path.join(src, "photos", "lanterns.jpg")])
        if "9 articles imported" not in p.stdout:
            failures.append(f"import said {p.stdout.strip()!r}")
        if "caption 2 has no photo" not in p.stderr:
            failures.append(f"the caption without a photo was not listed: {p.stderr!r}")

        bundle = os.path.join(tmp, "edition.tar.zst")
        run([newsbundle, "pack", ed, "-o", bundle])
        state = os.path.join(tmp, "state")
        run([newsbundle, "install", bundle, "--state-dir", state])
        layout = os.path.join(tmp, "layout.json")
        run([kiosk, "--state-dir", state, "--dump-layout", layout, "--size", "800x480"])
        with open(layout, encoding="utf-8") as f:
            pages = json.load(f)["pages"]
        text = "\n".join(line["text"] for pg in pages for line in pg["lines"])
        flat = " ".join(text.split())
        for h in HEADLINES:
            if " ".join(h.split()) not in flat:
                failures.append(f"headline not laid out: {h}")
        figs = {f["caption"]: f["credit"] for pg in pages for f in pg["figures"]}
        for cap, cred in FIGURES.items():
            if figs.get(cap) != cred:
                failures.append(f"figure {cap!r}: credit {figs.get(cap)!r}, expected {cred!r}")
        for w in FURNITURE:
            if w in flat:
                failures.append(f"site furniture on a page: {w!r}")
        if "Marsh Test Edition" not in flat:
            failures.append("--title not shown")

        shots = os.path.join(tmp, "pages")
        run([kiosk, "--state-dir", state, "--render-pages", shots, "--size", "800x480"])
        pngs = sorted(os.listdir(shots))
        if len(pngs) != len(pages):
            failures.append(f"{len(pngs)} pages drawn, {len(pages)} laid out")
        for f in pngs:
            out = subprocess.run([pngstat, os.path.join(shots, f)], capture_output=True,
                                 text=True).stdout.split()
            # PATH WIDTH HEIGHT INK DARK: a page with text has dark pixels
            if len(out) != 5 or int(out[4]) < 500:
                failures.append(f"{f}: no text drawn ({' '.join(out[1:])})")
        print(f"{len(pages)} pages laid out and drawn from the imported edition")

        # Bad inputs: exit 1, one line naming the input, the folder as it was.
        bad = os.path.join(tmp, "bad")
        os.mkdir(bad)
        with open(os.path.join(bad, "laughs.xml"), "w") as f:
            f.write('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                    '<rss version="2.0"><channel><item><title>&b;</title></item></channel></rss>')
        with open(os.path.join(bad, "broken.xml"), "w") as f:
            f.write('<rss version="2.0"><channel><item><title>A</title></item>\n'
                    '<item><title>B</channel></rss>')
        with open(os.path.join(bad, "nophoto.txt"), "w") as f:
            f.write("A headline\n\nA deck\n\nBody text.\n")
        with open(os.path.join(bad, "photo.html"), "w") as f:
            f.write('<article><h1>Pictured</h1><figure><img src="x.jpg"></figure></article>')
        with open(os.path.join(bad, "x.jpg"), "w") as f:
            f.write("not a picture")
        before = tree_hash(ed)
        cases = [
            (["https://news.example/feed.xml"], "https://news.example/feed.xml", "network"),
            ([os.path.join(bad, "laughs.xml")], "laughs.xml", "DOCTYPE"),
            ([os.path.join(bad, "broken.xml")], "broken.xml: item 2", "well-formed"),
            ([os.path.join(bad, "photo.html")], "photo.html: item 1", "not a JPEG"),
            # a good input first: nothing of it is written either
            ([inputs[0], os.path.join(bad, "photo.html")], "photo.html", "not a JPEG"),
            ([os.path.join(bad, "missing.xml")], "missing.xml", "cannot open"),
        ]
        for args, name, why in cases:
            p = subprocess.run([newsbundle, "import", *args, "-o", ed], capture_output=True,
                               text=True)
            lines = p.stderr.strip().splitlines()
            if p.returncode != 1 or len(lines) != 1 or name not in lines[0] or why not in lines[0]:
                failures.append(f"{args}: exit {p.returncode}, stderr {p.stderr!r}")
            if SANITIZER.search(p.stderr):
                failures.append(f"{args}: sanitizer report")
            if tree_hash(ed) != before:
                failures.append(f"{args}: the edition folder changed")
        leftovers = [f for f in os.listdir(tmp) if ".import-" in f]
        if leftovers:
            failures.append(f"temporary folders left: {leftovers}")
        for args in (["-o", ed], [inputs[0]], [inputs[0], "-o", ed, "--image", "x"],
                     [inputs[0], "-o", ed, "--max-photo-width", "9"], [inputs[0], "--bogus"]):
            p = subprocess.run([newsbundle, "import", *args], capture_output=True, text=True)
            if p.returncode != 2:
                failures.append(f"usage {args}: exit {p.returncode}")
        # a second run adds articles and raises sequence
        p = run([newsbundle, "import", os.path.join(bad, "nophoto.txt"), "-o", ed])
        with open(os.path.join(ed, "manifest.yaml"), encoding="utf-8") as f:
            manifest = f.read()
        if "sequence: 2" not in manifest or "articles/010-a-headline.md" not in manifest:
            failures.append("second import: sequence 2 and article 010 expected")
    for msg in failures:
        print("FAIL:", msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
