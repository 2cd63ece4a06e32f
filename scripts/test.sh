#!/bin/sh
# Installs, builds and runs every test (unit, golden, end-to-end on the
# real kernel).  As root, or as a user with sudo: the end-to-end tests
# load BPF programs.
# Extra arguments go to `meson test` (e.g. a test name, or --suite e2e).
set -eu
# Root is needed (apt-get, BPF): as another user, run again under sudo.
if [ "$(id -u)" != 0 ]; then
  command -v sudo > /dev/null || { echo "$0: run this as root (there is no sudo here)" >&2; exit 1; }
  exec sudo -- "$0" "$@"
fi
cd "$(dirname "$0")/.."
./scripts/build.sh
# The real ovs-vswitchd of the real-ovs tests: built once (about five
# minutes), then kept in /var/cache/ovsq-real-ovs.
# A failed build does not stop the rest: the real-ovs tests then say why
# (and fail under CI=true).
./tests/real-ovs/build-ovs.sh > /dev/null || echo "test.sh: the real ovs-vswitchd did not build" >&2
meson test -C build --print-errorlogs "$@"
