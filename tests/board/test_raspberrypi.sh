#!/bin/sh
# board/raspberrypi/install.sh on a fake boot partition (--boot-only): the
# config.txt block and the cmdline.txt words are added once, with backups, the
# command line stays one line, and a second run changes nothing.
# Usage: test_raspberrypi.sh BOARD_RASPBERRYPI_DIR
# shellcheck disable=SC2034,SC2016 # the checks are eval'd: quoted on purpose, variables read there
set -u
dir=$1
prefix=rpi
# shellcheck source-path=SCRIPTDIR source=checks.sh
. "$(dirname "$0")/checks.sh"

sh -n "$dir/install.sh"
rc=$?
check "install.sh parses" '[ $rc -eq 0 ]'

boot=$work/boot
mkdir -p "$boot"
printf '[all]\narm_64bit=1\n' >"$boot/config.txt"
cmd='console=serial0,115200 console=tty1 root=PARTUUID=1234-02 rootfstype=ext4 fsck.repair=yes rootwait quiet'
printf '%s\n' "$cmd" >"$boot/cmdline.txt"
cp "$boot/config.txt" "$work/config.orig"

sh "$dir/install.sh" --boot "$boot" --boot-only >"$work/out1" 2>&1
rc=$?
check "first run succeeds" '[ $rc -eq 0 ]'
check "config.txt backed up unchanged" 'cmp -s "$boot/config.txt.newskiosk-backup" "$work/config.orig"'
check "cmdline.txt backed up" '[ "$(cat "$boot/cmdline.txt.newskiosk-backup")" = "$cmd" ]'
check "KMS overlay added" 'grep -qx "dtoverlay=vc4-kms-v3d" "$boot/config.txt"'
check "splash off" 'grep -qx "disable_splash=1" "$boot/config.txt"'
check "old config kept" 'grep -qx "arm_64bit=1" "$boot/config.txt"'
check "cmdline.txt one line" '[ "$(wc -l <"$boot/cmdline.txt")" -eq 1 ]'
for w in consoleblank=0 logo.nologo loglevel=3 vt.global_cursor_default=0 rootwait \
    root=PARTUUID=1234-02; do
    check "cmdline has $w" 'tr " " "\n" <"$boot/cmdline.txt" | grep -qx "$w"'
done
check "quiet not doubled" '[ "$(tr " " "\n" <"$boot/cmdline.txt" | grep -cx quiet)" -eq 1 ]'
check "cmdline starts as before" 'case $(cat "$boot/cmdline.txt") in "$cmd"*) true ;; *) false ;; esac'

cp "$boot/config.txt" "$work/config.1"
cp "$boot/cmdline.txt" "$work/cmdline.1"
sh "$dir/install.sh" --boot "$boot" --boot-only >"$work/out2" 2>&1
rc=$?
check "second run succeeds" '[ $rc -eq 0 ]'
check "second run leaves config.txt" 'cmp -s "$boot/config.txt" "$work/config.1"'
check "second run leaves cmdline.txt" 'cmp -s "$boot/cmdline.txt" "$work/cmdline.1"'
check "block once" '[ "$(grep -c "^# >>> newskiosk >>>" "$boot/config.txt")" -eq 1 ]'
check "backup keeps the original" 'cmp -s "$boot/config.txt.newskiosk-backup" "$work/config.orig"'

# A boot folder without config.txt: one clear line, non-zero exit.
mkdir -p "$work/empty"
sh "$dir/install.sh" --boot "$work/empty" --boot-only >"$work/out3" 2>"$work/err3"
rc=$?
check "missing config.txt fails" '[ $rc -ne 0 ]'
check "missing config.txt named" 'grep -q "empty/config.txt not found" "$work/err3"'
check "error is one line" '[ "$(wc -l <"$work/err3")" -eq 1 ]'
sh "$dir/install.sh" --bogus >/dev/null 2>"$work/err4"
rc=$?
check "unknown option is a usage error" '[ $rc -eq 2 ]'

checks_done
