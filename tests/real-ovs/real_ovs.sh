# ovsq against a real ovs-vswitchd (Open vSwitch 3.5 built with USDT probes,
# userspace datapath), checked against OVS's own view: the flows
# `dpctl/dump-flows -m` listed, revalidator/purge, the probes that fire.
# $1 = the case.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/lib.sh"
require_real_ovs

# ping_between FROM TO [COUNT]: COUNT pings, 0.1 s apart.
ping_between() {
  in_host "$1" ping -q -c "${3:-3}" -i 0.1 -W 1 "172.31.0.$2" > /dev/null ||
    fail "host $1 cannot ping host $2"
}

# ufids ovsq printed (sorted), from $TEST_DIR/ovsq.out.
printed_ufids() { grep -o '^ufid:[0-9a-f-]*' "$TEST_DIR/ovsq.out" | sort; }

# expect_idle_deletions [OVSQ OPTION...]: with hosts 1 and 2 on the bridge,
# ovsq (given these options) prints each flow that dump-flows listed after
# a ping, with its ufid, when it idles out; nothing else.
expect_idle_deletions() {
  wait_no_flows
  start_ovsq -p "$VSWITCHD_PID" "$@" -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid'
  ping_between 1 2
  dump_ufids > "$TEST_DIR/dumped.txt"
  [ -s "$TEST_DIR/dumped.txt" ] || fail "dump-flows listed no flows"
  wait_no_flows
  sleep 0.5
  stop_ovsq
  printed_ufids > "$TEST_DIR/printed.txt"
  expect_same "$TEST_DIR/dumped.txt" "$TEST_DIR/printed.txt"
}

