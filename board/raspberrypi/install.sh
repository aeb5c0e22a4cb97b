#!/bin/sh
# Sets up a Raspberry Pi OS Lite (Debian 12 "bookworm") system as a newskiosk
# kiosk. Run as root on the Pi; running it again changes nothing more.
#
#   sudo ./install.sh [--deb FILE.deb | --bin DIR] [--boot DIR] [--read-only] [--dry-run]
#
#   --deb FILE   install this newskiosk_<version>_<arch>.deb (with apt, so its
#                dependencies come too). Default: the newest ../newskiosk_*.deb
#                or ./newskiosk_*.deb next to this script.
#   --bin DIR    instead of a .deb: DIR holds newskiosk, newsbundle (cross-built
#                with the board-aarch64/board-armhf presets) and the source tree's
#                board/ files are installed by hand (runtime libraries: apt).
#   --boot DIR   the boot partition (default /boot/firmware, else /boot).
#   --read-only  finally turn on the read-only root overlay (raspi-config).
#   --dry-run    print what would change, change nothing.
#   --boot-only  only edit config.txt and cmdline.txt in --boot DIR: to prepare
#                a freshly flashed card mounted on another machine (no root needed).
#
# Steps: package, config.txt block (backup first), cmdline.txt words (backup
# first), the state partition labelled nkstate in fstab if it exists, units
# enabled, getty on tty1 masked. Reboot afterwards.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
board=$(dirname "$here")
deb=
bin=
boot=
readonly_root=0
boot_only=0
dry=0
me=install.sh

die()
{
    echo "$me: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case $1 in
    --deb) [ $# -ge 2 ] || die "--deb needs a file"; deb=$2; shift 2 ;;
    --bin) [ $# -ge 2 ] || die "--bin needs a folder"; bin=$2; shift 2 ;;
    --boot) [ $# -ge 2 ] || die "--boot needs a folder"; boot=$2; shift 2 ;;
    --read-only) readonly_root=1; shift ;;
    --dry-run) dry=1; shift ;;
    --boot-only) boot_only=1; shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "$me: unknown argument '$1' (see $me --help)" >&2; exit 2 ;;
    esac
done

run()
{
    if [ "$dry" = 1 ]; then
        echo "would run: $*"
    else
        "$@"
    fi
}

[ "$dry" = 1 ] || [ "$boot_only" = 1 ] || [ "$(id -u)" = 0 ] || die "run as root (sudo $0)"

if [ -z "$boot" ]; then
    if [ -f /boot/firmware/config.txt ]; then boot=/boot/firmware; else boot=/boot; fi
fi
[ -f "$boot/config.txt" ] || die "$boot/config.txt not found: give the boot partition with --boot DIR"
[ -f "$boot/cmdline.txt" ] || die "$boot/cmdline.txt not found: give the boot partition with --boot DIR"

# 1. The software.
if [ "$boot_only" = 1 ]; then
    :
