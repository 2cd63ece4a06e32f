# The metrics exporter (ovsq --metrics, docs/metrics.md), end to end: a
# real Prometheus server (Debian's `prometheus`) scrapes ovsq while the sim
# fires known events, and its HTTP API answers with exactly the counts and
# buckets those events give, across a vswitchd restart; each example
# script served and read; stats() as a summary; every kind of bad input refused before
# anything attaches.
source "$(dirname "$0")/lib.sh"
require_kernel

# free_port: a TCP port nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_serving: until ovsq says it serves (it has attached by then).
wait_serving() {
  wait_for "$TEST_DIR/ovsq.err" '^Serving metrics on http://' 20 ||
    fail "ovsq does not serve: $(cat "$TEST_DIR/ovsq.err")"
}

# start_exporter ARGS...: ovsq --metrics ARGS in the background.
start_exporter() {
  : > "$TEST_DIR/ovsq.out"
  : > "$TEST_DIR/ovsq.err"
  "$OVSQ" "$@" > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err" &
  OVSQ_PID=$!
  wait_serving
}

# scrape PORT: what /metrics serves, without comments.
scrape() {
  python3 - "$1" <<'PY'
import sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics").read().decode()
print("".join(l + "\n" for l in body.splitlines() if not l.startswith("#")), end="")
PY
}

case "$1" in
  prometheus)
    command -v prometheus > /dev/null || fail "prometheus (Debian's package) is not installed"
    exporter_port=$(free_port)
    prometheus_port=$(free_port)
    cat > "$TEST_DIR/q.ovsq" <<'EOF'
# Flows deleted, by reason.
on flow_result where result == UKEY_DELETE { @deleted[reason] = count() }
on sweep_done { @flows = hist(n_flows); @max_idle = lhist(max_idle_ms, 0, 1000, 250) }
on upcall { @upcalls[type] = count() }
EOF
    cat > "$TEST_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ovsq
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
EOF
    start_sim a "$SIM" --comm ovs-vswitchd
    a=$SIM_PID
    start_exporter --metrics "127.0.0.1:$exporter_port" "$TEST_DIR/q.ovsq"
    prometheus --config.file="$TEST_DIR/prometheus.yml" \
      --storage.tsdb.path="$TEST_DIR/tsdb" \
      --web.listen-address="127.0.0.1:$prometheus_port" \
      --log.level=warn > "$TEST_DIR/prometheus.log" 2>&1 &
    PROMETHEUS_PID=$!
    trap 'kill -TERM $PROMETHEUS_PID 2>/dev/null; wait $PROMETHEUS_PID 2>/dev/null; cleanup' EXIT
    sim a "mix 24"
    sim a "fire sweep_done n_flows=5"
    sim a "fire sweep_done n_flows=100 max_idle_ms=600"
    sim a "fire upcall count=3 type=DPIF_UC_MISS"
    sim a "fire upcall count=2 type=DPIF_UC_ACTION"
    # prom.py PORT WAIT_QUERY WAIT_VALUE -- EXPECTED...: waits (at most 30
    # s) until WAIT_QUERY gives WAIT_VALUE, then checks each expected
    # 'QUERY => {labels: value}' exactly.
    cat > "$TEST_DIR/prom.py" <<'PY'
import json, sys, time, urllib.parse, urllib.request
port, wait_query, wait_value = sys.argv[1], sys.argv[2], sys.argv[3]
def query(q):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    try:
        data = json.load(urllib.request.urlopen(url, timeout=5))
    except OSError:
        return None
    out = {}
    for r in data["data"]["result"]:
        labels = ",".join(f"{k}={v}" for k, v in sorted(r["metric"].items())
                          if k not in ("__name__", "instance", "job"))
        out[labels] = r["value"][1]
    return out
for _ in range(300):
    got = query(wait_query)
    if got is not None and list(got.values()) == [wait_value]:
        break
    time.sleep(0.1)
else:
    sys.exit(f"{wait_query} never became {wait_value}: {got}")
failed = False
for line in sys.stdin:
    q, expected = line.rstrip("\n").split(" => ")
    got = query(q)
    if got != json.loads(expected):
        print(f"{q}: expected {expected}, got {json.dumps(got)}", file=sys.stderr)
        failed = True
