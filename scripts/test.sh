#!/bin/sh
# Installs, builds and runs every test (unit, golden, end-to-end on the
# real kernel).  Run as root: the end-to-end tests load BPF programs.
# Extra arguments go to `meson test` (e.g. a test name, or --suite e2e).
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh
meson test -C build --print-errorlogs "$@"
