#!/usr/bin/env python3
"""End-to-end tests of the interactive kiosk (issue 5), through --events.

    reader_e2e.py walk   NEWSKIOSK EDITION
    reader_e2e.py idle   NEWSKIOSK EDITION SECONDS MAX_CPU_S [xvfb]
    reader_e2e.py xvfb   NEWSKIOSK EDITION
    reader_e2e.py errors NEWSKIOSK EDITION
    reader_e2e.py inbox  NEWSKIOSK EDITION NEWSBUNDLE
    reader_e2e.py rotate NEWSKIOSK EDITION
    reader_e2e.py notify NEWSKIOSK EDITION
    reader_e2e.py font   NEWSKIOSK EDITION
    reader_e2e.py weston NEWSKIOSK EDITION SEAT_MODULE
    reader_e2e.py theme  NEWSKIOSK EDITION

walk: a scripted reader, headless (SDL dummy driver), opens every article
from the index by tapping its entry, pages to its end with keys, swipes and
edge taps, returns with Escape, uses the nav bar (next story, contents), runs
past an article's last page into the next, idles into the index and the
attract loop and touches out of it. Every screenshot must be byte-identical
to the page --render-pages writes for the page --dump-layout says is shown.

idle: the kiosk sits on the index; CPU time (utime+stime from /proc) over
SECONDS after start-up must stay under MAX_CPU_S; SIGTERM ends it with 0.
With "xvfb", the same in a real X window under Xvfb.

xvfb: a real window under Xvfb: a root-window screenshot (ImageMagick
import) is not blank; a mouse click (xdotool) on the first headline opens
the article (the screen changes). Skips (exit 77) without Xvfb/import/xdotool.
The window maps no Mesa (libLLVM, swrast_dri, libGL, libEGL: /proc/PID/maps)
in the chosen configuration, and does map it with SDL_RENDER_DRIVER=opengl
(the override, and proof that the check sees GL when it is there).

weston: the kiosk fullscreen under a headless weston (pixman renderer, its
own XDG_RUNTIME_DIR, kiosk-shell, SEAT_MODULE adding a touch seat) with SDL's
wayland driver: it presents through its own wl_shm buffers (the memfd is in
its maps), and weston-screenshooter's picture of the output equals the
--render-pages index page pixel for pixel. Skips (exit 77), saying why, only
where weston cannot start (not installed, the seat module not built, the
compositor exits or never opens its socket).

rotate: --rotate 90 and 270 on an 800x480 panel: taps given in the turned
(480x800) screen reach the right link through the window's coordinates, and
screenshots of the turned screen equal --render-pages with the same rotation.

font: on a later page of the longest article, A+ (the nav bar) and then the
'-' key re-paginate: each screenshot equals a page of that article rendered
by --render-pages at --font-scale 1.15 and 1.0, and the reader stays inside
the article past its first page (it keeps the paragraph, not page 1).

theme: the colour themes and the keypad (issue 13). --render-pages draws
the edition in normal, contrast and contrast-dark (whose pages differ from
normal's and are dark); a script then switches the theme with the 'c' key,
the bar's theme button and F2: each screenshot is byte-identical to the
--render-pages page of the page shown in the theme it switched to (the
reader's place kept). Keypad: Tab puts a focus ring on the bar's Contents
button (previous is greyed on the first story), Right moves it to the theme
button, Return switches the theme: each screenshot equals the rendered page
outside the focused button's box, and inside it the ring's outer pixels are
the theme's focus colour; Escape goes back to the index, with no ring, and
the index's own theme button (in its footer) switches again.

notify: under a fake systemd notify socket with WatchdogSec=0.4 s, the
kiosk sends READY=1 after its first frame and WATCHDOG=1 every ~0.2 s.

inbox: the installed-edition path: first boot with an empty state folder
shows the no-edition screen; a bundle copied into the inbox and SIGUSR1
install it (worker thread) and the index appears; the next start shows it at
once; a newer bundle (sequence 2) is installed behind the shown edition and
switched to; a damaged bundle is refused without disturbing the reader; a
damaged newer bundle that comes with SIGUSR1 (a USB stick's hand-over) shows
the status screen with the reason, one found by the inbox watch does not.

errors: bad --events scripts and config files: exit 2, one line naming the
file and line, no sanitizer report.
"""
import filecmp
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from e2e_common import SANITIZER, run

SKIP = 77
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def center(link):
    return link["x"] + link["w"] // 2, link["y"] + link["h"] // 2


class Walk:
    """Builds an --events script and the list of (screenshot, expected PNG)."""

    def __init__(self, pages, shots, pngs):
        self.pages, self.shots, self.pngs = pages, shots, pngs
        self.lines, self.expect = [], []
        self.index = [i for i, p in enumerate(pages) if p["kind"] == "index"]
        self.articles = []  # per article: list of page numbers in the dump
        for i, p in enumerate(pages):
            if p["kind"] != "article":
                continue
            if p["number"] == 1:
                self.articles.append([])
            self.articles[-1].append(i)

    def cmd(self, line):
        self.lines.append(line)

    def shot(self, page, what):
        name = os.path.join(self.shots, f"{len(self.expect):04d}.png")
        self.cmd(f"screenshot {name}")
        self.expect.append((name, os.path.join(self.pngs, f"{page + 1:04d}.png"), what))

    def index_page_of(self, a):
        path = self.pages[self.articles[a][0]]["article"]
        for i in self.index:
            for link in self.pages[i]["links"]:
                if link["action"] == "open_article" and link.get("article") == path:
                    return i, link
        sys.exit(f"FAIL: no index entry links to {path}")

    def nav(self, page, action):
        for link in self.pages[page]["links"]:
            if link["action"] == action:
                return link
        sys.exit(f"FAIL: page {page + 1} has no {action} link")


