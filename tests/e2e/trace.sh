# Tracing behaviour beyond the headline query: choosing the process,
# several columns, saved scripts, and how ovsq ends.  $1 = the case.
. "$(dirname "$0")/lib.sh"
require_kernel

HEADLINE='on flow_result where reason == FDR_FLOW_IDLE print ufid'

# The sim's idle flow_result lines as the headline query prints them.
expected_idle_ufids() {
  echo ufid
  grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2
}

case $1 in
  default-vswitchd)
    # No -p and no --binary: the one process named ovs-vswitchd.
    start_sim sim "$SIM" --comm ovs-vswitchd
    start_ovsq -e "$HEADLINE"
    grep -q "to PID $SIM_PID;" "$TEST_DIR/ovsq.err" || fail "did not attach to PID $SIM_PID"
    sim sim "mix 24"
    expected_idle_ufids > "$TEST_DIR/expected.txt"
    wait_lines "$TEST_DIR/ovsq.out" 3
    stop_ovsq
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  follow)
    # ovsq picked the vswitchd itself: when it exits, ovsq waits for the
    # next one and traces it, probes read anew; the counts of each process
    # are printed when it exits, under its PID.  --no-follow stops instead.
    start_sim a "$SIM" --comm ovs-vswitchd
    a=$SIM_PID
    start_ovsq -e 'on flow_result { print ufid; count }'
    sim a "fire flow_result count=2"
    wait_lines "$TEST_DIR/ovsq.out" 3
    echo quit >&"$SIM_FD_a"
    wait_for "$TEST_DIR/ovsq.err" "^PID $a exited; waiting for the next ovs-vswitchd\.$" ||
      fail "no waiting message"
    start_sim b "$SIM" --comm ovs-vswitchd
    b=$SIM_PID
    wait_for "$TEST_DIR/ovsq.err" "^Attached 1 probe (2 uprobes) to PID $b;" || fail "not attached to $b"
    sim b "fire flow_result count=3"
    wait_lines "$TEST_DIR/ovsq.out" 10
    stop_ovsq
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    { echo "ufid"
      grep '^flow_result' "$TEST_DIR/a.out" | cut -d' ' -f2
      printf -- '-- PID %d --\ncount\n2\n\n' "$a"
      echo "ufid"
      grep '^flow_result' "$TEST_DIR/b.out" | cut -d' ' -f2
      printf -- '-- PID %d --\ncount\n3\n\n' "$b"
    } > "$TEST_DIR/expected.txt"
    { echo "Attached 1 probe (2 uprobes) to PID $a; Ctrl-C to stop."
      echo "PID $a exited; waiting for the next ovs-vswitchd."
      echo "Following PID $b ($(readlink /proc/$b/exe))."
      echo "Attached 1 probe (2 uprobes) to PID $b; Ctrl-C to stop."
    } > "$TEST_DIR/expected.err"
    expect_same "$TEST_DIR/expected.err" "$TEST_DIR/ovsq.err"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    # --no-follow: the one-shot ends with its vswitchd.
    start_ovsq --no-follow -e 'on flow_result count'
    echo quit >&"$SIM_FD_b"
    wait_ovsq_exit 5
    grep -qx "PID $b exited; stopping." "$TEST_DIR/ovsq.err" || fail "--no-follow did not stop"
    ;;
  follow-detach)
    # The next vswitchd starts with --detach, as ovs-ctl starts it: the
    # process started lingers alone, forks, and exits once its child (the
    # daemon) has started.  ovsq follows the daemon, never that parent,
    # so the new process's count is printed once.
    start_sim a "$SIM" --comm ovs-vswitchd
    a=$SIM_PID
    start_ovsq -e 'on flow_result count'
    sim a "fire flow_result count=2"
    echo quit >&"$SIM_FD_a"
    wait_for "$TEST_DIR/ovsq.err" "^PID $a exited; waiting for the next ovs-vswitchd\.$" ||
      fail "no waiting message"
    start_sim b "$SIM" --comm ovs-vswitchd --detach
    parent=$SIM_PID
    b=$(sed -n 's/^ready pid=//p' "$TEST_DIR/b.out")
    SIM_PIDS+=("$b")
    [ "$b" != "$parent" ] || fail "the sim did not detach"
    wait_for "$TEST_DIR/ovsq.err" "^Attached 1 probe (2 uprobes) to PID $b;" || fail "not attached to $b"
    sim b "fire flow_result count=3"
    stop_ovsq
    printf -- '-- PID %d --\ncount\n2\n\n-- PID %d --\ncount\n3\n\n' "$a" "$b" > "$TEST_DIR/expected.txt"
    { echo "Attached 1 probe (2 uprobes) to PID $a; Ctrl-C to stop."
      echo "PID $a exited; waiting for the next ovs-vswitchd."
      echo "Following PID $b ($(readlink /proc/$b/exe))."
      echo "Attached 1 probe (2 uprobes) to PID $b; Ctrl-C to stop."
    } > "$TEST_DIR/expected.err"
    expect_same "$TEST_DIR/expected.err" "$TEST_DIR/ovsq.err"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  container)
    # The vswitchd runs in its own mount namespace, as in a container: its
    # binary (stripped) and its debug file (by build-id, under its own
    # /usr/lib/debug) exist only inside.  ovsq reads and attaches through
    # /proc/PID/exe and finds the debug file under /proc/PID/root.
    command -v unshare > /dev/null || fail "unshare (util-linux) is not installed"
    id=$(readelf -n "$SIM_STRIPPED" | sed -n 's/.*Build ID: //p')
    mkdir -p "$TEST_DIR/image" "$TEST_DIR/root"
    cat > "$TEST_DIR/container.sh" <<SH
