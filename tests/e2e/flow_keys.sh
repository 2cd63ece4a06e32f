# Flow keys, flow-field filters, ufid literals and meaning() on the sim,
# checked against the sim's own ODP strings (`key K`) and counts.
#   $1 = print-all | print-upcall-put | filters | filter-flows |
#        filter-flows-errors | truncated | ufid-literal | meaning
. "$(dirname "$0")/lib.sh"
require_kernel

case=${1:-print-all}

# sim_keys FIRST LAST: "ufid odp" for event numbers FIRST..LAST, from the
# sim's log of flow_result lines and its `key K` command.
sim_keys() {
  local k
  for k in $(seq "$1" "$2"); do sim sim "key $k"; done
  grep '^key ' "$TEST_DIR/sim.out" | cut -d' ' -f3- > "$TEST_DIR/keys.txt"
  grep '^flow_result ' "$TEST_DIR/sim.out" | cut -d' ' -f2 > "$TEST_DIR/ufids.txt"
  paste -d' ' "$TEST_DIR/ufids.txt" "$TEST_DIR/keys.txt"
}

finish() {  # finish N: wait for N lines, stop ovsq, expect exit 0
  wait_lines "$TEST_DIR/ovsq.out" "$1" || true
  stop_ovsq
  [ "$OVSQ_STATUS" = 0 ] || fail "ovsq exited $OVSQ_STATUS"
}

