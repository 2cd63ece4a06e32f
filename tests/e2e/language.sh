# The language of issue #3 on the real kernel: aggregations, maps, printf,
# builtins, begin/end/exit, run limits, output formats, lost events and
# full maps, and the examples/.  Expected numbers follow from the events
# the sim fired.  $1 = the case.
. "$(dirname "$0")/lib.sh"
require_kernel

# The table `mix 24` gives for deletions by reason (reason = i % 12, kept
# only for FDR_NONE), as `count by ...` prints it: largest first, ties in
# enum order.
mix24_deletes() {
  local prefix=$1
  for reason in FDR_AVOID_CACHING FDR_BAD_ODP_FIT FDR_FLOW_IDLE FDR_FLOW_LIMIT \
      FDR_FLOW_WILDCARDED FDR_NO_OFPROTO FDR_PURGE FDR_TOO_EXPENSIVE \
      FDR_UPDATE_FAIL FDR_XLATION_ERROR FDR_FLOW_MISSING_DP; do
    printf "%s%-19s      2\n" "$prefix" "$reason"
  done
}

case $1 in
  example-deletes-by-reason)
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" "$SOURCE_ROOT/examples/deletes-by-reason.ovsq"
    sim sim "mix 24"
    sim sim "fire flow_sweep_result count=3 result=UKEY_DELETE reason=FDR_PURGE"
    sim sim "fire flow_sweep_result count=4 result=UKEY_KEEP reason=FDR_NONE"
    stop_ovsq
    [ "$(grep -c 'result=UKEY_DELETE' "$TEST_DIR/sim.out")" = 25 ] || fail "the sim fired other than 25 deletions"
    { echo "count by probe, reason"
      echo "probe              reason               count"
      echo "flow_sweep_result  FDR_PURGE                3"
      mix24_deletes "flow_result        "
      echo
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  example-deletes-per-second)
    # every 1s for 10s: ten intervals, then ovsq ends by itself.  The
    # deletions are fired at once, but a loaded machine may split them
    # across an interval boundary, so the intervals are summed.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format json "$SOURCE_ROOT/examples/deletes-per-second.ovsq"
    sim sim "mix 24"
    wait_ovsq_exit 15
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    json_check "$TEST_DIR/ovsq.out" '
tables = [r for r in records if r["type"] == "aggregation"]
assert [t["interval"] for t in tables] == list(range(1, 11)), tables
assert all(t["name"] == "count by reason" and t["keys"] == ["reason"] for t in tables)
totals = {}
for t in tables:
    for row in t["rows"]:
        totals[row["key"][0]] = totals.get(row["key"][0], 0) + row["value"]
reasons = ["FDR_AVOID_CACHING", "FDR_BAD_ODP_FIT", "FDR_FLOW_IDLE", "FDR_FLOW_LIMIT",
           "FDR_FLOW_WILDCARDED", "FDR_NO_OFPROTO", "FDR_PURGE", "FDR_TOO_EXPENSIVE",
           "FDR_UPDATE_FAIL", "FDR_XLATION_ERROR", "FDR_FLOW_MISSING_DP"]
