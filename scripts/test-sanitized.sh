#!/bin/bash
# The unit, golden and end-to-end tests again, in ./build-asan: ovsq built
# with AddressSanitizer and UndefinedBehaviorSanitizer (.ci/run runs this
# after the normal pass).  Extra arguments go to `meson test`.
#
# Any sanitizer report fails the test that triggered it: UBSan halts on
# its first error (by default it prints and goes on), ASan always does,
# and a report on stderr differs from the exact text the tests expect.
# LeakSanitizer runs at every exit of ovsq, the unit tests and the
# fuzz-replay tests; no leak is suppressed.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build-asan/build.ninja ] ||
  meson setup build-asan --native-file native/debian12.ini -Db_sanitize=address,undefined
meson compile -C build-asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C build-asan --print-errorlogs --suite unit --suite golden --suite e2e "$@"