elif [ -z "$bin" ]; then
    if [ -z "$deb" ]; then
        for f in "$here"/newskiosk_*.deb "$board"/../newskiosk_*.deb "$here"/../newskiosk_*.deb; do
            [ -f "$f" ] && deb=$f
        done
    fi
    [ -n "$deb" ] || die "no newskiosk_*.deb found: give one with --deb FILE or binaries with --bin DIR"
    [ -f "$deb" ] || die "$deb: no such file"
    case $deb in /*) ;; *) deb=$(pwd)/$deb ;; esac
    want=$(dpkg-deb -f "$deb" Version)
    have=$(dpkg-query -W -f='${Version}' newskiosk 2>/dev/null || true)
    if [ "$want" = "$have" ]; then
        echo "$me: newskiosk $have already installed"
    else
        echo "$me: installing $deb"
        run apt-get install -y --no-install-recommends "$deb"
    fi
else
    [ -x "$bin/newskiosk" ] || die "$bin/newskiosk: not an executable (give the build's firmware folder)"
    run apt-get install -y --no-install-recommends libsdl2-2.0-0 libsdl2-ttf-2.0-0 \
        libarchive13 libyaml-0-2 libmd4c0 libunibreak1 libhyphen0 \
        hyphen-en-us hyphen-ru libfribidi0 libharfbuzz0b libsodium23 libnettle8 libunistring2 \
        libjpeg62-turbo libpng16-16 libwebp7 libsystemd0 libwayland-client0 libgumbo1 libxml2 \
        libjansson4 fonts-noto-core fonts-noto-cjk fonts-dejavu-core
    run install -m 0755 "$bin/newskiosk" "$bin/newsbundle" /usr/bin/
    run install -D -m 0755 "$board/usb/usb-handover" /usr/lib/newskiosk/usb-handover
    run install -m 0644 "$board/systemd/newskiosk.service" "$board/systemd/newskiosk-usb@.service" \
        /lib/systemd/system/
    run install -m 0644 "$board/udev/99-newskiosk-usb.rules" /lib/udev/rules.d/
    if [ ! -f /etc/newskiosk/kiosk.conf ]; then
        conf=$board/../assets/kiosk.conf
        [ -f "$conf" ] || conf=$board/kiosk.conf.default
        run install -D -m 0644 "$conf" /etc/newskiosk/kiosk.conf
    fi
    run sh "$board/debian/postinst" configure
fi

# 2. config.txt: our block once, between markers, after a backup.
if grep -q '^# >>> newskiosk >>>' "$boot/config.txt"; then
    echo "$me: $boot/config.txt already has the newskiosk block"
else
    [ -f "$boot/config.txt.newskiosk-backup" ] ||
        run cp -p "$boot/config.txt" "$boot/config.txt.newskiosk-backup"
    if [ "$dry" = 1 ]; then
        echo "would append the newskiosk block to $boot/config.txt"
    else
        sed -n '/^# >>> newskiosk >>>/,/^# <<< newskiosk <<</p' "$here/config.txt" >>"$boot/config.txt"
    fi
fi

# 3. cmdline.txt: one line; add the missing words at its end.
line=$(head -n 1 "$boot/cmdline.txt")
new=$line
for w in consoleblank=0 quiet loglevel=3 logo.nologo vt.global_cursor_default=0; do
    case " $new " in
    *" $w "*) ;;
    *) new="$new $w" ;;
    esac
done
if [ "$new" = "$line" ]; then
    echo "$me: $boot/cmdline.txt already has the kiosk words"
else
    [ -f "$boot/cmdline.txt.newskiosk-backup" ] ||
        run cp -p "$boot/cmdline.txt" "$boot/cmdline.txt.newskiosk-backup"
    if [ "$dry" = 1 ]; then
        echo "would set $boot/cmdline.txt to: $new"
    else
        printf '%s\n' "$new" >"$boot/cmdline.txt.new"
        mv "$boot/cmdline.txt.new" "$boot/cmdline.txt"
    fi
fi

if [ "$boot_only" = 1 ]; then
    echo "$me: $boot prepared; run $me on the Pi to install the kiosk"
    exit 0
fi

# 4. The state partition (see read-only-root.md), when one is labelled nkstate.
if [ -e /dev/disk/by-label/nkstate ] && ! grep -q '^LABEL=nkstate' /etc/fstab; then
    if [ "$dry" = 1 ]; then
        echo "would add LABEL=nkstate /var/lib/newskiosk to /etc/fstab"
    else
        cp -p /etc/fstab /etc/fstab.newskiosk-backup
        echo 'LABEL=nkstate /var/lib/newskiosk ext4 defaults,noatime,nodev,nosuid,noexec,commit=5 0 2' \
            >>/etc/fstab
        mkdir -p /var/lib/newskiosk
        mount /var/lib/newskiosk
        mkdir -p /var/lib/newskiosk/inbox
        chown kiosk:kiosk /var/lib/newskiosk /var/lib/newskiosk/inbox
    fi
fi

# 5. Units: the kiosk owns tty1; start at boot.
run systemctl mask getty@tty1.service
run systemctl enable newskiosk.service
run systemctl daemon-reload
run udevadm control --reload-rules

if [ "$readonly_root" = 1 ]; then
    if command -v raspi-config >/dev/null 2>&1; then
        run raspi-config nonint do_overlayfs 0
    else
        echo "$me: raspi-config not found: make the root read-only by hand (read-only-root.md)" >&2
    fi
fi
echo "$me: done; reboot to start the kiosk (sudo reboot)"
