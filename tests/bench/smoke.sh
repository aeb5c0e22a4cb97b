#!/usr/bin/env bash
# The bench's smoke run for CTest: scripts/bench --smoke --no-write on a
# 10-article edition with this build's binaries. Passes when the bench exits 0,
# prints a row for each of its seven measures, and every row holds a figure (a
# number) or says "not measured: <reason>". It never judges speed.
#   smoke.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 bin=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! "$src/scripts/bench" --smoke --no-write --build-dir "$bin" >"$out"; then
    echo "smoke: scripts/bench exited non-zero" >&2
    cat "$out" >&2
    exit 1
fi
cat "$out"
fail=0
for m in "install:" "boot to first page" "typesetting" "page turn" "memory:" "idle on the index" "import:"; do
    if ! grep -q "^$m" "$out"; then
        echo "smoke: no row for '$m'" >&2
        fail=1
    fi
done
rows=$(grep -c ' | ' "$out")
# Rows are "measure | articles | figure | target | verdict"; the header has no digit.
bad=$(awk -F' \\| ' 'NR > 1 && $3 !~ /[0-9]/ && $3 !~ /^not measured: ./' "$out")
if [ -n "$bad" ]; then
    echo "smoke: rows with neither a figure nor a reason:" >&2
    echo "$bad" >&2
    fail=1
fi
# A driver or the kiosk that crashed or tripped a sanitizer is a failure, not "not measured".
if grep -E 'Sanitizer|runtime error|exited -[0-9]' "$out" >&2; then
    echo "smoke: a measured program crashed or reported a sanitizer error" >&2
    fail=1
fi
numeric=$(awk -F' \\| ' 'NR > 1 && $3 ~ /[0-9]/ && $3 !~ /^not measured/' "$out" | wc -l)
if [ "$numeric" -lt 1 ]; then
    echo "smoke: no row measured anything" >&2
    fail=1
fi
echo "smoke: $rows rows, $numeric measured"
exit $fail
