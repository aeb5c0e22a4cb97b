#!/usr/bin/env python3
"""Power cuts for scripts/board-test (check f): QMP system_reset at random
points of the kiosk's install of a 1,000-article edition, and after every
boot a check that the installed edition is the old one or the new one, whole.

    powercut.py QMP_SOCKET SERIAL_LOG CUTS OUT_DIR EXPECT_JSON [SEED]
    powercut.py --screen QMP_SOCKET SERIAL_SOCKET CUTS OUT_DIR EXPECT_JSON [SEED]

The guest boots into tests/board/powercut-init.sh (PID 1), which prints
"NKPC ..." lines on the serial console (logged to SERIAL_LOG): what
`current` is before the kiosk repairs anything (TREE), the SHA-256 of the
kiosk's first screen (SHOT), and the kiosk's own lines ("newskiosk:
installing ..."). A reset drops everything the guest had not yet written to
its virtual disk (its page cache), as a power cut does.

The first install runs to its end (its length, D, sets the window) and is
cut just after the switch; every later one is cut at a uniformly random time
in [0, 1.1 D] after the kiosk says "installing". After each boot:
  - current names sequence 1 (old) or 2 (new): never none, never another;
  - its SHA256SUMS is that edition's (EXPECT_JSON "old"/"new" "sums") and
    every file it lists is whole (sha256sum -c in the guest);
  - while current is the old edition the new bundle is still in the inbox
    (a cut install is retried, nothing lost);
  - the kiosk's first screen is that edition's index page 1: the same bytes
    as the screenshot taken at image build ("shot"), or, when the bytes
    differ, at most TOLERANCE pixels differ from EXPECT_JSON's "png" (the
    guest then sends its PNG in base64; the host compares with ImageMagick).
With --screen the guest boots as on the board (systemd, the kiosk on
KMSDRM) and everything is seen from outside: the first frame (QMP
screendumps) must equal the old or the new edition's page 1, the TREE line
comes from `nk-powercut --check` in the serial root shell, the install is
seen by its progress bar (the screen's bottom rows), and the cut falls at a
random point after the bar appears; a boot that shows the new edition puts
the old state back (`nk-powercut --restore`) with the kiosk stopped.
Writes OUT_DIR/powercut.json (powercut-screen.json) and prints a summary. Exit 0 when every boot
passed, 1 otherwise, 2 on usage.
"""
import base64
import json
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmp  # noqa: E402  (tests/board/qmp.py)

