# A real Open vSwitch for the real-ovs tests: ovsdb-server and ovs-vswitchd
# (built with USDT probes by build-ovs.sh) with the userspace datapath, a
# bridge, and hosts in network namespaces made here, joined to the bridge
# by veth pairs.  Traffic stays between those hosts.  Everything is
# stopped and removed on exit, also when a test fails.
#
# Sourced after tests/e2e/lib.sh; needs OVSQ in the environment.
REAL_OVS=$("$(dirname "${BASH_SOURCE[0]}")/build-ovs.sh" --dir)

require_real_ovs() {
  require_kernel
  local why=""
  if [ ! -x "$REAL_OVS/bin/ovs-vswitchd" ]; then
    why="no real ovs-vswitchd built (tests/real-ovs/build-ovs.sh; scripts/test.sh runs it)"
  elif ! command -v ip > /dev/null; then
    why="iproute2 is not installed"
  fi
  if [ -n "$why" ]; then
    if [ "${CI:-}" = true ]; then echo "FAIL (CI): $why" >&2; exit 1; fi
    echo "SKIP: $why" >&2
    exit 77
  fi
}

OVS_DIR=""
CONTAINER_PID=""
MONITOR_PID=""         # an ovs-vswitchd --monitor's monitor, when a test has one
VSWITCHD_OPTIONS=()    # more options for ovs-vswitchd (e.g. --monitor)
NETNS=()
VETHS=()
TAG="oq$$"   # in every name made here, so that parallel runs never meet

ovs_cleanup() {
  [ -n "$OVS_DIR" ] || return 0
  # A vswitchd in its own PID namespace: its pidfile holds the PID it has
  # there, so it is stopped by its host PID (and its namespace with it).
  [ -n "$CONTAINER_PID" ] && kill -KILL "$CONTAINER_PID" 2>/dev/null
  # A monitor would restart a daemon killed below.
  [ -n "$MONITOR_PID" ] && kill -KILL "$MONITOR_PID" 2>/dev/null
  for p in ovs-vswitchd ovsdb-server; do
    [ -f "$OVS_DIR/$p.pid" ] && kill -TERM "$(cat "$OVS_DIR/$p.pid")" 2>/dev/null
  done
  sleep 0.3
  for p in ovs-vswitchd ovsdb-server; do
    [ -f "$OVS_DIR/$p.pid" ] && kill -KILL "$(cat "$OVS_DIR/$p.pid")" 2>/dev/null
  done
  for ns in "${NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  for v in "${VETHS[@]}"; do ip link del "$v" 2>/dev/null; done
  rm -rf "$OVS_DIR"
}
trap 'ovs_cleanup; cleanup' EXIT

ovs() { "$REAL_OVS/bin/$1" "${@:2}"; }
vsctl() { ovs ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=10 "$@"; }
# The control socket is named by the PID the vswitchd sees itself as.
appctl() { ovs ovs-appctl --target="$(echo "$OVS_DIR"/ovs-vswitchd.*.ctl)" --timeout=10 "$@"; }

# start_ovs [VSWITCHD | container START]: ovsdb-server, then ovs-vswitchd
# (the built one, or VSWITCHD: a copy, e.g. stripped; or, with
# `container`, START run in new mount and PID namespaces, which execs
# one), a netdev bridge br-$TAG with flows idling out after 2 s; sets
# VSWITCHD_PID (the host's PID).
start_ovs() {
  local vswitchd=${1:-$REAL_OVS/bin/ovs-vswitchd}
  if [ "$vswitchd" = container ]; then
    command -v unshare > /dev/null || fail "unshare (util-linux) is not installed"
    vswitchd=$2
    CONTAINER_START=$2
  fi
  OVS_DIR=$(mktemp -d /tmp/ovsq-real-ovs.XXXXXX)
  export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_SYSCONFDIR=$OVS_DIR
  ovs ovsdb-tool create "$OVS_DIR/conf.db" "$REAL_OVS/share/vswitch.ovsschema"
  ovs ovsdb-server --remote="punix:$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovsdb-server.pid" \
    --detach --log-file="$OVS_DIR/ovsdb-server.log" "$OVS_DIR/conf.db" ||
    fail "ovsdb-server did not start"
  vsctl --no-wait init
  vsctl --no-wait set Open_vSwitch . other_config:max-idle=2000
  VSWITCHD=$vswitchd
  start_vswitchd
  vsctl add-br "br-$TAG" -- set bridge "br-$TAG" datapath_type=netdev || fail "no bridge"
}

