# The headline query against one simulator variant: every FDR_FLOW_IDLE
# deletion the sim fires is printed once, with its ufid in OVS's text form,
# and nothing else.  $1 = plain | stripped | sema | debug-file
. "$(dirname "$0")/lib.sh"
require_kernel

variant=${1:-plain}
extra=()
case $variant in
  plain) binary=$SIM ;;
  stripped) binary=$SIM_STRIPPED; extra=(--debug-dir "$SIM_DEBUG_DIR") ;;
  sema) binary=$SIM_SEMA ;;
  debug-file)
    binary=$SIM_STRIPPED
    id=$(readelf -n "$SIM_STRIPPED" | sed -n 's/.*Build ID: //p')
    extra=(--debug-file "$SIM_DEBUG_DIR/.build-id/${id:0:2}/${id:2}.debug") ;;
  *) fail "unknown variant $variant" ;;
esac

start_sim sim "$binary"
start_ovsq -p "$SIM_PID" "${extra[@]}" \
  -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid'

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