case $case in
  print-all)
    # Every one of the sim's 256 flows (IPv4/IPv6, TCP/UDP, VLAN, conntrack,
    # tunnel) printed at deletion exactly as the sim spells it.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_result printf("%s %s\n", ufid, key)'
    sim sim "mix 256"
    sim_keys 1 256 > "$TEST_DIR/expected.txt"
    finish 256
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  print-flow)
    # `flow`: the key under the sim's mask (exact but for ipv4 tos and ttl,
    # ipv6 label, tclass and hlimit), as dpctl/dump-flows prints a match:
    # the wildcarded fields left out.  At deletion (flow_result) and
    # on reval_entry (ukey->mask).
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      on flow_result printf("%s %s\n", ufid, flow)
      on reval_entry printf("entry %s %s\n", ufid, flow)'
    sim sim "mix 256"
    sim sim "fire reval_entry event=203"
    sim_keys 1 256 > "$TEST_DIR/ufid-keys.txt"
    { cat "$TEST_DIR/ufid-keys.txt"; grep ' recirc_id(0),tunnel' "$TEST_DIR/ufid-keys.txt" | sed 's/^/entry /'; } |
      sed -E 's/,tos=[^,]*,ttl=[^,]*//; s/label=[^,]*,//; s/,tclass=[^,]*,hlimit=[^,)]*//' \
      > "$TEST_DIR/expected.txt"
    finish 257
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  print-upcall-put)
    # The upcall's key (arguments key, key_len) and flow_put's (put->key)
    # are the flow's, as the sim fires them for one event number.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      on upcall printf("upcall %s %s\n", type, key)
      on flow_put printf("put %s %s\n", ufid, key)'
    for k in 1 2 3 4 5 6 7 8; do
      sim sim "fire upcall"
      sim sim "fire flow_put"
      sim sim "key $k"
    done
    { grep -E '^(flow_put|key) ' "$TEST_DIR/sim.out" | paste -d' ' - - |
        while read -r _ ufid _ _ odp; do
          echo "upcall DPIF_UC_MISS $odp"
          echo "put $ufid $odp"
        done; } > "$TEST_DIR/expected.txt"
    finish 16
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  filters)
    # Each filter picks flows whose sim key says so: TCP 443 (15 of the
    # first 120, IPv4 and IPv6), an IPv6 source, a MAC, an IPv4 source
    # inside a VLAN's encap, a tunnel field, a conntrack zone.  `!=` on a
    # field the flow lacks is false: UDP flows are not "tcp.dst != 80".
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      on flow_result where key.tcp.dst == 443 printf("443 %s\n", ufid)
      on flow_result where key.tcp.dst != 80 printf("not80 %s\n", ufid)
      on flow_result where key.ipv6.src == 2001:db8::4 || key.eth.src == 02:00:00:00:00:05 printf("v6mac %s\n", ufid)
      on flow_result where key.ipv4.src == 10.0.0.201 && key.vlan.vid == 100 printf("vlan %s %u\n", ufid, key.tcp.dst)
      on flow_result where key.tunnel.dst == 192.0.2.2 printf("tunnel %s %s\n", ufid, key.tunnel.src)
      on flow_result where key.ct_zone == 5 && key.recirc_id == 1 printf("ct %s %u\n", ufid, key.ct_state)'
    sim sim "mix 256"
    sim_keys 1 256 > "$TEST_DIR/keys-ufids.txt"
    sim sim "keys 1 120"
    grep -q '^keys 1-120 .* tcp_443=15 ' "$TEST_DIR/sim.out" || fail "the sim's counts changed"
    k() { awk -v pat="$1" -v tag="$2" '$0 ~ pat { print tag " " $1 }' "$TEST_DIR/keys-ufids.txt"; }
    { k 'tcp\(src=[0-9]+,dst=443\)' 443
      k 'tcp\(src=[0-9]+,dst=443\)' not80
      k 'ipv6\(src=2001:db8::4,|eth\(src=02:00:00:00:00:05,' v6mac
      k 'vlan\(vid=100' vlan | sed 's/$/ 80/'
      k 'tunnel\(' tunnel | sed 's/$/ 192.0.2.1/'
      k 'ct_zone\(0x5\)' ct | sed 's/$/ 34/'
    } | sort > "$TEST_DIR/expected.txt"
    [ "$(grep -c '^443 ' "$TEST_DIR/expected.txt")" = 32 ] || fail "expected 32 flows to port 443 in 256"
    finish "$(wc -l < "$TEST_DIR/expected.txt")"
    sort "$TEST_DIR/ovsq.out" > "$TEST_DIR/actual.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    ;;
  filter-flows)
    # The seed script's syntax: applies to every clause with a flow key
    # (flow_put, flow_result, and the upcall, whose flow is event 14's, UDP),
    # not to the one without (flow_execute).
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" \
      --filter-flows 'eth_type(0x0800),ipv4(src=10.0.0.13,proto=6,frag=no),tcp(dst=443)' \
      -e 'on flow_put, flow_result printf("%s %s\n", probe, ufid)
          on upcall printf("upcall\n")
          on flow_execute printf("execute\n")'
    sim sim "mix 12"                     # events 1..12
    sim sim "fire flow_put"              # 13: 10.0.0.13, TCP 443
    sim sim "fire upcall"                # flow 14: filtered out
    sim sim "fire flow_execute"
    sim sim "fire flow_result event=13 reason=FDR_FLOW_IDLE"
    sim sim "fire flow_put"              # 14: UDP
    sim sim "key 13"
    grep -q '^key 13 .*ipv4(src=10.0.0.13,.*tcp(src=10013,dst=443)' "$TEST_DIR/sim.out" ||
      fail "flow 13 is not 10.0.0.13 to TCP 443 any more"
    ufid=$(grep '^flow_put ' "$TEST_DIR/sim.out" | head -1 | cut -d' ' -f2)
    printf 'flow_put %s\nexecute\nflow_result %s\n' "$ufid" "$ufid" > "$TEST_DIR/expected.txt"
    finish 3
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  filter-flows-errors)
    start_sim sim "$SIM"
    check() {  # check FILTER QUERY EXPECTED_STDERR
      "$OVSQ" -p "$SIM_PID" --filter-flows "$1" -e "$2" > "$TEST_DIR/e.out" 2> "$TEST_DIR/e.err"
      status=$?
      [ "$status" = 1 ] || fail "--filter-flows '$1' exited $status, not 1"
      printf '%s\n' "$3" > "$TEST_DIR/e.expected"
      expect_same "$TEST_DIR/e.expected" "$TEST_DIR/e.err"
    }
    check 'ipv4(sorc=10.0.0.1)' 'on flow_put print ufid' \
