#!/usr/bin/env python3
"""--bundle accepts an archive: the edition is packed with newsbundle, rendered
from the archive through a private temporary folder under $TMPDIR that is
removed at exit, and the pages equal those rendered from the folder.

    check_archive.py NEWSKIOSK NEWSBUNDLE EDITION_DIR
"""
import filecmp
import os
import sys
import tempfile

from e2e_common import run


def main():
    exe, newsbundle, edition = sys.argv[1:4]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "edition.tar.zst")
        run([newsbundle, "pack", edition, "-o", archive])
        private = os.path.join(tmp, "tmpdir")
        os.mkdir(private)
        env = dict(os.environ, TMPDIR=private)
        a, b = os.path.join(tmp, "from-archive"), os.path.join(tmp, "from-folder")
        run([exe, "--bundle", archive, "--render-pages", a], env)
        run([exe, "--bundle", edition, "--render-pages", b])
        left = os.listdir(private)
        if left:
            failures.append(f"temporary files left in $TMPDIR: {left}")
        fa, fb = sorted(os.listdir(a)), sorted(os.listdir(b))
        if not fa or fa != fb:
            failures.append(f"archive gave {len(fa)} pages, folder {len(fb)}")
        for f in fa:
            if f in fb and not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), False):
                failures.append(f"{f} differs between archive and folder")
        print(f"{len(fa)} pages from the archive")
    for msg in failures:
        print("FAIL:", msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
