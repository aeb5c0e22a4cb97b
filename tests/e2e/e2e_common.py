"""What the end-to-end scripts share: the sanitizer pattern, running a
program that must succeed, and the article list of an edition's manifest."""
import os
import re
import subprocess
import sys

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:")


def run(cmd, env=None, timeout=300):
    """Runs cmd; exits the script with its stderr unless it exits 0 with no
    sanitizer report. Returns the CompletedProcess (text)."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if p.returncode != 0 or SANITIZER.search(p.stderr):
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[:3000]}")
    return p


def manifest_articles(edition):
    """Article paths from manifest.yaml, in order (a simple `- path` list)."""
    paths, inside = [], False
    with open(os.path.join(edition, "manifest.yaml"), encoding="utf-8") as f:
        for line in f:
            if re.match(r"^articles:\s*$", line):
                inside = True
                continue
            if inside:
                m = re.match(r"^\s+-\s+(\S+)\s*$", line)
                if m:
                    paths.append(m.group(1).strip("\"'"))
                elif line.strip() and not line.startswith(" "):
                    inside = False
    return paths