start_vswitchd() {
  if [ -n "${CONTAINER_START:-}" ]; then
    # PID 1 of its namespace: not --detach (its namespace would end with
    # the parent), and no pidfile where ovs_cleanup would read "1".
    unshare --mount --pid --fork --propagation private "$CONTAINER_START" \
      "unix:$OVS_DIR/db.sock" --log-file="$OVS_DIR/ovs-vswitchd.log" > /dev/null 2>&1 &
    local unshare_pid=$! i=0
    until CONTAINER_PID=$(pgrep -P "$unshare_pid" -x ovs-vswitchd) &&
        ls "$OVS_DIR"/ovs-vswitchd.*.ctl > /dev/null 2>&1; do
      i=$((i + 1)); [ "$i" -gt 100 ] && fail "the container's ovs-vswitchd did not start"
      sleep 0.05
    done
    VSWITCHD_PID=$CONTAINER_PID
    return
  fi
  "$VSWITCHD" "unix:$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovs-vswitchd.pid" --detach \
    "${VSWITCHD_OPTIONS[@]}" --log-file="$OVS_DIR/ovs-vswitchd.log" || fail "ovs-vswitchd did not start"
  VSWITCHD_PID=$(cat "$OVS_DIR/ovs-vswitchd.pid")
}

# restart_vswitchd: as an upgrade does: the old one exits, a new one starts
# on the same database (bridge and ports come back).
restart_vswitchd() {
  local old=$VSWITCHD_PID
  kill -TERM "$old"
  local i=0
  while kill -0 "$old" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt 100 ] && fail "ovs-vswitchd $old did not exit"; sleep 0.05
  done
  start_vswitchd
  vsctl --timeout=10 wait-until Interface "p1-$TAG" ofport!=-1 > /dev/null ||
    fail "the ports did not come back"
}

# crash_vswitchd: the daemon dies of SIGSEGV; its --monitor starts a new
# one (the first restart comes at once), which rewrites the pidfile.
crash_vswitchd() {
  local old=$VSWITCHD_PID i=0
  kill -SEGV "$old"
  # A crash leaves the control socket behind, where appctl would find two.
  while kill -0 "$old" 2>/dev/null; do sleep 0.05; done
  rm -f "$OVS_DIR/ovs-vswitchd.$old.ctl"
  until VSWITCHD_PID=$(cat "$OVS_DIR/ovs-vswitchd.pid" 2>/dev/null) &&
      [ "$VSWITCHD_PID" != "$old" ] && kill -0 "$VSWITCHD_PID" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt 200 ] && fail "the monitor did not restart ovs-vswitchd"; sleep 0.05
  done
  vsctl --timeout=10 wait-until Interface "p1-$TAG" ofport!=-1 > /dev/null ||
    fail "the ports did not come back"
}

# add_host N [ipv6]: namespace $TAG-hN with 172.31.0.N/24 and MAC
# 02:00:00:00:00:0N on a veth whose peer is a port of the bridge.  IPv6 is
# off on both ends, so that no router solicitation makes a flow the test
# did not ask for; with `ipv6`, the host also has fd00::N/64 (no duplicate
# address detection, so it is usable at once).
add_host() {
  local n=$1 ns="$TAG-h$1" inside="h$1-$TAG" outside="p$1-$TAG" ipv6=${2:-}
  ip netns add "$ns" || fail "cannot make netns $ns"
  NETNS+=("$ns")
  ip link add "$inside" type veth peer name "$outside" || fail "no veth"
  VETHS+=("$outside")
  sysctl -qw "net.ipv6.conf.$outside.disable_ipv6=1"
  ip link set "$inside" netns "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  if [ "$ipv6" = ipv6 ]; then
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$inside.disable_ipv6=0"
    ip -n "$ns" addr add "fd00::$n/64" dev "$inside" nodad
  else
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$inside.disable_ipv6=1"
  fi
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "172.31.0.$n/24" dev "$inside"
  ip -n "$ns" link set "$inside" address "02:00:00:00:00:0$n"
  ip -n "$ns" link set "$inside" up
  ip link set "$outside" up
  vsctl add-port "br-$TAG" "$outside" || fail "cannot add port $outside"
}

# in_host N COMMAND...: runs COMMAND in host N's namespace.
in_host() { local n=$1; shift; ip netns exec "$TAG-h$n" "$@"; }

# The datapath's flows as dpctl/dump-flows -m prints them: "ufid:..., key...".
dump_flows() { appctl dpctl/dump-flows -m; }
dump_ufids() { dump_flows | grep -o '^ufid:[0-9a-f-]*' | sort; }

# wait_no_flows [SECONDS]: until the datapath has no flows (they idled out).
wait_no_flows() {
  local limit=${1:-15} i=0
  while [ -n "$(dump_flows)" ]; do
    i=$((i + 1)); [ "$i" -gt $((limit * 10)) ] && fail "flows still there after $limit s"
    sleep 0.1
  done
}
