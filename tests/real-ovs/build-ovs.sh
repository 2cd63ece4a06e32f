#!/bin/sh
# Builds a real ovs-vswitchd with USDT probes, once, for the real-ovs test
# suite: Debian 13's openvswitch-source (architecture all: the Open vSwitch
# 3.5 source tree) fetched with a private apt configuration (the machine's
# own apt sources are never changed), configured with
# --enable-usdt-probes, and the programs the tests run copied to
#   $OVSQ_REAL_OVS_CACHE/ovs-VERSION/{bin,share}
# (default cache /var/cache/ovsq-real-ovs, outside the checkout, so that
# later runs and clones reuse it).  Prints that directory.  About five
# minutes on two cores the first time; nothing after.
#   build-ovs.sh --dir   prints the directory only, building nothing
set -eu
CACHE=${OVSQ_REAL_OVS_CACHE:-/var/cache/ovsq-real-ovs}
VERSION=3.5.0-1
OUT=$CACHE/ovs-$VERSION
if [ "${1:-}" = --dir ] || [ -x "$OUT/bin/ovs-vswitchd" ]; then echo "$OUT"; exit 0; fi

# What the build needs, from Debian 12.
missing=""
for p in gcc make python3 systemtap-sdt-dev libssl-dev libcap-ng-dev xz-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
fi

# The source package, by a private apt configuration: its own sources
# list (trixie), lists and archive cache under $CACHE/apt.
APTDIR=$CACHE/apt
mkdir -p "$APTDIR/lists/partial" "$APTDIR/archives/partial" "$APTDIR/etc"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
  > "$APTDIR/etc/sources.list"
set -- -o Dir::Etc::sourcelist="$APTDIR/etc/sources.list" -o Dir::Etc::sourceparts=- \
  -o Dir::State::Lists="$APTDIR/lists" -o Dir::Cache="$APTDIR" \
  -o Dir::Cache::Archives="$APTDIR/archives" -o APT::Get::List-Cleanup=0 \
  -o APT::Sandbox::User=root
DEB=$CACHE/openvswitch-source_${VERSION}_all.deb
if [ ! -s "$DEB" ]; then
  apt-get "$@" -qq update >&2
  (cd "$CACHE" && apt-get "$@" -qq download "openvswitch-source=$VERSION" >&2)
fi

WORK=$CACHE/build-$VERSION
rm -rf "$WORK"
mkdir -p "$WORK"
dpkg -x "$DEB" "$WORK/pkg"
SRC=$WORK/pkg/usr/src/openvswitch
cd "$SRC"
./configure --enable-usdt-probes CFLAGS='-g -O2' --prefix=/usr --localstatedir=/var \
  --sysconfdir=/etc > "$WORK/configure.log" 2>&1 || { tail -20 "$WORK/configure.log" >&2; exit 1; }
PROGRAMS="vswitchd/ovs-vswitchd ovsdb/ovsdb-server ovsdb/ovsdb-tool utilities/ovs-vsctl
          utilities/ovs-appctl utilities/ovs-ofctl utilities/ovs-dpctl"
# The whole tree: the programs alone miss generated headers (BUILT_SOURCES).
make -j"$(nproc)" > "$WORK/make.log" 2>&1 || { tail -30 "$WORK/make.log" >&2; exit 1; }
rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp/bin" "$OUT.tmp/share"
for p in $PROGRAMS; do cp "$p" "$OUT.tmp/bin/"; done
cp vswitchd/vswitch.ovsschema "$OUT.tmp/share/"
mv "$OUT.tmp" "$OUT"
rm -rf "$WORK"
echo "$OUT"
