#!/usr/bin/env python3
"""Checks board/buildroot (a BR2_EXTERNAL tree) against Buildroot's conventions.

Usage: check_buildroot.py BR2_EXTERNAL_DIR
Buildroot itself cannot run here (it downloads every source), so this checks
what can be checked: the external tree's files, each package's .mk and
Config.in, that newskiosk selects every package it depends on, that each
dependency is a Buildroot package or one of ours, the defconfig syntax and
the .hash files. It also checks that it catches broken copies of the tree.
"""
import os
import re
import shutil
import sys
import tempfile

# Buildroot packages newskiosk's depend on, checked in buildroot/buildroot
# (commit e991fa07, 2026-08-22): package/<name>/ exists with these names.
BUILDROOT_PACKAGES = {
    "sdl2", "sdl2_ttf", "sdl2_image", "libarchive", "zstd", "xz", "zlib", "libyaml",
    "libunibreak", "libfribidi", "harfbuzz", "libsodium", "libunistring", "jpeg", "libpng",
    "webp", "systemd", "host-pkgconf", "host-qemu", "nettle", "host-gettext",
    # newsbundle import (package/gumbo-parser seen in buildroot/buildroot
    # 2026-12; libxml2 and jansson are long-standing Buildroot packages)
    "libxml2", "gumbo-parser", "jansson",
}
INFRAS = {"generic", "autotools", "cmake", "meson", "python", "kconfig", "virtual"}
ASSIGN = re.compile(r"^([A-Za-z0-9_]+)\s*(\+=|\?=|:=|=)")
DEFINE = re.compile(r"^define\s+([A-Za-z0-9_]+)")


def upper(name):
    return name.upper().replace("-", "_")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def mk_value(text, var):
    """Joins VAR = ... and VAR += ... lines (with \\ continuations)."""
    text = text.replace("\\\n", " ")
    words = []
    for line in text.splitlines():
        m = re.match(r"^%s\s*(\+=|=)\s*(.*)$" % re.escape(var), line)
        if m:
            words += m.group(2).split()
    return words


def check_package(root, name, errs):
    pdir = os.path.join(root, "package", name)
    mk_path = os.path.join(pdir, name + ".mk")
    cfg_path = os.path.join(pdir, "Config.in")
    rel_mk = os.path.relpath(mk_path, root)
    rel_cfg = os.path.relpath(cfg_path, root)
    if not os.path.isfile(mk_path):
        errs.append("%s: missing (a package folder needs <name>.mk)" % rel_mk)
        return
    if not os.path.isfile(cfg_path):
        errs.append("%s: missing (a package folder needs Config.in)" % rel_cfg)
        return
    mk = read(mk_path)
    prefix = upper(name) + "_"
    lines = mk.splitlines()
    # Banner: the package name between two lines of 80 '#'.
    if len(lines) < 5 or lines[0] != "#" * 80 or lines[2] != "# " + name or lines[4] != "#" * 80:
        errs.append("%s:1: the header must be the 80-'#' banner naming '%s'" % (rel_mk, name))
    in_define = False
    for no, line in enumerate(lines, 1):
        if line.rstrip() != line:
            errs.append("%s:%d: trailing whitespace" % (rel_mk, no))
        m = DEFINE.match(line)
        if m:
            in_define = True
            if not m.group(1).startswith(prefix):
                errs.append("%s:%d: %s does not start with %s" % (rel_mk, no, m.group(1), prefix))
            continue
        if line.startswith("endef"):
            in_define = False
            continue
        if in_define:
            if line and not line.startswith("\t") and not line.startswith(" "):
                errs.append("%s:%d: define body lines are indented with a tab" % (rel_mk, no))
            continue
        m = ASSIGN.match(line)
        if m and not m.group(1).startswith(prefix):
            errs.append("%s:%d: variable %s does not start with %s" % (rel_mk, no, m.group(1), prefix))
    last = [l for l in lines if l.strip()][-1] if lines else ""
    m = re.fullmatch(r"\$\(eval \$\(([a-z-]+)-package\)\)", last)
    if not m or m.group(1) not in INFRAS:
        errs.append("%s: the last line must be $(eval $(<infra>-package)), not '%s'" % (rel_mk, last))
    infra = m.group(1) if m else None
    if not mk_value(mk, prefix + "VERSION"):
        errs.append("%s: %sVERSION is not set" % (rel_mk, prefix))
    if not mk_value(mk, prefix + "LICENSE"):
        errs.append("%s: %sLICENSE is not set" % (rel_mk, prefix))

    cfg = read(cfg_path)
    sym = "BR2_PACKAGE_" + upper(name)
    if not re.search(r"^config %s\n\tbool \"%s\"\n" % (sym, re.escape(name)), cfg, re.M):
        errs.append('%s: needs "config %s" then a tab and bool "%s"' % (rel_cfg, sym, name))
    if not re.search(r"^\thelp\n(\t  \S.*\n|\n)+", cfg, re.M):
        errs.append("%s: help text must follow '\\thelp', indented by a tab and two spaces" % rel_cfg)
    for no, line in enumerate(cfg.splitlines(), 1):
        if line.startswith(" "):
            errs.append("%s:%d: indent with tabs, not spaces" % (rel_cfg, no))
        if line.rstrip() != line:
            errs.append("%s:%d: trailing whitespace" % (rel_cfg, no))

    hash_path = os.path.join(pdir, name + ".hash")
    if os.path.isfile(hash_path):
        source = mk_value(mk, prefix + "SOURCE")
        version = (mk_value(mk, prefix + "VERSION") or [""])[0]
        allowed = [w.replace("$(%sVERSION)" % prefix, version) for w in source]
        allowed += mk_value(mk, prefix + "LICENSE_FILES")
        for no, line in enumerate(read(hash_path).splitlines(), 1):
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"(sha256|sha512|sha1|md5)  ([0-9a-f]+)  (\S+)", line)
            lens = {"sha256": 64, "sha512": 128, "sha1": 40, "md5": 32}
            if not m or len(m.group(2)) != lens[m.group(1)]:
                errs.append("%s:%d: expected 'sha256  <64 hex>  FILE' (two spaces)" %
                            (os.path.relpath(hash_path, root), no))
            elif source and m.group(3) not in allowed:
                errs.append("%s:%d: hash for %s, which is neither the download (%s) nor a "
                            "license file" % (os.path.relpath(hash_path, root), no, m.group(3),
                                              allowed[0]))
    return infra, mk, cfg