BOOT_TIMEOUT = float(os.environ.get("NK_BOARD_CUT_TIMEOUT", "600"))
TOLERANCE = int(os.environ.get("NK_BOARD_TOLERANCE", str(800 * 480 // 200)))


def say(msg):
    print("board-test: f. " + msg, flush=True)


class Log:
    """The serial log, read as it grows from a position. The guest's lines
    carry no clock: each piece read is stamped with the host's time when it
    was read (the waits below read every 50 ms), which times the install."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.buf = ""
        self.stamps = []  # (offset in buf where a piece starts, time it was read)

    def mark(self):
        """Forgets everything logged so far: the next boot starts here."""
        self.pos = os.path.getsize(self.path) if os.path.exists(self.path) else 0
        self.buf = ""
        self.stamps = []

    def poll(self):
        if not os.path.exists(self.path):
            return
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        if not data:
            return
        self.pos += len(data)
        self.stamps.append((len(self.buf), time.time()))
        self.buf += data.decode("utf-8", "replace").replace("\r", "")

    def time_at(self, offset):
        """When the text at offset was read."""
        t = self.stamps[0][1] if self.stamps else time.time()
        for start, when in self.stamps:
            if start > offset:
                break
            t = when
        return t

    def wait(self, pattern, timeout, start=0):
        """The first match of pattern (a whole line) at or after offset start
        of this boot's text, waiting up to timeout seconds; None on timeout."""
        rx = re.compile(pattern, re.M)
        end = time.time() + timeout
        while True:
            self.poll()
            m = rx.search(self.buf, start)
            if m:
                return m
            if time.time() > end:
                return None
            time.sleep(0.05)


class Qmp:
    """One QMP connection for the whole run, opened again after an error.
    (QEMU serves one QMP client at a time: a connection left open, as
    socket.makefile keeps it after socket.close, leaves the next one waiting
    for its greeting for ever.)"""

    def __init__(self, path):
        self.path, self.s, self.f = path, None, None

    def run(self, cmd, args=None):
        if self.f is None:
            self.s, self.f = qmp.connect(self.path)
        try:
            return qmp.execute(self.f, cmd, args)
        except (OSError, ValueError):
            self.close()
            raise

    def close(self):
        if self.f is not None:
            for c in (self.f, self.s):
                try:
                    c.close()
                except OSError:
                    pass
        self.s = self.f = None


def differing_pixels(a, b):
    r = subprocess.run(["compare", "-metric", "AE", "-fuzz", "1%", a, b, "null:"],
                       capture_output=True, text=True)
    word = (r.stderr.strip().split() or [""])[0]
    return int(word) if word.isdigit() else None


def check_shot(log, m, which, expect, out_dir, tag):
    """The SHOT line m: (ok, text)."""
    got = m.group(1)
    if got == expect[which]["shot"]:
        return True, "screen = %s page 1 (same bytes)" % which
    if got == "none":
        return False, "no screenshot from the kiosk"
    pm = log.wait(r"^NKPC PNG-BEGIN\n(\S*)\nNKPC PNG-END$", 60, m.end())
    if not pm:
        return False, "screen %s differs and its PNG did not arrive" % got[:12]
    png = os.path.join(out_dir, "cut-%s.png" % tag)
    with open(png, "wb") as f:
        f.write(base64.b64decode(pm.group(1)))
    n = differing_pixels(png, expect[which]["png"])
    if n is not None and n <= TOLERANCE:
        os.unlink(png)
        return True, "screen = %s page 1 (%d pixels differ)" % (which, n)
    return False, "screen differs from %s page 1 by %s pixels (%s)" % (which, n, png)


def boot_check(log, expect, out_dir, tag):
    """Checks one boot; returns (ok, which, notes, where the kiosk's
    installing run starts in the text)."""
    m = log.wait(r"^NKPC TREE which=(\S+) sums=(\S+) whole=(\S+) inbox=(\d+) leftovers=(\d+)$",
                 BOOT_TIMEOUT)
    if not m:
        stop = log.wait(r"^NKPC STOP .*$", 0)
        return False, "?", ["no TREE line within %d s%s" % (BOOT_TIMEOUT, (": " + stop.group(0)) if stop else "")], 0
    which, sums, whole, inbox, left = m.group(1), m.group(2), m.group(3), int(m.group(4)), int(m.group(5))
    notes = ["current=%s leftovers=%d inbox=%d" % (which, left, inbox)]
    ok = True
    if which not in ("old", "new"):
        ok = False
        notes.append("current is neither edition")
    else:
        if sums != expect[which]["sums"]:
            ok = False
            notes.append("SHA256SUMS is not the %s edition's" % which)
        if whole != "yes":
            ok = False
            notes.append("a file of current does not match SHA256SUMS")
    if which == "old" and inbox < 1:
        ok = False
        notes.append("the new bundle is gone from the inbox, not installed")
    pos = m.end()
    kiosk_at = pos
    shots = ["new", "old"] if which == "new" else ["old"]
    for k, w in enumerate(shots):
        sm = log.wait(r"^NKPC SHOT (\S+)$", BOOT_TIMEOUT, pos)
        if not sm:
            return False, which, notes + ["no SHOT line"], pos
        good, text = check_shot(log, sm, w, expect, out_dir, "%s-%d" % (tag, k))
        ok = ok and good
        notes.append(text)
        # (the kiosk that installs is the last one started; its "installing"
        # line may come before or after its SHOT line)
        kiosk_at = max(kiosk_at, log.buf.rfind("NKPC KIOSK", 0, sm.start()))
        pos = sm.end()
        if w == "new":
            rm = log.wait(r"^NKPC RESTORED$", BOOT_TIMEOUT, pos)
            if not rm:
                return False, which, notes + ["the old state was not put back"], pos
            kiosk_at = pos = rm.end()
    return ok, which, notes, kiosk_at


W, H, BAR_PX = 800, 480, 6  # PROGRESS_BAR_PX in firmware/app/loop.c


def screendump(q, path):
    q.run("screendump", {"filename": path, "format": "png"})


def bar_fill(png):
    """(bar shown, its red fill's share of the width) of a screendump: the
    bar's track (#D8D4CC) and fill (#9C1C1C) lie over the bottom rows."""
    r = subprocess.run(["convert", png, "-crop", "%dx1+0+%d" % (W, H - BAR_PX // 2), "+repage",
                        "-format", "%[fx:mean]", "info:"], capture_output=True, text=True)
    try:
        mean = float(r.stdout.strip())
    except ValueError:
        return False, 0.0
    r = subprocess.run(["convert", png, "-crop", "%dx1+0+%d" % (W, H - BAR_PX // 2), "+repage",
                        "-fuzz", "12%", "-fill", "black", "-opaque", "#9C1C1C", "-fill", "white",
                        "+opaque", "black", "-format", "%[fx:1-mean]", "info:"],
                       capture_output=True, text=True)
    try:
        red = float(r.stdout.strip())
    except ValueError:
        red = 0.0
    return mean < 0.93, red


def screen_mode(q, ser, cuts, out_dir, expect, rng):
    def guest(cmd, timeout=300):
        return qmp.serial_run(ser, cmd, timeout)

    def first_frame(timeout):
        """Waits for a screen equal to the old or the new page 1."""
        end = time.time() + timeout
        shot = os.path.join(out_dir, "pc-poll.png")
        while time.time() < end:
            try:
                screendump(q, shot)
            except (OSError, RuntimeError):
                time.sleep(1)
                continue
            for w in ("old", "new"):
                n = differing_pixels(shot, expect[w]["png"])
                if n is not None and n <= TOLERANCE:
                    return w, n
            time.sleep(1)
        return None, None

    results, fails, window = [], 0, None
    fills = []
    t0 = time.time()
    say("--screen: %d cuts of the kiosk under systemd on KMSDRM" % cuts)
    for cut in range(cuts + 1):
        tb = time.time()
        shown, n = first_frame(BOOT_TIMEOUT)
        notes = []
        ok = shown is not None
        if not ok:
            notes.append("no screen equal to either edition's page 1 within %d s" % BOOT_TIMEOUT)
            os.replace(os.path.join(out_dir, "pc-poll.png"),
                       os.path.join(out_dir, "cut-screen-%03d.png" % cut))
        else:
            notes.append("first frame = %s page 1 (%d pixels differ) after %.0f s" %
                         (shown, n, time.time() - tb))
            status, text = guest("nk-powercut --check")
            m = re.search(r"NKPC TREE which=(\S+) sums=(\S+) whole=(\S+) inbox=(\d+) leftovers=(\d+)",
                          text)
            if not m:
                ok = False
                notes.append("no TREE line from the guest (status %d)" % status)
            else:
                which, sums, whole, inbox = m.group(1), m.group(2), m.group(3), int(m.group(4))
                notes.append("current=%s inbox=%d" % (which, inbox))
                if which != shown:
                    ok = False
                    notes.append("the screen shows %s, current is %s" % (shown, which))
                elif sums != expect[which]["sums"] or whole != "yes":
                    ok = False
                    notes.append("current is not the %s edition whole" % which)
                if which == "old" and inbox < 1:
                    ok = False
                    notes.append("the new bundle is gone from the inbox, not installed")
        entry = {"boot": cut, "ok": ok, "current": shown, "notes": notes}
        if cut > 0:
            results[-1]["after"] = entry
        fails += 0 if ok else 1
        say("screen boot %d: %s: %s" % (cut, "ok" if ok else "FAIL", "; ".join(notes)))
        if cut == cuts or not ok:
            break
        if shown == "new":
            status, _ = guest("systemctl stop newskiosk && nk-powercut --restore && "
                              "systemctl start newskiosk")
            if status != 0 or first_frame(BOOT_TIMEOUT)[0] != "old":
                fails += 1
                say("screen boot %d: putting the old state back failed" % cut)
                break
        # the install: the bar appears after the check of the old edition
        bar_png = os.path.join(out_dir, "pc-bar.png")
        t_bar = None
        end = time.time() + BOOT_TIMEOUT
        while time.time() < end:
            screendump(q, bar_png)
            shown_bar, _ = bar_fill(bar_png)
            if shown_bar:
                t_bar = time.time()
                break
            time.sleep(0.2)
        if t_bar is None:
            fails += 1
            say("screen boot %d: no progress bar within %d s" % (cut, BOOT_TIMEOUT))
            break
        if window is None:
            # the first install runs to its end: its length sets the window
            best = 0.0
            while time.time() < end:
                screendump(q, bar_png)
                shown_bar, red = bar_fill(bar_png)
                if red > best:
                    best = red
                    os.replace(bar_png, os.path.join(out_dir, "pc-progress.png"))
                if not shown_bar:
                    n = differing_pixels(bar_png, expect["new"]["png"]) if os.path.exists(bar_png) else None
                    if n is not None and n <= TOLERANCE:
                        break
                time.sleep(0.2)
            window = time.time() - t_bar
            fills.append(best)
            delay, done = window, True
            say("screen: the install took %.1f s from the bar to the new index; the bar's fill "
                "reached %.0f %% in a screendump (%s)" %
                (window, 100 * best, os.path.join(out_dir, "pc-progress.png")))
        else:
            delay = rng.uniform(0, 1.1 * window)
            time.sleep(max(0.0, t_bar + delay - time.time()))
            done = None
        q.run("system_reset")
        results.append({"cut": cut + 1, "after_s": round(delay, 2), "install_done": done})
        time.sleep(5)  # (a screendump right after the reset may still hold the last frame)
    elapsed = time.time() - t0
    outcome = {}
    for r in results:
        w = r.get("after", {}).get("current", "?")
        outcome[w] = outcome.get(w, 0) + 1
    with open(os.path.join(out_dir, "powercut-screen.json"), "w") as f:
        json.dump({"cuts": len(results), "failed_boots": fails, "install_s": window,
                   "elapsed_s": round(elapsed, 1), "current_after": outcome,
                   "bar_fill_seen": fills, "results": results}, f, indent=1)
    say("--screen: %d cuts in %.0f s; %d boots failed; shown after the cuts: %s" %
        (len(results), elapsed, fails, ", ".join("%s %d" % kv for kv in sorted(outcome.items()))))
    return 0 if fails == 0 and len(results) == cuts else 1


def main(argv):
    if len(argv) in (7, 8) and argv[1] == "--screen":
        sock, ser, cuts, out_dir, expect_path = argv[2:7]
        seed = int(argv[7]) if len(argv) == 8 else int(time.time())
        with open(expect_path) as f:
            expect = json.load(f)
        return screen_mode(Qmp(sock), ser, int(cuts), out_dir, expect, random.Random(seed))
    if len(argv) not in (6, 7):
        print(__doc__, file=sys.stderr)
        return 2
    sock, serial_log, cuts, out_dir, expect_path = argv[1:6]
    cuts = int(cuts)
    seed = int(argv[6]) if len(argv) == 7 else int(time.time())
    rng = random.Random(seed)
    with open(expect_path) as f:
        expect = json.load(f)
    log = Log(serial_log)
    q = Qmp(sock)
    results = []
    fails = 0
    t0 = time.time()
    window = None
    say("%d cuts, seed %d; boot timeout %d s" % (cuts, seed, BOOT_TIMEOUT))
    for cut in range(cuts + 1):
        ok, which, notes, pos = boot_check(log, expect, out_dir, "%03d" % cut)
        entry = {"boot": cut, "ok": ok, "current": which, "notes": notes}
        if cut > 0:
            results[-1]["after"] = entry
        if not ok:
            fails += 1
            with open(os.path.join(out_dir, "cut-%03d.log" % cut), "w") as f:
                f.write(log.buf)
        say("boot %d: %s: %s" % (cut, "ok" if ok else "FAIL", "; ".join(notes)))
        if cut == cuts:
            break
        im = log.wait(r"^newskiosk: installing .*$", BOOT_TIMEOUT, pos)
        if not im:
            say("boot %d: the kiosk did not start the install; reset" % cut)
            fails += 1
            delay, done = None, False
        else:
            t_inst = log.time_at(im.start())
            if window is None:
                dm = log.wait(r"^newskiosk: showing the new edition .*$", BOOT_TIMEOUT, im.end())
                if not dm:
                    say("the first install did not end within %d s" % BOOT_TIMEOUT)
                    return 1
                window = log.time_at(dm.start()) - t_inst
                delay, done = window, True
                say("the whole install took %.1f s (the kiosk's 'installing' to 'showing'); "
                    "cuts fall in [0, %.1f s]" % (window, 1.1 * window))
            else:
                delay = rng.uniform(0, 1.1 * window)
                time.sleep(max(0.0, t_inst + delay - time.time()))
                log.poll()
                done = re.search(r"^newskiosk: showing the new edition", log.buf[im.end():],
                                 re.M) is not None
        q.run("system_reset")
        log.mark()
        results.append({"cut": cut + 1, "after_s": None if delay is None else round(delay, 2),
                        "install_done": done})
    elapsed = time.time() - t0
    cut_done = sum(1 for r in results if r["install_done"])
    outcome = {}
    for r in results:
        w = r.get("after", {}).get("current", "?")
        outcome[w] = outcome.get(w, 0) + 1
    summary = {"cuts": len(results), "failed_boots": fails, "seed": seed,
               "install_s": window, "elapsed_s": round(elapsed, 1),
               "cut_after_the_switch": cut_done, "current_after": outcome, "results": results}
    with open(os.path.join(out_dir, "powercut.json"), "w") as f:
        json.dump(summary, f, indent=1)
    say("%d cuts in %.0f s (%.1f s a cut); %d boots failed; current after the cuts: %s; "
        "%d cuts came after the install's end" %
        (len(results), elapsed, elapsed / max(1, len(results)), fails,
         ", ".join("%s %d" % kv for kv in sorted(outcome.items())), cut_done))
    return 0 if fails == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