sys.exit(1 if failed else 0)
PY
    reasons=(FDR_AVOID_CACHING FDR_BAD_ODP_FIT FDR_FLOW_IDLE FDR_FLOW_LIMIT
             FDR_FLOW_WILDCARDED FDR_NO_OFPROTO FDR_PURGE FDR_TOO_EXPENSIVE
             FDR_UPDATE_FAIL FDR_XLATION_ERROR FDR_FLOW_MISSING_DP)
    deleted() {  # deleted N: every reason but FDR_NONE, N each
      local out="" r
      for r in "${reasons[@]}"; do out+="${out:+, }\"reason=$r\": \"$1\""; done
      echo "ovsq_deleted_total => {$out}"
    }
    { deleted 2
      echo 'ovsq_flows_bucket => {"le=7": "1", "le=15": "1", "le=31": "1", "le=63": "1", "le=127": "2", "le=+Inf": "2"}'
      echo 'ovsq_flows_sum => {"": "105"}'
      echo 'ovsq_flows_count => {"": "2"}'
      echo 'ovsq_max_idle_bucket => {"le=749": "2", "le=+Inf": "2"}'
      echo 'ovsq_max_idle_sum => {"": "1100"}'
      echo 'ovsq_upcalls_total => {"type=DPIF_UC_MISS": "3", "type=DPIF_UC_ACTION": "2"}'
      echo 'up => {"": "1"}'
      echo 'ovsq_attached => {"": "1"}'
      echo "ovsq_traced_pid => {\"\": \"$a\"}"
      echo 'ovsq_attaches_total => {"": "1"}'
      echo 'ovsq_build_info => {"version='"$("$OVSQ" --version | head -1 | cut -d' ' -f2)"'": "1"}'
    } | python3 "$TEST_DIR/prom.py" "$prometheus_port" 'sum(ovsq_upcalls_total)' 5 ||
      fail "Prometheus' answers differ (first vswitchd)"

    # The vswitchd restarts: ovsq keeps serving (detached), then attaches
    # to the next one; the same series go on from zero.
    echo quit >&"$SIM_FD_a"
    wait_for "$TEST_DIR/ovsq.err" "^PID $a exited; waiting for the next ovs-vswitchd\.$" ||
      fail "no waiting message"
    echo 'up => {"": "1"}' |
      python3 "$TEST_DIR/prom.py" "$prometheus_port" 'ovsq_attached' 0 ||
      fail "Prometheus did not see the exporter detached"
    start_sim b "$SIM" --comm ovs-vswitchd
    b=$SIM_PID
    wait_for "$TEST_DIR/ovsq.err" "^Attached 3 probes (4 uprobes) to PID $b;" 20 ||
      fail "not attached to $b: $(cat "$TEST_DIR/ovsq.err")"
    # Attached, before any event: what the first vswitchd counted is
    # served as 0, the counters' reset.
    python3 "$TEST_DIR/prom.py" "$prometheus_port" \
      "ovsq_attaches_total == 2 and on() sum(ovsq_upcalls_total) == 0" 2 < /dev/null ||
      fail "Prometheus did not see the counters restart from 0"
    sim b "mix 12"
    sim b "fire upcall count=4 type=DPIF_UC_MISS"
    { deleted 1
      echo 'ovsq_upcalls_total => {"type=DPIF_UC_MISS": "4", "type=DPIF_UC_ACTION": "0"}'
      echo 'ovsq_flows_count => {"": "0"}'
      echo 'ovsq_flows_bucket{le="127"} => {"le=127": "0"}'
      echo 'up => {"": "1"}'
      echo 'ovsq_attached => {"": "1"}'
      echo "ovsq_traced_pid => {\"\": \"$b\"}"
      echo 'ovsq_attaches_total => {"": "2"}'
      # One series from the first vswitchd to the second, reset once.
      echo 'resets(ovsq_upcalls_total{type="DPIF_UC_MISS"}[5m]) => {"type=DPIF_UC_MISS": "1"}'
      echo 'count(count_over_time(ovsq_deleted_total[5m])) => {"": "11"}'
    } | python3 "$TEST_DIR/prom.py" "$prometheus_port" \
          "ovsq_traced_pid == $b and on() sum(ovsq_upcalls_total) == 4" "$b" ||
      fail "Prometheus' answers differ (after the restart)"
    stop_ovsq
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    { echo "Attached 3 probes (4 uprobes) to PID $a; Ctrl-C to stop."
      echo "Serving metrics on http://127.0.0.1:$exporter_port/metrics (capabilities kept: cap_bpf,cap_perfmon,cap_sys_admin,cap_sys_ptrace,cap_dac_read_search)."
      echo "PID $a exited; waiting for the next ovs-vswitchd."
      echo "Following PID $b ($(readlink /proc/$b/exe))."
      echo "Attached 3 probes (4 uprobes) to PID $b; Ctrl-C to stop."
    } > "$TEST_DIR/expected.err"
    expect_same "$TEST_DIR/expected.err" "$TEST_DIR/ovsq.err"
    ;;
  examples)
    # Each examples/metrics script, served and read once: exact series.
    port=$(free_port)
    start_sim a "$SIM" --comm ovs-vswitchd
    start_exporter --metrics "$port" "$SOURCE_ROOT/examples/metrics/revalidator.ovsq"
    sim a "mix 12"
    sim a "fire flow_sweep_result count=2 reason=FDR_PURGE"
    sim a "fire start_dump"
    sim a "fire sweep_done n_flows=40"
    sim a "fire sweep_done n_flows=7"  # no start_dump before it: no round
    scrape "$port" | grep -v '^ovsq_revalidator_round_bucket' | grep -v '^ovsq_revalidator_round_sum' |
      grep -v -e '^ovsq_[a-z_]*{query=' -e '^ovsq_map_full' -e '^ovsq_series_dropped' \
        -e '^ovsq_build_info' -e '^ovsq_traced_pid' > "$TEST_DIR/revalidator.txt"
    { echo 'ovsq_flows_deleted_total{probe="flow_sweep_result",reason="FDR_PURGE"} 2'
      for r in FDR_AVOID_CACHING FDR_BAD_ODP_FIT FDR_FLOW_IDLE FDR_FLOW_LIMIT \
               FDR_FLOW_WILDCARDED FDR_NO_OFPROTO FDR_PURGE FDR_TOO_EXPENSIVE \
               FDR_UPDATE_FAIL FDR_XLATION_ERROR FDR_FLOW_MISSING_DP; do
        echo "ovsq_flows_deleted_total{probe=\"flow_result\",reason=\"$r\"} 1"
      done
      echo 'ovsq_revalidator_round_count 1'
      echo 'ovsq_datapath_flows 40'
      echo 'ovsq_attached 1'
      echo 'ovsq_attaches_total 1'
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/revalidator.txt"
    scrape "$port" | grep -q '^ovsq_revalidator_round_bucket{le="+Inf"} 1$' ||
      fail "no +Inf bucket of 1 round"
    # The whole page, comments and ovsq's own metrics too, as Prometheus'
    # linter reads it.
    python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(
      "http://127.0.0.1:%s/metrics" % sys.argv[1]).read().decode())' "$port" > "$TEST_DIR/page.txt"
    promtool check metrics < "$TEST_DIR/page.txt" > "$TEST_DIR/promtool.txt" 2>&1 ||
      fail "promtool check metrics: $(cat "$TEST_DIR/promtool.txt")"
    [ -s "$TEST_DIR/promtool.txt" ] && fail "promtool lints: $(cat "$TEST_DIR/promtool.txt")"
    stop_ovsq
    # --metrics-max-series: the largest 5 of @flows_deleted's 12, the 7
    # others counted.
    start_exporter --metrics "$port" --metrics-max-series 5 "$SOURCE_ROOT/examples/metrics/revalidator.ovsq"
    sim a "mix 12"
    sim a "fire flow_sweep_result count=2 reason=FDR_PURGE"
    scrape "$port" | grep -e '^ovsq_flows_deleted_total' -e '^ovsq_series_dropped{aggregation="@flows_deleted"}' \
      > "$TEST_DIR/bounded.txt"
    { echo 'ovsq_flows_deleted_total{probe="flow_sweep_result",reason="FDR_PURGE"} 2'
      for r in FDR_AVOID_CACHING FDR_BAD_ODP_FIT FDR_FLOW_IDLE FDR_FLOW_LIMIT; do
        echo "ovsq_flows_deleted_total{probe=\"flow_result\",reason=\"$r\"} 1"
      done
      echo 'ovsq_series_dropped{aggregation="@flows_deleted"} 7'
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/bounded.txt"
    stop_ovsq

    start_exporter --metrics "$port" "$SOURCE_ROOT/examples/metrics/upcalls.ovsq"
    # An upcall takes the flow of the next event number, 29 here (twice 12
    # + 2 events above): in_port 1 + 29 % 4 = 2, IPv4/TCP, 98 bytes.
    sim a "fire upcall count=4"
    sim a "fire upcall type=DPIF_UC_ACTION"
    scrape "$port" | grep -e '^ovsq_upcall' > "$TEST_DIR/upcalls.txt"
    { echo 'ovsq_upcalls_total{type="DPIF_UC_MISS"} 4'
      echo 'ovsq_upcalls_total{type="DPIF_UC_ACTION"} 1'
      echo 'ovsq_upcalls_by_port_total{key_in_port="2"} 5'
      echo 'ovsq_upcall_packet_bytes_bucket{le="127"} 5'
      echo 'ovsq_upcall_packet_bytes_bucket{le="+Inf"} 5'
      echo 'ovsq_upcall_packet_bytes_sum 490'
      echo 'ovsq_upcall_packet_bytes_count 5'
    } > "$TEST_DIR/expected.txt"
    sort "$TEST_DIR/expected.txt" > "$TEST_DIR/expected.sorted"
    sort "$TEST_DIR/upcalls.txt" > "$TEST_DIR/upcalls.sorted"
    expect_same "$TEST_DIR/expected.sorted" "$TEST_DIR/upcalls.sorted"
    stop_ovsq

    start_exporter --metrics "$port" "$SOURCE_ROOT/examples/metrics/flow-puts.ovsq"
    sim a "fire flow_put count=3"
    sim a "fire flow_del"
    scrape "$port" | grep -e '^ovsq_flow_' > "$TEST_DIR/puts.txt"
    printf 'ovsq_flow_puts_total 3\novsq_flow_dels_total 1\n' > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/puts.txt"
    # -p: no following, so every capability is dropped once attached.
    stop_ovsq
    start_exporter -p "$SIM_PID" --metrics "$port" "$SOURCE_ROOT/examples/metrics/flow-puts.ovsq"
    grep -q "(capabilities kept: none)\.$" "$TEST_DIR/ovsq.err" || fail "capabilities kept"
    [ "$(sed -n 's/^CapEff:\t//p' /proc/$OVSQ_PID/status)" = 0000000000000000 ] ||
      fail "effective capabilities left: $(grep Cap /proc/$OVSQ_PID/status)"
    sim a "fire flow_put count=2"
    scrape "$port" | grep -qx 'ovsq_flow_puts_total 2' || fail "no map read without capabilities"
    stop_ovsq
    ;;
  stats)
    # stats(v) is served as a summary without quantiles: _sum and _count.
    port=$(free_port)
    start_sim a "$SIM" --comm ovs-vswitchd
    start_exporter --metrics "$port" -e 'on sweep_done @flows = stats(n_flows)'
    sim a "fire sweep_done n_flows=40"
    sim a "fire sweep_done n_flows=7"
    python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(
      "http://127.0.0.1:%s/metrics" % sys.argv[1]).read().decode())' "$port" > "$TEST_DIR/page.txt"
    grep -e '^ovsq_flows' -e '^# [A-Z]* ovsq_flows ' "$TEST_DIR/page.txt" > "$TEST_DIR/stats.txt"
    printf '%s\n' '# HELP ovsq_flows on sweep_done @flows = stats(n_flows)' \
      '# TYPE ovsq_flows summary' 'ovsq_flows_sum 47' 'ovsq_flows_count 2' > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/stats.txt"
    promtool check metrics < "$TEST_DIR/page.txt" > "$TEST_DIR/promtool.txt" 2>&1 ||
      fail "promtool check metrics: $(cat "$TEST_DIR/promtool.txt")"
    [ -s "$TEST_DIR/promtool.txt" ] && fail "promtool lints: $(cat "$TEST_DIR/promtool.txt")"
    stop_ovsq
    ;;
  errors)
    # Every one before anything attaches: no "Attached" line, exit 1 (2
    # for a usage error).
    port=$(free_port)
    expect_error() {  # STATUS EXPECTED_STDERR ARGS...
      local status=$1 expected=$2
      shift 2
      "$OVSQ" "$@" > "$TEST_DIR/err.out" 2> "$TEST_DIR/err.err"
      local got=$?
      [ "$got" = "$status" ] || fail "ovsq $*: exit status $got, not $status: $(cat "$TEST_DIR/err.err")"
      printf '%s\n' "$expected" > "$TEST_DIR/expected.err"
      expect_same "$TEST_DIR/expected.err" "$TEST_DIR/err.err"
    }
    start_sim a "$SIM" --comm ovs-vswitchd
    expect_error 1 "ovsq: --metrics exports named aggregations, and <command-line> has none: name one, as in 'on flow_result @deleted[reason] = count()'" \
      --metrics "$port" -e 'on flow_result count by reason'
    expect_error 1 "ovsq: --metrics exports named aggregations, and <command-line> has none: name one, as in 'on flow_result @deleted[reason] = count()'" \
      --metrics "$port" -e 'on flow_result print ufid'
    expect_error 1 "<command-line>:1:19: error: 'key' is a whole flow key, which cannot be a map key: use its fields, such as 'key.ipv4.src'
