# The headline query against one simulator variant: every FDR_FLOW_IDLE
# deletion the sim fires is printed once, with its ufid in OVS's text form,
# and nothing else.
#   $1 = plain | stripped | sema | debug-file | seed-order | nodebug |
#        stripped-no-debug-dir
# seed-order passes flow_result's arguments in the v9 patch's order, which
# ovsq must tell from the note's sizes; nodebug and stripped-no-debug-dir
# have no DWARF to be found, so ovsq uses its built-in types after exactly
# one warning.
. "$(dirname "$0")/lib.sh"
require_kernel

variant=${1:-plain}
extra=()
builtin_types=false
case $variant in
  plain) binary=$SIM ;;
  stripped) binary=$SIM_STRIPPED; extra=(--debug-dir "$SIM_DEBUG_DIR") ;;
  sema) binary=$SIM_SEMA ;;
  debug-file)
    binary=$SIM_STRIPPED
    id=$(readelf -n "$SIM_STRIPPED" | sed -n 's/.*Build ID: //p')
    extra=(--debug-file "$SIM_DEBUG_DIR/.build-id/${id:0:2}/${id:2}.debug") ;;
  seed-order) binary=$SIM_SEED_ORDER ;;
  nodebug) binary=$SIM_NODEBUG; builtin_types=true ;;
  stripped-no-debug-dir) binary=$SIM_STRIPPED; builtin_types=true ;;
  *) fail "unknown variant $variant" ;;
esac

start_sim sim "$binary"
start_ovsq -p "$SIM_PID" "${extra[@]}" \
  -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid'

if [ "$builtin_types" = true ]; then
  # The path ovsq read: the sim's executable as the kernel names it.
  exe=$(readlink "/proc/$SIM_PID/exe")
  id=$(readelf -n "$binary" | sed -n 's/.*Build ID: //p')
  why="it has no .debug_info, and none was found by build-id $id under /usr/lib/debug"
  if [ "$variant" = stripped-no-debug-dir ]; then
    dir=$(dirname "$exe")
    why+=", nor by its .gnu_debuglink vswitchd-sim-stripped.debug in $dir, $dir/.debug, /usr/lib/debug$dir"
  fi
  printf '%s\n' "ovsq: warning: no debug info for $exe ($why); using ovsq's built-in enum values and layouts of upstream Open vSwitch, which may not match this build" > "$TEST_DIR/expected.err"
  grep -v '^Attached' "$TEST_DIR/ovsq.err" > "$TEST_DIR/warnings.err"
  expect_same "$TEST_DIR/expected.err" "$TEST_DIR/warnings.err"
  head -1 "$TEST_DIR/ovsq.err" | grep -q '^ovsq: warning: ' || fail "the warning is not ovsq's first line on stderr"
fi

if [ "$variant" = sema ]; then
  sim sim semaphores
  grep -Eq '^flow_result [1-9][0-9]*$' "$TEST_DIR/sim.out" || fail "ovsq did not raise the flow_result semaphore"
fi

sim sim "mix 48"                                   # 4 of 48 are FDR_FLOW_IDLE
sim sim "fire flow_result count=3 reason=FDR_FLOW_IDLE"
sim sim "fire flow_result count=5 reason=FDR_PURGE"
sim sim "fire flow_sweep_result count=2 reason=FDR_FLOW_IDLE"  # other probe

{ echo ufid
  grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2
} > "$TEST_DIR/expected.txt"
[ "$(wc -l < "$TEST_DIR/expected.txt")" = 8 ] || fail "the sim fired $(($(wc -l < "$TEST_DIR/expected.txt") - 1)) idle flows, not 7"
wait_lines "$TEST_DIR/ovsq.out" 8 || true
stop_ovsq
[ "$OVSQ_STATUS" = 0 ] || fail "ovsq exited $OVSQ_STATUS"
expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"

if [ "$variant" = sema ]; then
  sim sim semaphores
  grep -q '^flow_result 0$' "$TEST_DIR/sim.out" || fail "the flow_result semaphore is still raised after ovsq stopped"
fi
echo "ok: $variant: 7 idle flows printed exactly"