def test_walk(kiosk, edition):
    tmp = tempfile.mkdtemp(prefix="nk-walk-")
    try:
        conf = os.path.join(tmp, "kiosk.conf")
        write(conf, "idle_timeout = 1\nattract_interval = 1\n")
        pngs, shots = os.path.join(tmp, "pages"), os.path.join(tmp, "shots")
        os.mkdir(shots)
        dump = os.path.join(tmp, "layout.json")
        base = [kiosk, "--config", conf, "--bundle", edition, "--size", "800x480"]
        run(base + ["--dump-layout", dump, "--render-pages", pngs])
        with open(dump, encoding="utf-8") as f:
            pages = json.load(f)["pages"]
        w = Walk(pages, shots, pngs)
        if len(w.articles) < 2 or not w.index:
            sys.exit("FAIL: the edition needs an index and two articles for the walk")
        w.shot(w.index[0], "index page 1 at start")
        turn = ["key PageDown", "swipe left\nwait 200", "tap 795 240", "key Right", "key Space"]
        t = 0
        for a, article in enumerate(w.articles):
            ip, link = w.index_page_of(a)
            w.cmd("key Home")
            for _ in range(w.index.index(ip)):
                w.cmd("key PageDown")
            w.shot(ip, f"index page listing article {a + 1}")
            x, y = center(link)
            w.cmd(f"tap {x} {y}")
            w.shot(article[0], f"article {a + 1} page 1 after tapping its entry")
            for p in article[1:]:
                w.cmd(turn[t % len(turn)])
                w.shot(p, f"article {a + 1} page {pages[p]['number']} after '{turn[t % len(turn)]}'")
                t += 1
            if len(article) > 1:  # and back one page with a swipe right and Left
                w.cmd("swipe right\nwait 200" if a % 2 else "key Left")
                w.shot(article[-2], f"article {a + 1} one page back")
                w.cmd("key PageDown")
            w.cmd("key Escape")
            w.shot(ip, f"the index after Escape from article {a + 1}")

        # news navigation: past the last page, the nav bar, swipe down
        first, second = w.articles[0], w.articles[1]
        ip, link = w.index_page_of(0)
        w.cmd("key Home")
        for _ in range(w.index.index(ip)):
            w.cmd("key PageDown")
        w.cmd("tap %d %d" % center(link))
        for _ in first[1:]:
            w.cmd("key PageDown")
        w.shot(first[-1], "article 1, last page")
        w.cmd("key PageDown")
        w.shot(second[0], "past the last page: article 2, page 1")
        x, y = center(w.nav(second[0], "prev_story"))
        w.cmd(f"tap {x} {y}")
        w.shot(first[0], "previous story from the nav bar")
        x, y = center(w.nav(first[0], "next_story"))
        w.cmd(f"tap {x} {y}")
        w.shot(second[0], "next story from the nav bar")
        x, y = center(w.nav(second[0], "contents"))
        w.cmd(f"tap {x} {y}")
        ip2, _ = w.index_page_of(1)
        w.shot(ip2, "contents from the nav bar")
        w.cmd("key Home")
        w.cmd("tap %d %d" % center(w.index_page_of(0)[1]))
        w.cmd("swipe down")
        w.shot(ip, "swipe down from an article")

        # idle: the reader goes back to the index, then the attract loop
        w.cmd("tap %d %d" % center(w.index_page_of(0)[1]))
        w.cmd("key PageDown")
        w.cmd("wait 1100")
        w.shot(w.index[0], "idle 1 s: the index")
        w.cmd("wait 1000")
        w.shot(w.articles[0][0], "idle 2 s: attract, story 1")
        w.cmd("wait 1000")
        w.shot(w.articles[1][0], "idle 3 s: attract, story 2")
        w.cmd("tap %d %d" % center(w.index_page_of(0)[1]))
        w.shot(w.index[0], "a touch ends the attract loop on the index, without opening")
        w.cmd("quit")

        script = os.path.join(tmp, "walk.events")
        write(script, "# generated by reader_e2e.py walk\n" + "\n".join(w.lines) + "\n")
        run(base + ["--events", script], timeout=600)
        for shot, want, what in w.expect:
            if not os.path.exists(shot):
                fail(f"{what}: no screenshot {shot}")
            elif not filecmp.cmp(shot, want, shallow=False):
                fail(f"{what}: {shot} differs from {want}")
        print(f"walk: {len(w.expect)} screenshots compared, {len(w.lines)} script lines")
    finally:
        if not failures:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp, file=sys.stderr)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Xvfb:
    def __init__(self):
        self.proc = None
        for tool in ("Xvfb", "xdpyinfo"):
            if not shutil.which(tool):
                print(f"SKIP: {tool} is not installed")
                sys.exit(SKIP)
        # Xvfb picks a free display itself and writes its number to a pipe
        # (-displayfd): two tests starting servers at once (ctest -j) cannot
        # pick the same number, nor one test talk to the other's server.
        # -noreset: by default the server resets when its last client leaves,
        # and a client connecting meanwhile gets no display ("x11 not
        # available": 1 run in 6 of e2e.reader_xvfb_window under ctest -j3).
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "800x480x24", "-nolisten", "tcp",
             "-noreset"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(w,))
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()  # written once the server is ready
        if not number.isdigit():
            self.stop()
            sys.exit("FAIL: could not start Xvfb (no display number on -displayfd)")
        self.display = f":{number}"
        for _ in range(100):
            if subprocess.run(["xdpyinfo", "-display", self.display],
                              capture_output=True).returncode == 0:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        sys.exit("FAIL: could not start Xvfb")

    def env(self):
        env = dict(os.environ, DISPLAY=self.display, SDL_VIDEODRIVER="x11",
                   SDL_MOUSE_TOUCH_EVENTS="1")
        # Mesa and libdbus, loaded by SDL's X11 driver, leak at exit: not ours.
        env["ASAN_OPTIONS"] = "detect_leaks=0"
        return env

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def start_kiosk(cmd, env):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def stop_kiosk(p, what):
    p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        fail(f"{what}: did not stop on SIGTERM")
    if p.returncode != 0:
        fail(f"{what}: exit {p.returncode} after SIGTERM: {err.strip()[:2000]}")
    if SANITIZER.search(err):
        fail(f"{what}: sanitizer report: {err.strip()[:3000]}")


def wakeups(pid):
    """Context switches of all of pid's threads so far (each a wake-up)."""
    n = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        n += int(line.split()[1])
        except OSError:
            pass  # a thread that ended meanwhile
    return n


def test_idle(kiosk, edition, seconds, max_cpu, xvfb):
    x = Xvfb() if xvfb else None
    try:
        env = x.env() if x else dict(os.environ, SDL_VIDEODRIVER="dummy")
        conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        conf.write("idle_timeout = 120\n")
        conf.close()
        p = start_kiosk([kiosk, "--config", conf.name, "--bundle", edition], env)
        time.sleep(2.0)  # start-up: fonts, the index, the first frame
        if p.poll() is not None:
            sys.exit(f"FAIL: the kiosk exited early: {p.communicate()[1][:2000]}")
        before, woke = cpu_seconds(p.pid), wakeups(p.pid)
        time.sleep(seconds)
        used = cpu_seconds(p.pid) - before
        woke = wakeups(p.pid) - woke
        where = "Xvfb" if x else "dummy driver"
        print(f"idle on the index, {where}: {used:.3f} CPU s and {woke} thread wake-ups "
              f"in {seconds} s")
        if used > max_cpu:
            fail(f"idle {where}: {used:.3f} CPU s in {seconds} s, more than {max_cpu}")
        # read-aloud is on (audio = on by default): an open audio device's
        # thread would wake ~43 times a second even paused
        if woke > seconds:
            fail(f"idle {where}: the kiosk's threads woke {woke} times in {seconds} s "
                 f"(at most {seconds})")
        stop_kiosk(p, f"idle {where}")
        os.unlink(conf.name)
    finally:
        if x:
            x.stop()


def read_ppm(data):
    """(width, height, pixels as bytes) of a binary P6 PPM."""
    parts = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not parts:
        sys.exit("FAIL: import did not write a PPM")
    return int(parts.group(1)), int(parts.group(2)), data[parts.end():]


def screen_colours(display):
    png = subprocess.run(["import", "-display", display, "-window", "root", "ppm:-"],
                         capture_output=True, timeout=60)
    if png.returncode != 0:
        sys.exit(f"FAIL: import: {png.stderr.decode()[:500]}")
    w, h, px = read_ppm(png.stdout)
    colours = {}
    for i in range(0, len(px) - 2, 3 * 7):  # every 7th pixel is plenty
        c = px[i:i + 3]
        colours[c] = colours.get(c, 0) + 1
    return w, h, colours, px