# purge_across RESTART: ovsq counts FDR_PURGE deletions while RESTART
# (a function) replaces the vswitchd; each process's count is printed
# under its PID when it ends, and ovsq says exactly that it followed the
# new one.
purge_across() {
  vsctl set Open_vSwitch . other_config:max-idle=30000
  add_host 1; add_host 2
  start_ovsq -e 'on flow_sweep_result where reason == FDR_PURGE count'
  local first=$VSWITCHD_PID
  grep -q "to PID $first;" "$TEST_DIR/ovsq.err" || fail "not attached to the daemon $first"
  ping_between 1 2
  local n1 n2
  n1=$(dump_ufids | wc -l)
  appctl revalidator/purge > /dev/null
  "$1"
  wait_for "$TEST_DIR/ovsq.err" "^Attached 1 probe (1 uprobe) to PID $VSWITCHD_PID;" 20 ||
    fail "not attached to the new vswitchd $VSWITCHD_PID"
  ping_between 1 2
  n2=$(dump_ufids | wc -l)
  appctl revalidator/purge > /dev/null
  wait_no_flows 5
  stop_ovsq
  [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "no flows to purge ($n1, $n2)"
  printf -- '-- PID %d --\ncount\n%d\n\n-- PID %d --\ncount\n%d\n\n' \
    "$first" "$n1" "$VSWITCHD_PID" "$n2" > "$TEST_DIR/expected.txt"
  expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
  { echo "Attached 1 probe (1 uprobe) to PID $first; Ctrl-C to stop."
    echo "PID $first exited; waiting for the next ovs-vswitchd."
    echo "Following PID $VSWITCHD_PID ($(readlink "/proc/$VSWITCHD_PID/exe"))."
    echo "Attached 1 probe (1 uprobe) to PID $VSWITCHD_PID; Ctrl-C to stop."
  } > "$TEST_DIR/expected.err"
  expect_same "$TEST_DIR/expected.err" "$TEST_DIR/ovsq.err"
  echo "purged $n1 flows in PID $first, $n2 in PID $VSWITCHD_PID" >&2
}

case $1 in
  idle)
    # Every flow dump-flows listed, and that idled out, is printed once
    # with its ufid as dump-flows prints it; nothing else.
    start_ovs
    add_host 1; add_host 2
    expect_idle_deletions
    echo "dump-flows listed $(wc -l < "$TEST_DIR/dumped.txt") flows; ovsq printed each at its idle deletion" >&2
    ;;
  flow)
    # `flow` is the key under its mask: at idle deletion ovsq prints, for
    # every flow, exactly the match dpctl/dump-flows printed for it.
    start_ovs
    add_host 1; add_host 2; add_host 3
    wait_no_flows
    start_ovsq -p "$VSWITCHD_PID" -e 'on flow_result where reason == FDR_FLOW_IDLE print flow'
    ping_between 1 2
    ping_between 3 1
    appctl dpctl/dump-flows | grep -v '^flow-dump' | sed 's/, packets:.*//' | sort > "$TEST_DIR/dumped.txt"
    [ -s "$TEST_DIR/dumped.txt" ] || fail "dump-flows listed no flows"
    wait_no_flows
    sleep 0.5
    stop_ovsq
    tail -n +2 "$TEST_DIR/ovsq.out" | sort > "$TEST_DIR/printed.txt"
    expect_same "$TEST_DIR/dumped.txt" "$TEST_DIR/printed.txt"
    echo "$(wc -l < "$TEST_DIR/dumped.txt") flows printed as dump-flows printed them" >&2
    ;;
  purge)
    # revalidator/purge deletes every flow from flow_sweep_result with
    # FDR_PURGE: the count equals the flows dump-flows listed.
    start_ovs
    vsctl set Open_vSwitch . other_config:max-idle=30000
    add_host 1; add_host 2
    start_ovsq -p "$VSWITCHD_PID" -e 'on flow_result, flow_sweep_result where result == UKEY_DELETE count by probe, reason'
    ping_between 1 2
    n=$(dump_ufids | wc -l)
    [ "$n" -gt 0 ] || fail "dump-flows listed no flows"
    appctl revalidator/purge > /dev/null || fail "revalidator/purge failed"
    wait_no_flows 5
    stop_ovsq
    echo "purged $n flows" >&2
    { echo "count by probe, reason"
      echo "probe              reason     count"
      printf 'flow_sweep_result  FDR_PURGE  %5d\n' "$n"
      echo
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  key-filter)
    # key.ipv4.src reads the flow key in the kernel: exactly the IPv4 flows
    # from host 1 (its MAC; NORMAL's megaflows match on it).
    start_ovs
    add_host 1; add_host 2; add_host 3
    wait_no_flows
    start_ovsq -p "$VSWITCHD_PID" -e 'on flow_result where reason == FDR_FLOW_IDLE && key.ipv4.src == 172.31.0.1 print ufid'
    ping_between 1 2
    ping_between 3 2
    dump_flows > "$TEST_DIR/dump.txt"
    grep 'eth(src=02:00:00:00:00:01' "$TEST_DIR/dump.txt" | grep 'eth_type(0x0800)' |
      grep -o '^ufid:[0-9a-f-]*' | sort > "$TEST_DIR/expected.txt"
    [ -s "$TEST_DIR/expected.txt" ] || fail "no IPv4 flow from host 1 in: $(cat "$TEST_DIR/dump.txt")"
    [ "$(wc -l < "$TEST_DIR/dump.txt")" -gt "$(wc -l < "$TEST_DIR/expected.txt")" ] ||
      fail "no other flows to leave out"
    wait_no_flows
    sleep 0.5
    stop_ovsq
    printed_ufids > "$TEST_DIR/printed.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/printed.txt"
    echo "$(wc -l < "$TEST_DIR/expected.txt") of $(wc -l < "$TEST_DIR/dump.txt") flows matched key.ipv4.src" >&2
    ;;
  ipv6-filter)
    # key.ipv6.dst: exactly the IPv6 flows to host 2 (the echo requests
    # from hosts 1 and 3), not the replies nor neighbour discovery.
    start_ovs
    add_host 1 ipv6; add_host 2 ipv6; add_host 3 ipv6
    sleep 1   # router solicitations and MLD reports idle out with the rest
    wait_no_flows
    start_ovsq -p "$VSWITCHD_PID" -e 'on flow_result where reason == FDR_FLOW_IDLE && key.ipv6.dst == fd00::2 print ufid'
    for h in 1 3; do
      in_host "$h" ping -q -c 3 -i 0.1 -W 1 fd00::2 > /dev/null || fail "host $h cannot ping fd00::2"
    done
    dump_flows > "$TEST_DIR/dump.txt"
    grep -E 'ipv6\(src=[^,]*,dst=fd00::2[/,]' "$TEST_DIR/dump.txt" |
      grep -o '^ufid:[0-9a-f-]*' | sort > "$TEST_DIR/expected.txt"
    [ "$(wc -l < "$TEST_DIR/expected.txt")" -ge 2 ] ||
      fail "not one IPv6 flow to host 2 from each of hosts 1 and 3 in: $(cat "$TEST_DIR/dump.txt")"
    [ "$(grep -c 'ipv6(' "$TEST_DIR/dump.txt")" -gt "$(wc -l < "$TEST_DIR/expected.txt")" ] ||
      fail "no other IPv6 flows to leave out"
    wait_no_flows
    sleep 0.5
    stop_ovsq
    printed_ufids > "$TEST_DIR/printed.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/printed.txt"
    echo "$(wc -l < "$TEST_DIR/expected.txt") of $(grep -c 'ipv6(' "$TEST_DIR/dump.txt") IPv6 flows matched key.ipv6.dst" >&2
    ;;
  tcp-filter)
    # TCP from host 1 to host 2's port 8080, ping from host 3: key.tcp.dst
    # and --filter-flows "tcp(dst=8080)" select exactly host 1's IPv4 flow
    # (NORMAL's megaflow matches the MACs; its key is the first packet's).
    # Flows stay until purged (the SYN's flow would idle out while the
    # client waits).
    start_ovs
    vsctl set Open_vSwitch . other_config:max-idle=30000
    add_host 1; add_host 2; add_host 3
    deleted='on flow_result, flow_sweep_result where result == UKEY_DELETE'
    "$OVSQ" -p "$VSWITCHD_PID" -e "$deleted && key.tcp.dst == 8080 print ufid" \
      > "$TEST_DIR/field.out" 2> "$TEST_DIR/field.err" &
    field_pid=$!
    start_ovsq -p "$VSWITCHD_PID" --filter-flows 'tcp(dst=8080)' \
      -e "$deleted print ufid"
    wait_for "$TEST_DIR/field.err" '^Attached' || fail "the key.tcp.dst ovsq did not attach"
    # A SYN is enough to make the flow.  (The handshake does not complete:
    # veth leaves TCP checksums to an offload the userspace datapath does
    # not do, so host 2 drops the segment.)
    in_host 1 timeout 3 python3 -c '
