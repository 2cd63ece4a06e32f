# The examples/ that answer the questions of OVS's utilities/usdt-scripts
# (docs/ovs-scripts.md), each run on the sim with known events and its
# output checked exactly, or row by row where it holds times.  $1 = the
# example's name.
#
# What depends on the sim's flow pattern (flows, keys, packets), which may
# change: upcall-monitor takes packet_len from the sim's own `len=` lines
# and only bounds key_len; dpif-op-nl-monitor checks nl_size through
# relations between the ops of one flow (del = get, put = 2 * del - 32 when
# the mask is as long as the key, put without ufid = put - 20, execute =
# 40 + the packet rounded up to 4) rather than fixed sizes.  Nothing else
# depends on it: counts per probe, type and reason, ufids (taken from the
# sim's output), thread ids and names, lower bounds on latencies, and in
# bridge-loop and upcall-cost samples told apart by 0.5 s (sleeps of 0.6 s
# against the sim's command latency, which is well under 0.5 s).
. "$(dirname "$0")/lib.sh"
require_kernel

example() { echo "$SOURCE_ROOT/examples/$1.ovsq"; }

case $1 in
  bridge-loop)
    # poll_block P0, then run_start/poll_block pairs R1-P1, R2-P2 and R3.
    # Loop runs: R1-P1 short (10 ms and the sim's latency), R2-P2 >= 0.6 s.
    # Waits: P0-R1 and P1-R2 >= 0.6 s, P2-R3 short.  P0 (no run_start
    # before it) and R1 (no poll_block before it) start nothing.  Measuring
    # from the wrong probe (poll_block to poll_block, run_start to
    # run_start) would make every sample >= 0.6 s.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format json "$(example bridge-loop)"
    sim sim "fire poll_block"; sleep 0.6
    sim sim "fire run_start"; sleep 0.01; sim sim "fire poll_block"; sleep 0.6
    sim sim "fire run_start"; sleep 0.6; sim sim "fire poll_block"
    sim sim "fire run_start"
    stop_ovsq
    json_check "$TEST_DIR/ovsq.out" '
h = {r["name"]: r for r in records if r["type"] == "histogram"}
assert sorted(h) == ["@bridge_run_us", "@poll_block_wait_us"], h
for t in h.values():
    assert t["function"] == "hist" and t["keys"] == [] and len(t["rows"]) == 1, t
def split(name):
    buckets = h[name]["rows"][0]["buckets"]
    short = sum(b["count"] for b in buckets if b["high"] <= 524288)
    long = sum(b["count"] for b in buckets if b["low"] >= 524288)
    assert short + long == sum(b["count"] for b in buckets), buckets
    return short, long
assert split("@bridge_run_us") == (1, 1), h
assert split("@poll_block_wait_us") == (1, 2), h
'
    ;;
  upcall-monitor)
    # Two miss upcalls and an action upcall on datapath br0, from a thread
    # named handler4: one row each, in order.
    start_sim sim "$SIM" --comm handler4 --dpif br0
    start_ovsq -p "$SIM_PID" --format json "$(example upcall-monitor)"
    sim sim "fire upcall count=2"
    sim sim "fire upcall type=DPIF_UC_ACTION"
    sim sim "fire flow_put"
    stop_ovsq
    sed -n 's/^upcall type=\([A-Z_]*\) len=\([0-9]*\)$/\1 \2/p' "$TEST_DIR/sim.out" > "$TEST_DIR/upcalls.txt"
    [ "$(cut -d' ' -f1 "$TEST_DIR/upcalls.txt" | tr '\n' ' ')" = "DPIF_UC_MISS DPIF_UC_MISS DPIF_UC_ACTION " ] ||
      fail "the sim fired other upcalls than expected"
    SIM_PID=$SIM_PID json_check "$TEST_DIR/ovsq.out" '
