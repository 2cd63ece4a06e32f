#!/bin/sh
# Installs the Debian packages ovsq needs and builds it in ./build.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build --native-file native/debian12.ini
meson compile -C build
