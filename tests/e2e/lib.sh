# Shared helpers for the end-to-end tests: start tests/vswitchd-sim, run
# ovsq against it, fire known events and compare what ovsq printed.
#
# Every test is run by meson as `bash TEST.sh` with OVSQ, SIM, SIM_STRIPPED,
# SIM_DEBUG_DIR, SIM_SEMA, SIM_NODEBUG, SIM_SEED_ORDER and SOURCE_ROOT in the
# environment.
# Exit codes follow meson: 0 pass, 77 skip, anything else fail.
set -u

TEST_DIR=$(mktemp -d /tmp/ovsq-e2e.XXXXXX)
SIM_PIDS=()
OVSQ_PID=""

cleanup() {
  [ -n "$OVSQ_PID" ] && kill -KILL "$OVSQ_PID" 2>/dev/null
  for pid in "${SIM_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$TEST_DIR"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$TEST_DIR"/*.out "$TEST_DIR"/*.err; do
    [ -s "$f" ] && { echo "--- $f" >&2; head -50 "$f" >&2; }
  done
  exit 1
}

# Tracing needs root and a kernel with uprobes.  Without them a test is
# skipped with the reason, except in CI, where it must not pass silently.
require_kernel() {
  local why=""
  if [ "$(id -u)" != 0 ]; then
    why="needs root to load BPF programs"
  elif [ ! -e /sys/bus/event_source/devices/uprobe/type ]; then
    why="the kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe)"
  fi
  if [ -n "$why" ]; then
    if [ "${CI:-}" = true ]; then echo "FAIL (CI): $why" >&2; exit 1; fi
    echo "SKIP: $why" >&2
    exit 77
  fi
}

# wait_for FILE PATTERN [SECONDS]: until a line of FILE matches PATTERN.
wait_for() {
  local file=$1 pattern=$2 limit=${3:-10} i=0
  while ! grep -q -- "$pattern" "$file" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt $((limit * 20)) ] && return 1
    sleep 0.05
  done
}

# wait_lines FILE N [SECONDS]: until FILE has at least N lines.
wait_lines() {
  local file=$1 n=$2 limit=${3:-10} i=0
  while [ "$(wc -l < "$file" 2>/dev/null || echo 0)" -lt "$n" ]; do
    i=$((i + 1))
    [ "$i" -gt $((limit * 20)) ] && return 1
    sleep 0.05
  done
}

# start_sim NAME BINARY [ARGS...]: starts a simulator reading commands from
# the FIFO $TEST_DIR/NAME.in; sets SIM_PID.
start_sim() {
  local name=$1 binary=$2
  shift 2
  mkfifo "$TEST_DIR/$name.in"
  "$binary" --ready "$@" < "$TEST_DIR/$name.in" > "$TEST_DIR/$name.out" 2>&1 &
  SIM_PID=$!
  SIM_PIDS+=("$SIM_PID")
  # Keep the FIFO open for writing so the sim never sees EOF between commands.
  eval "exec {fd}>\"$TEST_DIR/$name.in\""
  eval "SIM_FD_$name=$fd"
  wait_for "$TEST_DIR/$name.out" '^ready pid=' || fail "$name did not start"
}

# sim NAME COMMAND: sends one command and waits for its "ok".
sim() {
  local name=$1 command=$2 fd before
  fd=$(eval echo "\$SIM_FD_$name")
  before=$(grep -c '^ok$' "$TEST_DIR/$name.out")
  echo "$command" >&"$fd"
  local i=0
  while [ "$(grep -c '^ok$' "$TEST_DIR/$name.out")" -le "$before" ]; do
    grep -q '^error:' "$TEST_DIR/$name.out" && fail "sim said: $(grep '^error:' "$TEST_DIR/$name.out")"
    i=$((i + 1)); [ "$i" -gt 200 ] && fail "sim did not answer '$command'"
    sleep 0.05
  done
}

# start_ovsq ARGS...: runs ovsq in the background until it has attached.
start_ovsq() {
  # Emptied here, not only by the redirections: the loop below must not
  # find an earlier run's "Attached" before the new one has started.
  : > "$TEST_DIR/ovsq.out"
  : > "$TEST_DIR/ovsq.err"
  "$OVSQ" "$@" > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err" &
  OVSQ_PID=$!
  local i=0
  while ! grep -q '^Attached' "$TEST_DIR/ovsq.err" 2>/dev/null; do
    kill -0 "$OVSQ_PID" 2>/dev/null || fail "ovsq exited before attaching"
    i=$((i + 1)); [ "$i" -gt 400 ] && fail "ovsq did not attach within 20 s"
    sleep 0.05
  done
}

# stop_ovsq: Ctrl-C, then its exit status in OVSQ_STATUS.
# describe_process PID: what a process that does not stop is doing, for
# the failure message: its signal masks and each thread's kernel stack.
describe_process() {
  grep -E '^(State|SigQ|SigPnd|ShdPnd|SigBlk|SigIgn|SigCgt):' "/proc/$1/status"
  local task
  for task in /proc/"$1"/task/*; do
    echo "thread ${task##*/} ($(cat "$task/comm")): $(grep -E '^(SigPnd|SigBlk)' "$task/status" | tr '\n\t' '  ')"
    cat "$task/stack" 2>/dev/null | head -6
  done
  ls -l "/proc/$1/fd" 2>/dev/null | tail -n +2
}

stop_ovsq() {
  kill -INT "$OVSQ_PID"
  local i=0
  while kill -0 "$OVSQ_PID" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt 200 ] && { describe_process "$OVSQ_PID" >&2; fail "ovsq did not stop on SIGINT"; }
    sleep 0.05
  done
  wait "$OVSQ_PID"
  OVSQ_STATUS=$?
  OVSQ_PID=""
}

# expect_same EXPECTED_FILE ACTUAL_FILE: exact comparison, diff on failure.
expect_same() {
  diff -u "$1" "$2" > "$TEST_DIR/diff.txt" || { cat "$TEST_DIR/diff.txt" >&2; fail "output differs"; }
}

# wait_ovsq_exit [SECONDS]: for an ovsq that ends by itself (exit, limit,
# for); its exit status in OVSQ_STATUS.
wait_ovsq_exit() {
  local limit=${1:-10} i=0
  while kill -0 "$OVSQ_PID" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt $((limit * 20)) ] && fail "ovsq still running after $limit s"
    sleep 0.05
  done
  wait "$OVSQ_PID"
  OVSQ_STATUS=$?
  OVSQ_PID=""
}

# json_check FILE PYTHON: runs PYTHON with `records`, the parsed JSON lines
# of FILE (every line must parse); an assertion failing fails the test.
json_check() {
  python3 - "$1" "$2" <<'PY' || fail "JSON check failed"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
exec(sys.argv[2])
PY
}
