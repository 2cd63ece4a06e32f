#!/bin/sh
# Installs, builds and runs every test (unit, golden, end-to-end on the
# real kernel).  Run as root: the end-to-end tests load BPF programs.
# Extra arguments go to `meson test` (e.g. a test name, or --suite e2e).
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh
# The real ovs-vswitchd of the real-ovs tests: built once (about five
# minutes), then kept in /var/cache/ovsq-real-ovs.  Needs root, like the
# tests that use it.
# A failed build does not stop the rest: the real-ovs tests then say why
# (and fail under CI=true).
if [ "$(id -u)" = 0 ]; then
  ./tests/real-ovs/build-ovs.sh > /dev/null || echo "test.sh: the real ovs-vswitchd did not build" >&2
fi
meson test -C build --print-errorlogs "$@"
