#!/bin/bash
# Installs, builds, starts the bundled vswitchd simulator (named
# ovs-vswitchd, so ovsq finds it as it would the real one) and runs the
# headline query against it while the simulator deletes flows for all
# twelve reasons.  As root, or as a user with sudo.
set -eu
# Root is needed (apt-get, BPF): as another user, run again under sudo.
if [ "$(id -u)" != 0 ]; then
  command -v sudo > /dev/null || { echo "$0: run this as root (there is no sudo here)" >&2; exit 1; }
  exec sudo -- "$0" "$@"
fi
cd "$(dirname "$0")/.."
./scripts/build.sh > /tmp/ovsq-build.log 2>&1 || { cat /tmp/ovsq-build.log; exit 1; }

fifo=$(mktemp -u /tmp/ovsq-demo.XXXXXX)
mkfifo "$fifo"
build/tests/sim/vswitchd-sim --comm ovs-vswitchd < "$fifo" > "$fifo.sim" &
sim=$!
exec 3> "$fifo"
trap 'kill $sim 2>/dev/null; rm -f "$fifo" "$fifo.sim"' EXIT

query='on flow_result where reason == FDR_FLOW_IDLE print ufid'
echo "\$ ovsq -e '$query'"
build/driver/ovsq -e "$query" &
ovsq=$!
sleep 1
for _ in 1 2 3; do echo "mix 24" >&3; sleep 0.5; done   # 2 idle flows in 24
kill -INT $ovsq
wait $ovsq
echo
echo "The simulator's own log of the idle deletions it fired:"
grep 'reason=FDR_FLOW_IDLE' "$fifo.sim"
