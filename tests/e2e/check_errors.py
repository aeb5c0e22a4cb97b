#!/usr/bin/env python3
"""Bad inputs to the headless modes: each gives exit 1, one clear line naming
the file and the rule, and no crash or sanitizer report.

    check_errors.py NEWSKIOSK GOOD_EDITION_DIR NEWSBUNDLE SAMPLE_EDITION_DIR

Archives are unpacked under a private $TMPDIR that must be empty afterwards,
failures included.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from e2e_common import SANITIZER

failures = []


def expect(name, args, code, needle, env=None):
    p = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    err = p.stderr.strip()
    if SANITIZER.search(p.stderr):
        failures.append(f"{name}: sanitizer report: {err[:800]}")
        return
    if p.returncode != code:
        failures.append(f"{name}: exit {p.returncode}, expected {code}: {err[:300]}")
    if code and (len(err.splitlines()) != 1 or needle not in err):
        failures.append(f"{name}: expected one line naming {needle!r}, got {err[:300]!r}")
    print(f"{name}: exit {p.returncode}: {err.splitlines()[-1] if err else ''}")


def main():
    exe, good, newsbundle, sample = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as tmp:
        missing = os.path.join(tmp, "no-such-edition")
        expect("missing bundle", [exe, "--bundle", missing, "--dump-layout", "-"], 1, missing)

        junk = os.path.join(tmp, "junk.tar.zst")
        with open(junk, "wb") as f:
            f.write(b"this is not an archive at all\n" * 10)
        expect("not an archive", [exe, "--bundle", junk, "--dump-layout",
                                  os.path.join(tmp, "x.json")], 1, "junk.tar.zst")

        empty = os.path.join(tmp, "empty-edition")
        os.mkdir(empty)
        expect("folder without manifest", [exe, "--bundle", empty, "--render-pages",
                                           os.path.join(tmp, "p")], 1, empty + ": manifest.yaml")

        blocker = os.path.join(tmp, "a-file")
        with open(blocker, "w") as f:
            f.write("x")
        expect("pages folder is a file", [exe, "--bundle", good, "--render-pages", blocker], 1,
               blocker)
        expect("pages folder under a file",
               [exe, "--bundle", good, "--render-pages", os.path.join(blocker, "pages")], 1,
               blocker)
        nowhere = os.path.join(tmp, "no-such-dir", "layout.json")
        expect("layout file in a missing folder",
               [exe, "--bundle", good, "--dump-layout", nowhere], 1, nowhere)

        expect("empty pages folder name", [exe, "--bundle", good, "--render-pages", ""], 2,
               "--render-pages")
        expect("empty layout file name", [exe, "--bundle", good, "--dump-layout", ""], 2,
               "--dump-layout")
        expect("empty rotation", [exe, "--bundle", good, "--rotate", "", "--dump-layout", "-"], 2,
               "--rotate")

        # Broken edition folders: the message names the article, line and rule.

        bad = os.path.join(tmp, "bad-utf8")
        shutil.copytree(good, bad)
        with open(os.path.join(bad, "articles", "limani.md"), "ab") as f:
            f.write(b"A bad byte: \xff here.\n")
        expect("invalid UTF-8 in an article", [exe, "--bundle", bad, "--dump-layout", "-"], 1,
               "articles/limani.md:15")
        bad = os.path.join(tmp, "missing-photo")
        shutil.copytree(good, bad)
        with open(os.path.join(bad, "articles", "limani.md"), "a") as f:
            f.write('\n![gone](images/missing.jpg "c")\n')
        expect("a photo that is not there", [exe, "--bundle", bad, "--render-pages",
                                              os.path.join(tmp, "m")], 1, "images/missing.jpg")

        # Archives: unsigned when a signature is required, and truncated.
        archive = os.path.join(tmp, "sample.tar.zst")
        p = subprocess.run([newsbundle, "pack", sample, "-o", archive], capture_output=True,
                           text=True, timeout=300)
        if p.returncode != 0:
            failures.append(f"newsbundle pack failed: {p.stderr.strip()[:300]}")
        else:
            private = os.path.join(tmp, "private-tmp")
            os.mkdir(private)
            env = dict(os.environ, TMPDIR=private)
            expect("unsigned archive, signature required",
                   [exe, "--bundle", archive, "--require-signature", "--dump-layout",
                    os.path.join(tmp, "y.json")], 1, "sample.tar.zst", env)
            cut = os.path.join(tmp, "cut.tar.zst")
            with open(archive, "rb") as f, open(cut, "wb") as g:
                g.write(f.read(3000))
            expect("truncated archive", [exe, "--bundle", cut, "--render-pages",
                                         os.path.join(tmp, "q")], 1, "cut.tar.zst", env)
            if os.listdir(private):
                failures.append(f"temporary files left in $TMPDIR: {os.listdir(private)}")
    for msg in failures:
        print("FAIL:", msg)
    print(f"{len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