GL_LIBS = re.compile(r"libLLVM|swrast_dri|libGL[X.]|libEGL[._]")


def gl_mapped(pid):
    """The Mesa/GL libraries in /proc/PID/maps, sorted."""
    with open(f"/proc/{pid}/maps") as f:
        paths = {line.split()[-1] for line in f if len(line.split()) >= 6}
    return sorted(os.path.basename(p) for p in paths if GL_LIBS.search(p))


def wait_window(p, env):
    """The X window id of the kiosk, or "" when none appeared."""
    for _ in range(200):
        r = subprocess.run(["xdotool", "search", "--name", "newskiosk"], env=env,
                           capture_output=True, text=True)
        wid = r.stdout.split()[0] if r.stdout.split() else ""
        if wid or p.poll() is not None:
            return wid
        time.sleep(0.05)
    return ""


def test_xvfb(kiosk, edition):
    for tool in ("import", "xdotool"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed")
            sys.exit(SKIP)
    x = Xvfb()
    try:
        env = x.env()
        tmp = tempfile.mkdtemp(prefix="nk-xvfb-")
        dump = os.path.join(tmp, "layout.json")
        run([kiosk, "--bundle", edition, "--dump-layout", dump],
            env=dict(os.environ, SDL_VIDEODRIVER="dummy"))
        with open(dump, encoding="utf-8") as f:
            first = json.load(f)["pages"][0]
        entry = [l for l in first["links"] if l["action"] == "open_article"][0]

        # --exit-after-first-frame opens a real window and exits 0
        run([kiosk, "--bundle", edition, "--exit-after-first-frame"], env=env, timeout=120)

        # the override brings GL back: the maps check below can see it
        gl_env = dict(env, SDL_RENDER_DRIVER="opengl")
        p = start_kiosk([kiosk, "--bundle", edition, "--size", "800x480"], gl_env)
        if not wait_window(p, gl_env):
            sys.exit(f"FAIL: no newskiosk window appeared: {p.communicate(timeout=10)[1][:2000]}")
        time.sleep(0.5)
        gl = gl_mapped(p.pid)
        print(f"xvfb, SDL_RENDER_DRIVER=opengl: maps {', '.join(gl) or 'no GL library'}")
        if not any("libGL" in g for g in gl):
            fail("with SDL_RENDER_DRIVER=opengl the window maps no libGL: the check is blind")
        stop_kiosk(p, "xvfb window (opengl)")

        env.pop("SDL_RENDER_DRIVER", None)
        env.pop("SDL_FRAMEBUFFER_ACCELERATION", None)
        p = start_kiosk([kiosk, "--bundle", edition, "--size", "800x480"], env)
        wid = wait_window(p, env)
        if not wid:
            sys.exit(f"FAIL: no newskiosk window appeared: {p.communicate(timeout=10)[1][:2000]}")
        time.sleep(1.0)
        gl = gl_mapped(p.pid)
        print(f"xvfb, default renderer: maps {', '.join(gl) or 'no GL library'}")
        if gl:
            fail(f"the window maps {', '.join(gl)}: the software renderer should need no GL")
        w, h, colours, index_px = screen_colours(x.display)
        common = max(colours.values())
        total = sum(colours.values())
        print(f"xvfb: {w}x{h}, {len(colours)} colours, the commonest covers {common / total:.0%}")
        if (w, h) != (800, 480):
            fail(f"root window is {w}x{h}")
        if len(colours) < 20 or common / total > 0.97:
            fail("the screen looks blank")
        cx, cy = center(entry)
        subprocess.run(["xdotool", "mousemove", "--window", wid, str(cx), str(cy), "click", "1"],
                       env=env, check=True)
        time.sleep(1.0)
        _, _, _, article_px = screen_colours(x.display)
        differ = sum(1 for i in range(0, len(index_px), 97) if index_px[i] != article_px[i])
        if differ < 100:
            fail("clicking the first headline did not change the screen")
        stop_kiosk(p, "xvfb window")
        shutil.rmtree(tmp, ignore_errors=True)
    finally:
        x.stop()


def test_errors(kiosk, edition):
    tmp = tempfile.mkdtemp(prefix="nk-err-")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    cases = [
        ("events", "tap 10 10\nfly away\n", r"bad\.events:2: unknown command 'fly'"),
        ("events", "key Escapee\n", r"bad\.events:1: unknown key name 'Escapee'"),
        ("events", "wait 10\ntap 900 100\n", r"bad\.events:2: tap 900 100 is outside the 800x480"),
        ("events", "swipe diagonal\n", r"bad\.events:1: swipe takes left, right, up or down"),
        ("events", "wait -5\n", r"bad\.events:1: wait takes milliseconds"),
        ("config", "size = 800x480\nidle_timout = 3\n", r"bad\.conf:2: unknown key 'idle_timout'"),
        ("config", "rotate = 45\n", r"bad\.conf:1: rotate must be 0, 90, 180 or 270"),
        ("config", "allow_quit = perhaps\n", r"bad\.conf:1: allow_quit must be yes or no"),
    ]
    for kind, text, want in cases:
        path = os.path.join(tmp, "bad.events" if kind == "events" else "bad.conf")
        write(path, text)
        opt = "--events" if kind == "events" else "--config"
        cmd = [kiosk, "--bundle", edition, opt, path]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        lines = p.stderr.strip().splitlines()
        if p.returncode != 2:
            fail(f"{text!r}: exit {p.returncode}, expected 2 ({p.stderr.strip()[:500]})")
        elif len(lines) != 1 or not re.search(want, lines[0]):
            fail(f"{text!r}: stderr {p.stderr.strip()[:500]!r}, expected one line like /{want}/")
        if SANITIZER.search(p.stderr):
            fail(f"{text!r}: sanitizer report")
    p = subprocess.run([kiosk, "--bundle", edition, "--events", "/nonexistent/x.events"],
                       capture_output=True, text=True, timeout=120, env=env)
    if p.returncode != 2 or "/nonexistent/x.events: cannot open the events script" not in p.stderr:
        fail(f"missing script: exit {p.returncode}: {p.stderr.strip()[:300]}")
    p = subprocess.run([kiosk, "--bundle", os.path.join(tmp, "none.tar.zst"),
                        "--exit-after-first-frame"],
                       capture_output=True, text=True, timeout=120, env=env)
    if p.returncode != 1 or "none.tar.zst" not in p.stderr or len(p.stderr.splitlines()) != 1:
        fail(f"missing bundle: exit {p.returncode}: {p.stderr.strip()[:300]}")
    # a render driver SDL does not have: SDL falls back to one it has, the kiosk runs
    p = subprocess.run([kiosk, "--bundle", edition, "--exit-after-first-frame"],
                       capture_output=True, text=True, timeout=120,
                       env=dict(env, SDL_RENDER_DRIVER="nonesuch"))
    if p.returncode != 0 or SANITIZER.search(p.stderr):
        fail(f"SDL_RENDER_DRIVER=nonesuch: exit {p.returncode}: {p.stderr.strip()[:300]}")
    # --latency-log: a line per input that changed the screen (the sample's
    # index has 3 pages, 4 once the edition has expired and shows its badge:
    # so many of the 6 Right keys less one turn a page), none for the rest;
    # a log that cannot be written is named, exit 1.
    dump = os.path.join(tmp, "index.json")
    run([kiosk, "--bundle", edition, "--dump-layout", dump], env=env)
    with open(dump, encoding="utf-8") as f:
        index_pages = sum(1 for pg in json.load(f)["pages"] if pg["kind"] == "index")
    script = os.path.join(tmp, "turns.events")
    write(script, "key Right\n" * 6 + "quit\n")
    log = os.path.join(tmp, "latency.txt")
    p = subprocess.run([kiosk, "--bundle", edition, "--events", script, "--latency-log", log],
                       capture_output=True, text=True, timeout=120, env=env)
    lines = open(log).read().splitlines() if os.path.exists(log) else []
    if p.returncode != 0 or not 2 <= index_pages <= 6 or len(lines) != index_pages - 1 or \
            not all(re.fullmatch(r"key Right \d+\.\d{3}", line) for line in lines):
        fail(f"latency log: exit {p.returncode}, lines {lines!r}: {p.stderr.strip()[:300]}")
    p = subprocess.run([kiosk, "--bundle", edition, "--exit-after-first-frame",
                        "--latency-log", "/nonexistent/latency.txt"],
                       capture_output=True, text=True, timeout=120, env=env)
    if p.returncode != 1 or "--latency-log /nonexistent/latency.txt" not in p.stderr or \
            len(p.stderr.splitlines()) != 1:
        fail(f"latency log in a missing folder: exit {p.returncode}: {p.stderr.strip()[:300]}")
    # --open: an article that is not in the edition is named, exit 2; one that
    # is shows its first page as the first frame, as --render-pages draws it
    p = subprocess.run([kiosk, "--bundle", edition, "--open", "articles/nope.md",
                        "--exit-after-first-frame"], capture_output=True, text=True, timeout=120,
                       env=env)
    if p.returncode != 2 or len(p.stderr.strip().splitlines()) != 1 or \
            "--open articles/nope.md: the edition has no such article" not in p.stderr:
        fail(f"--open of a missing article: exit {p.returncode}: {p.stderr.strip()[:300]}")
    with open(dump, encoding="utf-8") as f:
        pages = json.load(f)["pages"]
    art = next(pg["article"] for pg in pages if pg["kind"] == "article")
    first = next(i for i, pg in enumerate(pages) if pg.get("article") == art)
    run([kiosk, "--bundle", edition, "--render-pages", os.path.join(tmp, "pages")], env=env)
    shot = os.path.join(tmp, "open.png")
    write(os.path.join(tmp, "open.events"), f"screenshot {shot}\nquit\n")
    # (an audio device, so that the bar keeps the speaker --render-pages draws)
    p = subprocess.run([kiosk, "--bundle", edition, "--open", art, "--events",
                        os.path.join(tmp, "open.events")], capture_output=True, text=True,
                       timeout=120, env=dict(env, SDL_AUDIODRIVER="dummy"))
    want = os.path.join(tmp, "pages", f"{first + 1:04d}.png")
    if p.returncode != 0 or not os.path.exists(shot):
        fail(f"--open {art}: exit {p.returncode}: {p.stderr.strip()[:300]}")
    else:
        differ = differing_pixels(shot, want)
        if differ:
            fail(f"--open {art}: the first frame is not the article's first page "
                 f"({differ} pixels differ)")
    # the restart count on the status screen: starts counted in $RUNTIME_DIRECTORY/starts
    # (systemd's RuntimeDirectory=, emptied at boot); a file that holds no number counts as
    # 0; a folder that cannot be written is one warning, and the kiosk runs on
    rt = os.path.join(tmp, "run")
    os.makedirs(rt)
    status = os.path.join(tmp, "status.json")
    write(os.path.join(tmp, "status.events"), f"key F1\ndump {status}\nquit\n")

    def restarts_line(runtime):
        e = dict(env)
        e.pop("RUNTIME_DIRECTORY", None)
        if runtime:
            e["RUNTIME_DIRECTORY"] = runtime
        p = subprocess.run([kiosk, "--bundle", edition, "--events",
                            os.path.join(tmp, "status.events")], capture_output=True, text=True,
                           timeout=120, env=e)
        with open(status, encoding="utf-8") as f:
            texts = [ln["text"] for pg in json.load(f)["pages"] for ln in pg["lines"]]
        got = [t for t in texts if t.startswith("Restarts since the board started")]
        return p, got
    for want in ("0", "1", "2"):
        p, got = restarts_line(rt)
        if p.returncode != 0 or got != [f"Restarts since the board started: {want}"]:
            fail(f"restart count: exit {p.returncode}, {got}, expected {want}")
    write(os.path.join(rt, "starts"), "not a number\n")
    p, got = restarts_line(rt)
    if got != ["Restarts since the board started: 0"] or open(os.path.join(rt, "starts")).read() != "1\n":
        fail(f"restart count after a damaged file: {got}")
    p, got = restarts_line(None)
    if got:
        fail(f"without RUNTIME_DIRECTORY the status screen still counts restarts: {got}")
    p, got = restarts_line(os.path.join(tmp, "no-such-folder"))
    if p.returncode != 0 or "cannot count this start" not in p.stderr or \
            got != ["Restarts since the board started: 0"]:
        fail(f"restart count in a missing folder: exit {p.returncode}, {got}: {p.stderr[:300]}")
    # SIGUSR2: the screen's text (here the status screen, restarts included) as the
    # script's dump writes it, in $RUNTIME_DIRECTORY/screen.json, for an operator's shell
    # (and board-test, which reads the count off the board's screen this way)
    write(os.path.join(tmp, "hold.events"), "key F1\nwait 15000\nquit\n")
    screen = os.path.join(rt, "screen.json")
    for e2 in (dict(env, RUNTIME_DIRECTORY=rt), {k: v for k, v in env.items()
                                                  if k not in ("RUNTIME_DIRECTORY",
                                                               "XDG_RUNTIME_DIR")}):
        p = start_kiosk([kiosk, "--bundle", edition, "--events",
                         os.path.join(tmp, "hold.events")], e2)
        time.sleep(2.0)
        p.send_signal(signal.SIGUSR2)
        for _ in range(100):
            if os.path.exists(screen) or p.poll() is not None or "RUNTIME_DIRECTORY" not in e2:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        err = p.communicate(timeout=30)[1]
        if p.returncode != 0 or SANITIZER.search(err):
            fail(f"SIGUSR2: exit {p.returncode}: {err.strip()[:2000]}")
        if "RUNTIME_DIRECTORY" in e2:
            starts = open(os.path.join(rt, "starts")).read().strip()
            try:
                with open(screen, encoding="utf-8") as f:
                    texts = [ln["text"] for pg in json.load(f)["pages"] for ln in pg["lines"]]
            except (OSError, ValueError) as ex:
                fail(f"SIGUSR2: no screen.json ({ex}): {err[-300:]}")
                texts = []
            want = f"Restarts since the board started: {int(starts) - 1}"
            if want not in texts or not any("Operator status" in t for t in texts) or \
                    f"the screen's text is in {screen}" not in err:
                fail(f"SIGUSR2: the status screen's text, expected '{want}': {texts[:12]}")
            if os.path.exists(screen + ".tmp"):
                fail("SIGUSR2: screen.json.tmp left behind")
        elif "SIGUSR2: no folder to write the screen's text in" not in err:
            fail(f"SIGUSR2 without a runtime folder: no message: {err[-300:]}")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"errors: {len(cases) + 8} bad inputs checked, the latency log written, --open shown, "
          "restarts counted, SIGUSR2 writes the screen's text")


