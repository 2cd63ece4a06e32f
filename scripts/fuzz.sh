#!/bin/bash
# Runs every libFuzzer target of tests/fuzz for DURATION each (default 60s;
# "90", "90s", "10m", "1h"), or only the TARGETs named:
#
#   scripts/fuzz.sh [DURATION] [TARGET...]
#
# Builds them in ./build-fuzz with clang-19, AddressSanitizer and
# UndefinedBehaviorSanitizer (-Dfuzz=true).  Each target starts from its
# committed seed corpus (tests/fuzz/corpus/TARGET, read only) plus what
# earlier runs found (build-fuzz/fuzz-corpus/TARGET).  A crash, leak,
# timeout (an input over 10 s) or out-of-memory fails the run; the input
# is left in build-fuzz/fuzz-artifacts/TARGET/.  Copy it into
# tests/fuzz/regressions/TARGET/ with the fix: the unit test fuzz-TARGET
# replays it in every build from then on.
#
# Prints a line per target: "fuzz TARGET: ok|FAILED, N execs in S s".
set -u
cd "$(dirname "$0")/.."
duration=${1:-60s}
[ $# -gt 0 ] && shift
case $duration in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parser sema flow_filter odp_key usdt_args)

./scripts/install-deps.sh
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang-19 CXX=clang++-19 meson setup build-fuzz --native-file native/debian12.ini \
    -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false > build-fuzz.log 2>&1 \
    || { cat build-fuzz.log; rm -f build-fuzz.log; exit 1; }
  rm -f build-fuzz.log
fi
build_targets=(tests/sim/vswitchd-sim)
for t in "${targets[@]}"; do build_targets+=("tests/fuzz/fuzz_$t"); done
meson compile -C build-fuzz "${build_targets[@]}" > build-fuzz/compile.log 2>&1 \
  || { tail -50 build-fuzz/compile.log; exit 1; }

# UB is an error, not a line on stderr; leaks are checked at every input.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export OVSQ_CACHE_DIR=$PWD/build-fuzz/test-cache
failed=0
for t in "${targets[@]}"; do
  corpus=build-fuzz/fuzz-corpus/$t artifacts=build-fuzz/fuzz-artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  dict=()
  case $t in
    parser|sema) dict=(-dict=tests/fuzz/ovsq.dict) ;;
    flow_filter) dict=(-dict=tests/fuzz/flow_filter.dict) ;;
    usdt_args) dict=(-dict=tests/fuzz/usdt_args.dict) ;;
  esac
  log=build-fuzz/fuzz-$t.log
  start=$(date +%s)
  "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/corpus/$t" > "$log" 2>&1
  status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(( $(date +%s) - start ))
  if [ "$status" = 0 ]; then
    echo "fuzz $t: ok, ${execs:-?} execs in $took s"
  else
    failed=$((failed + 1))
    echo "fuzz $t: FAILED (exit $status), ${execs:-?} execs in $took s; log $log, input in $artifacts/"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5
  fi
done
[ "$failed" = 0 ]
