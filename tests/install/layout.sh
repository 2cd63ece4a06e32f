# `meson install` into a fresh DESTDIR: ovsq in bin/, the man pages in
# share/man, the completion in share/bash-completion/completions/ovsq, the
# examples in share/doc/ovsq/examples, executable, and run from there by
# their `#!/usr/bin/env ovsq` line with the installed ovsq on PATH.
. "$(dirname "$0")/../e2e/lib.sh"

dest=$TEST_DIR/dest
meson install -C "$BUILD_ROOT" --no-rebuild --quiet --destdir "$dest" > "$TEST_DIR/install.log" 2>&1 \
  || { cat "$TEST_DIR/install.log" >&2; fail "meson install failed"; }
root=$dest$PREFIX
for file in bin/ovsq share/man/man1/ovsq.1 share/man/man7/ovsq-language.7 \
            share/bash-completion/completions/ovsq; do
  [ -f "$root/$file" ] || fail "meson install put no $PREFIX/$file"
done
cmp -s "$root/share/bash-completion/completions/ovsq" "$SOURCE_ROOT/completion/ovsq.bash" \
  || fail "the installed completion is not completion/ovsq.bash"
examples=$root/share/doc/ovsq/examples
(cd "$SOURCE_ROOT/examples" && find . -type f | sort) > "$TEST_DIR/source-examples"
(cd "$examples" && find . -type f | sort) > "$TEST_DIR/installed-examples"
expect_same "$TEST_DIR/source-examples" "$TEST_DIR/installed-examples"
while read -r name; do
  [ -x "$examples/$name" ] || fail "$name is not executable"
done < "$TEST_DIR/installed-examples"

# Each runs as a script from there (no kernel needed: --emit=ast stops
# before loading), and means what it means run from the source tree.  The
# exporter's (metrics/) serve on a port when run: for them, the shebang
# and the query.
while read -r name; do
  example=$examples/$name
  case $name in
    ./metrics/*)
      [ "$(head -1 "$example")" = '#!/usr/bin/env -S ovsq --metrics 127.0.0.1:9464' ] ||
        fail "$name's first line is $(head -1 "$example")"
      "$OVSQ" --binary "$SIM" --emit=ast "$example" > "$TEST_DIR/ast.out" ;;
    *)
      [ "$(head -1 "$example")" = '#!/usr/bin/env ovsq' ] || fail "$name's first line is $(head -1 "$example")"
      PATH="$root/bin:$PATH" "$example" --binary "$SIM" --emit=ast > "$TEST_DIR/ast.out" 2> "$TEST_DIR/ast.err" \
        || fail "the installed $name did not run: $(cat "$TEST_DIR/ast.err")" ;;
  esac
  "$OVSQ" --binary "$SIM" --emit=ast "$SOURCE_ROOT/examples/$name" > "$TEST_DIR/expected.out"
  expect_same "$TEST_DIR/expected.out" "$TEST_DIR/ast.out"
done < "$TEST_DIR/installed-examples"
echo "ok: install layout"
