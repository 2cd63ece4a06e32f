#!/bin/sh
# Installs the Debian packages ovsq needs and builds it in ./build.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# CI builds (.ci/run sets OVSQ_WERROR=true; so does CI=true) treat
# warnings as errors: a switch that forgets a kind of a table's enum is a
# warning, so there it fails the build.
werror=${OVSQ_WERROR:-false}
[ "${CI:-}" = true ] && werror=true
[ -f build/build.ninja ] || meson setup build --native-file native/debian12.ini
meson configure build -Dwerror=$werror
meson compile -C build