import socket
try:
    socket.create_connection(("172.31.0.2", 8080), timeout=1)
except OSError:
    pass'
    ping_between 3 2
    dump_flows > "$TEST_DIR/dump.txt"
    grep 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)' "$TEST_DIR/dump.txt" |
      grep 'eth_type(0x0800)' | grep -o '^ufid:[0-9a-f-]*' | sort > "$TEST_DIR/expected.txt"
    [ "$(wc -l < "$TEST_DIR/expected.txt")" = 1 ] || fail "expected one TCP flow from host 1: $(cat "$TEST_DIR/dump.txt")"
    appctl revalidator/purge > /dev/null
    wait_no_flows 5
    sleep 0.3
    stop_ovsq
    kill -INT "$field_pid"; wait "$field_pid"
    printed_ufids > "$TEST_DIR/printed.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/printed.txt"
    grep -o '^ufid:[0-9a-f-]*' "$TEST_DIR/field.out" | sort > "$TEST_DIR/field.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/field.txt"
    echo "1 of $(grep -c "^ufid" "$TEST_DIR/dump.txt") flows matched tcp dst 8080, by field and by --filter-flows" >&2
    ;;
  probes)
    # The main loop's and the revalidators' probes fire; sweep_done's
    # n_flows is never more than the datapath's flows.
    start_ovs
    add_host 1; add_host 2
    start_ovsq -p "$VSWITCHD_PID" -e 'on run_start, poll_block, start_dump, sweep_done, reval_entry, reval_exit count by probe'
    ping_between 1 2 5
    sleep 1.5
    stop_ovsq
    for probe in run_start poll_block start_dump sweep_done reval_entry reval_exit; do
      grep -Eq "^$probe +[1-9][0-9]*$" "$TEST_DIR/ovsq.out" || fail "$probe did not fire"
    done
    ;;
  values)
    # Probe fields hold what OVS itself reports: sweep_done's n_flows is
    # upcall/show's current flow count once the flows are steady; the enum
    # values come from the real binary's DWARF, with no built-in types.
    start_ovs
    vsctl set Open_vSwitch . other_config:max-idle=30000
    add_host 1; add_host 2
    start_ovsq -p "$VSWITCHD_PID" -e 'on sweep_done print n_flows'
    ping_between 1 2
    sleep 1.5   # a revalidator round or two with the flows steady
    shown=$(appctl upcall/show | sed -n 's/.*flows *: (current \([0-9]*\)).*/\1/p' | head -1)
    sleep 1
    stop_ovsq
    [ -n "$shown" ] && [ "$shown" -gt 0 ] || fail "upcall/show: $(appctl upcall/show)"
    [ "$(tail -1 "$TEST_DIR/ovsq.out" | tr -d ' ')" = "$shown" ] ||
      fail "n_flows $(tail -1 "$TEST_DIR/ovsq.out"), upcall/show $shown"
    "$OVSQ" -p "$VSWITCHD_PID" --emit=ast -e 'on flow_result where reason == FDR_PURGE && result == UKEY_DELETE count' \
      > "$TEST_DIR/ast.txt" 2> "$TEST_DIR/ast.err" || fail "--emit=ast failed"
    [ -s "$TEST_DIR/ast.err" ] && fail "warned: $(cat "$TEST_DIR/ast.err")"
    grep -q '(enum FDR_PURGE = 7) : enum flow_del_reason' "$TEST_DIR/ast.txt" || fail "FDR_PURGE: $(cat "$TEST_DIR/ast.txt")"
    grep -q '(enum UKEY_DELETE = 1) : enum reval_result' "$TEST_DIR/ast.txt" || fail "UKEY_DELETE"
    echo "n_flows $shown as upcall/show said" >&2
    ;;
  stripped)
    # A stripped copy, its debug file under a build-id directory: the same
    # output, and no warning.
    start_sim_dir=$(mktemp -d /tmp/ovsq-stripped.XXXXXX)
    bin="$start_sim_dir/ovs-vswitchd"
    id=$(readelf -n "$REAL_OVS/bin/ovs-vswitchd" | sed -n 's/.*Build ID: //p')
    [ -n "$id" ] || fail "the built vswitchd has no build-id"
    mkdir -p "$start_sim_dir/debug/.build-id/${id:0:2}"
    objcopy --only-keep-debug "$REAL_OVS/bin/ovs-vswitchd" "$start_sim_dir/debug/.build-id/${id:0:2}/${id:2}.debug"
    objcopy --strip-debug "$REAL_OVS/bin/ovs-vswitchd" "$bin"
    start_ovs "$bin"
    add_host 1; add_host 2
    expect_idle_deletions --debug-dir "$start_sim_dir/debug"
    rm -rf "$start_sim_dir"
    grep -v '^Attached' "$TEST_DIR/ovsq.err" | grep . && fail "warnings with the debug file found"
    true
    ;;
  container)
    # The vswitchd runs as a container runs it: in its own mount and PID
    # namespaces (it is PID 1 there), its binary (stripped) and its debug
    # file (by build-id, under its own /usr/lib/debug) only inside.  ovsq
    # is given the host's PID and reads through /proc/PID/exe and
    # /proc/PID/root.
    id=$(readelf -n "$REAL_OVS/bin/ovs-vswitchd" | sed -n 's/.*Build ID: //p')
    [ -n "$id" ] || fail "the built vswitchd has no build-id"
    ctr="$TEST_DIR/ctr"
    mkdir -p "$ctr/root" "$ctr/image/.build-id/${id:0:2}" /usr/lib/debug
    objcopy --only-keep-debug "$REAL_OVS/bin/ovs-vswitchd" "$ctr/image/.build-id/${id:0:2}/${id:2}.debug"
    objcopy --strip-debug "$REAL_OVS/bin/ovs-vswitchd" "$ctr/image/ovs-vswitchd"
    cat > "$ctr/start.sh" <<SH
