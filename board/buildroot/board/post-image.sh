#!/bin/sh
# Makes output/images/sdcard.img from the firmware, kernel, device trees and
# rootfs.ext4, with a third partition for /var/lib/newskiosk
# (BR2_ROOTFS_POST_IMAGE_SCRIPT; genimage is BR2_PACKAGE_HOST_GENIMAGE).
set -eu
here=$(dirname "$0")
cfg=$BINARIES_DIR/newskiosk-genimage.cfg

# Every file the firmware loads from the boot partition.
list=$(mktemp)
trap 'rm -f "$list"; rm -rf "${empty:-}"' EXIT
(cd "$BINARIES_DIR" && ls -d ./*.dtb rpi-firmware/* Image 2>/dev/null) | sed 's|^\./||' |
    while read -r f; do printf '\t\t\t"%s",\n' "$f"; done >"$list"
sed -e "/@BOOT_FILES@/r $list" -e '/@BOOT_FILES@/d' "$here/genimage.cfg.in" >"$cfg"

empty=$(mktemp -d)
rm -rf "$BUILD_DIR/genimage.tmp"
genimage --rootpath "$empty" --tmppath "$BUILD_DIR/genimage.tmp" --inputpath "$BINARIES_DIR" \
    --outputpath "$BINARIES_DIR" --config "$cfg"