def kiosk_with_signal(cmd, env, inbox, bundles, after_file=None):
    """Runs cmd; after 1 s (or once after_file exists: a screenshot its
    script takes) copies bundles into inbox and sends SIGUSR1."""
    p = start_kiosk(cmd, env)
    time.sleep(1.0)
    end = time.time() + 60
    while after_file and not os.path.exists(after_file) and time.time() < end \
            and p.poll() is None:
        time.sleep(0.1)
    if after_file and not os.path.exists(after_file):
        p.kill()
        out, err = p.communicate()
        sys.exit(f"FAIL: {' '.join(cmd)}: its script did not reach the screenshot "
                 f"{after_file} in 60 s (exit {p.returncode}): {err.strip()[-1500:]}")
    for b in bundles:
        shutil.copy(b, inbox)
    p.send_signal(signal.SIGUSR1)
    out, err = p.communicate(timeout=120)
    if p.returncode != 0 or SANITIZER.search(err):
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {err.strip()[:3000]}")
    return err


def test_inbox(kiosk, edition, newsbundle):
    tmp = tempfile.mkdtemp(prefix="nk-inbox-")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    state, inbox = os.path.join(tmp, "state"), os.path.join(tmp, "inbox")
    os.mkdir(inbox)
    b1 = os.path.join(tmp, "one.tar.zst")
    run([newsbundle, "pack", edition, "-o", b1])
    pngs = os.path.join(tmp, "pages")
    run([kiosk, "--bundle", edition, "--render-pages", pngs], env=env)
    index1 = os.path.join(pngs, "0001.png")
    base = [kiosk, "--state-dir", state, "--inbox", inbox]

    script = os.path.join(tmp, "a.events")
    write(script, "screenshot %s/a0.png\nwait 5000\nscreenshot %s/a1.png\nquit\n" % (tmp, tmp))
    err = kiosk_with_signal(base + ["--events", script], env, inbox, [b1])
    if "installing" not in err:
        fail(f"no install reported: {err.strip()[:500]}")
    if filecmp.cmp(os.path.join(tmp, "a0.png"), index1, shallow=False):
        fail("first boot with nothing installed shows the index?")
    if not filecmp.cmp(os.path.join(tmp, "a1.png"), index1, shallow=False):
        fail("after SIGUSR1 and the install, the screen is not the index page 1")
    if not os.path.islink(os.path.join(state, "current")):
        fail("no state/current after the install")

    write(script, "screenshot %s/b0.png\nquit\n" % tmp)
    run(base + ["--events", script], env=env)
    if not filecmp.cmp(os.path.join(tmp, "b0.png"), index1, shallow=False):
        fail("the installed edition is not shown at once on the next start")

    # a newer edition behind the shown one, and a damaged bundle
    src2 = os.path.join(tmp, "edition2")
    shutil.copytree(edition, src2)
    man = os.path.join(src2, "manifest.yaml")
    with open(man, encoding="utf-8") as f:
        text = f.read()
    write(man, re.sub(r"(?m)^sequence: *\d+", "sequence: 2", text))
    b2 = os.path.join(tmp, "two.tar.zst")
    run([newsbundle, "pack", src2, "-o", b2])
    bad = os.path.join(tmp, "zz-bad.tar.zst")
    with open(b1, "rb") as f:
        data = f.read()
    with open(bad, "wb") as f:
        f.write(data[: len(data) // 2])
    write(script, "wait 5000\nscreenshot %s/c1.png\nquit\n" % tmp)
    err = kiosk_with_signal(base + ["--events", script], env, inbox, [b2, bad])
    if "showing the new edition" not in err:
        fail(f"the newer edition was not switched to: {err.strip()[:800]}")
    target = os.readlink(os.path.join(state, "current"))
    if not re.search(r"(^|/)2-", target):
        fail(f"state/current is {target}, expected sequence 2")
    if not os.path.exists(os.path.join(tmp, "c1.png")):
        fail("no screenshot after the switch")

    # edition 2 damaged on disk: boot shows it after the cheap checks (no
    # hashing before the first frame), the full check in the worker then
    # fails and the screen switches to edition 1, saying why (the inbox is
    # emptied first: its good edition 2 would be installed again at once)
    for name in os.listdir(inbox):
        os.unlink(os.path.join(inbox, name))
    arts = os.path.join(state, "current", "articles")
    victim = os.path.join(arts, sorted(os.listdir(arts))[0])
    with open(victim, "a", encoding="utf-8") as f:
        f.write("tampered\n")
    write(script, "screenshot %s/d0.png\nwait 3000\nscreenshot %s/d1.png\nquit\n" % (tmp, tmp))
    err = run(base + ["--events", script], env=env).stderr
    if filecmp.cmp(os.path.join(tmp, "d0.png"), os.path.join(tmp, "a0.png"), shallow=False):
        fail("the installed edition was not shown before its full check")
    if "failed its check" not in err or "showing the previous edition" not in err:
        fail(f"the failed check was not reported: {err.strip()[:800]}")
    target = os.readlink(os.path.join(state, "current"))
    if not re.search(r"(^|/)1-", target):
        fail(f"state/current is {target} after the failed check, expected sequence 1")
    if not filecmp.cmp(os.path.join(tmp, "d1.png"), index1, shallow=False):
        fail("after the fallback the screen is not edition 1's index page 1")

    # a damaged newer bundle brought by a stick (SIGUSR1, as the USB
    # hand-over sends): refused, and the status screen says why to whoever
    # plugged it in; one a sync engine drops in (no signal) is refused too,
    # but the reader is not interrupted
    def damaged(seq, name):
        src = os.path.join(tmp, "edition%d" % seq)
        shutil.copytree(edition, src)
        m = os.path.join(src, "manifest.yaml")
        with open(m, encoding="utf-8") as f:
            text = f.read()
        write(m, re.sub(r"(?m)^sequence: *\d+", "sequence: %d" % seq, text))
        good = os.path.join(tmp, "good%d.tar.zst" % seq)
        run([newsbundle, "pack", src, "-o", good])
        with open(good, "rb") as f:
            data = f.read()
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data[: len(data) * 7 // 10])  # its manifest reads; its photos do not
        return path

    def status_lines(dump):
        with open(dump, encoding="utf-8") as f:
            d = json.load(f)
        return " ".join(ln["text"] for pg in d["pages"] for ln in pg["lines"])

    for name in os.listdir(inbox):
        os.unlink(os.path.join(inbox, name))
    stick = damaged(3, "stick3.tar.zst")
    # (the status screen opened and left first: the refusal must redraw it, not show
    # the one laid out before; on the emulated board it said "rejected: none").
    # The stick comes once the script has left the status screen (its
    # screenshot): under qemu-user (armhf) the kiosk started so slowly that
    # the refusal came before the script's Escape, which then left it. The
    # screen is read every 2 s up to 16 s.
    left = os.path.join(tmp, "left-status.png")
    dumps = [os.path.join(tmp, "refused-%d.json" % i) for i in range(8)]
    write(script, "key F1\nwait 300\nkey Escape\nwait 100\nscreenshot %s\n" % left +
          "".join("wait 2000\ndump %s\n" % d for d in dumps) + "quit\n")
    err = kiosk_with_signal(base + ["--events", script], env, inbox, [stick], after_file=left)
    texts = [status_lines(d) for d in dumps]
    if not any("Operator status" in t and "stick3.tar.zst" in t and "damaged" in t
               for t in texts):
        fail(f"a stick's refused bundle: the screen does not say why in 16 s: "
             f"{texts[-1][:500]} / {err[-500:]}")
    if not re.search(r"(^|/)1-", os.readlink(os.path.join(state, "current"))):
        fail("after the refused stick bundle, current is not edition 1")
    os.unlink(os.path.join(inbox, "stick3.tar.zst"))
    synced = damaged(4, "synced4.tar.zst")
    dump = os.path.join(tmp, "synced.json")
    write(script, "wait 6000\ndump %s\nscreenshot %s/e2.png\nquit\n" % (dump, tmp))
    p = start_kiosk(base + ["--events", script], env)
    time.sleep(1.0)
    shutil.copy(synced, inbox)  # no SIGUSR1: the inbox watch finds it
    out, err = p.communicate(timeout=120)
    if p.returncode != 0 or SANITIZER.search(err):
        fail(f"synced damaged bundle: exit {p.returncode}: {err.strip()[:1500]}")
    if "synced4.tar.zst" not in err:
        fail(f"the synced damaged bundle was not tried: {err.strip()[:800]}")
    if "Operator status" in status_lines(dump) or \
            not filecmp.cmp(os.path.join(tmp, "e2.png"), index1, shallow=False):
        fail("a synced (unannounced) refused bundle interrupted the reader")

    # an install that fails on the state folder itself (here editions/ is a
    # file; on a board: a full or read-only partition) is not the bundle's
    # fault, so it is not remembered as refused; it is tried again in a
    # minute, not at once in a loop (which spun the CPU and filled the log)
    broken, inbox5 = os.path.join(tmp, "broken-state"), os.path.join(tmp, "inbox5")
    os.mkdir(broken)
    os.mkdir(inbox5)
    write(os.path.join(broken, "editions"), "not a folder\n")
    shutil.copy(b1, inbox5)
    write(script, "wait 4000\nquit\n")
    err = run([kiosk, "--state-dir", broken, "--inbox", inbox5, "--events", script],
              env=env).stderr
    tries = err.count("newskiosk: installing ")
    if tries != 1 or "trying again in 60 s" not in err:
        fail(f"a failing state folder: {tries} install attempts in 4 s, expected 1: {err[-600:]}")
    shutil.rmtree(tmp, ignore_errors=True)
    print("inbox: first boot, SIGUSR1 install, shown at once, newer edition switched, "
          "damaged edition shown first then fallen back, a stick's refused bundle says why "
          "on screen, a synced one does not interrupt, a failing state folder is not retried "
          "in a loop")


def test_rotate(kiosk, edition):
    tmp = tempfile.mkdtemp(prefix="nk-rot-")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    for rot in ("90", "270"):
        base = [kiosk, "--bundle", edition, "--size", "800x480", "--rotate", rot]
        pngs, dump = os.path.join(tmp, "pages" + rot), os.path.join(tmp, rot + ".json")
        run(base + ["--dump-layout", dump, "--render-pages", pngs], env=env)
        with open(dump, encoding="utf-8") as f:
            d = json.load(f)
        if (d["screen"]["width"], d["screen"]["height"]) != (480, 800):
            fail(f"--rotate {rot}: the screen is {d['screen']}, expected 480x800")
        w = Walk(d["pages"], tmp, pngs)
        w.shot(0, f"rotate {rot}: index")
        w.cmd("tap %d %d" % center(w.index_page_of(0)[1]))
        w.shot(w.articles[0][0], f"rotate {rot}: article 1 after a tap")
        w.cmd("tap %d %d" % (470, 400))  # the turned screen's right edge
        w.shot(w.articles[0][1], f"rotate {rot}: page 2 after an edge tap")
        w.cmd("swipe right\nwait 200")
        w.shot(w.articles[0][0], f"rotate {rot}: page 1 after a swipe right")
        w.cmd("quit")
        script = os.path.join(tmp, rot + ".events")
        write(script, "\n".join(w.lines) + "\n")
        run(base + ["--events", script], env=env)
        for shot, want, what in w.expect:
            if not filecmp.cmp(shot, want, shallow=False):
                fail(f"{what}: {shot} differs from {want}")
        for shot, _, _ in w.expect:
            os.unlink(shot)
    shutil.rmtree(tmp, ignore_errors=True)
    print("rotate: 90 and 270 checked")


def test_notify(kiosk, edition):
    import socket
    tmp = tempfile.mkdtemp(prefix="nk-notify-")
    path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
    p = start_kiosk([kiosk, "--bundle", edition], env)
    got = []
    try:
        start = None
        while True:
            msg = sock.recv(4096).decode()
            got.append(msg)
            if "READY=1" in msg and start is None:
                start = time.monotonic()
            if start is not None and sum("WATCHDOG=1" in m for m in got) >= 3:
                break
            if start is not None and time.monotonic() - start > 5:
                break
    except socket.timeout:
        pass
    stop_kiosk(p, "notify")
    if not any("READY=1" in m for m in got):
        fail(f"no READY=1 (got {got})")
    if sum("WATCHDOG=1" in m for m in got) < 3:
        fail(f"fewer than 3 WATCHDOG=1 within 5 s (got {got})")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"notify: {len(got)} messages")


def test_font(kiosk, edition):
    tmp = tempfile.mkdtemp(prefix="nk-font-")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    runs = {}
    for scale in ("1.0", "1.15"):
        pngs, dump = os.path.join(tmp, "pages" + scale), os.path.join(tmp, scale + ".json")
        run([kiosk, "--bundle", edition, "--font-scale", scale, "--dump-layout", dump,
             "--render-pages", pngs], env=env)
        with open(dump, encoding="utf-8") as f:
            runs[scale] = (json.load(f)["pages"], pngs)
    pages, pngs = runs["1.0"]
    w = Walk(pages, tmp, pngs)
    a = max(range(len(w.articles)), key=lambda i: len(w.articles[i]))
    art = w.articles[a]
    if len(art) < 4:
        sys.exit("FAIL: the longest article has fewer than 4 pages")
    target = min(4, len(art) - 1)
    ip, link = w.index_page_of(a)
    for _ in range(w.index.index(ip)):
        w.cmd("key PageDown")
    w.cmd("tap %d %d" % center(link))
    for _ in range(target):
        w.cmd("key PageDown")
    w.shot(art[target], f"article {a + 1} page {target + 1}")
    w.cmd("tap %d %d" % center(w.nav(art[target], "font_larger")))
    larger = os.path.join(tmp, "larger.png")
    w.cmd(f"screenshot {larger}")
    w.cmd("key -")
    back = os.path.join(tmp, "back.png")
    w.cmd(f"screenshot {back}")
    w.cmd("quit")
    script = os.path.join(tmp, "font.events")
    write(script, "\n".join(w.lines) + "\n")
    run([kiosk, "--bundle", edition, "--events", script], env=env)
    for shot, want, what in w.expect:
        if not filecmp.cmp(shot, want, shallow=False):
            fail(f"{what}: {shot} differs from {want}")
    path = pages[art[0]]["article"]
    for shot, scale in ((larger, "1.15"), (back, "1.0")):
        spages, spngs = runs[scale]
        match = [p for i, p in enumerate(spages) if p.get("article") == path and filecmp.cmp(
            shot, os.path.join(spngs, f"{i + 1:04d}.png"), shallow=False)]
        if not match:
            fail(f"after the font change to {scale}: the screen is no page of {path}")
        elif match[0]["number"] < 2:
            fail(f"after the font change to {scale}: back on page 1 (the place was lost)")
        else:
            print(f"font {scale}: page {match[0]['number']} of {match[0]['of']}")
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)


def read_png(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB or RGBA PNG."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                sys.exit(f"FAIL: {path}: PNG colour type {ctype} depth {depth} not read here")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append(bytes(line) if bpp == 3 else bytes(
            v for k in range(w) for v in line[k * 4:k * 4 + 3]))
    return w, h, rows


