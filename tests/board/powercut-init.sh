#!/bin/sh
# PID 1 of board-test's power-cut boots (check f; kernel command line
# init=/usr/local/sbin/nk-powercut). One boot after a cut, as the kiosk's own
# boot would see the state partition:
#   1. mounts it (ext4 replays its journal: what a real cut leaves);
#   2. reports what `current` is before anything repairs it: which edition,
#      the SHA-256 of its SHA256SUMS, whether every file it lists is whole
#      (sha256sum -c), whether the new bundle is still in the inbox, and the
#      leftovers of the cut install;
#   3. when the new edition is installed (the cut came after the switch),
#      puts the old state back from /usr/local/share/nk-powercut/state.tar, so
#      the next install can be cut again;
#   4. starts the kiosk as on the board (its config, state folder and inbox,
#      user kiosk) but headless (SDL's dummy driver): it repairs the state,
#      shows the edition (a screenshot, reported by SHA-256; in base64 when it
#      is neither expected screen, for the host to compare), checks it and
#      installs the inbox's bundle, until the host resets the machine.
# Lines for the host start with "NKPC "; the kiosk's own lines go to the
# console as they are ("newskiosk: installing ...").
# In a normal (systemd) boot of the same disk, `nk-powercut --check` prints
# the TREE line of step 2 and `nk-powercut --restore` does step 3, for the
# cuts of the kiosk running under systemd on KMSDRM.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
say() { echo "NKPC $*"; }
state=/var/lib/newskiosk
share=/usr/local/share/nk-powercut
hang() {
    say "STOP $*"
    while :; do sleep 3600; done
}
check_tree() { # sets which; prints the TREE line
    cur=$(readlink "$state/current" 2>/dev/null)
    case $cur in
    editions/1-*) which=old ;;
    editions/2-*) which=new ;;
    '') which=none ;;
    *) which=other ;;
    esac
    sums=none
    whole=no
    sumcheck=$(mktemp)
    if [ -f "$state/current/SHA256SUMS" ]; then
        sums=$(sha256sum <"$state/current/SHA256SUMS" | cut -c1-64)
        if (cd "$state/current" && sha256sum -c --quiet --strict SHA256SUMS) >"$sumcheck" 2>&1; then
            whole=yes
        fi
    fi
    inbox=$(find "$state/inbox" -maxdepth 1 -name '*.tar.zst' | wc -l)
    left=$(find "$state" -maxdepth 1 \( -name 'incoming-*' -o -name 'staging-*' -o -name '*.new' \) | wc -l)
    say "TREE which=$which sums=$sums whole=$whole inbox=$inbox leftovers=$left"
    [ "$whole" = yes ] || sed -n '1,5s/^/NKPC BAD /p' "$sumcheck"
    rm -f "$sumcheck"
}
restore() { # the old state back, made durable
    find "$state" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} + &&
        tar -C "$state" -xpf "$share/state.tar" && sync
}
case ${1:-} in
--check)
    check_tree
    exit 0
    ;;
--restore)
    restore || exit 1
    say "RESTORED"
    exit 0
    ;;
esac

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t ext4 -o rw,noatime,nosuid,nodev /dev/vdb "$state" || hang "cannot mount the state partition"
# As systemd's StateDirectory= does for the unit: the folder belongs to the
# kiosk (mkfs.ext4 -d leaves the file system's root to root).
[ "$(stat -c %U "$state")" = kiosk ] || chown -R kiosk:kiosk "$state"
say "BOOT $(cut -d' ' -f1 /proc/uptime)"
check_tree

mkdir -p /run/nkpc /run/newskiosk
chown kiosk:kiosk /run/nkpc /run/newskiosk
printf 'screenshot /run/nkpc/first.png\nquit\n' >/run/shot-quit
printf 'screenshot /run/nkpc/first.png\nwait 600000\nwait 600000\n' >/run/shot-wait
kiosk=
run_kiosk() { # run_kiosk EVENTS: the kiosk as on the board, headless; reports its first screen
    rm -f /run/nkpc/first.png
    say "KIOSK $(cut -d' ' -f1 /proc/uptime)"
    setpriv --reuid=kiosk --regid=kiosk --init-groups \
        env -i PATH="$PATH" HOME=/var/lib/newskiosk LANG=C.UTF-8 SDL_VIDEODRIVER=dummy \
        SDL_AUDIODRIVER=dummy RUNTIME_DIRECTORY=/run/newskiosk \
        newskiosk --config /etc/newskiosk/kiosk.conf --state-dir "$state" \
        --inbox "$state/inbox" --events "$1" &
    kiosk=$!
    n=0
    until [ -s /run/nkpc/first.png ] || [ $n -ge 2400 ]; do
        kill -0 $kiosk 2>/dev/null || break
        sleep 0.25
        n=$((n + 1))
    done
    sleep 0.5 # (the PNG is written in one go; this covers a slow write)
    if [ -s /run/nkpc/first.png ]; then
        shot=$(sha256sum </run/nkpc/first.png | cut -c1-64)
        say "SHOT $shot"
        if ! grep -qx "$shot" "$share/expected-shots"; then
            say "PNG-BEGIN"
            base64 -w 0 /run/nkpc/first.png
            echo
            say "PNG-END"
        fi
    else
        say "SHOT none"
    fi
}

if [ "$which" = new ]; then
    # The cut came after the switch: the kiosk shows the new edition; then
    # the old state comes back for the next cut.
    run_kiosk /run/shot-quit
    wait $kiosk
    restore || hang "cannot restore the old state"
    say "RESTORED"
fi
run_kiosk /run/shot-wait
wait $kiosk
say "KIOSK-EXIT $?"
hang "the kiosk ended"
