#!/bin/sh
# Builds the Debian package with cpack in a scratch folder and checks its
# metadata (dpkg-deb --info) and contents (dpkg-deb --contents).
# Usage: test_deb.sh BUILD_DIR VERSION   (exit 77: cpack or dpkg-deb missing)
set -u
build=$1
version=$2
for tool in cpack dpkg-deb; do
    if ! command -v $tool >/dev/null; then
        echo "$tool not found: Debian package test skipped"
        exit 77
    fi
done
fails=0
fail()
{
    fails=$((fails + 1))
    echo "FAIL: $*" >&2
}

out=$(mktemp -d "${TMPDIR:-/tmp}/nk-deb.XXXXXX")
trap 'rm -rf "$out"' EXIT
if ! cpack -G DEB -B "$out" --config "$build/CPackConfig.cmake" >"$out/cpack.log" 2>&1; then
    cat "$out/cpack.log" >&2
    echo "FAIL: cpack -G DEB failed (build newskiosk, newsbundle and sample_edition first)" >&2
    exit 1
fi
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
if grep -q '^set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "arm64")' "$build/CPackConfig.cmake"; then
    arch=arm64
elif grep -q '^set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "armhf")' "$build/CPackConfig.cmake"; then
    arch=armhf
fi
deb=$out/newskiosk_${version}_$arch.deb
if [ ! -f "$deb" ]; then
    fail "expected $deb; cpack made: $(ls "$out")"
    exit 1
fi

# Metadata.
info=$(dpkg-deb --info "$deb")
field()
{
    dpkg-deb --field "$deb" "$1"
}
[ "$(field Package)" = newskiosk ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
for dep in libsdl2-2.0-0 libsdl2-ttf-2.0-0 libarchive13 libyaml-0-2 libmd4c0 \
    libunibreak1 libhyphen0 hyphen-en-us libfribidi0 libharfbuzz0b libsodium23 libnettle8 libunistring2 \
    libjpeg62-turbo libpng16-16 libwebp7 libsystemd0 fonts-noto-core fonts-dejavu-core adduser; do
    case ", $depends," in
    *", $dep,"* | *", $dep ("*) ;;
    *) fail "Depends lacks $dep: $depends" ;;
    esac
done
# Every library the packaged programs link (their ELF NEEDED entries) comes
# from a package Depends names: a library added to the build must be added to
# Depends too, or the installed kiosk fails to start (libgumbo.so.1 was
# missing once, seen only when the board image ran newsbundle).
# (Native packages only: a cross build's target libraries may sit in a
# private root dpkg does not know; the Depends list is the same for all.)
if [ "$arch" = "$(dpkg --print-architecture 2>/dev/null)" ] && command -v readelf >/dev/null &&
    command -v dpkg-query >/dev/null; then
    mkdir "$out/needed"
    dpkg-deb -x "$deb" "$out/needed"
    for exe in "$out"/needed/usr/bin/*; do
        for so in $(readelf -d "$exe" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            # a sanitizer build's runtimes are not the package's
            case $so in libasan.so* | libubsan.so* | liblsan.so* | libtsan.so* | libhwasan.so*)
                continue ;;
            esac
            # the package that ships it here (any architecture: same name)
            pkg=$(dpkg-query -S "*/$so" 2>/dev/null | grep -v -e '-dev[:,]' -e '-dev$' \
                -e i386 -e lib32 -e libx32 -e '/lib64/' -e '-cross[:,]' |
                head -n 1 | cut -d: -f1 | cut -d, -f1)
            if [ -z "$pkg" ]; then
                fail "$(basename "$exe") links $so, which no installed package here ships"
                continue
            fi
            case ", $depends," in
            *", $pkg,"* | *", $pkg ("*) ;;
            *) fail "$(basename "$exe") links $so (package $pkg), which Depends lacks: $depends" ;;
            esac
        done
    done
fi
# The firmware no longer links SDL2_image (screenshots go through libpng).
case ", $depends," in *libsdl2-image*) fail "Depends names libsdl2-image, which nothing installed uses: $depends" ;; esac
# Every Depends name is a real package here (the build host has them all).
if command -v dpkg-query >/dev/null; then
    for dep in $(echo "$depends" | sed 's/([^)]*)//g; s/,/ /g'); do
        dpkg-query -W "$dep" >/dev/null 2>&1 || apt-cache show "$dep" >/dev/null 2>&1 ||
            fail "Depends names $dep, which no Debian package here is called"
    done
fi
for script in postinst prerm postrm; do
    case $info in
    *" $script"*) ;;
    *) fail "no $script in the control archive" ;;
    esac
done
mkdir "$out/control"
dpkg-deb --control "$deb" "$out/control"
grep -q 'adduser .*--system .*kiosk' "$out/control/postinst" || fail "postinst does not add the kiosk user"
for g in video input render; do
    grep -q "^[^#]*\b$g\b" "$out/control/postinst" || fail "postinst does not put kiosk in group $g"
done
grep -q '/var/lib/newskiosk/inbox' "$out/control/postinst" || fail "postinst does not make the inbox"
grep -qx '/etc/newskiosk/kiosk.conf' "$out/control/conffiles" 2>/dev/null ||
    fail "/etc/newskiosk/kiosk.conf is not a conffile"
[ -x "$out/control/postinst" ] || fail "postinst is not executable"

# Contents.
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/newskiosk ./usr/bin/newsbundle ./lib/systemd/system/newskiosk.service \
    ./lib/systemd/system/newskiosk-usb@.service ./lib/udev/rules.d/99-newskiosk-usb.rules \
    ./usr/lib/newskiosk/usb-handover ./etc/newskiosk/kiosk.conf \
    ./usr/share/newskiosk/sample-edition.tar.zst; do
    echo "$contents" | grep -q " $path\$" || fail "the package lacks $path"
done
# The chrome's catalogues, one a language of assets/po, where the kiosk
# looks for them beside its binary (/usr/bin/../share/newskiosk/locale).
for po in "$(dirname "$0")"/../../assets/po/*.po; do
    lang=$(basename "$po" .po)
    mo=./usr/share/newskiosk/locale/C.UTF-8/LC_MESSAGES/newskiosk-$lang.mo
    echo "$contents" | grep -q " $mo\$" || fail "the package lacks $mo"
done
for exe in ./usr/bin/newskiosk ./usr/bin/newsbundle ./usr/lib/newskiosk/usb-handover; do
    echo "$contents" | grep -q "^-rwxr-xr-x root/root .* $exe\$" || fail "$exe is not 0755 root:root"
done
echo "$contents" | grep -q ' \./usr/local' && fail "files under /usr/local"
echo "$contents" | grep -q ' \./home' && fail "files under /home"

# The packaged files are the ones in the tree.
mkdir "$out/root"
dpkg-deb --extract "$deb" "$out/root"
cmp -s "$out/root/lib/systemd/system/newskiosk.service" \
    "$(dirname "$0")/../../board/systemd/newskiosk.service" || fail "packaged unit differs from board/systemd"

[ $fails -eq 0 ] && echo "$(basename "$deb"): ok"
[ $fails -eq 0 ]
