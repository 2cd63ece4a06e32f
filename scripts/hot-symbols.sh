#!/bin/bash
# Writes driver/hot-symbols.txt: the functions of ovsq that a run executes,
# in the order first seen, for the linker to place together
# (--symbol-ordering-file; driver/meson.build says why).  Run it again when
# LLVM's version or much of ovsq's code changes; a symbol the linker does
# not find is skipped, so a stale list costs memory, never correctness.
#
#   scripts/hot-symbols.sh [BUILD_DIR]      (default: build)
#
# The runs, each under valgrind's callgrind (it lists every function that
# ran): every example compiled against the simulator (--emit=obj), with the
# DWARF cache cold and then warm; the headline query against the real
# ovs-vswitchd of tests/real-ovs when it is built; and the headline query
# attached to a running simulator until three rows are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ovsq=$build/driver/ovsq
sim=$build/tests/sim/vswitchd-sim
[ -x "$ovsq" ] && [ -x "$sim" ] || { echo "build $build first (scripts/build.sh)" >&2; exit 1; }
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run this as root (it attaches to the simulator)" >&2; exit 1; }

scratch=$(mktemp -d /tmp/ovsq-hot-symbols.XXXXXX)
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$scratch"' EXIT
export OVSQ_CACHE_DIR=$scratch/cache
headline='on flow_result where reason == FDR_FLOW_IDLE print ufid'
n=0
profile() {
  n=$((n + 1))
  valgrind --tool=callgrind --demangle=no --dump-line=no --compress-strings=no \
    --compress-pos=no --callgrind-out-file="$scratch/$(printf %03d $n).out" \
    "$ovsq" "$@" > /dev/null 2> "$scratch/$n.err" ||
    { cat "$scratch/$n.err" >&2; echo "failed: ovsq $*" >&2; exit 1; }
}

for cache in cold warm; do
  [ "$cache" = cold ] && rm -rf "$OVSQ_CACHE_DIR"
  profile --binary "$sim" --emit=obj -o "$scratch/q.o" -e "$headline"
  for example in examples/*.ovsq; do
    profile --binary "$sim" --emit=obj -o "$scratch/q.o" "$example"
  done
  real=$(tests/real-ovs/build-ovs.sh --dir)/bin/ovs-vswitchd
  if [ -x "$real" ]; then
    profile --binary "$real" --emit=obj -o "$scratch/q.o" -e "$headline"
  fi
done

mkfifo "$scratch/sim.in"
"$sim" --ready < "$scratch/sim.in" > "$scratch/sim.out" 2>&1 &
sim_pid=$!
exec {sim_fd}> "$scratch/sim.in"
until grep -q '^ready' "$scratch/sim.out"; do sleep 0.05; done
# Events once ovsq (slow under valgrind) has attached.
( until grep -qs '^Attached' "$scratch/$((n + 1)).err"; do sleep 0.2; done
  for _ in 1 2 3 4 5; do echo "mix 24" >&"$sim_fd"; sleep 1; done ) &
feeder=$!
profile -p "$sim_pid" -e "$headline limit 3"
wait "$feeder"

python3 - "$scratch" "$(realpath "$ovsq")" > driver/hot-symbols.txt <<'PY'
import glob, sys
scratch, binary = sys.argv[1:]
seen = set()
for path in sorted(glob.glob(scratch + "/*.out")):
    obj = None
    for line in open(path):
        if line.startswith("ob="):
            obj = line[3:].strip()
        elif line.startswith("fn=") and obj == binary:
            name = line[3:].strip()
            if name not in seen and not name.startswith("0x"):
                seen.add(name)
                print(name)
PY
echo "driver/hot-symbols.txt: $(wc -l < driver/hot-symbols.txt) functions from $n runs" >&2
