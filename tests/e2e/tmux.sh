# Driving an interactive ovsq through a real terminal: tmux on a private
# server (one per test), send-keys to type, capture-pane to read the screen.
# Sourced after lib.sh.

TMUX_SOCKET="ovsq-test-$$"
tmux_cmd() { tmux -L "$TMUX_SOCKET" "$@"; }

# The pane's whole history as text, wrapped lines joined, without the
# blanks an editor leaves at the end of a line it redrew.
# The empty rows below the last line are left out too.
tmux_screen() {
  tmux_cmd capture-pane -p -J -S - -t s 2>/dev/null | sed 's/ *$//' |
    awk '/^$/ { blank++; next } { while (blank > 0) { print ""; blank-- } print }'
}

require_tmux() {
  command -v tmux > /dev/null && return 0
  if [ "${CI:-}" = true ]; then echo "FAIL (CI): tmux is not installed" >&2; exit 1; fi
  echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)" >&2
  exit 77
}

# tmux_start COMMAND...: runs COMMAND in a 220x50 terminal; when it ends
# the pane shows "[exited N]" and stays.
tmux_start() {
  local quoted
  quoted=$(printf '%q ' "$@")
  tmux_cmd -f /dev/null new-session -d -s s -x 220 -y 50 \
    "$quoted; echo \"[exited \$?]\"; sleep 600"
  tmux_cmd set-option -t s history-limit 20000 > /dev/null
}

# Ends the server and waits until its socket is gone, so that the next
# tmux_start gets a new one.
tmux_stop() {
  tmux_cmd kill-server 2>/dev/null
  local i=0
  while tmux_cmd has-session 2>/dev/null && [ "$i" -lt 100 ]; do
    i=$((i + 1)); sleep 0.05
  done
}

# tmux_wait PATTERN [SECONDS]: until a line of the screen matches
# (grep -E).
tmux_wait() {
  local pattern=$1 limit=${2:-10} i=0
  while ! tmux_screen | grep -Eq -- "$pattern"; do
    i=$((i + 1))
    if [ "$i" -gt $((limit * 20)) ]; then
      tmux_screen > "$TEST_DIR/screen.out"
      fail "no line matching '$pattern' on the screen within $limit s"
    fi
    sleep 0.05
  done
}

# tmux_wait_count PATTERN N [SECONDS]: until at least N lines match.
tmux_wait_count() {
  local pattern=$1 n=$2 limit=${3:-10} i=0
  while [ "$(tmux_screen | grep -Ec -- "$pattern")" -lt "$n" ]; do
    i=$((i + 1))
    if [ "$i" -gt $((limit * 20)) ]; then
      tmux_screen > "$TEST_DIR/screen.out"
      fail "fewer than $n lines matching '$pattern' within $limit s"
    fi
    sleep 0.05
  done
}

PROMPTS=0
# tmux_type LINE: types LINE and Enter, then waits for the next prompt
# ("ovsq> " or "...> ") to show.
tmux_type() {
  tmux_cmd send-keys -t s -l -- "$1"
  tmux_cmd send-keys -t s Enter
  PROMPTS=$((PROMPTS + 1))
  tmux_wait_count '^(ovsq|\.\.\.)>( |$)' $((PROMPTS + 1))
}

# tmux_type_running LINE: types LINE and Enter for a foreground query,
# which leaves no prompt until it ends; waits for "Attached".
tmux_type_running() {
  local attached
  attached=$(tmux_screen | grep -c '^Attached')
  tmux_cmd send-keys -t s -l -- "$1"
  tmux_cmd send-keys -t s Enter
  PROMPTS=$((PROMPTS + 1))
  tmux_wait_count '^Attached' $((attached + 1))
}

# tmux_interrupt: Ctrl-C to the foreground query; waits for the prompt.
tmux_interrupt() {
  tmux_cmd send-keys -t s C-c
  tmux_wait_count '^(ovsq|\.\.\.)>( |$)' $((PROMPTS + 1))
}

# tmux_first_prompt: the session has started.
tmux_first_prompt() {
  tmux_wait '^ovsq>( |$)' 20
  PROMPTS=0
}

# tmux_after_prompt N: the lines the N-th command (from 1) printed, between
# its prompt line and the next prompt.
tmux_after_prompt() {
  tmux_screen | awk -v n="$1" '
    /^(ovsq|\.\.\.)>( |$)/ { seen++; if (seen == n + 1) exit; next }
    seen == n { print }'
}