#!/bin/bash
set -e
mount -t tmpfs ctr "$TEST_DIR/root"
mkdir -p "$TEST_DIR/root/bin"
cp "$SIM_STRIPPED" "$TEST_DIR/root/bin/ovs-vswitchd"
mount -t tmpfs debug /usr/lib/debug
mkdir -p "/usr/lib/debug/.build-id/${id:0:2}"
cp "$SIM_DEBUG_DIR/.build-id/${id:0:2}/${id:2}.debug" "/usr/lib/debug/.build-id/${id:0:2}/"
exec "$TEST_DIR/root/bin/ovs-vswitchd" "\$@"
SH
    printf '#!/bin/sh\nexec unshare --mount --propagation private "%s" "$@"\n' \
      "$TEST_DIR/container.sh" > "$TEST_DIR/start-container"
    chmod +x "$TEST_DIR/container.sh" "$TEST_DIR/start-container"
    mkdir -p /usr/lib/debug
    start_sim ctr "$TEST_DIR/start-container"
    [ -e "$TEST_DIR/root/bin/ovs-vswitchd" ] && fail "the binary is visible outside the container"
    [ -e "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" ] && fail "the debug file is visible outside"
    start_ovsq -p "$SIM_PID" -e "$HEADLINE"
    sim ctr "mix 24"
    wait_lines "$TEST_DIR/ovsq.out" 3
    stop_ovsq
    { echo ufid; grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/ctr.out" | cut -d' ' -f2; } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    # No warning: the debug file was found, not the built-in types used.
    [ "$(grep -cv '^Attached' "$TEST_DIR/ovsq.err")" = 0 ] || fail "warned: $(cat "$TEST_DIR/ovsq.err")"
    ;;
  every-process)
    # --binary without -p: every process running it, including ones started
    # after ovsq attached.
    start_sim a "$SIM"
    start_ovsq --binary "$SIM" -e "$HEADLINE"
    grep -q "every process running $SIM" "$TEST_DIR/ovsq.err" || fail "status line does not say every process"
    start_sim b "$SIM"
    sim a "fire flow_result count=2"
    sim b "fire flow_result count=3"
    { echo ufid
      grep '^flow_result' "$TEST_DIR/a.out" "$TEST_DIR/b.out" | cut -d' ' -f2 | sort
    } > "$TEST_DIR/expected.txt"
    wait_lines "$TEST_DIR/ovsq.out" 6
    stop_ovsq
    { head -1 "$TEST_DIR/ovsq.out"; tail -n +2 "$TEST_DIR/ovsq.out" | sort; } > "$TEST_DIR/sorted.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/sorted.txt"
    ;;
  columns)
    # Several columns of every kind the slice prints, from both flow_result
    # locations (one passes result as the constant $0) and through pointers.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_result print ufid, result, reason, ukey->key_len > 0, ukey->pmd_id + 1'
    sim sim "mix 12"
    # pmd_id is PMD_ID_NULL (UINT32_MAX): + 1 shows it widened unsigned.
    { printf '%-41s  %-11s  %-19s  %-17s  %20s\n' ufid result reason 'ukey->key_len > 0' 'ukey->pmd_id + 1'
      grep '^flow_result' "$TEST_DIR/sim.out" | sed 's/result=//; s/reason=//' |
        awk '{ printf "%-41s  %-11s  %-19s  %-17s  %20s\n", $2, $3, $4, "true", "4294967296" }'
    } > "$TEST_DIR/expected.txt"
    wait_lines "$TEST_DIR/ovsq.out" 13
    stop_ovsq
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  script-file)
    # A saved query run through its #!/usr/bin/env ovsq line.
    start_sim sim "$SIM"
    : > "$TEST_DIR/ovsq.err"  # not an earlier run's "Attached"
    PATH=$(dirname "$OVSQ"):$PATH "$SOURCE_ROOT/examples/idle-flows.ovsq" -p "$SIM_PID" \
      > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err" &
    OVSQ_PID=$!
    wait_for "$TEST_DIR/ovsq.err" '^Attached' 20 || fail "the script did not attach"
    sim sim "mix 36"
    expected_idle_ufids > "$TEST_DIR/expected.txt"
    wait_lines "$TEST_DIR/ovsq.out" 4
    stop_ovsq
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  target-exits)
    # The traced process exits: ovsq says so and ends by itself, exit 0.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e "$HEADLINE"
    sim sim "fire flow_result count=2"
    wait_lines "$TEST_DIR/ovsq.out" 3
    sim_fd=$SIM_FD_sim; echo quit >&"$sim_fd"
    i=0; while kill -0 "$OVSQ_PID" 2>/dev/null; do
      i=$((i + 1)); [ "$i" -gt 100 ] && fail "ovsq still running 5 s after its target exited"; sleep 0.05; done
    wait "$OVSQ_PID"; status=$?; OVSQ_PID=""
    [ "$status" = 0 ] || fail "exit status $status"
    grep -qx "PID $SIM_PID exited; stopping." "$TEST_DIR/ovsq.err" || fail "no exit message"
    expected_idle_ufids > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  sigterm)
    start_sim sim "$SIM_SEMA"
    start_ovsq -p "$SIM_PID" -e "$HEADLINE"
    kill -TERM "$OVSQ_PID"
    i=0; while kill -0 "$OVSQ_PID" 2>/dev/null; do
      i=$((i + 1)); [ "$i" -gt 100 ] && fail "ovsq ignored SIGTERM"; sleep 0.05; done
    wait "$OVSQ_PID"; status=$?; OVSQ_PID=""
    [ "$status" = 0 ] || fail "exit status $status after SIGTERM"
    sim sim semaphores
    grep -qx 'flow_result 0' "$TEST_DIR/sim.out" || fail "semaphore left raised after SIGTERM"
    ;;
  sigkill)
    # A tracer killed outright leaves no semaphore raised: the kernel owns
    # the count (uprobe ref_ctr_offset) and drops it with the uprobe.
    start_sim sim "$SIM_SEMA"
    start_ovsq -p "$SIM_PID" -e "$HEADLINE"
    sim sim semaphores
    grep -Eqx 'flow_result [1-9][0-9]*' "$TEST_DIR/sim.out" || fail "semaphore not raised while attached"
    kill -KILL "$OVSQ_PID"; wait "$OVSQ_PID" 2>/dev/null; OVSQ_PID=""
    sleep 0.2
    sim sim semaphores
    [ "$(grep -c -x 'flow_result 0' "$TEST_DIR/sim.out")" -ge 1 ] || fail "semaphore left raised after SIGKILL"
    ;;
  memory-operands)
    # Arguments the notes place in memory (flow_put's put at N(%rsp),
    # upcall's at N(%reg) and (%rdx)), a ufid behind a pointer, and a
    # clause over two probes.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_put, flow_del print ufid
