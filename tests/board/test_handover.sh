#!/bin/sh
# Tests board/usb/usb-handover with a fake mount folder (no udev, no mount).
# Usage: test_handover.sh PATH/TO/usb-handover
# shellcheck disable=SC2034,SC2016 # the checks are eval'd: quoted on purpose, variables read there
set -u
handover=$1
prefix=handover
# shellcheck source-path=SCRIPTDIR source=checks.sh
. "$(dirname "$0")/checks.sh"

fresh()
{
    rm -rf "$work/stick" "$work/inbox" "$work/out" "$work/err" "${work:?}/bin"
    mkdir -p "$work/stick" "$work/inbox"
}

# Lists everything in the inbox, hidden names included, one a line, sorted.
inbox_list()
{
    (cd "$work/inbox" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
}

run()
{
    "$handover" "$@" >"$work/out" 2>"$work/err"
    status=$?
}

# 1. Bundle names at the root are copied; everything else is left alone.
fresh
for n in a.tar b.tar.gz c.tar.xz d.tar.zst e.zip; do
    head -c 3000 /dev/urandom >"$work/stick/$n"
done
echo notes >"$work/stick/notes.txt"
echo x >"$work/stick/readme.tar.bz2"
echo x >"$work/stick/.hidden.tar"
mkdir -p "$work/stick/sub" "$work/stick/g.tar"
echo x >"$work/stick/sub/f.tar"
ln -s a.tar "$work/stick/h.tar"
ln -s /etc/passwd "$work/stick/i.zip"
run --from "$work/stick" --inbox "$work/inbox"
check "exit 0 after copying" '[ $status -eq 0 ]'
check "only the five bundles are in the inbox" \
    '[ "$(inbox_list)" = "a.tar b.tar.gz c.tar.xz d.tar.zst e.zip " ]'
for n in a.tar b.tar.gz c.tar.xz d.tar.zst e.zip; do
    check "$n copied byte for byte" 'cmp -s "$work/stick/$n" "$work/inbox/$n"'
    check "$n is a regular file readable by the kiosk" \
        '[ ! -L "$work/inbox/$n" ] && [ "$(stat -c %a "$work/inbox/$n")" = 644 ]'
done
check "the symlinks are named as skipped" 'grep -q "h.tar: not a regular file" "$work/err"'
check "a folder named like a bundle is skipped" 'grep -q "g.tar: not a regular file" "$work/err"'
check "copies are reported" '[ "$(grep -c ": copied to " "$work/out")" -eq 5 ]'

# 2. Plugging the same stick again copies nothing new.
before=$(stat -c %Y.%i "$work/inbox/a.tar")
run --from "$work/stick" --inbox "$work/inbox"
check "second run exits 0" '[ $status -eq 0 ]'
check "identical file not copied again" '[ "$(stat -c %Y.%i "$work/inbox/a.tar")" = "$before" ]'
check "second run says so" 'grep -q "a.tar: already in the inbox" "$work/out"'

# 3. A newer file with the same name replaces the old one.
echo newer >"$work/stick/a.tar"
run --from "$work/stick" --inbox "$work/inbox"
check "changed bundle replaced" 'cmp -s "$work/stick/a.tar" "$work/inbox/a.tar"'

# 4. Size limit.
fresh
head -c 2000 /dev/urandom >"$work/stick/big.tar.zst"
head -c 500 /dev/urandom >"$work/stick/small.tar.zst"
run --from "$work/stick" --inbox "$work/inbox" --max-bytes 1000
check "size limit: exit 0" '[ $status -eq 0 ]'
check "size limit: only the small bundle copied" '[ "$(inbox_list)" = "small.tar.zst " ]'
check "size limit: message names the file and the limit" \
    'grep -q "big.tar.zst: 2000 bytes is over the limit of 1000 (--max-bytes)" "$work/err"'

# 5. A copy failing half-way (stick pulled: read error) leaves nothing.
fresh
mkdir -p "$work/bin"
cat >"$work/bin/cp" <<'EOS'
#!/bin/sh
[ "$1" = -- ] && shift
head -c 1000 "$1" >"$2"
exit 1
EOS
chmod +x "$work/bin/cp"
head -c 5000 /dev/urandom >"$work/stick/edition.tar.zst"
PATH=$work/bin:$PATH run --from "$work/stick" --inbox "$work/inbox"
check "failed copy: exit 1" '[ $status -eq 1 ]'
check "failed copy: inbox empty, no temporary file left" '[ -z "$(inbox_list)" ]'
check "failed copy: message names the file" \
    'grep -q "stick/edition.tar.zst: copy to .* failed" "$work/err"'

# 6. A short copy that claims success is not renamed into the inbox either.
cat >"$work/bin/cp" <<'EOS'
#!/bin/sh
[ "$1" = -- ] && shift
head -c 1000 "$1" >"$2"
EOS
PATH=$work/bin:$PATH run --from "$work/stick" --inbox "$work/inbox"
check "short copy: exit 1" '[ $status -eq 1 ]'
check "short copy: inbox empty" '[ -z "$(inbox_list)" ]'

# 7. Stopped mid-copy (the unit is stopped when the stick goes): nothing left.
cat >"$work/bin/cp" <<'EOS'
#!/bin/sh
[ "$1" = -- ] && shift
head -c 1000 "$1" >"$2"
exec sleep 30
EOS
# In its own process group, stopped as systemd stops a unit: the whole group.
PATH=$work/bin:$PATH setsid "$handover" --from "$work/stick" --inbox "$work/inbox" \
    >"$work/out" 2>"$work/err" &
pid=$!
i=0
while [ $i -lt 100 ] && [ -z "$(inbox_list)" ]; do
    sleep 0.05
    i=$((i + 1))
done
check "interrupted: the copy goes to a hidden temporary name" \
    'case "$(inbox_list)" in .usb-edition.tar.zst.*.part\ ) true ;; *) false ;; esac'
t0=$(date +%s)
kill -TERM -$pid
wait $pid
status=$?
check "interrupted: stops at once" '[ $(($(date +%s) - t0)) -lt 10 ]'
check "interrupted: says it was stopped" 'grep -q "stopped by signal" "$work/err"' 
check "interrupted: non-zero exit" '[ $status -ne 0 ]'
check "interrupted: no partial file left in the inbox" '[ -z "$(inbox_list)" ]'

# 8. Leftover temporary files from a power loss are removed.
fresh
sh -c 'exit 0' &
dead=$!
wait $dead
echo x >"$work/inbox/.usb-old.tar.zst.$dead.part"
echo x >"$work/inbox/.usb-busy.tar.zst.$$.part"
echo keep >"$work/inbox/other.tar"
run --from "$work/stick" --inbox "$work/inbox"
check "stale temporary removed; a running hand-over's and other files kept" \
    '[ "$(inbox_list)" = ".usb-busy.tar.zst.$$.part other.tar " ]'
check "empty stick: exit 0" '[ $status -eq 0 ]'
check "empty stick: says so" 'grep -q "no new bundle" "$work/out"'

# 9. --prune: a stick's new bundle replaces what earlier sticks left; only
# after a copy, and never the files on this stick or other names.
fresh
echo old >"$work/inbox/old-edition.tar.zst"
echo notes >"$work/inbox/notes.txt"
echo same >"$work/stick/same.tar"
cp "$work/stick/same.tar" "$work/inbox/same.tar"
echo new >"$work/stick/new-edition.tar.zst"
run --from "$work/stick" --inbox "$work/inbox" --prune
check "prune: exit 0" '[ $status -eq 0 ]'
check "prune: old bundle gone, this stick's kept, other files kept" \
    '[ "$(inbox_list)" = "new-edition.tar.zst notes.txt same.tar " ]'
check "prune: says what it removed" 'grep -q "old-edition.tar.zst: removed from the inbox" "$work/out"'
rm "$work/stick/new-edition.tar.zst"
echo old >"$work/inbox/old-edition.tar.zst"
run --from "$work/stick" --inbox "$work/inbox" --prune
check "prune: nothing copied, nothing removed" \
    '[ "$(inbox_list)" = "new-edition.tar.zst notes.txt old-edition.tar.zst same.tar " ]'
echo again >"$work/stick/another.tar"
run --from "$work/stick" --inbox "$work/inbox"
check "no prune without --prune" '[ -f "$work/inbox/old-edition.tar.zst" ]'

# 10. Bad invocations: one line naming the rule, exit 2 (usage) or 1.
run --from "$work/stick"
check "no --inbox: exit 2" '[ $status -eq 2 ] && grep -q "inbox is required" "$work/err"'
run --inbox "$work/inbox"
check "no source: exit 2" '[ $status -eq 2 ] && grep -q "from or --device is required" "$work/err"'
run --from "$work/stick" --inbox "$work/inbox" --max-bytes 1G
check "bad --max-bytes: exit 2" '[ $status -eq 2 ] && grep -q "max-bytes takes a whole number" "$work/err"'
run --from "$work/stick" --inbox "$work/inbox" --frobnicate
check "unknown option: exit 2" '[ $status -eq 2 ] && grep -q "unknown argument" "$work/err"'
run --from "$work/stick" --inbox "$work/nonexistent"
check "missing inbox: exit 1" '[ $status -eq 1 ] && grep -q "nonexistent is not a folder" "$work/err"'
run --from "$work/nostick" --inbox "$work/inbox"
check "missing source: exit 1" '[ $status -eq 1 ] && grep -q "nostick is not a folder" "$work/err"'
run --device "$work/stick/notes.txt" --inbox "$work/inbox"
check "not a block device: exit 1" '[ $status -eq 1 ] && grep -q "is not a block device" "$work/err"'
check "every error is one line" '[ "$(wc -l <"$work/err")" -eq 1 ]'

checks_done
