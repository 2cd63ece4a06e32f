# Bad input that is not query text: each case must give one clear line on
# stderr and a non-zero exit, never a crash, a hang or a half-attached probe.
# $1 = the case.
. "$(dirname "$0")/lib.sh"

RUN_AS=()
HEADLINE='on flow_result where reason == FDR_FLOW_IDLE print ufid'

# expect_error STATUS "MESSAGE" OVSQ-ARGS...: exact stderr and exit status.
expect_error() {
  local status=$1 message=$2
  shift 2
  timeout 20 "${RUN_AS[@]}" "$OVSQ" "$@" < "${STDIN:-/dev/null}" > "$TEST_DIR/ovsq.out" 2> "$TEST_DIR/ovsq.err"
  local got=$?
  printf '%s\n' "$message" > "$TEST_DIR/expected.err"
  expect_same "$TEST_DIR/expected.err" "$TEST_DIR/ovsq.err"
  [ "$got" = "$status" ] || fail "exit status $got, expected $status"
  [ -s "$TEST_DIR/ovsq.out" ] && fail "unexpected output on stdout"
  return 0
}

case $1 in
  no-vswitchd)
    expect_error 1 "ovsq: no running ovs-vswitchd found; start it, or name a process with -p PID or a binary with --binary PATH" -e "$HEADLINE"
    ;;
  several-vswitchd)
    start_sim a "$SIM" --comm ovs-vswitchd; a=$SIM_PID
    start_sim b "$SIM" --comm ovs-vswitchd; b=$SIM_PID
    expect_error 1 "ovsq: several ovs-vswitchd processes are running (PIDs $a, $b); choose one with -p PID" -e "$HEADLINE"
    ;;
  pid-not-running)
    pid=4194304   # one more than the largest PID Linux hands out
    expect_error 1 "ovsq: no process with PID $pid is running" -p $pid -e "$HEADLINE"
    ;;
  missing-binary)
    expect_error 1 "ovsq: cannot open /nonexistent/ovs-vswitchd: No such file or directory" --binary /nonexistent/ovs-vswitchd --emit=obj -e "$HEADLINE"
    ;;
  no-probes)
    expect_error 1 "ovsq: /bin/true has no USDT probes (Open vSwitch needs to be built with --enable-usdt-probes)" --binary /bin/true --emit=obj -e "$HEADLINE"
    ;;
  bad-debug-file)
    # Without --debug-file a binary with no debug info gets ovsq's built-in
    # types (headline.sh nodebug); a --debug-file that is wrong stays an
    # error, with no warning before it.
    sim_id=$(readelf -n "$SIM" | sed -n 's/.*Build ID: //p')
    nodebug_id=$(readelf -n "$SIM_NODEBUG" | sed -n 's/.*Build ID: //p')
    expect_error 1 "ovsq: cannot open /nonexistent/x.debug: No such file or directory" --binary "$SIM_NODEBUG" --debug-file /nonexistent/x.debug --emit=obj -e "$HEADLINE"
    expect_error 1 "ovsq: no debug info in $SIM_NODEBUG (given by --debug-file): it has no .debug_info" --binary "$SIM_NODEBUG" --debug-file "$SIM_NODEBUG" --emit=obj -e "$HEADLINE"
    expect_error 1 "ovsq: $SIM is not the debug info of $SIM_NODEBUG: its build-id is $sim_id, the binary's is $nodebug_id" --binary "$SIM_NODEBUG" --debug-file "$SIM" --emit=obj -e "$HEADLINE"
    ;;
  usage)
    # No query and standard input not a terminal: the query is read from
    # it; an empty one is a usage error, as no query at all was.
    expect_error 2 "ovsq: no query: give one with -e QUERY, as a FILE.ovsq, or on standard input (on a terminal, ovsq starts a session)
Try 'ovsq --help' for more information."
    expect_error 2 "ovsq: no query: give one with -e QUERY, as a FILE.ovsq, or on standard input (on a terminal, ovsq starts a session)
Try 'ovsq --help' for more information." -
    expect_error 2 "ovsq: -i starts a session; give no query with it
Try 'ovsq --help' for more information." -i -e "$HEADLINE"
    expect_error 2 "ovsq: -i starts a session; --emit needs a query
Try 'ovsq --help' for more information." -i --emit=ir
    expect_error 2 "ovsq: give either --follow or --no-follow, not both
Try 'ovsq --help' for more information." --follow --no-follow -e "$HEADLINE"
    expect_error 2 "ovsq: --format needs text, json or csv, not 'yaml'
Try 'ovsq --help' for more information." --format yaml -e "$HEADLINE"
    expect_error 2 "ovsq: unknown --emit stage 'llvm': use ast, ir, asm or obj
Try 'ovsq --help' for more information." --emit=llvm -e "$HEADLINE"
    expect_error 2 "ovsq: unrecognised option '--frobnicate'
Try 'ovsq --help' for more information." --frobnicate
    # A prefix of an option is no abbreviation of it: --for is not --format.
    expect_error 2 "ovsq: unrecognised option '--for'
Try 'ovsq --help' for more information." --for 1s -e "$HEADLINE"
    expect_error 2 "ovsq: unrecognised option '--filter'
Try 'ovsq --help' for more information." --filter 'tcp(dst=1)' -e "$HEADLINE"
    expect_error 2 "ovsq: give the query either with -e or as a file, not both
Try 'ovsq --help' for more information." -e "$HEADLINE" some.ovsq
    expect_error 2 "ovsq: -p needs a positive process ID
Try 'ovsq --help' for more information." -p -5 -e "$HEADLINE"
    expect_error 1 "ovsq: cannot read /nonexistent.ovsq: No such file or directory" /nonexistent.ovsq
    ;;
  no-permission)
    require_kernel
    # The same query as the unprivileged user nobody.
    RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${RUN_AS[@]}" test -r "$SIM" || { echo "SKIP: nobody cannot read $SIM" >&2; exit 77; }
    expect_error 1 "ovsq: permission denied loading BPF programs: run ovsq as root (or with CAP_SYS_ADMIN)" \
      --binary "$SIM" -e "$HEADLINE"
    ;;
  *) fail "unknown case $1" ;;
esac
echo "ok: $1"