on upcall print type, packet_len
on sweep_done print n_flows, max_idle_ms'
    sim sim "fire flow_put count=3"
    sim sim "fire flow_del count=2"
    sim sim "fire upcall type=DPIF_UC_ACTION"
    sim sim "fire sweep_done n_flows=7 max_idle_ms=1500"
    wait_lines "$TEST_DIR/ovsq.out" 7
    stop_ovsq
    # Several clauses: each row starts with its clause's probes, and each
    # clause has its own header.
    { echo 'flow_put,flow_del  ufid'
      echo 'upcall             type             packet_len'
      echo 'sweep_done                      n_flows  max_idle_ms'
      grep -E '^flow_(put|del) ' "$TEST_DIR/sim.out" | cut -d' ' -f2 | sed 's/^/flow_put,flow_del  /'
      echo 'upcall             DPIF_UC_ACTION           98'
      echo 'sweep_done                            7         1500'
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  timings)
    # --timings: one line on stderr, every start-up phase in order, ending
    # with the first event; without events, with the run.
    phases='start-up, parse, probes and debug info, sema, lower, llvm, load, attach'
    start_sim sim "$SIM"
    start_ovsq --timings -p "$SIM_PID" -e "$HEADLINE"
    sim sim "mix 24"
    wait_lines "$TEST_DIR/ovsq.out" 3
    stop_ovsq
    timings=$(grep '^ovsq: timings: ' "$TEST_DIR/ovsq.err") || fail "no timings line"
    [ "$(echo "$timings" | wc -l)" = 1 ] || fail "more than one timings line"
    names=$(echo "$timings" | sed -E 's/^ovsq: timings: //; s/ [0-9]+\.[0-9]{2} ms//g')
    [ "$names" = "$phases, first event, total" ] || fail "timings phases: $names"
    "$OVSQ" --timings -p "$SIM_PID" -e "$HEADLINE for 100ms" > /dev/null 2> "$TEST_DIR/quiet.err" \
      || fail "ovsq --timings for 100ms failed"
    names=$(sed -nE '/^ovsq: timings: /{s/^ovsq: timings: //; s/ [0-9]+\.[0-9]{2} ms//g; p}' "$TEST_DIR/quiet.err")
    [ "$names" = "$phases, run without events, total" ] || fail "timings without events: $names"
    ;;
  *) fail "unknown case $1" ;;
esac
echo "ok: $1"
