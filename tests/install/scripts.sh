# README's two commands, scripts/demo.sh and scripts/test.sh, as a user
# who is not root: with sudo they run themselves again under it (a stand-in
# sudo here prints what it was asked to run); without sudo they say to run
# them as root.  (As root they just run: that is how CI calls test.sh.)
. "$(dirname "$0")/../e2e/lib.sh"

# Only these commands on PATH: the stand-in sudo is in $TEST_DIR/with-sudo.
mkdir -p "$TEST_DIR/bin" "$TEST_DIR/with-sudo"
for tool in sh bash id dirname; do ln -s "$(command -v "$tool")" "$TEST_DIR/bin/$tool"; done
printf '#!/bin/sh\necho "sudo $*"\n' > "$TEST_DIR/with-sudo/sudo"
chmod 755 "$TEST_DIR" "$TEST_DIR/bin" "$TEST_DIR/with-sudo" "$TEST_DIR/with-sudo/sudo"
as_user() {  # as_user PATH COMMAND...: as nobody when we are root
  local path=$1; shift
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH="$path" "$@"
  else
    env -i PATH="$path" "$@"
  fi
}
# Copies, which nobody can read wherever the checkout is: the check comes
# before they do anything else.
mkdir "$TEST_DIR/scripts"
for script in demo.sh test.sh; do
  path=$TEST_DIR/scripts/$script
  cp "$SOURCE_ROOT/scripts/$script" "$path"
  chmod 755 "$TEST_DIR/scripts" "$path"
  out=$(as_user "$TEST_DIR/with-sudo:$TEST_DIR/bin" "$path" a b 2>&1)
  [ "$out" = "sudo -- $path a b" ] || fail "$script as a user with sudo: $out"
  out=$(as_user "$TEST_DIR/bin" "$path" 2>&1)
  status=$?
  [ "$status" = 1 ] || fail "$script as a user without sudo exited $status"
  [ "$out" = "$path: run this as root (there is no sudo here)" ] || fail "$script without sudo: $out"
done
echo "ok: scripts"