import os
pid = int(os.environ["SIM_PID"])
fired = [l.split() for l in open(sys.argv[1].replace("ovsq.out", "upcalls.txt"))]
events = [r for r in records if r["type"] == "event"]
assert len(events) == 3, events
for e, (utype, plen) in zip(events, fired):
    f = e["fields"]
    assert e["clause"] == "upcall", e
    assert list(f) == ["comm", "tid", "dpif", "type", "packet_len", "key_len"], f
    assert f["comm"] == "handler4" and f["tid"] == pid and f["dpif"] == "system@br0", f
    assert f["type"] == utype and f["packet_len"] == int(plen), (f, utype, plen)
    # The key is netlink attributes: 4-byte aligned, at most the sim'"'"'s 128.
    assert 0 < f["key_len"] <= 128 and f["key_len"] % 4 == 0, f
'
    ;;
  upcall-cost)
    # Miss upcalls, each batch followed by its flow_puts:
    #   A: 1 upcall, >= 50 ms, 1 put                      -> one sample >= 50 ms
    #   B: 3 upcalls, >= 100 ms, 3 puts                   -> one sample >= 100 ms
    #   an action upcall, 0.6 s, a put                    -> nothing (not a miss)
    #   C: 1 upcall, 0.6 s, an execute (the batch ends without a put),
    #      1 upcall, a put                                -> one sample, from the
    #                                                        second upcall: < 0.5 s,
    #                                                        a batch of 1
    # A query that counted action upcalls or did not end a batch at its
    # execute would show a sample of >= 0.6 s.
    start_sim sim "$SIM" --comm handler4
    start_ovsq -p "$SIM_PID" --format json "$(example upcall-cost)"
    sim sim "fire upcall"; sleep 0.05; sim sim "fire flow_put"
    sim sim "fire upcall count=3"; sleep 0.1; sim sim "fire flow_put count=3"
    sim sim "fire upcall type=DPIF_UC_ACTION"; sleep 0.6; sim sim "fire flow_put"
    sim sim "fire upcall"; sleep 0.6; sim sim "fire flow_execute"
    sim sim "fire upcall"; sim sim "fire flow_put"
    stop_ovsq
    json_check "$TEST_DIR/ovsq.out" '
agg = [r for r in records if r["type"] == "aggregation"]
assert len(agg) == 1 and agg[0]["name"] == "@upcalls" and agg[0]["keys"] == ["comm"], agg
assert agg[0]["rows"] == [{"key": ["handler4"], "value": 6}], agg
h = {r["name"]: r for r in records if r["type"] == "histogram"}
assert sorted(h) == ["@upcall_to_put_us", "@upcalls_per_batch"], h
for t in h.values():
    assert t["keys"] == ["comm"] and len(t["rows"]) == 1 and t["rows"][0]["key"] == ["handler4"], t
# Batches of 1 (A), 3 (B) and 1 (C: its first upcall ended at the execute).
batches = [(b["low"], b["count"]) for b in h["@upcalls_per_batch"]["rows"][0]["buckets"] if b["count"]]
assert batches == [(1, 2), (2, 1)], batches
buckets = [b for b in h["@upcall_to_put_us"]["rows"][0]["buckets"] if b["count"]]
assert sum(b["count"] for b in buckets) == 3, buckets
assert sum(b["count"] for b in buckets if b["low"] >= 32768) >= 2, buckets
assert sum(b["count"] for b in buckets if b["low"] >= 65536) >= 1, buckets
assert all(b["high"] <= 524288 for b in buckets), buckets
'
    ;;
  reval-monitor)
    # A sweep_done before any start_dump, then two rounds with a second
    # sweep_done after the first: rows only for rounds that started while
    # ovsq ran, the wait since the latest sweep_done, and reval_entry
    # counted from the round's start_dump.  The sim's udpif has flow_limit
    # 200000 and sets dump_duration to n_flows + max_idle_ms after each
    # sweep_done fires: 7 + 100 for round 1, 30 + 50 for round 2.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format json "$(example reval-monitor)"
    sim sim "fire reval_entry"
    sim sim "fire sweep_done n_flows=7 max_idle_ms=100"
    sleep 0.2
    sim sim "fire start_dump n_flows=12"
    sim sim "fire reval_entry count=3"
    sim sim "fire sweep_done n_flows=15"
    sim sim "fire sweep_done n_flows=30 max_idle_ms=50"
    sim sim "fire reval_entry count=2"
    sleep 0.3
    sim sim "fire start_dump n_flows=15"
    sim sim "fire reval_entry count=5"
    sim sim "fire sweep_done n_flows=20 max_idle_ms=250"
    stop_ovsq
    json_check "$TEST_DIR/ovsq.out" '