def check_tree(root):
    errs = []
    desc_path = os.path.join(root, "external.desc")
    if not os.path.isfile(desc_path):
        return ["external.desc: missing"]
    m = re.search(r"^name: ([A-Za-z0-9_]+)$", read(desc_path), re.M)
    if not m or m.group(1) != "NEWSKIOSK":
        errs.append("external.desc: needs 'name: NEWSKIOSK' (letters, digits, _)")
    ext_mk = read(os.path.join(root, "external.mk"))
    if "$(BR2_EXTERNAL_NEWSKIOSK_PATH)/package/*/*.mk" not in ext_mk:
        errs.append("external.mk: must include $(BR2_EXTERNAL_NEWSKIOSK_PATH)/package/*/*.mk")
    top_cfg = read(os.path.join(root, "Config.in"))
    packages = sorted(os.listdir(os.path.join(root, "package")))
    for p in packages:
        line = 'source "$BR2_EXTERNAL_NEWSKIOSK_PATH/package/%s/Config.in"' % p
        if line not in top_cfg:
            errs.append("Config.in: does not source package/%s/Config.in" % p)
    for m in re.finditer(r'source "\$BR2_EXTERNAL_NEWSKIOSK_PATH/(\S+)"', top_cfg):
        if not os.path.isfile(os.path.join(root, m.group(1))):
            errs.append("Config.in: sources %s, which does not exist" % m.group(1))

    results = {}
    for p in packages:
        r = check_package(root, p, errs)
        if r:
            results[p] = r
    if "newskiosk" not in results:
        errs.append("package/newskiosk: missing")
        return errs
    infra, mk, cfg = results["newskiosk"]
    if infra != "cmake":
        errs.append("package/newskiosk/newskiosk.mk: must use the cmake-package infrastructure")
    deps = mk_value(mk, "NEWSKIOSK_DEPENDENCIES")
    selects = set(re.findall(r"^\tselect (BR2_PACKAGE_\w+)", cfg, re.M))
    for d in deps:
        if d.startswith("$"):
            continue
        if d not in BUILDROOT_PACKAGES and d not in results:
            errs.append("package/newskiosk/newskiosk.mk: %s is neither a Buildroot package nor "
                        "one in this tree" % d)
        if d in ("host-pkgconf", "host-gettext") or (d == "systemd"):
            continue  # a host tool (msgfmt for the catalogues); systemd is optional
        sym = "BR2_PACKAGE_" + upper(d)
        if sym not in selects:
            errs.append("package/newskiosk/Config.in: no 'select %s' for dependency %s" % (sym, d))
    dep_syms = {"BR2_PACKAGE_" + upper(d) for d in deps}
    for s in selects:
        if s not in dep_syms and not s.startswith("BR2_PACKAGE_HOST_QEMU_"):
            errs.append("package/newskiosk/Config.in: selects %s, which is not in "
                        "NEWSKIOSK_DEPENDENCIES" % s)
    # Every variable newskiosk.mk uses as a package must be a defined package here.
    for p, (_, pmk, _) in results.items():
        for d in mk_value(pmk, upper(p) + "_DEPENDENCIES"):
            if not d.startswith("$") and d not in BUILDROOT_PACKAGES and d not in results:
                errs.append("package/%s/%s.mk: unknown dependency %s" % (p, p, d))

    configs = os.path.join(root, "configs")
    defconfigs = sorted(os.listdir(configs)) if os.path.isdir(configs) else []
    if not defconfigs:
        errs.append("configs/: no defconfig")
    for name in defconfigs:
        rel = "configs/" + name
        if not name.endswith("_defconfig"):
            errs.append("%s: a defconfig's name ends in _defconfig" % rel)
        text = read(os.path.join(configs, name))
        for no, line in enumerate(text.splitlines(), 1):
            if not line or re.fullmatch(r"# BR2_\w+ is not set", line):
                continue
            if line.startswith("#") and not line.startswith("# BR2_"):
                continue
            if not re.fullmatch(r'BR2_\w+=(y|"[^"]*"|\d+)', line):
                errs.append("%s:%d: not 'BR2_SYMBOL=value' or '# BR2_SYMBOL is not set': %s" %
                            (rel, no, line))
            for ref in re.findall(r"\$\(BR2_EXTERNAL_NEWSKIOSK_PATH\)/([^\"\s]+)", line):
                if not os.path.exists(os.path.join(root, ref)):
                    errs.append("%s:%d: %s does not exist in the tree" % (rel, no, ref))
        if "BR2_PACKAGE_NEWSKIOSK=y" not in text.splitlines():
            errs.append("%s: does not enable BR2_PACKAGE_NEWSKIOSK" % rel)
    return errs


