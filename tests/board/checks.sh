# Sourced by the board's shell tests: a scratch folder $work (removed at
# exit), check NAME 'SHELL TEST' (eval'd, counted), and checks_done (prints
# the count; its status is the verdict). Set $prefix first (the folder's name).
# shellcheck shell=sh disable=SC2034,SC2154 # checks and fails are read by the sourcing test
fails=0
checks=0
work=$(mktemp -d "${TMPDIR:-/tmp}/nk-${prefix:-board}.XXXXXX")
trap 'rm -rf "$work"' EXIT

check()
{
    checks=$((checks + 1))
    if ! eval "$2"; then
        fails=$((fails + 1))
        echo "FAIL: $1 ($2)" >&2
    fi
}

checks_done()
{
    echo "$checks checks, $fails failed"
    [ "$fails" -eq 0 ]
}
