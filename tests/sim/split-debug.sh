#!/bin/sh
# split-debug.sh OBJCOPY READELF INPUT OUTPUT DEBUG_DIR
#
# Writes OUTPUT, a copy of INPUT without debug info (the .note.stapsdt and
# build-id notes stay), and moves INPUT's debug info to
#     DEBUG_DIR/.build-id/xx/rest.debug
# (xx = first byte of the build-id in hex, rest = the others), where gdb and
# elfutils look for it given DEBUG_DIR as a debug directory.  OUTPUT gets a
# .gnu_debuglink naming "<basename OUTPUT>.debug"; no file of that name is
# left anywhere, so only the build-id lookup finds the debug info.
set -eu

objcopy=$1
readelf=$2
input=$3
output=$4
debug_dir=$5

build_id=$("$readelf" -n "$input" |
           sed -n 's/^[[:space:]]*Build ID:[[:space:]]*\([0-9a-f]*\).*/\1/p' |
           head -n 1)
if [ -z "$build_id" ]; then
    echo "split-debug.sh: $input has no build-id note" >&2
    exit 1
fi
head=$(printf '%s' "$build_id" | cut -c1-2)
rest=$(printf '%s' "$build_id" | cut -c3-)

mkdir -p "$debug_dir"
tmp=$(mktemp -d "$debug_dir/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
link_name=$(basename "$output").debug

"$objcopy" --only-keep-debug "$input" "$tmp/$link_name"
"$objcopy" --strip-debug --add-gnu-debuglink="$tmp/$link_name" \
    "$input" "$tmp/stripped"

# One build-id file: drop those of earlier builds.
rm -rf "$debug_dir/.build-id"
mkdir -p "$debug_dir/.build-id/$head"
mv "$tmp/$link_name" "$debug_dir/.build-id/$head/$rest.debug"
mv "$tmp/stripped" "$output"
