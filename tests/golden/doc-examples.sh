#!/bin/bash
# Every query in docs/language.md compiles against the sim, and the
# documented error reads exactly as ovsq prints it.
#   doc-examples.sh OVSQ SIM DOC
# A query is an indented block that starts with `on `, `begin` or `#!`
# (blocks with <placeholders> are grammar, not queries); an indented block
# that starts with `<command-line>:` is an error: its second line is the
# query and the whole block is what ovsq prints for it.
set -u
ovsq=$1 sim=$2 doc=$3
failed=0 checked=0
check_block() {
  local block=$1 first
  first=${block%%$'\n'*}
  case $first in
    "<command-line>:"*)
      local query actual
      query=$(sed -n 2p <<< "$block")
      actual=$("$ovsq" --binary "$sim" --emit=obj -o /dev/null -e "$query" 2>&1)
      if [ "$actual" != "$block" ]; then
        echo "FAIL: the documented error differs:"; diff <(echo "$block") <(echo "$actual"); failed=1
      fi
      checked=$((checked + 1)) ;;
    "on "*|"begin"*|"#!"*)
      grep -q '<[a-z]*>' <<< "$block" && return
      if ! out=$("$ovsq" --binary "$sim" --emit=obj -o /dev/null -e "$block" 2>&1); then
        echo "FAIL: this documented query does not compile:"; echo "$block"; echo "$out"; failed=1
      fi
      checked=$((checked + 1)) ;;
  esac
}
block=""
while IFS= read -r line || [ -n "$line" ]; do
  if [[ $line == "    "* ]]; then
    block+=${block:+$'\n'}${line#    }
  else
    [ -n "$block" ] && check_block "$block"
    block=""
  fi
done < "$doc"
[ -n "$block" ] && check_block "$block"
echo "$checked examples checked"
[ "$checked" -ge 6 ] || { echo "FAIL: fewer examples than expected"; failed=1; }
exit $failed
