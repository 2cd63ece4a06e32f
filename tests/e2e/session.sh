# The interactive session (issue 11) through a real terminal (tmux), on
# the real kernel against vswitchd-sim: foreground and background queries,
# the dot-commands, multi-line input, tab completion, .save, history kept
# across sessions, the traced process exiting, and the program read from
# standard input when it is not a terminal.  $1 = the case.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmux.sh"
require_kernel
trap 'tmux_stop; cleanup' EXIT

HEADLINE='on flow_result where reason == FDR_FLOW_IDLE print ufid'

# The ufids of the FDR_FLOW_IDLE flow_results the sim fired, in order.
idle_ufids() {
  grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2
}

# The table `mix 24` gives for `count by reason`: every reason twice (N
# times), ties in enum order.
mix24_by_reason() {
  local n=${1:-2}
  echo "reason               count"
  for reason in FDR_NONE FDR_AVOID_CACHING FDR_BAD_ODP_FIT FDR_FLOW_IDLE FDR_FLOW_LIMIT \
      FDR_FLOW_WILDCARDED FDR_NO_OFPROTO FDR_PURGE FDR_TOO_EXPENSIVE \
      FDR_UPDATE_FAIL FDR_XLATION_ERROR FDR_FLOW_MISSING_DP; do
    printf "%-21s%5d\n" "$reason" "$n"
  done
}

start_session() {
  require_tmux
  start_sim sim "$SIM"
  tmux_start env XDG_STATE_HOME="$TEST_DIR/state" "$OVSQ" -p "$SIM_PID" "$@"
  tmux_first_prompt
}

# expect_output N FILE: what command N printed is exactly FILE.
expect_output() {
  tmux_after_prompt "$1" > "$TEST_DIR/actual.txt"
  expect_same "$2" "$TEST_DIR/actual.txt"
}

quit_session() {
  tmux_cmd send-keys -t s -l .quit
  tmux_cmd send-keys -t s Enter
  tmux_wait '^\[exited 0\]$'
}