assert totals == {r: 2 for r in reasons}, totals
assert sum(1 for t in tables if t["rows"]) <= 2, "deletions spread over more than two intervals"
'
    ;;
  every-text)
    # The text form of intervals: a timestamped header, then the tables.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_result count every 200ms for 1s'
    wait_ovsq_exit 5
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    for i in 1 2 3 4 5; do
      printf -- '-- TIME (interval %d) --\ncount\n(no entries)\n\n' "$i"
    done > "$TEST_DIR/expected.txt"
    sed -E 's/^-- [0-9]{2}:[0-9]{2}:[0-9]{2} /-- TIME /' "$TEST_DIR/ovsq.out" > "$TEST_DIR/actual.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    ;;
  example-flow-lifetime)
    # Flows 1-3 are put; 1 and 2 deleted for idling after >= 50 ms, 2 a
    # second time (not counted: its birth was deleted), 3 purged after
    # >= 200 ms; flow 4 is deleted without a put (not counted).
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format json -o "$TEST_DIR/lifetime.json" \
      "$SOURCE_ROOT/examples/flow-lifetime.ovsq"
    for k in 1 2 3; do sim sim "fire flow_put event=$k"; done
    sleep 0.05
    for k in 1 2 2; do sim sim "fire flow_result event=$k result=UKEY_DELETE reason=FDR_FLOW_IDLE"; done
    sleep 0.15
    sim sim "fire flow_result event=3 result=UKEY_DELETE reason=FDR_PURGE"
    sim sim "fire flow_result event=4 result=UKEY_DELETE reason=FDR_FLOW_IDLE"
    stop_ovsq
    json_check "$TEST_DIR/lifetime.json" '
hists = [r for r in records if r["type"] == "histogram"]
assert len(hists) == 1, hists
h = hists[0]
assert h["name"] == "hist((now - @born[ufid]) / 1ms) by reason", h["name"]
assert h["function"] == "hist" and h["keys"] == ["reason"]
rows = {tuple(r["key"]): r["buckets"] for r in h["rows"]}
assert set(rows) == {("FDR_FLOW_IDLE",), ("FDR_PURGE",)}, rows
def total(b): return sum(x["count"] for x in b)
assert total(rows[("FDR_FLOW_IDLE",)]) == 2 and total(rows[("FDR_PURGE",)]) == 1, rows
for b in rows[("FDR_FLOW_IDLE",)]:
    assert b["count"] == 0 or b["low"] >= 32, b
for b in rows[("FDR_PURGE",)]:
    assert b["count"] == 0 or b["low"] >= 128, b