events = [r["fields"] for r in records if r["type"] == "event"]
cols = ["n_flows", "n_reval_flows", "flow_limit", "dump_duration", "poll_wait", "actual_wait"]
assert [list(e) for e in events] == [cols, cols], events
fixed = [[e[c] for c in cols[:-1]] for e in events]
assert fixed == [[15, 3, 200000, 107, 500], [20, 5, 200000, 80, 250]], fixed
assert events[0]["actual_wait"] >= 200 and events[1]["actual_wait"] >= 300, events
'
    ;;
  flow-reval-monitor)
    # Two puts, the 12 events of `mix 12` (11 deletions, one kept), flow 1
    # deleted again by the sweep, and events the script does not show (a
    # kept sweep result, a flow_get, a flow_del).  Expected: a line per put
    # and per deletion, in order, with the sim's ufids; times masked.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" "$(example flow-reval-monitor)"
    sim sim "fire flow_put count=2"
    sim sim "mix 12"
    sim sim "fire flow_sweep_result event=1 reason=FDR_PURGE"
    sim sim "fire flow_sweep_result result=UKEY_KEEP reason=FDR_NONE"
    sim sim "fire flow_get event=2"
    sim sim "fire flow_del event=2"
    stop_ovsq
    [ "$(grep -c 'result=UKEY_DELETE' "$TEST_DIR/sim.out")" = 12 ] || fail "the sim fired other than 12 deletions"
    { printf '%-10s %-20s %-41s %s\n' TID TIME UFID EVENT/REASON
      awk -v pid="$SIM_PID" '
        BEGIN {
          m["FDR_AVOID_CACHING"] = "cache avoidance flag set"
          m["FDR_BAD_ODP_FIT"] = "bad ODP flow fit"
          m["FDR_FLOW_IDLE"] = "flow idle timeout"
          m["FDR_FLOW_LIMIT"] = "kill-all-flows condition reached"
          m["FDR_FLOW_WILDCARDED"] = "flow needs a narrower wildcard mask"
          m["FDR_NO_OFPROTO"] = "bridge not found"
          m["FDR_PURGE"] = "user requested flow deletion (ovs-appctl revalidator/purge)"
          m["FDR_TOO_EXPENSIVE"] = "too expensive to revalidate"
          m["FDR_UPDATE_FAIL"] = "datapath update failed"
          m["FDR_XLATION_ERROR"] = "flow translation error"
          m["FDR_FLOW_MISSING_DP"] = "flow missing from the datapath"
        }
        $1 == "flow_put" { printf "%-10d TIME %s Insert (put) flow to ovs kernel module.\n", pid, $2 }
        ($1 == "flow_result" || $1 == "flow_sweep_result") && $3 == "result=UKEY_DELETE" {
          sub("reason=", "", $4); printf "%-10d TIME %s %s\n", pid, $2, m[$4] }' "$TEST_DIR/sim.out"
    } > "$TEST_DIR/expected.txt"
    sed -E 's/^(.{11})[ 0-9]{10}\.[0-9]{9} /\1TIME /' "$TEST_DIR/ovsq.out" > "$TEST_DIR/actual.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    ;;
  flow-reval-monitor-keys)
    # Flows 1 and 2 are put; 1 is deleted for idling, and so is flow 3,
    # which was never put while ovsq ran: its key is printed all the same
    # (it is read from the ukey at deletion).  Keys come from the sim's
    # `key K` command, so they do not depend on its flow pattern.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format json "$(example flow-reval-monitor-keys)"
    sim sim "fire flow_put count=2"
    sim sim "fire flow_result event=1 reason=FDR_FLOW_IDLE"
    sim sim "fire flow_result event=3 reason=FDR_FLOW_IDLE"
    sim sim "fire flow_result event=2 result=UKEY_KEEP reason=FDR_NONE"
    for k in 1 2 3; do sim sim "key $k"; done
    stop_ovsq
    json_check "$TEST_DIR/ovsq.out" '
