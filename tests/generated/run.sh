#!/bin/bash
# Generated programs through the verifier: writes COUNT random well-typed
# programs (generate_programs.cpp) and runs each with ovsq against the
# simulator firing all 13 probes, for real.  Each must either run (exit
# 0) or be rejected by ovsq with its own query diagnostic
# ("gen-N.ovsq:L:C: error: ...", exit 1) before anything reaches the
# kernel.  Anything else fails: a crash, a raw verifier log or libbpf
# message, any other error, a hang.
#
#   run.sh OVSQ SIM GENERATOR [COUNT [SEED]]
#
# COUNT defaults to $OVSQ_GEN_COUNT or 300; SEED to $OVSQ_GEN_SEED or a
# new one, printed first: `run.sh ... 300 SEED` replays a run, and the
# failing program is printed whole.
set -u
ovsq=$1 sim=$2 generator=$3
count=${4:-${OVSQ_GEN_COUNT:-300}}
seed=${5:-${OVSQ_GEN_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}}
echo "seed $seed, $count programs (replay: OVSQ_GEN_SEED=$seed)"

if [ "$(id -u)" != 0 ] || [ ! -e /sys/bus/event_source/devices/uprobe/type ]; then
  [ "${CI:-}" = true ] && { echo "FAIL (CI): needs root and uprobes"; exit 1; }
  echo "SKIP: needs root and a kernel with uprobes"
  exit 77
fi

dir=$(mktemp -d /tmp/ovsq-gen.XXXXXX)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && { kill -KILL "$sim_pid"; wait "$sim_pid"; } 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

"$generator" "$sim" "$seed" "$count" "$dir" || exit 1
# How many programs use each feature: a generator change that loses one
# shows here.
covers=""
for feature in 'print ' 'printf(' 'count' 'sum(' 'avg(' 'min(' 'max(' 'hist(' 'lhist(' \
               '@m[0-9]* = ' '@m[0-9]*\[.*\] = ' '@agg' 'delete @' 'exit\(()\)\?\( *[;}]\|$\)' ' by ' 'key\.' \
               'str(' 'meaning(' '"' 'ufid:' '^begin' '^end' ' where ' '->' 'every ' 'limit '; do
  covers+=" $feature:$(grep -l -e "$feature" "$dir"/gen-*.ovsq | wc -l)"
done
echo "programs using each feature:$covers"

# The sim fires every probe in turn, 2000 events a second, until killed.
"$sim" --rate 2000 --probe all --comm gen-sim --ready > "$dir/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do grep -q '^ready' "$dir/sim.out" && break; sleep 0.05; done
grep -q '^ready' "$dir/sim.out" || { echo "FAIL: the sim did not start"; exit 1; }

ran=0 rejected=0 failed=0
declare -A kinds
cd "$dir" || exit 1
for program in gen-*.ovsq; do
  timeout 30 "$ovsq" -q -p "$sim_pid" -o "$program.out" "$program" \
    > /dev/null 2> "$program.err" < /dev/null
  status=$?
  first=$(head -1 "$program.err")
  if [ "$status" = 0 ] && ! grep -qiE 'libbpf|verifier|error' "$program.err"; then
    ran=$((ran + 1))
  elif [ "$status" = 1 ] && [[ $first =~ ^$program:[0-9]+:[0-9]+:\ error:\ (.*)$ ]]; then
    rejected=$((rejected + 1))
    # The diagnostic's kind: its text with quoted names and numbers dropped.
    kind=$(sed -e "s/'[^']*'/'X'/g" -e 's/[0-9][0-9]*/N/g' <<< "${BASH_REMATCH[1]}")
    kinds[$kind]=$(( ${kinds[$kind]:-0} + 1 ))
  else
    failed=$((failed + 1))
    echo "FAIL: $program (exit $status, seed $seed):"
    sed 's/^/    /' "$program"
    echo "  stderr:"
    head -30 "$program.err" | sed 's/^/    /'
  fi
done
kill -0 "$sim_pid" 2>/dev/null || { echo "FAIL: the sim died"; failed=$((failed + 1)); }
for kind in "${!kinds[@]}"; do echo "  rejected ${kinds[$kind]}: $kind"; done | sort -t: -k1,1r
echo "generated $count (seed $seed): $ran ran, $rejected rejected by ovsq's diagnostics, $failed failed"
[ "$failed" = 0 ]
