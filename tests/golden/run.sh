#!/bin/bash
# Golden-file tests (Carbon-style): runs ovsq on CASE.ovsq against the
# simulator's binary and compares everything it printed, and its exit
# status, with CASE.expected.
#
#   run.sh OVSQ SIM CASE            compare
#   run.sh OVSQ SIM CASE --update   rewrite CASE.expected from this run
#
# The first lines of CASE.ovsq may hold `# args: ...`, extra ovsq options
# (default: --emit=obj -o /dev/null, which checks the query without
# attaching), and `# sim-variant: NAME`, to read SIM-NAME instead of SIM.  ovsq runs in this directory so file names in diagnostics are
# the bare CASE.ovsq.
set -u
ovsq=$1 sim=$2 case=$3 update=${4:-}
cd "$(dirname "$0")" || exit 1
args=$(sed -n 's/^# args: //p' "$case.ovsq")
variant=$(sed -n 's/^# sim-variant: //p' "$case.ovsq")
[ -n "$variant" ] && sim=$sim-$variant
[ -n "$args" ] || args="--emit=obj -o /dev/null"
# shellcheck disable=SC2086
actual=$("$ovsq" --binary "$sim" $args "$case.ovsq" 2>&1; echo "[exit status $?]")
actual=${actual//$sim/SIM}   # the build directory differs between machines
if [ "$update" = --update ]; then
  printf '%s\n' "$actual" > "$case.expected"
  exit 0
fi
if ! diff -u "$case.expected" <(printf '%s\n' "$actual"); then
  echo "FAIL: $case differs; if the new output is right: tests/golden/run.sh $ovsq $sim $case --update" >&2
  exit 1
fi
