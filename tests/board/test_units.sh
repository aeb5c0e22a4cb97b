#!/bin/sh
# The systemd units pass `systemd-analyze verify` with no warning, and the
# udev rule starts the template unit the way the units expect.
# Usage: test_units.sh SOURCE_DIR   (exit 77: systemd-analyze missing, skipped)
set -u
src=$1
fails=0
fail()
{
    fails=$((fails + 1))
    echo "FAIL: $*" >&2
}

# The udev rule: only added USB partitions with a filesystem, and the unit name.
rules=$src/board/udev/99-newskiosk-usb.rules
grep -q '^ACTION!="add"' "$rules" || fail "udev rule does not limit itself to add events"
grep -q 'ENV{ID_BUS}!="usb"' "$rules" || fail "udev rule does not limit itself to the usb bus"
grep -q 'ENV{ID_FS_USAGE}!="filesystem"' "$rules" || fail "udev rule accepts devices without a filesystem"
grep -q 'TAG+="systemd", ENV{SYSTEMD_WANTS}+="newskiosk-usb@%k.service"' "$rules" ||
    fail "udev rule does not start newskiosk-usb@%k.service"
[ -f "$src/board/systemd/newskiosk-usb@.service" ] || fail "template unit missing"
grep -q 'ro,nosuid,nodev,noexec' "$src/board/usb/usb-handover" ||
    fail "hand-over does not mount read-only with nosuid,nodev,noexec"

# The fleet's Syncthing: its own user, the kiosk's group, only its folders
# writable, never enabled by the package itself.
st=$src/board/syncthing/newskiosk-syncthing.service
for line in 'User=newskiosk-sync' 'Group=kiosk' 'UMask=0027' 'ProtectSystem=strict' \
    'ReadWritePaths=/var/lib/newskiosk-sync /var/lib/newskiosk/sync' 'NoNewPrivileges=yes'; do
    grep -q "^$line" "$st" || fail "newskiosk-syncthing.service lacks '$line'"
done
if grep -q 'newskiosk-syncthing' "$src/board/debian/postinst"; then
    fail "postinst enables the fleet service (fleet-setup does, on purpose)"
fi

# The kiosk unit: what issue 6 asks of it.
unit=$src/board/systemd/newskiosk.service
for line in 'User=kiosk' 'SupplementaryGroups=video input render audio' \
    'Environment=SDL_VIDEODRIVER=kmsdrm' 'Type=notify' 'Restart=always' 'StateDirectory=newskiosk' \
    'ProtectSystem=strict' 'NoNewPrivileges=yes' 'WantedBy=multi-user.target'; do
    grep -q "^$line" "$unit" || fail "newskiosk.service lacks '$line'"
done
grep -q '^WatchdogSec=[1-9]' "$unit" || fail "newskiosk.service has no WatchdogSec"
if grep -Eq '^(After|Wants|Requires|BindsTo)=.*network' "$unit"; then fail "newskiosk.service depends on the network"; fi
grep -q '^ExecStart=/usr/bin/newskiosk .*--inbox /var/lib/newskiosk/inbox' "$unit" ||
    fail "newskiosk.service does not watch the inbox the hand-over writes to"
grep -q -- '--inbox /var/lib/newskiosk/inbox --notify newskiosk.service' \
    "$src/board/systemd/newskiosk-usb@.service" ||
    fail "newskiosk-usb@.service does not hand over to the kiosk's inbox"

if ! command -v systemd-analyze >/dev/null; then
    echo "systemd-analyze not found (Debian package systemd): verify skipped"
    [ $fails -eq 0 ] || exit 1
    exit 77
fi

# A root with the files where the package puts them, so that verify finds
# the commands (a stand-in for the kiosk binary) and the standard targets.
root=$(mktemp -d "${TMPDIR:-/tmp}/nk-units.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib/newskiosk" "$root/lib/systemd/system"
if [ -d /lib/systemd/system ]; then
    cp -R /lib/systemd/system/. "$root/lib/systemd/system/"
fi
printf '#!/bin/sh\n' >"$root/usr/bin/newskiosk"
chmod +x "$root/usr/bin/newskiosk"
cp "$src/board/usb/usb-handover" "$root/usr/lib/newskiosk/"
cp "$src/board/systemd/newskiosk.service" "$src/board/systemd/newskiosk-usb@.service" \
    "$src/board/syncthing/newskiosk-syncthing.service" "$root/lib/systemd/system/"
printf '#!/bin/sh\n' >"$root/usr/bin/syncthing"
chmod +x "$root/usr/bin/syncthing"
out=$(systemd-analyze verify --man=no --root="$root" newskiosk.service \
    newskiosk-usb@sda1.service newskiosk-syncthing.service 2>&1)
status=$?
if [ $status -ne 0 ] || [ -n "$out" ]; then
    fail "systemd-analyze verify (exit $status): $out"
fi

# The check itself works: an unknown key is reported.
sed 's/^Type=notify$/Type=notify\nFrobnicate=yes/' "$src/board/systemd/newskiosk.service" \
    >"$root/lib/systemd/system/newskiosk.service"
out=$(systemd-analyze verify --man=no --root="$root" newskiosk.service 2>&1)
case $out in
*"Unknown key 'Frobnicate'"*) ;;
*) fail "systemd-analyze verify did not report a broken unit: $out" ;;
esac

[ $fails -eq 0 ] && echo "units and udev rule: ok"
[ $fails -eq 0 ]