def pixel(png, x, y):
    return tuple(png[2][y][x * 3:x * 3 + 3])


def differences_outside(a, b, box):
    """Pixels that differ between two decoded PNGs outside box (x, y, w, h),
    and the number inside it."""
    bx, by, bw, bh = box
    outside = inside = 0
    for y in range(a[1]):
        ra, rb = a[2][y], b[2][y]
        if ra == rb:
            continue
        for x in range(a[0]):
            if ra[x * 3:x * 3 + 3] != rb[x * 3:x * 3 + 3]:
                if bx <= x < bx + bw and by <= y < by + bh:
                    inside += 1
                else:
                    outside += 1
    return outside, inside


THEMES = ("normal", "contrast", "contrast-dark")
RING_MARGIN = 4  # RENDER_FOCUS_MARGIN
FOCUS = {"normal": (0x1F, 0x5F, 0xAD), "contrast": (0x00, 0x40, 0xC0),
         "contrast-dark": (0x40, 0xC8, 0xFF)}
PAPER = {"normal": (0xFB, 0xFA, 0xF6), "contrast": (0xFF, 0xFF, 0xFF),
         "contrast-dark": (0, 0, 0)}


def test_theme(kiosk, edition):
    tmp = tempfile.mkdtemp(prefix="nk-theme-")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    pngs = {}
    dump = os.path.join(tmp, "layout.json")
    for t in THEMES:
        pngs[t] = os.path.join(tmp, t)
        run([kiosk, "--bundle", edition, "--theme", t, "--render-pages", pngs[t]]
            + (["--dump-layout", dump] if t == "normal" else []), env=env)
    with open(dump, encoding="utf-8") as f:
        pages = json.load(f)["pages"]
    w = Walk(pages, tmp, pngs["normal"])

    def page_png(t, i):
        return os.path.join(pngs[t], f"{i + 1:04d}.png")

    art = w.articles[0]
    if len(art) < 2:
        sys.exit("FAIL: the first article has one page")
    page = art[1]
    # the renders: every theme's page differs from normal's, on its own paper
    for t in THEMES:
        for i in (w.index[0], page):
            png = read_png(page_png(t, i))
            if pixel(png, 0, 0) != PAPER[t]:
                fail(f"--render-pages --theme {t}: page {i + 1}'s corner is {pixel(png, 0, 0)}, "
                     f"not the paper {PAPER[t]}")
            if t != "normal" and filecmp.cmp(page_png(t, i), page_png("normal", i), shallow=False):
                fail(f"--render-pages --theme {t}: page {i + 1} is the normal theme's")
    shots = []  # (screenshot, expected theme, page, focus link or None, what)

    def shot(t, i, what, focus=None):
        name = os.path.join(tmp, f"shot{len(shots):02d}.png")
        w.cmd(f"screenshot {name}")
        shots.append((name, t, i, focus, what))

    shot("normal", w.index[0], "the index at start")
    w.cmd("key c")
    shot("contrast", w.index[0], "the index after key c")
    ip, link = w.index_page_of(0)
    for _ in range(w.index.index(ip)):
        w.cmd("key PageDown")
    w.cmd("tap %d %d" % center(link))
    w.cmd("key PageDown")
    shot("contrast", page, "article 1 page 2, still in contrast")
    w.cmd("tap %d %d" % center(w.nav(page, "theme")))
    shot("contrast-dark", page, "after the bar's theme button: same page, contrast-dark")
    w.cmd("key F2")
    shot("normal", page, "after F2: back to normal, same page")
    w.cmd("key Tab")
    shot("normal", page, "Tab: the focus on Contents", w.nav(page, "contents"))
    w.cmd("key Right")
    w.cmd("key Right")
    shot("normal", page, "Right, Right: the focus on the theme button", w.nav(page, "theme"))
    w.cmd("key Return")
    shot("contrast", page, "Return on the theme button: contrast, the focus kept",
         w.nav(page, "theme"))
    w.cmd("key Escape")
    shot("contrast", ip, "Escape: the index page of the article, no ring")
    w.cmd("tap %d %d" % center(w.nav(ip, "theme")))
    shot("contrast-dark", ip, "the index's theme button: contrast-dark")
    w.cmd("quit")
    script = os.path.join(tmp, "theme.events")
    write(script, "\n".join(w.lines) + "\n")
    run([kiosk, "--bundle", edition, "--events", script], env=env)
    for name, t, i, focus, what in shots:
        want = page_png(t, i)
        if focus is None:
            if not filecmp.cmp(name, want, shallow=False):
                fail(f"{what}: {name} differs from {want}")
            continue
        got, ref = read_png(name), read_png(want)
        # the ring lies RING_MARGIN px around the box, moved inside at the
        # screen's edge (the bar at its foot)
        x0, y0 = max(focus["x"] - RING_MARGIN, 0), max(focus["y"] - RING_MARGIN, 0)
        x1 = min(focus["x"] + focus["w"] + RING_MARGIN, got[0])
        y1 = min(focus["y"] + focus["h"] + RING_MARGIN, got[1])
        box = (x0, y0, x1 - x0, y1 - y0)
        outside, inside = differences_outside(got, ref, box)
        if outside:
            fail(f"{what}: {outside} pixels differ from {want} outside the ring's box {box}")
        if inside < 2 * (box[2] + box[3]):
            fail(f"{what}: only {inside} pixels of a ring inside the ring's box {box}")
        corners = [pixel(got, x0, y0), pixel(got, x1 - 1, y0 + 1), pixel(got, x0 + 1, y1 - 1)]
        if any(c != FOCUS[t] for c in corners):
            fail(f"{what}: the ring's pixels are {corners}, not {t}'s focus colour {FOCUS[t]}")
        else:
            print(f"{what}: ring {FOCUS[t]} around {box}, {inside} pixels changed, none outside")
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)


