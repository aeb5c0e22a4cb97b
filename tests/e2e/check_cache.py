#!/usr/bin/env python3
"""The index cache of an installed edition (edition_open_dir_cached): the
kiosk writes state/current/index.cache after the first frame when there is
none, later boots read it instead of every article, and a damaged one is
ignored and written again; the first frame is the index's first page every
time, equal to --render-pages of the edition folder (which never uses a cache).

    check_cache.py NEWSKIOSK NEWSBUNDLE EDITION_DIR
"""
import filecmp
import os
import sys
import tempfile

from e2e_common import run

CACHE = "index.cache"


def main():
    exe, newsbundle, edition = sys.argv[1:4]
    failures = []
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    with tempfile.TemporaryDirectory() as tmp:
        bundle, state = os.path.join(tmp, "e.tar.zst"), os.path.join(tmp, "state")
        run([newsbundle, "pack", edition, "-o", bundle])
        run([newsbundle, "install", bundle, "--state-dir", state])
        pages = os.path.join(tmp, "pages")
        run([exe, "--bundle", edition, "--render-pages", pages], env)
        index1 = os.path.join(pages, "0001.png")
        cache = os.path.join(state, "current", CACHE)
        if os.path.exists(cache):  # an installer that writes one: start without
            os.unlink(cache)

        def boot(name):
            shot = os.path.join(tmp, name + ".png")
            script = os.path.join(tmp, name + ".events")
            with open(script, "w", encoding="utf-8") as f:
                f.write(f"screenshot {shot}\nquit\n")
            err = run([exe, "--state-dir", state, "--events", script], env).stderr
            if not os.path.exists(shot) or not filecmp.cmp(shot, index1, shallow=False):
                failures.append(f"{name}: the first frame is not the index's first page")
            if "index cache" in err:
                failures.append(f"{name}: {err.strip()[:300]}")

        boot("missing")
        if not os.path.exists(cache):
            failures.append("no index cache written after the first boot")
            good = b""
        else:
            with open(cache, "rb") as f:
                good = f.read()
        before = os.stat(cache).st_mtime_ns if good else 0
        boot("cached")
        if good and os.stat(cache).st_mtime_ns != before:
            failures.append("a good index cache was written again instead of read")

        mid = len(good) // 2
        damaged = {
            "flipped": good[:mid] + bytes([good[mid] ^ 0x40]) + good[mid + 1:],
            "cut": good[:len(good) - 9],
            "garbage": b"not an index cache\n",
            "empty": b"",
        } if good else {}
        for name, data in damaged.items():
            with open(cache, "wb") as f:
                f.write(data)
            boot(name)
            with open(cache, "rb") as f:
                if f.read() != good:
                    failures.append(f"{name}: the index cache was not written again whole")
        left = [n for n in os.listdir(os.path.join(state, "current")) if n.endswith(".tmp")]
        if left:
            failures.append(f"temporary files left in the edition: {left}")
        print(f"{2 + len(damaged)} boots from the installed edition, cache {len(good)} bytes")
    for msg in failures:
        print("FAIL:", msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
