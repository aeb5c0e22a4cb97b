#!/bin/bash
# newsbundle end to end: --help and exit codes, pack in every archive type
# (deterministic, SHA256SUMS first, `sha256sum -c` works), verify, inspect,
# install (one stderr line and exit 1 on a bad bundle, nothing written beside
# the state folder), pack refusing a truncated JPEG and invalid UTF-8, and
# minisign interoperability both ways with the real minisign binary.
# usage: bundle_cli.sh NEWSBUNDLE TEST_BUNDLE
set -u
NB=$1
GEN=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/nk-bundle-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
failed=0
passed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
check() { if "$@"; then ok; else fail "$*"; fi; }
# expect RC CMD...: runs CMD, stderr to $T/err, checks the exit code
expect() {
    local want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else fail "exit $rc, expected $want: $* ($(head -c 300 "$T/err"))"; fi
}
one_line() {
    local n
    n=$(wc -l <"$T/err")
    if [ "$n" -eq 1 ] && grep -q "$1" "$T/err"; then ok; else fail "stderr is not one line with '$1': $(cat "$T/err")"; fi
}

"$GEN" --write-src "$T/src" || { echo "cannot write the source folder"; exit 1; }

expect 0 "$NB" --help
for c in pack verify inspect install sign keygen; do
    expect 0 "$NB" "$c" --help
    check grep -q "usage: newsbundle $c" "$T/out"
done
expect 2 "$NB"
expect 2 "$NB" frobnicate
expect 2 "$NB" pack "$T/src"
expect 2 "$NB" install "$T/x.tar.zst"
expect 2 "$NB" verify
expect 2 "$NB" verify a b
expect 2 "$NB" pack "$T/src" -o "$T/out.rar"

for ext in tar tar.gz tar.xz tar.zst zip; do
    expect 0 "$NB" pack "$T/src" -o "$T/e.$ext"
    expect 0 "$NB" verify "$T/e.$ext"
    check grep -q "good: sequence 1, 2 articles, 2 images" "$T/out"
done
expect 0 "$NB" pack "$T/src" -o "$T/e2.tar.zst"
check cmp -s "$T/e.tar.zst" "$T/e2.tar.zst"
check [ "$(tar -tf "$T/e.tar.zst" | head -1)" = SHA256SUMS ]
mkdir "$T/x" && tar -xf "$T/e.tar.zst" -C "$T/x"
check bash -c "cd '$T/x' && sha256sum -c --quiet SHA256SUMS"
expect 0 "$NB" inspect "$T/e.tar.zst"
check grep -q "Harbour reopens" "$T/out"
check grep -q "images:    2" "$T/out"

# install: good, then the same again (stale), then bad ones.
mkdir "$T/p"
expect 0 "$NB" install "$T/e.tar.zst" --state-dir "$T/p/state"
check [ -L "$T/p/state/current" ]
check [ -f "$T/p/state/current/articles/001-harbour.md" ]
before=$(cd "$T/p/state/current" && find . -type f | sort | xargs sha256sum | sha256sum)
expect 1 "$NB" install "$T/e.tar.zst" --state-dir "$T/p/state"
one_line "not newer"
printf 'This is a letter.\n' >"$T/bad.tar.zst"
expect 1 "$NB" install "$T/bad.tar.zst" --state-dir "$T/p/state"
one_line "bundle 'bad.tar.zst': .*not a tar/zip archive"
head -c 700 "$T/e.tar.zst" >"$T/cut.tar.zst"
expect 1 "$NB" install "$T/cut.tar.zst" --state-dir "$T/p/state"
one_line "bundle 'cut.tar.zst'"
printf 'x' >"$T/$(printf 'evil\033[31m.tar')"
expect 1 "$NB" install "$T/$(printf 'evil\033[31m.tar')" --state-dir "$T/p/state"
one_line 'evil\\x1B\[31m.tar'
check bash -c "! grep -q $'\033' '$T/err'"
after=$(cd "$T/p/state/current" && find . -type f | sort | xargs sha256sum | sha256sum)
check [ "$before" = "$after" ]
check [ "$(ls "$T/p")" = state ]
check [ -z "$(ls "$T/p/state" | grep -E 'incoming-|staging-')" ]