"--filter-flows:1:6: error: the flow key has no field 'ipv4.sorc'; did you mean 'ipv4.src'?
ipv4(sorc=10.0.0.1)
     ^~~~"
    check 'ipv4(src=10.0.0.300)' 'on flow_put print ufid' \
"--filter-flows:1:10: error: '10.0.0.300' is not a value of ipv4.src: expected an IPv4 address such as 192.168.10.10
ipv4(src=10.0.0.300)
         ^~~~~~~~~~"
    check 'tcp(dst=80' 'on flow_put print ufid' \
"--filter-flows:1:11: error: expected ')' to close 'tcp('
tcp(dst=80
          ^"
    check '  ' 'on flow_put print ufid' \
"--filter-flows:1:1: error: the filter is empty: write fields as dpctl/dump-flows prints them, e.g. ipv4(src=192.168.10.10)
  
^"
    check 'in_port(2)' 'on flow_execute, run_start print probe' \
"ovsq: --filter-flows: no clause of the query traces a probe with a flow key (flow_result, flow_sweep_result, reval_entry, reval_exit, upcall, flow_put, flow_del, flow_get)"
    ;;
  truncated)
    # 48 of flow 1's 64 bytes: the attributes that fit, then the mark; the
    # cut ipv4 attribute is never decoded.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --flow-key-size 48 -e 'on flow_result print key'
    sim sim "mix 1"
    printf '%s\n' key 'recirc_id(0),in_port(2),eth(src=02:00:00:00:00:01,dst=02:00:00:01:00:01),eth_type(0x0800),...(truncated: 48 of 64 bytes)' > "$TEST_DIR/expected.txt"
    finish 2
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  ufid-literal)
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      on flow_result, flow_put where ufid == ufid:89025cc1-910a-2dec-bcbd-da2adc29f439 printf("%s %s\n", probe, ufid)
      on flow_result where ufid != ufid:89025cc1-910a-2dec-bcbd-da2adc29f439 count'
    sim sim "mix 12"
    sim sim "fire flow_put event=1"
    printf '%s\n' 'flow_result ufid:89025cc1-910a-2dec-bcbd-da2adc29f439' \
      'flow_put ufid:89025cc1-910a-2dec-bcbd-da2adc29f439' > "$TEST_DIR/expected.txt"
    wait_lines "$TEST_DIR/ovsq.out" 2 || true
    stop_ovsq
    [ "$OVSQ_STATUS" = 0 ] || fail "ovsq exited $OVSQ_STATUS"
    head -2 "$TEST_DIR/ovsq.out" > "$TEST_DIR/actual.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    grep -Eq '^ *11$' "$TEST_DIR/ovsq.out" || fail "count of the other 11 flows missing"
    ;;
  meaning)
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_result where result == UKEY_DELETE print reason, meaning(reason) as why'
    sim sim "mix 12"
    finish 12
    cat > "$TEST_DIR/expected.txt" <<'EOF'
reason               why
FDR_AVOID_CACHING    cache avoidance flag set
FDR_BAD_ODP_FIT      bad ODP flow fit
FDR_FLOW_IDLE        flow idle timeout
FDR_FLOW_LIMIT       kill-all-flows condition reached
FDR_FLOW_WILDCARDED  flow needs a narrower wildcard mask
FDR_NO_OFPROTO       bridge not found
FDR_PURGE            user requested flow deletion (ovs-appctl revalidator/purge)
FDR_TOO_EXPENSIVE    too expensive to revalidate
FDR_UPDATE_FAIL      datapath update failed
FDR_XLATION_ERROR    flow translation error
FDR_FLOW_MISSING_DP  flow missing from the datapath
EOF
    sed 's/ *$//' "$TEST_DIR/ovsq.out" > "$TEST_DIR/actual.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    ;;
  *) fail "unknown case $case" ;;
esac
echo "ok: $case"