on flow_result @n[key] = count()
                  ^~~" --metrics "$port" -e 'on flow_result @n[key] = count()'
    expect_error 1 "ovsq: --metrics reads the aggregations as they stand at each scrape; 'every' would empty them: leave it out" \
      --metrics "$port" -e 'on flow_result @n = count() every 1s'
    expect_error 1 "ovsq: --metrics: @attached would be ovsq_attached, one of ovsq's own metrics: name it otherwise" \
      --metrics "$port" -e 'on sweep_done @attached = max(n_flows)'
    expect_error 2 "ovsq: --metrics needs HOST:PORT with a port from 1 to 65535, such as 127.0.0.1:9464, not '127.0.0.1:99999'
Try 'ovsq --help' for more information." --metrics 127.0.0.1:99999 -e 'on flow_result @n = count()'
    expect_error 2 "ovsq: --metrics 'metrics.example' is not an IPv4 address, [an IPv6 address] or localhost
Try 'ovsq --help' for more information." --metrics metrics.example:9464 -e 'on flow_result @n = count()'
    expect_error 1 "ovsq: cannot serve metrics on 192.0.2.1:$port: no interface of this host has that address" \
      --metrics "192.0.2.1:$port" -e 'on flow_result @n = count()'
    expect_error 2 "ovsq: --metrics-prefix needs letters, digits, '_' and ':', not starting with a digit, not 'ovs-'
