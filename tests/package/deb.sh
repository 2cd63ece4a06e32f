# The Debian package, as a user gets it: `dpkg-buildpackage -us -uc -b` on
# a copy of the source builds ovsq_VERSION_amd64.deb; its dependencies
# come from shlibs (no LLVM: it is linked in); lintian finds no error; and
# unpacked with `dpkg -x` into a fresh directory, its ovsq prints the same
# --version as the build's, and an installed example, run by its
# `#!/usr/bin/env ovsq` line, traces the sim.
. "$(dirname "$0")/../e2e/lib.sh"

src=$TEST_DIR/src
mkdir -p "$src"
# The files the repository has, not the build trees beside them.
if git -C "$SOURCE_ROOT" rev-parse --git-dir > /dev/null 2>&1; then
  (cd "$SOURCE_ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar cf - --) \
    | tar xf - -C "$src" || fail "cannot copy the source"
else
  (cd "$SOURCE_ROOT" && tar cf - --exclude=./build --exclude='./build-*' .) | tar xf - -C "$src" \
    || fail "cannot copy the source"
fi
start=$(date +%s)
# Without the -dbgsym package (compressing its 20 MB of DWARF is time
# spent on nothing this test checks); ovsq's own .deb is the same.
(cd "$src" && DEB_BUILD_OPTIONS="noautodbgsym nocheck" dpkg-buildpackage -us -uc -b) \
  > "$TEST_DIR/build.log" 2>&1 \
  || { tail -40 "$TEST_DIR/build.log" >&2; fail "dpkg-buildpackage failed"; }
echo "dpkg-buildpackage took $(( $(date +%s) - start )) s"

deb=$TEST_DIR/ovsq_${OVSQ_VERSION}_amd64.deb
[ -f "$deb" ] || fail "no $(basename "$deb"); built: $(cd "$TEST_DIR" && echo *.deb)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
case $depends in *libbpf1*) ;; *) fail "Depends lacks libbpf1 (shlibs): $depends" ;; esac
case $depends in *llvm* | *LLVM*) fail "Depends names LLVM, which is linked statically: $depends" ;; esac

# lintian: no errors; its warnings are printed for the log.
lintian --fail-on error "$deb" > "$TEST_DIR/lintian.out" 2>&1
lintian_status=$?
cat "$TEST_DIR/lintian.out"
[ "$lintian_status" = 0 ] || fail "lintian found errors"

root=$TEST_DIR/root
mkdir "$root"
dpkg -x "$deb" "$root" || fail "dpkg -x failed"
for file in usr/bin/ovsq usr/share/man/man1/ovsq.1.gz usr/share/man/man7/ovsq-language.7.gz \
            usr/share/bash-completion/completions/ovsq; do
  [ -f "$root/$file" ] || fail "the package has no $file"
done
for example in "$SOURCE_ROOT"/examples/*.ovsq; do
  [ -x "$root/usr/share/doc/ovsq/examples/$(basename "$example")" ] \
    || fail "the package has no executable examples/$(basename "$example")"
done

export PATH="$root/usr/bin:$PATH"
[ "$(command -v ovsq)" = "$root/usr/bin/ovsq" ] || fail "the installed ovsq is not first on PATH"
[ "$(ovsq --version)" = "$("$OVSQ" --version)" ] \
  || fail "installed ovsq --version: $(ovsq --version), the build's: $("$OVSQ" --version)"

# An installed example, run as a script: its shebang finds the installed ovsq.
require_kernel
OVSQ=$root/usr/share/doc/ovsq/examples/idle-flows.ovsq
start_sim sim "$SIM"
start_ovsq -p "$SIM_PID"
sim sim "mix 24"                                   # 2 of 24 are FDR_FLOW_IDLE
sim sim "fire flow_result count=2 reason=FDR_PURGE"
{ echo ufid
  grep '^flow_result .*reason=FDR_FLOW_IDLE$' "$TEST_DIR/sim.out" | cut -d' ' -f2
} > "$TEST_DIR/expected.out"
[ "$(wc -l < "$TEST_DIR/expected.out")" = 3 ] || fail "the sim fired no idle deletions"
wait_lines "$TEST_DIR/ovsq.out" 3 || fail "the example printed too little"
stop_ovsq
[ "$OVSQ_STATUS" = 0 ] || fail "the example exited $OVSQ_STATUS"
expect_same "$TEST_DIR/expected.out" "$TEST_DIR/ovsq.out"
echo "ok: package"