'
    ;;
  printf-builtins-begin-end-exit)
    # begin and end run once each, printf formats builtins, and exit ends
    # the run after the first idle deletion: nothing after it is printed.
    start_sim sim "$SIM" --comm handler12
    start_ovsq -p "$SIM_PID" -e '
      begin { printf("begin %s\n", probe) }
      on flow_result where reason == FDR_FLOW_IDLE && comm == "handler12" {
        printf("%s %-15s|%4d|%x pid=%d tid=%u %s %s cpu_ok=%d\n", ufid, reason, reason,
               255, pid, tid, comm, probe, cpu < 4096);
        exit
      }
      end { printf("end %s\n", probe) }'
    sim sim "mix 24"
    wait_ovsq_exit 5
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    first=$(grep -m1 'reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2)
    { echo "begin begin"
      echo "$first FDR_FLOW_IDLE  |   3|ff pid=$SIM_PID tid=$SIM_PID handler12 flow_result cpu_ok=1"
      echo "end end"
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  begin-first)
    # What begin prints comes before the rows' header; an exit in begin
    # ends the run before any probe is attached.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      begin { printf("tracing idle deletions\n") }
      on flow_result where reason == FDR_FLOW_IDLE print ufid'
    sim sim "mix 24"
    stop_ovsq
    { echo "tracing idle deletions"; echo ufid
      grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2; } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    timeout 10 "$OVSQ" -p "$SIM_PID" -e 'begin { printf("bye\n"); exit } on flow_result print ufid' \
      > "$TEST_DIR/exit.out" 2> "$TEST_DIR/exit.err" || fail "begin-exit run failed"
    [ "$(cat "$TEST_DIR/exit.out")" = bye ] || fail "begin-exit printed $(cat "$TEST_DIR/exit.out")"
    [ -s "$TEST_DIR/exit.err" ] && fail "begin-exit said: $(cat "$TEST_DIR/exit.err")"
    ;;
  stripped-ovsq)
    # begin and end attach to ovsq's own trigger functions, which must
    # survive `strip` (Debian packages strip binaries).
    cp "$OVSQ" "$TEST_DIR/ovsq" && strip "$TEST_DIR/ovsq" || fail "cannot strip a copy of ovsq"
    start_sim sim "$SIM"
    OVSQ=$TEST_DIR/ovsq start_ovsq -p "$SIM_PID" -e '
      begin { printf("begin\n") }
      on flow_result where reason == FDR_FLOW_IDLE { exit }
      end { printf("end\n") }'
    sim sim "mix 12"
    wait_ovsq_exit 5
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    printf 'begin\nend\n' > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  string-filter)
    # comm compared in the kernel: only the sim named handler3 is counted.
    start_sim a "$SIM" --comm handler3
    start_sim b "$SIM" --comm handler30
    start_ovsq --binary "$SIM" -e 'on flow_result where comm == "handler3" count by comm, pid'
    sim a "fire flow_result count=5"
    sim b "fire flow_result count=7"
    stop_ovsq
    a_pid=$(sed -n 's/^ready pid=//p' "$TEST_DIR/a.out")
    printf 'count by comm, pid\ncomm      pid    count\nhandler3  %s      5\n\n' "$a_pid" > "$TEST_DIR/expected.txt"
    # The pid column is as wide as the widest pid.
    sed -E 's/ +/ /g' "$TEST_DIR/expected.txt" > "$TEST_DIR/e.txt"
    sed -E 's/ +/ /g' "$TEST_DIR/ovsq.out" > "$TEST_DIR/a.txt"
    expect_same "$TEST_DIR/e.txt" "$TEST_DIR/a.txt"
    ;;
  clocks)
    # walltime is the wall clock (within a few seconds of date's); now is
    # the monotonic clock, which only grows.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_result print walltime / 1000000000 as secs, now'
    before=$(date +%s)
    sim sim "fire flow_result count=2"
    after=$(date +%s)
    stop_ovsq
    read -r secs1 now1 < <(sed -n 2p "$TEST_DIR/ovsq.out")
    read -r secs2 now2 < <(sed -n 3p "$TEST_DIR/ovsq.out")
    [ "$secs1" -ge $((before - 2)) ] && [ "$secs1" -le $((after + 2)) ] ||
      fail "walltime $secs1 s is not between $before and $after"
    [ "$now2" -gt "$now1" ] || fail "now did not grow: $now1 then $now2"
    ;;
  str)
    # str() reads a char * of the traced process: filter, print and key.
    start_sim sim "$SIM" --dpif br0
    start_ovsq -p "$SIM_PID" -e '
      on upcall where str(dpif_name) == "system@br0" { print str(dpif_name, 8) as dpif, type; count by str(dpif_name, 16) }
      on upcall where str(dpif_name) == "system@br1" count by type'
    sim sim "fire upcall count=2"
    stop_ovsq
    printf '%s\n' "dpif      type" "system@   DPIF_UC_MISS" "system@   DPIF_UC_MISS" \
      "count by str(dpif_name, 16)" "str(dpif_name, 16)  count" "system@br0              2" "" \
      "count by type" "(no entries)" "" > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  limit)
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e 'on flow_result print ufid limit 3'
    sim sim "mix 24"
    wait_ovsq_exit 5
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    { echo ufid; grep '^flow_result' "$TEST_DIR/sim.out" | head -3 | cut -d' ' -f2; } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  aggregations)
    # Every aggregation function, keyed and not, from known values.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      on sweep_done {
        sum(n_flows); avg(n_flows); min(n_flows); max(n_flows);
        lhist(max_idle_ms, 0, 1000, 250); hist(n_flows)
      }
      on flow_result { @by_result[result, probe] = count(); @top_reason[result] = max(reason) }'
    sim sim "fire sweep_done n_flows=10 max_idle_ms=100"
    sim sim "fire sweep_done n_flows=20 max_idle_ms=600"
    sim sim "fire sweep_done n_flows=60 max_idle_ms=2000"
    sim sim "mix 12"
    stop_ovsq
    cat > "$TEST_DIR/expected.txt" <<'TXT'