out = open(sys.argv[1].replace("ovsq.out", "sim.out")).read().splitlines()
keys = {int(l.split()[1]): l.split(None, 2)[2] for l in out if l.startswith("key ")}
ufids = [l.split()[1] for l in out if l.startswith(("flow_put ", "flow_result "))]
events = [(r["clause"], r["fields"]) for r in records if r["type"] == "event"]
assert events == [
    ("flow_put", {"ufid": ufids[0], "key": keys[1]}),
    ("flow_put", {"ufid": ufids[1], "key": keys[2]}),
    ("flow_result,flow_sweep_result", {"ufid": ufids[2], "reason": "flow idle timeout", "key": keys[1]}),
    ("flow_result,flow_sweep_result", {"ufid": ufids[3], "reason": "flow idle timeout", "key": keys[3]}),
], events
'
    ;;
  dpif-op-nl-monitor)
    # One flow's put, del, get, execute and put without a ufid, from a
    # thread named handler3; an upcall and a flow_result are not shown.
    start_sim sim "$SIM" --comm handler3
    start_ovsq -p "$SIM_PID" --format json "$(example dpif-op-nl-monitor)"
    for op in flow_put flow_del flow_get flow_execute; do sim sim "fire $op event=1"; done
    sim sim "fire flow_put event=1 ufid=none"
    sim sim "fire upcall event=1"
    sim sim "fire flow_result event=1"
    stop_ovsq
    len=$(sed -n 's/^flow_execute len=//p' "$TEST_DIR/sim.out")
    [ -n "$len" ] || fail "no flow_execute line from the sim"
    SIM_PID=$SIM_PID LEN=$len json_check "$TEST_DIR/ovsq.out" '
import os
pid, plen = int(os.environ["SIM_PID"]), int(os.environ["LEN"])
events = [r["fields"] for r in records if r["type"] == "event"]
assert [(e["op"], e["comm"], e["tid"]) for e in events] == [
    (op, "handler3", pid) for op in
    ["flow_put", "flow_del", "flow_get", "flow_execute", "flow_put"]], events
put, dl, get, ex, put_noufid = [e["nl_size"] for e in events]
# Generic netlink header 24 bytes; ufid attribute 20; key and mask
# attributes 4 + the key length each; actions (one output) 12; packet
# attribute 4 + the packet rounded up to 4.
assert dl == get and dl > 48, events
assert put == 2 * dl - 32, events
assert put_noufid == put - 20, events
assert ex == 24 + 4 + (plen + 3) // 4 * 4 + 12, (events, plen)
'
    ;;
  kernel-delay)
    # Two loop runs, >= 10 ms and >= 20 ms; a poll_block without a
    # run_start before it (first and last) counts nothing.
    start_sim sim "$SIM" --comm handler4
    start_ovsq -p "$SIM_PID" --format json "$(example kernel-delay)"
    sim sim "fire poll_block"
    sim sim "fire run_start"; sleep 0.01; sim sim "fire poll_block"
    sim sim "fire run_start"; sleep 0.02; sim sim "fire poll_block"
    sim sim "fire poll_block"
    stop_ovsq
    SIM_PID=$SIM_PID json_check "$TEST_DIR/ovsq.out" '
import os
pid = int(os.environ["SIM_PID"])
agg = {r["name"]: r for r in records if r["type"] == "aggregation"}
assert sorted(agg) == ["@long_poll_avg_ns", "@long_poll_max_ns", "@long_poll_min_ns"], agg
rows = {}
for name, t in agg.items():
    assert t["keys"] == ["tid", "comm"] and len(t["rows"]) == 1, t
    assert t["rows"][0]["key"] == [pid, "handler4"], t
    rows[name] = t["rows"][0]
avg, lo, hi = (rows["@long_poll_" + f + "_ns"]["value"] for f in ("avg", "min", "max"))
assert rows["@long_poll_avg_ns"]["count"] == 2, rows
assert lo >= 10000000 and hi >= 20000000 and lo <= avg <= hi, rows
'
    ;;
  *) fail "unknown case $1" ;;
esac
exit 0