class Weston:
    """A headless weston on its own socket and XDG_RUNTIME_DIR; exits 77 if it cannot start."""

    def __init__(self, seat_module, width, height, seat=True):
        """seat False: no input seat at all, as weston before its first input device."""
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="nk-weston-")
        if not shutil.which("weston"):
            self.skip("weston is not installed (Debian package weston)")
        if seat and (not seat_module or not os.path.exists(seat_module)):
            self.skip("the weston seat module was not built (libweston-10-dev missing at "
                      "configure time)")
        os.chmod(self.dir, 0o700)
        self.socket = "nk-wayland-0"
        self.log = open(os.path.join(self.dir, "weston.log"), "w+")
        self.proc = subprocess.Popen(
            ["weston", "--backend=headless-backend.so", "--use-pixman", "--debug",
             f"--width={width}", f"--height={height}", "--shell=kiosk-shell.so",
             f"--socket={self.socket}", "--idle-time=0", "--no-config"] +
            ([f"--modules={seat_module}"] if seat else []),
            env=dict(os.environ, XDG_RUNTIME_DIR=self.dir), stdout=self.log,
            stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(os.path.join(self.dir, self.socket)) and \
                    os.path.exists(os.path.join(self.dir, self.socket + ".lock")):
                time.sleep(0.2)  # the shell client starts after the socket
                if self.proc.poll() is None:
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.log.seek(0)
        self.skip(f"weston did not start: {self.log.read()[-1500:]}")

    def skip(self, why):
        print(f"SKIP: {why}")
        self.stop()
        sys.exit(SKIP)

    def env(self):
        env = dict(os.environ, XDG_RUNTIME_DIR=self.dir, WAYLAND_DISPLAY=self.socket,
                   SDL_VIDEODRIVER="wayland")
        env.pop("DISPLAY", None)
        env["ASAN_OPTIONS"] = "detect_leaks=0"  # Mesa's EGL, loaded by SDL 2.26's wayland window
        return env

    def screenshot(self, out_dir):
        """A PNG of weston's output (weston-screenshooter, allowed by --debug)."""
        for f in glob.glob(os.path.join(out_dir, "wayland-screenshot-*.png")):
            os.unlink(f)
        r = subprocess.run(["weston-screenshooter"], cwd=out_dir, env=self.env(),
                           capture_output=True, text=True, timeout=30)
        shots = glob.glob(os.path.join(out_dir, "wayland-screenshot-*.png"))
        if r.returncode != 0 or not shots:
            fail(f"weston-screenshooter: exit {r.returncode}: {r.stderr[:500]}")
            return None
        return shots[0]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def differing_pixels(a, b):
    """Pixels that differ between two PNGs (ImageMagick compare -metric AE)."""
    r = subprocess.run(["compare", "-metric", "AE", a, b, "null:"], capture_output=True,
                       text=True, timeout=60)
    try:
        return int(float(r.stderr.split()[0]))
    except (ValueError, IndexError):
        sys.exit(f"FAIL: compare {a} {b}: {r.stderr[:500]}")


def test_weston(kiosk, edition, seat_module):
    if not shutil.which("weston-screenshooter") or not shutil.which("compare"):
        print("SKIP: weston-screenshooter (weston) or compare (imagemagick) is not installed")
        sys.exit(SKIP)
    w = Weston(seat_module, 800, 480)
    try:
        tmp = tempfile.mkdtemp(prefix="nk-wl-")
        pages = os.path.join(tmp, "pages")
        run([kiosk, "--bundle", edition, "--size", "800x480", "--render-pages", pages],
            env=dict(os.environ, SDL_VIDEODRIVER="dummy"))
        want = os.path.join(pages, "0001.png")

        p = start_kiosk([kiosk, "--bundle", edition, "--fullscreen"], w.env())
        shot, differ = None, -1
        for _ in range(40):  # until the index is on the output (start-up, first frame)
            time.sleep(0.25)
            if p.poll() is not None:
                out, err = p.communicate()
                sys.exit(f"FAIL: the kiosk exited {p.returncode} under weston: {err[:2000]}")
            shot = w.screenshot(tmp)
            if not shot:
                break
            differ = differing_pixels(shot, want)
            if differ == 0:
                break
        print(f"weston: output screenshot against --render-pages 0001.png: {differ} pixels "
              "differ")
        if shot and differ != 0:
            shutil.copy(shot, os.path.join(tmp, "weston_err.png"))
            fail(f"the weston screenshot differs from the rendered index in {differ} pixels "
                 f"(kept in {tmp}/weston_err.png)")
        with open(f"/proc/{p.pid}/maps") as f:
            maps = f.read()
        if "newskiosk-wl_shm" not in maps:
            fail("the kiosk does not present through its wl_shm buffers under wayland")
        gl = gl_mapped(p.pid)
        # SDL 2.26's Wayland_CreateWindow loads EGL for every window (fixed in SDL 2.30)
        print(f"weston: maps {', '.join(gl) or 'no GL library'}")
        stop_kiosk(p, "weston window")
        if not failures:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        w.stop()
    # a compositor with no input seat yet (weston before its first input device): SDL 2.26
    # crashes in SDL_Init there; the kiosk says why and exits 1 (systemd starts it again)
    w = Weston(seat_module, 800, 480, seat=False)
    try:
        p = subprocess.run([kiosk, "--bundle", edition, "--exit-after-first-frame"],
                           env=w.env(), capture_output=True, text=True, timeout=120)
        if p.returncode != 1 or "has no input seat" not in p.stderr or \
                len(p.stderr.strip().splitlines()) != 1:
            fail(f"weston without a seat: exit {p.returncode}, expected 1 with one line: "
                 f"{p.stderr.strip()[:500]}")
        else:
            print("weston without a seat: " + p.stderr.strip())
    finally:
        w.stop()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    mode, kiosk, edition = sys.argv[1:4]
    if mode == "walk":
        test_walk(kiosk, edition)
    elif mode == "idle":
        test_idle(kiosk, edition, float(sys.argv[4]), float(sys.argv[5]),
                  len(sys.argv) > 6 and sys.argv[6] == "xvfb")
    elif mode == "xvfb":
        test_xvfb(kiosk, edition)
    elif mode == "weston":
        test_weston(kiosk, edition, sys.argv[4] if len(sys.argv) > 4 else "")
    elif mode == "errors":
        test_errors(kiosk, edition)
    elif mode == "font":
        test_font(kiosk, edition)
    elif mode == "theme":
        test_theme(kiosk, edition)
    elif mode == "notify":
        test_notify(kiosk, edition)
    elif mode == "rotate":
        test_rotate(kiosk, edition)
    elif mode == "inbox":
        test_inbox(kiosk, edition, sys.argv[4])
    else:
        sys.exit(__doc__)
    if failures:
        sys.exit(f"{len(failures)} failure(s)")
    print("ok")


if __name__ == "__main__":
    main()