case $1 in
  foreground)
    # A foreground query streams the fired ufids; Ctrl-C stops it and
    # returns to the prompt, and the session goes on.
    start_session
    tmux_type_running "$HEADLINE"
    sim sim "mix 24"
    tmux_wait_count '^ufid:' 2
    tmux_interrupt
    { echo "Attached 1 probe (2 uprobes) to PID $SIM_PID; Ctrl-C to stop."
      echo ufid
      idle_ufids
      echo "^C"
    } > "$TEST_DIR/expected.txt"
    expect_output 1 "$TEST_DIR/expected.txt"
    # The next query runs as well: a count, printed at Ctrl-C.
    tmux_type_running 'on flow_result count by reason'
    sim sim "mix 24"
    tmux_interrupt
    { echo "Attached 1 probe (2 uprobes) to PID $SIM_PID; Ctrl-C to stop."
      echo "^C"
      echo "count by reason"
      mix24_by_reason
      echo
    } > "$TEST_DIR/expected.txt"
    expect_output 2 "$TEST_DIR/expected.txt"
    quit_session
    ;;
  background)
    # count by reason & runs beside a foreground query; .show prints it
    # without resetting it, .jobs lists it, .stop ends it.
    start_session
    tmux_type 'on flow_result count by reason &'
    echo "[1] on flow_result count by reason" > "$TEST_DIR/expected.txt"
    expect_output 1 "$TEST_DIR/expected.txt"
    sim sim "mix 24"
    tmux_type '.show 1'
    { echo "count by reason"; mix24_by_reason; echo; } > "$TEST_DIR/expected.txt"
    expect_output 2 "$TEST_DIR/expected.txt"
    # A foreground query beside it; both see the next 24.
    tmux_type_running 'on flow_result where reason == FDR_PURGE print ufid'
    sim sim "mix 24"
    tmux_wait_count '^ufid:' 2
    tmux_interrupt
    tmux_type '.show 1'
    { echo "count by reason"; mix24_by_reason 4; echo; } > "$TEST_DIR/expected.txt"
    expect_output 4 "$TEST_DIR/expected.txt"
    # events: rows that reached ovsq (a count is kept in the kernel).
    tmux_type '.jobs'
    tmux_after_prompt 5 | sed -E 's/  [0-9.]+s  /  TIME  /' > "$TEST_DIR/actual.txt"
    { echo "job  state    time  events  lost  full  query"
      echo "[1]  running  TIME       0     0     0  on flow_result count by reason"
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    tmux_type '.stop 1'
    { echo "[1] stopped: on flow_result count by reason"
      echo "count by reason"; mix24_by_reason 4; echo
    } > "$TEST_DIR/expected.txt"
    expect_output 6 "$TEST_DIR/expected.txt"
    # Bad job references: each a message, and the session goes on.
    tmux_type '.stop 1'
    echo "ovsq: job 1 has already ended (stopped)" > "$TEST_DIR/expected.txt"
    expect_output 7 "$TEST_DIR/expected.txt"
    tmux_type '.show 99'
    echo "ovsq: no job 99 (.jobs lists them)" > "$TEST_DIR/expected.txt"
    expect_output 8 "$TEST_DIR/expected.txt"
    tmux_type '.show x'
    echo "ovsq: 'x' is not a job number (.jobs lists them)" > "$TEST_DIR/expected.txt"
    expect_output 9 "$TEST_DIR/expected.txt"
    # SIGTERM ends the session as .quit does: a running job is detached
    # and its tables printed.
    tmux_type 'on flow_result where reason == FDR_PURGE count &'
    sim sim "mix 12"
    pkill -TERM -P "$(tmux_cmd display -p -t s '#{pane_pid}')" -x ovsq
    tmux_wait '^\[exited 0\]$'
    { echo "[2] stopped: on flow_result where reason == FDR_PURGE count"
      printf 'count\n1\n\n[exited 0]\n'
    } > "$TEST_DIR/expected.txt"
    expect_output 11 "$TEST_DIR/expected.txt"
    ;;
  several-jobs)
    # Two background jobs count independently; .fg streams one's rows and
    # Ctrl-C sends it back; .quit detaches both, printing their tables.
    start_session
    tmux_type 'on flow_result where reason == FDR_FLOW_IDLE count &'
    tmux_type 'on flow_sweep_result, flow_result print probe, ufid &'
    sim sim "mix 12"
    # .fg: the rows from now on, under a header; Ctrl-C sends it back.
    tmux_cmd send-keys -t s -l '.fg 2'
    tmux_cmd send-keys -t s Enter
    PROMPTS=$((PROMPTS + 1))
    tmux_wait '^\[2\] on flow_sweep_result, flow_result print probe, ufid; Ctrl-C sends it back$'
    sim sim "fire flow_sweep_result count=2 reason=FDR_PURGE"
    tmux_wait_count '^flow_sweep_result +ufid:' 2
    tmux_interrupt
    { echo "[2] on flow_sweep_result, flow_result print probe, ufid; Ctrl-C sends it back"
      printf '%-40s%s\n' probe ufid
      grep '^flow_sweep_result ' "$TEST_DIR/sim.out" | cut -d' ' -f2 |
        while read -r ufid; do printf '%-40s%s\n' flow_sweep_result "$ufid"; done
      echo "^C"
      echo "[2] back in the background; .stop 2 ends it"
    } > "$TEST_DIR/expected.txt"
    expect_output 3 "$TEST_DIR/expected.txt"
    sim sim "fire flow_sweep_result count=1 reason=FDR_PURGE"
    tmux_type '.show 1'
    tmux_type '.jobs'
    tmux_after_prompt 5 | sed -E 's/  [0-9.]+s  /  TIME  /' > "$TEST_DIR/actual.txt"
    { echo "job  state    time  events  lost  full  query"
      echo "[1]  running  TIME       0     0     0  on flow_result where reason == FDR_FLOW_IDLE ..."
      echo "[2]  running  TIME      15     0     0  on flow_sweep_result, flow_result print probe..."
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/actual.txt"
    # .quit detaches both, printing what each has.
    tmux_cmd send-keys -t s -l .quit
    tmux_cmd send-keys -t s Enter
    tmux_wait '^\[exited 0\]$'
    printf 'count\n1\n\n' > "$TEST_DIR/expected.txt"
    expect_output 4 "$TEST_DIR/expected.txt"
    { echo "[1] stopped: on flow_result where reason == FDR_FLOW_IDLE count"
      printf 'count\n1\n\n'
      echo "[2] stopped: on flow_sweep_result, flow_result print probe, ufid"
      echo "[exited 0]"
    } > "$TEST_DIR/expected.txt"
    expect_output 6 "$TEST_DIR/expected.txt"
    ;;
  errors)
    # Mistakes are reported and the session goes on.
    start_session
    tmux_type 'on flow_result where reason == FDR_FLOW_IDEL print ufid'
    { echo "<session>:1:32: error: unknown enum constant 'FDR_FLOW_IDEL'; did you mean 'FDR_FLOW_IDLE'?"
      echo "on flow_result where reason == FDR_FLOW_IDEL print ufid"
      echo "                               ^~~~~~~~~~~~~"
    } > "$TEST_DIR/expected.txt"
    expect_output 1 "$TEST_DIR/expected.txt"
    tmux_type '.jbs'
    echo "ovsq: unknown command '.jbs'; did you mean '.jobs'? (.help lists them)" > "$TEST_DIR/expected.txt"
    expect_output 2 "$TEST_DIR/expected.txt"
    tmux_type '.set format yaml'
    echo "ovsq: format needs text, json or csv, not 'yaml'" > "$TEST_DIR/expected.txt"
    expect_output 3 "$TEST_DIR/expected.txt"
    tmux_type '.set ring-pages 3'
    echo "ovsq: ring-pages needs a power of two from 1 to 262144" > "$TEST_DIR/expected.txt"
    expect_output 4 "$TEST_DIR/expected.txt"
    tmux_type '.set outptu x'
    echo "ovsq: unknown setting 'outptu'; did you mean 'output'? (.set lists them)" > "$TEST_DIR/expected.txt"
    expect_output 5 "$TEST_DIR/expected.txt"
    tmux_type '.save /nonexistent/dir/saved.ovsq'
    echo "ovsq: no query has run in this session yet; nothing to save" > "$TEST_DIR/expected.txt"
    expect_output 6 "$TEST_DIR/expected.txt"
    tmux_type 'on flow_result count &'
    tmux_type '.save /nonexistent/dir/saved.ovsq'
    echo "ovsq: cannot write /nonexistent/dir/saved.ovsq: No such file or directory" > "$TEST_DIR/expected.txt"
    expect_output 8 "$TEST_DIR/expected.txt"
    # Two `every`s do not make one program: .save says so, writes nothing.
    tmux_type 'on flow_result count every 1s &'
    tmux_type 'on flow_sweep_result count every 2s &'
    tmux_type ".save $TEST_DIR/two.ovsq"
    tmux_after_prompt $PROMPTS > "$TEST_DIR/actual.txt"
    grep -q "^ovsq: this session's queries do not make one program (.*'every'.*); nothing written$" "$TEST_DIR/actual.txt" ||
      fail ".save of two every: $(cat "$TEST_DIR/actual.txt")"
    [ -e "$TEST_DIR/two.ovsq" ] && fail ".save wrote a file"
    tmux_type '.describe flow_reslt'
    echo "ovsq: unknown probe 'flow_reslt'; did you mean 'flow_result'?" > "$TEST_DIR/expected.txt"
    expect_output 12 "$TEST_DIR/expected.txt"
    tmux_type '.set format json'
    tmux_type '.set'
    { echo "format         json"
      echo "output         -"
      echo "ring-pages     256"
      echo "map-entries    10240"
      echo "flow-key-size  256"
    } > "$TEST_DIR/expected.txt"
    expect_output 14 "$TEST_DIR/expected.txt"
    quit_session
    ;;
  multi-line)
    # An unfinished program continues on a "...>" prompt.
    start_session
    tmux_type 'on flow_result where reason == FDR_FLOW_IDLE ||'
    tmux_type '   reason == FDR_PURGE {'
    tmux_type_running '  print ufid, reason }'
    sim sim "mix 12"
    tmux_wait_count '^ufid:' 2
    tmux_interrupt
    { echo "Attached 1 probe (2 uprobes) to PID $SIM_PID; Ctrl-C to stop."
      echo "ufid                                       reason"
      grep -E '^flow_result .*reason=(FDR_FLOW_IDLE|FDR_PURGE)$' "$TEST_DIR/sim.out" |
        sed -E 's/^flow_result (ufid:[^ ]*) .*reason=(.*)$/\1  \2/'
      echo "^C"
    } > "$TEST_DIR/expected.txt"
    expect_output 3 "$TEST_DIR/expected.txt"
    [ "$(tmux_screen | grep -c '^\.\.\.> ')" = 2 ] || fail "expected two continuation prompts"
    # Ctrl-C at a continuation prompt drops the unfinished program.
    tmux_cmd send-keys -t s -l 'on flow_result {'
    tmux_cmd send-keys -t s Enter
    tmux_wait_count '^\.\.\.>( |$)' 3
    tmux_cmd send-keys -t s C-c
    tmux_wait_count '^ovsq>( |$)' 3
    tmux_cmd send-keys -t s -l '.jobs'
    tmux_cmd send-keys -t s Enter
    tmux_wait "^no jobs \(a query ending in '&' runs in the background\)$"
    # Ctrl-D on an empty line leaves.
    tmux_cmd send-keys -t s C-d
    tmux_wait '^\[exited 0\]$'
    ;;
  completion)
    # Tab: a probe, a field, an enum name after a comparison, a member
    # after '->' (listed: several), a dot-command and its argument.
    start_session
    tmux_cmd send-keys -t s -l 'on flow_r'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^ovsq> on flow_result$'
    tmux_cmd send-keys -t s -l 'where rea'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^ovsq> on flow_result where reason$'
    tmux_cmd send-keys -t s -l '== FDR_FLOW_I'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^ovsq> on flow_result where reason == FDR_FLOW_IDLE$'
    # Several members: what they share, then (Tab again) the list.
    tmux_cmd send-keys -t s -l 'print ukey->ke'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^ovsq> on flow_result where reason == FDR_FLOW_IDLE print ukey->key$'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^key +key_len +key_recirc_id$'
    tmux_cmd send-keys -t s C-u
    tmux_cmd send-keys -t s -l '.descr'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^ovsq> \.describe$'
    tmux_cmd send-keys -t s -l 'flow_sw'
    tmux_cmd send-keys -t s Tab
    tmux_wait '^ovsq> \.describe flow_sweep_result$'
    tmux_cmd send-keys -t s Enter
    tmux_wait 'FDR_FLOW_IDLE'
    quit_session
    ;;
  save)
    # .save writes what ran; running the file gives the same rows.
    start_session
    tmux_type_running "$HEADLINE"
    sim sim "mix 12"
    tmux_wait_count '^ufid:' 1
    tmux_interrupt
    tmux_type '.probs'   # an error: not saved, nor is the next one
    tmux_type 'on flow_result print nosuchfield'
    tmux_type ".save $TEST_DIR/saved.ovsq"
    echo "saved 1 query to $TEST_DIR/saved.ovsq" > "$TEST_DIR/expected.txt"
    expect_output 4 "$TEST_DIR/expected.txt"
    quit_session
    [ -x "$TEST_DIR/saved.ovsq" ] || fail "the saved script is not executable"
    head -1 "$TEST_DIR/saved.ovsq" | grep -qx '#!/usr/bin/env ovsq' || fail "no shebang"
    [ "$(grep -v '^#' "$TEST_DIR/saved.ovsq")" = "$HEADLINE" ] || fail "saved: $(cat "$TEST_DIR/saved.ovsq")"
    : > "$TEST_DIR/sim.out.before"
    cp "$TEST_DIR/sim.out" "$TEST_DIR/sim.out.before"
    start_ovsq -p "$SIM_PID" "$TEST_DIR/saved.ovsq"
    sim sim "mix 12"
    stop_ovsq
    { echo ufid
      diff "$TEST_DIR/sim.out.before" "$TEST_DIR/sim.out" | sed -n 's/^> //p' |
        grep '^flow_result .*reason=FDR_FLOW_IDLE$' | cut -d' ' -f2
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  history)
    # History is kept in $XDG_STATE_HOME/ovsq/history across sessions.
    start_session
    tmux_type 'on flow_result count by reason &'
    tmux_type '.jobs'
    quit_session
    [ -s "$TEST_DIR/state/ovsq/history" ] || fail "no history file"
    tmux_stop
    tmux_start env XDG_STATE_HOME="$TEST_DIR/state" "$OVSQ" -p "$SIM_PID"
    tmux_first_prompt
    tmux_type '.history'
    { echo "    1  on flow_result count by reason &"
      echo "    2  .jobs"
      echo "    3  .quit"
      echo "    4  .history"
    } > "$TEST_DIR/expected.txt"
    expect_output 1 "$TEST_DIR/expected.txt"
    # Up three times: the first session's query, run again.
    tmux_cmd send-keys -t s Up Up Up Up
    tmux_wait '^ovsq> on flow_result count by reason &$'
    tmux_cmd send-keys -t s Enter
    tmux_wait '^\[1\] on flow_result count by reason$'
    quit_session
    ;;
  target-exits)
    # The traced process exiting is reported between prompts; the session
    # stays usable.
    start_session
    tmux_type 'on flow_result count by reason &'
    sim sim "mix 24"
    # Half a line typed when the news comes: it shows above, and the line
    # is drawn again below it as it was.
    tmux_cmd send-keys -t s -l 'on flow_sweep_'
    tmux_wait '^ovsq> on flow_sweep_$'
    echo quit >&"$SIM_FD_sim"
    tmux_wait '^\[1\] PID [0-9]+ exited; stopping\.$'
    tmux_wait '^ovsq> on flow_sweep_$'
    [ "$(tmux_screen | tail -1)" = "ovsq> on flow_sweep_" ] || fail "the line typed is not the last: $(tmux_screen | tail -3)"
    tmux_cmd send-keys -t s C-u
    tmux_wait '^\[1\] done \(the traced process exited\): on flow_result count by reason$'
    tmux_wait "^FDR_PURGE +2$"
    tmux_type '.jobs'
    tmux_type '.show 1'
    tmux_after_prompt $PROMPTS | grep -q "ovsq: job 1 has ended (the traced process exited); its last tables were printed then" ||
      fail ".show of an ended job"
    quit_session
    ;;
  stdin-program)
    # Not a terminal: the program comes from standard input, as a file.
    start_sim sim "$SIM"
    echo "$HEADLINE" > "$TEST_DIR/q.ovsq"
    : > "$TEST_DIR/ovsq.err"  # not an earlier run's "Attached"
    "$OVSQ" -p "$SIM_PID" < "$TEST_DIR/q.ovsq" > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err" &
    OVSQ_PID=$!
    wait_for "$TEST_DIR/ovsq.err" '^Attached' || fail "no Attached"
    sim sim "mix 24"
    stop_ovsq
    { echo ufid; idle_ufids; } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    # `-` says it explicitly; errors name <stdin>.
    echo 'on flow_result print ufdi' | "$OVSQ" -p "$SIM_PID" - > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err"
    [ $? = 1 ] || fail "exit status"
    grep -qx "<stdin>:1:22: error: unknown field 'ufdi' of probe flow_result.*" "$TEST_DIR/ovsq.err" ||
      grep -q "^<stdin>:1:22: error: " "$TEST_DIR/ovsq.err" || fail "no diagnostic for <stdin>"
    ;;
  plain)
    # -i without a terminal: the same commands from a pipe, no prompts.
    start_sim sim "$SIM"
    printf '%s\n' '.jbs' '.set map-entries 0' '.describe flow_result' '.quit' |
      "$OVSQ" -i -p "$SIM_PID" > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err"
    [ $? = 0 ] || fail "exit status"
    { echo "ovsq 0.1.0 session on PID $SIM_PID ($(readlink /proc/$SIM_PID/exe)), 13 USDT probes. .help lists the commands; .quit or Ctrl-D leaves."
      echo "ovsq: unknown command '.jbs'; did you mean '.jobs'? (.help lists them)"
      echo "ovsq: map-entries needs a number from 1 to 16777216"
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.err"
    grep -q 'FDR_FLOW_IDLE' "$TEST_DIR/ovsq.out" || fail ".describe printed no enum values"
    # No binary to trace: the session does not start.
    "$OVSQ" -i --binary /nonexistent/ovs-vswitchd < /dev/null > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err"
    [ $? = 1 ] || fail "exit status for a missing binary"
    grep -qx "ovsq: cannot open /nonexistent/ovs-vswitchd: No such file or directory" "$TEST_DIR/ovsq.err" ||
      fail "missing binary: $(cat "$TEST_DIR/ovsq.err")"
    ;;
  plain-jobs)
    # -i from a pipe, step by step: .set output sends a background job's
    # rows to a file; .load runs a script that ends by itself (limit), and
    # the session goes on to the next line.
    start_sim sim "$SIM"
    mkfifo "$TEST_DIR/session.in"
    : > "$TEST_DIR/ovsq.err"  # not an earlier run's "Attached"
    "$OVSQ" -i -p "$SIM_PID" < "$TEST_DIR/session.in" > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err" &
    OVSQ_PID=$!
    exec {input}>"$TEST_DIR/session.in"
    printf 'on flow_result where reason == FDR_PURGE print ufid\nlimit 2\n' > "$TEST_DIR/two.ovsq"
    echo ".set output $TEST_DIR/rows.txt" >&$input
    echo 'on flow_result where reason == FDR_FLOW_IDLE print ufid &' >&$input
    wait_for "$TEST_DIR/ovsq.err" '^\[1\] ' || fail "no job 1"
    echo ".set output -" >&$input
    echo ".load $TEST_DIR/two.ovsq" >&$input
    wait_for "$TEST_DIR/ovsq.err" '^Attached' || fail "the script did not attach"
    sim sim "mix 36"
    echo ".quit" >&$input
    wait_ovsq_exit 10
    [ "$OVSQ_STATUS" = 0 ] || fail "exit status $OVSQ_STATUS"
    { echo ufid; idle_ufids; } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/rows.txt"
    { echo ufid
      grep '^flow_result .*reason=FDR_PURGE$' "$TEST_DIR/sim.out" | cut -d' ' -f2 | head -2
      echo "[1] stopped: on flow_result where reason == FDR_FLOW_IDLE print ufid"
    } > "$TEST_DIR/expected.txt"
    expect_same "$TEST_DIR/expected.txt" "$TEST_DIR/ovsq.out"
    ;;
  *) fail "unknown case $1" ;;
esac