# pack refuses a truncated JPEG and invalid UTF-8, naming the file.
cp -r "$T/src" "$T/src2"
head -c 300 "$T/src/images/square.jpg" >"$T/src2/images/square.jpg"
expect 1 "$NB" pack "$T/src2" -o "$T/bad2.tar.zst"
one_line "images/square.jpg"
check [ ! -e "$T/bad2.tar.zst" ]
check [ -z "$(ls "$T" | grep 'tmp-')" ]
# cut inside the compressed data: the header reads, the decode does not
size=$(stat -c %s "$T/src/images/square.jpg")
head -c $((size - 20)) "$T/src/images/square.jpg" >"$T/src2/images/square.jpg"
expect 1 "$NB" pack "$T/src2" -o "$T/bad2.tar.zst"
one_line "images/square.jpg"
cp -r "$T/src" "$T/src3"
printf -- '---\ntitle: Caf\xe9\n---\nBody.\n' >"$T/src3/articles/002-market.md"
expect 1 "$NB" pack "$T/src3" -o "$T/bad3.tar.zst"
one_line "articles/002-market.md:"
cp -r "$T/src" "$T/src4"
printf 'junk' >"$T/src4/images/unused.png"
expect 0 "$NB" pack "$T/src4" -o "$T/e4.tar.zst"
check grep -q "warning: images/unused.png" "$T/err"

# minisign -> newsbundle: a key from `minisign -G -W`, a bundle packed and
# signed by newsbundle checked by `minisign -V`, and a bundle made with tar
# and `minisign -S` checked by newsbundle.
if command -v minisign >/dev/null; then
    check minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null
    expect 0 "$NB" pack "$T/src" -o "$T/s.tar.zst" --sign "$T/m.key"
    mkdir "$T/s" && tar -xf "$T/s.tar.zst" -C "$T/s"
    check [ "$(tar -tf "$T/s.tar.zst" | head -2 | tr '\n' ' ')" = "SHA256SUMS SHA256SUMS.minisig " ]
    check minisign -Vq -p "$T/m.pub" -m "$T/s/SHA256SUMS"
    expect 0 "$NB" verify "$T/s.tar.zst" --key "$T/m.pub" --require-signature
    check grep -q "signed by a trusted key" "$T/out"
    (cd "$T/x" && minisign -S -s "$T/m.key" -m SHA256SUMS >/dev/null 2>&1 &&
        tar --zstd -cf "$T/t.tar.zst" SHA256SUMS SHA256SUMS.minisig manifest.yaml articles images)
    expect 0 "$NB" verify "$T/t.tar.zst" --key "$T/m.pub"
    check grep -q "signed by a trusted key" "$T/out"
    expect 0 "$NB" install "$T/t.tar.zst" --state-dir "$T/q" --key "$T/m.pub" --require-signature

    # newsbundle -> minisign: keygen + sign checked by minisign -V; minisign
    # signs with newsbundle's secret key too.
    expect 0 "$NB" keygen -p "$T/n.pub" -s "$T/n.key"
    expect 2 "$NB" keygen -p "$T/n.pub" -s "$T/n.key"
    expect 0 "$NB" sign "$T/x/manifest.yaml" -s "$T/n.key" -x "$T/n.sig"
    check minisign -Vq -p "$T/n.pub" -m "$T/x/manifest.yaml" -x "$T/n.sig"
    check bash -c "minisign -S -s '$T/n.key' -m '$T/x/SHA256SUMS' -x '$T/n2.sig' </dev/null >/dev/null 2>&1"
    check minisign -Vq -p "$T/n.pub" -m "$T/x/SHA256SUMS" -x "$T/n2.sig"
    expect 1 "$NB" verify "$T/t.tar.zst" --key "$T/n.pub"
    one_line "not a trusted key"
    expect 1 "$NB" verify "$T/e.tar.zst" --require-signature
    one_line "SHA256SUMS.minisig: missing"
else
    fail "minisign is not installed (scripts/packages.txt lists it)"
fi

echo "bundle_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