def mutated(root, rel, old, new):
    """A copy of the tree with one string replaced in one file."""
    tmp = tempfile.mkdtemp(prefix="nk-br-")
    copy = os.path.join(tmp, "tree")
    shutil.copytree(root, copy, symlinks=True)
    path = os.path.join(copy, rel)
    text = read(path)
    if old not in text:
        raise SystemExit("self-test: '%s' not found in %s" % (old, rel))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))
    return tmp, copy


def main():
    root = sys.argv[1]
    errs = check_tree(root)
    for e in errs:
        print("board/buildroot/" + e, file=sys.stderr)
    # The checker catches broken trees (each mutation must give an error).
    cases = [
        ("package/newskiosk/newskiosk.mk", "NEWSKIOSK_LICENSE =", "LICENSE =",
         "does not start with NEWSKIOSK_"),
        ("package/newskiosk/Config.in", "\tselect BR2_PACKAGE_LIBYAML\n", "",
         "no 'select BR2_PACKAGE_LIBYAML'"),
        ("package/newskiosk/newskiosk.mk", "\tlibyaml \\\n", "\tlibyaml \\\n\tlibfoo \\\n",
         "libfoo is neither"),
        ("package/newskiosk/newskiosk.mk", "$(eval $(cmake-package))", "$(eval $(cmake-pkg))",
         "the last line must be"),
        ("package/md4c/Config.in", "config BR2_PACKAGE_MD4C", "config BR2_PACKAGE_MD4",
         'needs "config BR2_PACKAGE_MD4C"'),
        ("Config.in", 'source "$BR2_EXTERNAL_NEWSKIOSK_PATH/package/md4c/Config.in"\n', "",
         "does not source package/md4c"),
        ("configs/newskiosk_rpi4_defconfig", "BR2_PACKAGE_NEWSKIOSK=y", "BR2_PACKAGE_NEWSKIOSK y",
         "not 'BR2_SYMBOL=value'"),
    ]
    self_fail = 0
    for rel, old, new, want in cases:
        tmp, copy = mutated(root, rel, old, new)
        try:
            got = check_tree(copy)
        finally:
            shutil.rmtree(tmp)
        if not any(want in e for e in got):
            self_fail += 1
            print("self-test: breaking %s (%r) did not report '%s': %s" % (rel, old, want, got),
                  file=sys.stderr)
    print("%d problems in the tree; %d/%d self-test cases caught" %
          (len(errs), len(cases) - self_fail, len(cases)))
    return 1 if errs or self_fail else 0


if __name__ == "__main__":
    sys.exit(main())
