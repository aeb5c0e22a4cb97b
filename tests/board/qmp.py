#!/usr/bin/env python3
"""A small QMP client for scripts/board-test (QEMU's JSON machine protocol).

    qmp.py SOCKET COMMAND [JSON-ARGUMENTS]   one command; prints its "return" as JSON
    qmp.py SOCKET tap X Y [W H]               a touch on the virtio tablet at pixel X,Y
                                              of a WxH screen (default 800x480)
    qmp.py SOCKET swipe X0 Y0 X1 Y1 [W H]     a drag from X0,Y0 to X1,Y1 in 8 steps
    qmp.py SOCKET press X Y SECONDS [W H]     a touch held down for SECONDS
    qmp.py SOCKET dumps PREFIX SECONDS        screendumps as fast as QEMU makes them,
                                              PREFIX-0001.png, ..., for SECONDS or until
                                              the file PREFIX.stop exists; prints the count
    qmp.py --serial SOCKET 'SHELL COMMAND'    runs it in the guest's root shell on the
                                              serial console; prints its output, exits
                                              with its status

Exit status 0 when QEMU answered "return", 1 on an "error" (printed), 2 on usage.
"""
import json
import os
import random
import re
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(120)
    s.connect(path)
    f = s.makefile("rw")
    json.loads(f.readline())  # the greeting
    execute(f, "qmp_capabilities")
    return s, f


def execute(f, cmd, args=None):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = args
    f.write(json.dumps(msg) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "event" in reply:
            continue
        if "error" in reply:
            raise RuntimeError("%s: %s" % (cmd, reply["error"].get("desc", reply["error"])))
        return reply.get("return")


def abs_events(x, y, w, h):
    # The virtio tablet's axes run 0..32767 over the whole screen.
    return [
        {"type": "abs", "data": {"axis": "x", "value": round(x * 32767 / max(w - 1, 1))}},
        {"type": "abs", "data": {"axis": "y", "value": round(y * 32767 / max(h - 1, 1))}},
    ]


def button(down):
    return {"type": "btn", "data": {"down": down, "button": "left"}}


ESC = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def serial_run(path, command, timeout=300):
    """Runs command in the guest's serial root shell: (exit status, output);
    status 124 when no answer came within timeout.

    The answer is "__NK_<nonce>_<status>__", the nonce new for each call: an
    answer that comes late (after a timeout) is not taken for the next
    command's. Its echo has "$?" where the answer has digits, and it may come
    with no newline before it (after bash's bracketed-paste codes, when the
    command printed nothing: a pattern that wanted a newline waited in vain
    for "readlink ... | grep -q ..."), or in pieces: the serial console shows
    part of a long line while bash runs the empty line typed before it."""
    nonce = "%x" % random.getrandbits(40)
    marker = ("__NK_%s_$?__" % nonce).encode()
    answer = re.compile(("__NK_%s_(\\d+)__" % nonce).encode())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    deadline = time.time() + timeout
    buf = b""
    try:
        s.sendall(("\n%s; echo __NK_%s_$?__\n" % (command, nonce)).encode())
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:  # QEMU closed the console (the guest powered off)
                break
            buf += chunk
            m = answer.search(buf)
            if m:
                at = buf.rfind(marker, 0, m.start())
                text = buf[at + len(marker) if at >= 0 else 0:m.start()]
                text = ESC.sub(b"", text).decode("utf-8", "replace")
                return int(m.group(1)), text.replace("\r", "").lstrip("\n")
    finally:
        s.close()
    return 124, ""


def serial(path, command, timeout=300):
    status, text = serial_run(path, command, timeout)
    if status == 124:
        print("qmp: no answer from the serial shell (closed, or %d s)" % timeout, file=sys.stderr)
    sys.stdout.write(text)
    return status


def main(argv):
    if len(argv) >= 4 and argv[1] == "--serial":
        return serial(argv[2], argv[3])
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    sock, cmd, rest = argv[1], argv[2], argv[3:]
    s, f = connect(sock)
    try:
        if cmd == "tap":
            x, y = float(rest[0]), float(rest[1])
            w, h = (int(rest[2]), int(rest[3])) if len(rest) >= 4 else (800, 480)
            execute(f, "input-send-event", {"events": abs_events(x, y, w, h)})
            execute(f, "input-send-event", {"events": [button(True)]})
            time.sleep(0.08)
            execute(f, "input-send-event", {"events": [button(False)]})
        elif cmd == "swipe":
            x0, y0, x1, y1 = (float(v) for v in rest[:4])
            w, h = (int(rest[4]), int(rest[5])) if len(rest) >= 6 else (800, 480)
            execute(f, "input-send-event", {"events": abs_events(x0, y0, w, h)})
            execute(f, "input-send-event", {"events": [button(True)]})
            for i in range(1, 9):
                t = i / 8
                execute(f, "input-send-event",
                        {"events": abs_events(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, w, h)})
                time.sleep(0.02)
            execute(f, "input-send-event", {"events": [button(False)]})
        elif cmd == "press":
            x, y, secs = float(rest[0]), float(rest[1]), float(rest[2])
            w, h = (int(rest[3]), int(rest[4])) if len(rest) >= 5 else (800, 480)
            execute(f, "input-send-event", {"events": abs_events(x, y, w, h)})
            execute(f, "input-send-event", {"events": [button(True)]})
            time.sleep(secs)
            execute(f, "input-send-event", {"events": [button(False)]})
        elif cmd == "dumps":
            # one connection for all: a new process per shot would miss a
            # screen shown for a fraction of a second
            prefix, secs = rest[0], float(rest[1])
            n, end = 0, time.time() + secs
            while time.time() < end and not os.path.exists(prefix + ".stop"):
                n += 1
                execute(f, "screendump", {"filename": "%s-%04d.png" % (prefix, n), "format": "png"})
            print(n)
        else:
            args = json.loads(rest[0]) if rest else None
            print(json.dumps(execute(f, cmd, args)))
    except RuntimeError as err:
        print("qmp: %s" % err, file=sys.stderr)
        return 1
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