sum(n_flows)
90

avg(n_flows)
30 (count 3)

min(n_flows)
10

max(n_flows)
60

lhist(max_idle_ms, 0, 1000, 250)
[0, 250)     1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[250, 500)   0 |                                                    |
[500, 750)   1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[750, 1000)  0 |                                                    |
[1000, ...)  1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

hist(n_flows)
[8, 16)   1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[16, 32)  1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[32, 64)  1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@by_result
result       probe        count
UKEY_DELETE  flow_result     11
UKEY_KEEP    flow_result      1

@top_reason
result       max
UKEY_DELETE   11
UKEY_KEEP      0

TXT
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  stats)
    # stats(v): count, sum and average in one row, keyed and not, in text
    # and in JSON.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -e '
      on sweep_done { stats(n_flows); @idle[probe] = stats(max_idle_ms) }'
    sim sim "fire sweep_done n_flows=10 max_idle_ms=100"
    sim sim "fire sweep_done n_flows=20 max_idle_ms=600"
    sim sim "fire sweep_done n_flows=61 max_idle_ms=2000"
    stop_ovsq
    cat > "$TEST_DIR/expected.txt" <<'TXT'
stats(n_flows)
count 3, sum 91, avg 30

@idle
probe       count   sum  avg
sweep_done      3  2700  900

TXT
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    start_ovsq -p "$SIM_PID" --format json -e 'on sweep_done stats(n_flows) by probe'
    sim sim "fire sweep_done n_flows=7"
    sim sim "fire sweep_done n_flows=8"
    stop_ovsq
    json_check "$TEST_DIR/ovsq.out" '
agg = [r for r in records if r["type"] == "aggregation"]
assert len(agg) == 1 and agg[0]["function"] == "stats" and agg[0]["keys"] == ["probe"], agg
assert agg[0]["rows"] == [{"key": ["sweep_done"], "count": 2, "sum": 15, "avg": 7}], agg
'
    ;;
  uid)
    # uid is the traced thread's user id: the sim runs as nobody (65534).
    printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups "%s" "$@"\n' \
      "$SIM" > "$TEST_DIR/as-nobody"
    chmod +x "$TEST_DIR/as-nobody"
    start_sim sim "$TEST_DIR/as-nobody"
    start_ovsq -p "$SIM_PID" -e '
      on flow_result where uid == 65534 count by uid
      on flow_result where uid != 65534 count by pid'
    sim sim "mix 12"
    stop_ovsq
    cat > "$TEST_DIR/expected.txt" <<'TXT'
count by uid
  uid  count
65534     12

count by pid
(no entries)

TXT
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  map-full)
    # 10 distinct keys into a map of 4: 6 updates dropped, said once.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --map-entries 4 -e 'on flow_result count by ufid'
    sim sim "fire flow_result count=10"
    stop_ovsq
    [ "$(tail -n +3 "$TEST_DIR/ovsq.out" | grep -c '^ufid:.*  1$')" = 4 ] || fail "not 4 rows of 1"
    grep -qx "Map count by ufid is full (4 entries): 6 updates dropped at <command-line>:1:16." \
      "$TEST_DIR/ovsq.err" || fail "no map-full report"
    [ "$(grep -c 'is full' "$TEST_DIR/ovsq.err")" = 1 ] || fail "map-full reported more than once"
    ;;
  json)
    # Every JSON record type, parsed, with values from the events fired.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format json --map-entries 2 -e '
      on flow_result where reason == FDR_FLOW_IDLE {
        print ufid, reason, ukey->pmd_id as pmd, ukey->key_len > 0;
        printf("idle %s\n", ufid);
        count by reason; hist(ukey->pmd_id)
      }
      on flow_result { @seen[ufid] = 1 }'
    sim sim "mix 24"
    stop_ovsq
    grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2 > "$TEST_DIR/idle.txt"
    json_check "$TEST_DIR/ovsq.out" '
