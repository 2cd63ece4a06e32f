#!/bin/sh
# Installs everything ovsq needs to build and test, from Debian 12's own
# packages only. Safe to run again: apt-get skips what is already there.
set -eu
PKGS="meson ninja-build pkg-config cmake g++ gcc
      llvm-19-dev lld-19 libbpf-dev libelf-dev libdw-dev zlib1g-dev libzstd-dev
      tao-pegtl-dev libboost-program-options-dev libedit-dev
      libgtest-dev nlohmann-json3-dev systemtap-sdt-dev binutils elfutils procps
      dwz util-linux python3 tmux iproute2 iputils-ping
      man-db groff-base bsdextrautils debhelper dpkg-dev lintian
      clang-19 libclang-rt-19-dev
      prometheus"
# clang-19 and its compiler-rt (libFuzzer, the sanitizers) build the fuzz
# targets of tests/fuzz (scripts/fuzz.sh).  The rest builds with g++.
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