#!/bin/bash
set -e
mount -t tmpfs ctr "$ctr/root"
cp "$ctr/image/ovs-vswitchd" "$ctr/root/"
mount -t tmpfs debug /usr/lib/debug
mkdir -p "/usr/lib/debug/.build-id/${id:0:2}"
cp "$ctr/image/.build-id/${id:0:2}/${id:2}.debug" "/usr/lib/debug/.build-id/${id:0:2}/"
exec "$ctr/root/ovs-vswitchd" "\$@"
SH
    chmod +x "$ctr/start.sh"
    start_ovs container "$ctr/start.sh"
    [ -e "$ctr/root/ovs-vswitchd" ] && fail "the binary is visible outside the container"
    [ -e "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" ] && fail "the debug file is visible outside"
    add_host 1; add_host 2
    expect_idle_deletions
    grep -v '^Attached' "$TEST_DIR/ovsq.err" | grep . && fail "warnings with the debug file found"
    echo "PID $VSWITCHD_PID (PID $(sed -n 's/^NSpid:[[:space:]]*[0-9]*[[:space:]]*//p' "/proc/$VSWITCHD_PID/status") inside): $(wc -l < "$TEST_DIR/printed.txt") flows" >&2
    ;;
  restart)
    # ovsq picked the vswitchd itself (no -p): a restart under a running
    # count is followed; each process's deletions are printed when it
    # exits, and the new one's at the end.  The new one starts with
    # --detach, so a parent that forks and exits comes first: never
    # followed.
    start_ovs
    purge_across restart_vswitchd
    ;;
  monitor-crash)
    # With --monitor (ovs-ctl's default) a monitor process of the same
    # binary and name restarts the daemon when it crashes.  ovsq (no -p)
    # traces the daemon, never the monitor, and follows the one restarted.
    ulimit -c 0
    VSWITCHD_OPTIONS=(--monitor)
    start_ovs
    MONITOR_PID=$(ps -o ppid= -p "$VSWITCHD_PID" | tr -d ' ')
    ps -o args= -p "$MONITOR_PID" | grep -q "^ovs-vswitchd: monitoring pid $VSWITCHD_PID " ||
      fail "no monitor process"
    purge_across crash_vswitchd
    grep -q "PID $MONITOR_PID\b" "$TEST_DIR/ovsq.err" && fail "ovsq named the monitor $MONITOR_PID"
    true
    ;;
  examples)
    # Every example whose probes fire in the userspace datapath runs on
    # the real vswitchd: attached with no warning, exit 0 on Ctrl-C, and
    # something of what it is for printed.  (dpif-op-nl-monitor,
    # upcall-monitor and upcall-cost trace dpif-netlink and dpif_recv: the
    # kernel datapath only; docs/ovs-scripts.md.)
    start_ovs
    add_host 1; add_host 2
    while read -r example pattern; do
      start_ovsq -p "$VSWITCHD_PID" "$SOURCE_ROOT/examples/$example.ovsq"
      ping_between 1 2
      wait_no_flows
      sleep 0.6
      stop_ovsq
      [ "$OVSQ_STATUS" = 0 ] || fail "$example: exit status $OVSQ_STATUS"
      grep -v '^Attached' "$TEST_DIR/ovsq.err" | grep . && fail "$example: said more than Attached"
      grep -Eq -- "$pattern" "$TEST_DIR/ovsq.out" || fail "$example printed no '$pattern'"
      echo "$example: ok" >&2
    done <<'LIST'
idle-flows ^ufid:[0-9a-f-]{36}$
deletes-by-reason ^flow_result +FDR_FLOW_IDLE +[1-9]
flow-reval-monitor  ufid:[0-9a-f-]{36} flow idle timeout$
flow-reval-monitor-keys  flow idle timeout +recirc_id\(0\),.*in_port\(
bridge-loop ^@bridge_run_us$
kernel-delay ^@long_poll_avg_ns$
reval-monitor ^ +n_flows +n_reval_flows
flow-lifetime ^hist\(
LIST
    ;;
  *) fail "unknown case $1" ;;
esac
