# The bash completion (completion/ovsq.bash), its function called as bash
# calls it (COMP_WORDS, COMP_CWORD; $1 the command, $2 the word, $3 the one
# before), with ovsq and the sim of this build: exact candidates.
. "$(dirname "$0")/../e2e/lib.sh"

# complete WORD...: the candidates for the last WORD, sorted, one a line.
complete_words() {
  bash -c '
    . "$COMPLETION"
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    # As bash passes them: the word without its opening quote, and after
    # "--format=" an empty word whose previous one is the option.
    cur=${COMP_WORDS[COMP_CWORD]}; q=$(printf "\\047"); cur=${cur#\"}; cur=${cur#"$q"}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    [ "$cur" = "=" ] && cur=""
    _ovsq "${COMP_WORDS[0]}" "$cur" "$prev"
    # One candidate a line; a newline inside one shows as \n.
    printf -v nl "\n"
    for c in "${COMPREPLY[@]}"; do printf "%s\n" "${c//$nl/\\n}"; done | sort' _ "$@"
}
# expect "WORDS..." CANDIDATES: CANDIDATES one a line.
expect() {
  local expected=$1; shift
  [ "$(complete_words "$@")" = "$expected" ] \
    || fail "completing '$*': got [$(complete_words "$@" | tr '\n' ' ')], expected [$(tr '\n' ' ' <<< "$expected")]"
}

expect $'csv\njson\ntext' "$OVSQ" --format ""
expect 'json' "$OVSQ" -f j
expect $'csv\njson\ntext' "$OVSQ" --format =            # --format=<TAB>: bash splits at '='
expect 'csv' "$OVSQ" --format = c
expect $'asm\nast' "$OVSQ" --emit as
expect $'asm\nast\nir\nobj' "$OVSQ" --emit ""
expect '' "$OVSQ" --ring-pages ""                       # a number: nothing to offer

# Options: every one of --help, by prefix.
expect $'--filter-flows\n--flow-key-size\n--follow\n--format' "$OVSQ" --f
expect $'--no-follow' "$OVSQ" --no

# FILE.ovsq: *.ovsq files and directories.
mkdir -p "$TEST_DIR/q/sub"
touch "$TEST_DIR/q/a.ovsq" "$TEST_DIR/q/b.txt" "$TEST_DIR/q/c.ovsq" "$TEST_DIR/q/d e.ovsq"
(cd "$TEST_DIR/q" && expect $'a.ovsq\nc.ovsq\nd e.ovsq\nsub' "$OVSQ" "") || exit 1
(cd "$TEST_DIR/q" && expect $'a.ovsq\nb.txt\nc.ovsq\nd e.ovsq\nsub' "$OVSQ" -o "") || exit 1
(cd "$TEST_DIR/q" && expect 'sub' "$OVSQ" --debug-dir "") || exit 1

# Probe names after `on` in -e's query (bash passes the word unquoted):
# those the target (here --binary) has, by prefix, after `on` or a comma.
expect $'on flow_del\non flow_execute\non flow_get\non flow_put\non flow_result\non flow_sweep_result' \
  "$OVSQ" --binary "$SIM" -e "'on flow_"
expect $'on flow_result, reval_entry\non flow_result, reval_exit' "$OVSQ" -p 1 --binary "$SIM" -e '"on flow_result, reval_e'
expect $'on upcall where x { count }; on upcall' "$OVSQ" --binary "$SIM" -e "'on upcall where x { count }; on upc"
expect '' "$OVSQ" --binary "$SIM" -e "'on flow_result where fl"   # not a probe's place
# No target named and none running: the ovs-vswitchd binary on PATH.
mkdir "$TEST_DIR/fakebin" && ln -s "$SIM" "$TEST_DIR/fakebin/ovs-vswitchd"
PATH="$TEST_DIR/fakebin:$PATH" expect 'on upcall' "$OVSQ" -e "'on upc"

# -p: the PIDs of running ovs-vswitchd processes, and only those.
start_sim vs "$SIM" --comm ovs-vswitchd
expect "$SIM_PID" "$OVSQ" -p ""

# And in a real bash on a terminal (tmux), Tab as a user presses it: the
# probe inside -e's quotes (bash closes the quote on a single match), an
# option, and a double Tab listing --format's values.
. "$(dirname "$0")/../e2e/tmux.sh"
require_tmux
printf '%s\n' "PS1='$ '" "PATH=$(dirname "$OVSQ"):\$PATH" ". '$COMPLETION'" > "$TEST_DIR/bashrc"
tmux_start bash --noprofile --rcfile "$TEST_DIR/bashrc" -i
tmux_wait '^\$$'   # (the screen's lines lose their trailing blanks)
tmux_cmd send-keys -t s -l -- "ovsq --binary $SIM -e 'on flow_sw"
tmux_cmd send-keys -t s Tab
tmux_wait "^\\$ ovsq --binary $SIM -e 'on flow_sweep_result'\$"
tmux_cmd send-keys -t s C-u
tmux_cmd send-keys -t s -l -- "ovsq --no-f"
tmux_cmd send-keys -t s Tab
tmux_wait '^\$ ovsq --no-follow$'
tmux_cmd send-keys -t s -l -- "--format "
tmux_cmd send-keys -t s Tab Tab
tmux_wait '^csv +json +text$'
tmux_stop
echo "ok: completion"