Try 'ovsq --help' for more information." --metrics "$port" --metrics-prefix ovs- -e 'on flow_result @n = count()'
    expect_error 2 "ovsq: --metrics-max-series needs a number greater than zero
Try 'ovsq --help' for more information." --metrics "$port" --metrics-max-series 0 -e 'on flow_result @n = count()'
    expect_error 2 "ovsq: --metrics-prefix and --metrics-max-series go with --metrics
Try 'ovsq --help' for more information." --metrics-prefix x_ -e 'on flow_result @n = count()'
    expect_error 2 "ovsq: --metrics serves a query: give it no -i, --emit or --list
Try 'ovsq --help' for more information." --metrics "$port" --emit ir -e 'on flow_result @n = count()'
    expect_error 2 "ovsq: --metrics needs a query, with -e or as a FILE.ovsq
Try 'ovsq --help' for more information." --metrics "$port"
    # The port in use (by a listener of our own).
    python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("listening", flush=True); time.sleep(60)' "$port" > "$TEST_DIR/listener.out" &
    listener=$!
    wait_for "$TEST_DIR/listener.out" '^listening' || fail "no listener"
    expect_error 1 "ovsq: cannot serve metrics on 127.0.0.1:$port: the address is already in use" \
      --metrics "$port" -e 'on flow_result @n = count()'
    kill "$listener"
    ;;
  *)
    echo "unknown case $1" >&2
    exit 2
    ;;
esac
exit 0