idle = open(sys.argv[1].replace("ovsq.out", "idle.txt")).read().split()
assert len(idle) == 2, idle
events = [r for r in records if r["type"] == "event"]
assert [e["fields"]["ufid"] for e in events] == idle, events
for e in events:
    assert e["clause"] == "flow_result"
    assert e["fields"]["reason"] == "FDR_FLOW_IDLE"
    assert e["fields"]["pmd"] == 4294967295
    assert e["fields"]["ukey->key_len > 0"] is True
printfs = [r["text"] for r in records if r["type"] == "printf"]
assert printfs == ["idle %s\n" % u for u in idle], printfs
agg = [r for r in records if r["type"] == "aggregation"]
assert len(agg) == 1 and agg[0]["name"] == "count by reason" and agg[0]["interval"] == 0
assert agg[0]["rows"] == [{"key": ["FDR_FLOW_IDLE"], "value": 2}], agg
hist = [r for r in records if r["type"] == "histogram"]
assert hist[0]["rows"][0]["buckets"] == [{"low": 2147483648, "high": 4294967296, "count": 2}], hist
full = [r for r in records if r["type"] == "map_full"]
assert len(full) == 1 and full[0]["map"] == "@seen" and full[0]["dropped"] == 22 and full[0]["max_entries"] == 2, full
assert full[0]["where"] == "<command-line>:7:24", full
lost = [r for r in records if r["type"] == "lost"]
assert lost[-1]["final"] is True and lost[-1]["count"] == 0 and sum(lost[-1]["per_cpu"]) == 0, lost
assert records[-1] is lost[-1] or records[-1]["type"] == "map_full"
'
    # A run-ending error is a record too.
    "$OVSQ" --format json -p 999999 -e 'on flow_result print ufid' > "$TEST_DIR/err.json" 2>/dev/null
    json_check "$TEST_DIR/err.json" '
assert len(records) == 1 and records[0]["type"] == "error", records
assert "999999" in records[0]["message"], records
'
    ;;
  csv)
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format csv -e '
      on flow_result where reason == FDR_FLOW_IDLE { print ufid, reason, "a,\"b\"" as quoted; count by reason }'
    sim sim "mix 24"
    stop_ovsq
    { echo "ufid,reason,quoted"
      grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2 |
        sed 's/$/,FDR_FLOW_IDLE,"a,""b"""/'
      echo
      echo "name,interval,time,reason,count"
      echo "count by reason,0,TIME,FDR_FLOW_IDLE,2"
    } > "$TEST_DIR/expected.txt"
    sed -E 's/,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z,/,TIME,/' "$TEST_DIR/ovsq.out" > "$TEST_DIR/actual.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    ;;
  csv-labels)
    # Several print statements: every header record and row starts with
    # its label; two on the same probe are told apart by #2.
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" --format csv -e '
      on flow_put print ufid
      on flow_result where reason == FDR_FLOW_IDLE { print reason; print ukey->key_len }'
    sim sim "fire flow_put"
    sim sim "mix 4"
    stop_ovsq
    { echo "flow_put,ufid"; echo "flow_result,reason"; echo "flow_result#2,ukey->key_len"
      echo "flow_put,$(sed -n 's/^flow_put //p' "$TEST_DIR/sim.out")"
      echo "flow_result,FDR_FLOW_IDLE"; echo "flow_result#2,64"
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  pipe-closed)
    # `ovsq | head -3`: once head has gone, ovsq stops by itself on the
    # next event (no SIGPIPE death) and leaves nothing attached.
    start_sim sim "$SIM_SEMA"
    mkfifo "$TEST_DIR/pipe"
    head -3 < "$TEST_DIR/pipe" > "$TEST_DIR/head.out" &
    "$OVSQ" -p "$SIM_PID" -e 'on flow_result print ufid' > "$TEST_DIR/pipe" 2> "$TEST_DIR/ovsq.err" &
    OVSQ_PID=$!
    wait_for "$TEST_DIR/ovsq.err" '^Attached' || fail "ovsq did not attach"
    sim sim "fire flow_result count=5"
    sleep 0.3
    sim sim "fire flow_result count=5"
    wait_ovsq_exit 5
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    [ "$(wc -l < "$TEST_DIR/head.out")" = 3 ] || fail "head did not get 3 lines"
    sim sim "semaphores"
    grep -qx 'flow_result 0' "$TEST_DIR/sim.out" || fail "the semaphore is still raised"
    ;;
  output-file)
    start_sim sim "$SIM"
    start_ovsq -p "$SIM_PID" -o "$TEST_DIR/rows.txt" -e 'on flow_result where reason == FDR_FLOW_IDLE print ufid'
    sim sim "mix 24"
    stop_ovsq
    [ -s "$TEST_DIR/ovsq.out" ] && fail "stdout is not empty with -o"
    { echo ufid; grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2; } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/rows.txt"
    ;;
  lost-events)
    # A one-page ring buffer, the sim at full speed and a reader that
    # waits a second before reading: ovsq blocks writing, the ring fills,
    # and every event is either printed or counted lost, per CPU, in JSON
    # and in text.
    "$OVSQ" --binary "$SIM" --ring-pages 1 --format json -e 'on flow_result print ufid' \
      > >(sleep 1; cat > "$TEST_DIR/lost.json") 2> "$TEST_DIR/ovsq.err" &
    OVSQ_PID=$!
    wait_for "$TEST_DIR/ovsq.err" '^Attached' || fail "ovsq did not attach"
    "$SIM" --rate 0 --count 200000 > "$TEST_DIR/rate.out"
    grep -qx 'fired 200000' "$TEST_DIR/rate.out" || fail "the sim did not fire 200000"
    stop_ovsq
    wait_for "$TEST_DIR/lost.json" '"final":true' || fail "no final lost record"
    json_check "$TEST_DIR/lost.json" '
events = sum(1 for r in records if r["type"] == "event")
final = [r for r in records if r["type"] == "lost" and r["final"]]
assert len(final) == 1, final
lost = final[0]["count"]
assert lost > 0, "nothing lost with a one-page ring buffer"
assert sum(final[0]["per_cpu"]) == lost
assert events + lost == 200000, (events, lost)
intervals = [r for r in records if r["type"] == "lost" and not r["final"]]
assert sum(r["count"] for r in intervals) <= lost
'
    "$OVSQ" --binary "$SIM" --ring-pages 1 -e 'on flow_result print ufid' \
      > >(sleep 1; cat > /dev/null) 2> "$TEST_DIR/ovsq.err" &
    OVSQ_PID=$!
    wait_for "$TEST_DIR/ovsq.err" '^Attached' || fail "ovsq did not attach"
    "$SIM" --rate 0 --count 100000 > /dev/null
    stop_ovsq
    grep -Eq '^Lost [0-9]+ events \(ring buffer full\)' "$TEST_DIR/ovsq.err" || fail "no lost-events line"
    ;;
  usage)
    for args in "--format xml" "--ring-pages 3" "--ring-pages 0" "--map-entries 0"; do
      # shellcheck disable=SC2086
      "$OVSQ" $args -e 'on flow_result print ufid' > /dev/null 2> "$TEST_DIR/usage.err"
      status=$?
      [ "$status" = 2 ] || fail "'$args' exited $status, not 2"
      grep -q "^ovsq: " "$TEST_DIR/usage.err" || fail "'$args': no message"
    done
    grep -qx "ovsq: --map-entries needs a number from 1 to 16777216" "$TEST_DIR/usage.err" || fail "map-entries message"
    ;;
  *) fail "unknown case $1" ;;
esac
exit 0
