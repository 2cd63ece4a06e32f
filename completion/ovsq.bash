# bash completion for ovsq(1); installed as
# share/bash-completion/completions/ovsq.
#
# Everything it offers comes from ovsq itself, so it never lags behind it:
# the options and what each takes from `ovsq --help` (a value named like
# "text|json|csv" lists its choices; PID, FILE, PATH, DIR and QUERY say
# what to complete), the probe names from `ovsq --list`.  It needs nothing
# of the bash-completion package.
#
# Inside -e's quotes, bash (readline) closes the quote after a probe name
# that is the only match: `-e 'on flow_res<TAB>` gives `-e 'on flow_result'`.
# No completion option suppresses that.

# The options of `ovsq --help`, one "NAMES<TAB>VALUE" line each:
# "-f --format<TAB>text|json|csv", "--follow<TAB>".
_ovsq_options() {
  "$1" --help 2>/dev/null | sed -n \
    -e 's/^  \(-[^ ]*\) \[ \(--[^ ]*\) \] \([^ ]*\).*/\1 \2\t\3/p' \
    -e 't' \
    -e 's/^  \(-[^ ]*\) \[ \(--[^ ]*\) \].*/\1 \2\t/p' \
    -e 't' \
    -e 's/^  \(--[^ ]*\) \([^ ]*\)  .*/\1\t\2/p' \
    -e 't' \
    -e 's/^  \(--[^ ]*\)  .*/\1\t/p'
}

# The value an option takes ("" for a flag), by any of its names.
_ovsq_value_of() {
  local ovsq=$1 option=$2 names value
  while IFS=$'\t' read -r names value; do
    for name in $names; do
      [[ $name == "$option" ]] && { printf '%s\n' "$value"; return; }
    done
  done < <(_ovsq_options "$ovsq")
}

# PIDs of the running ovs-vswitchd processes.
_ovsq_vswitchd_pids() {
  local comm_file comm
  for comm_file in /proc/[0-9]*/comm; do
    read -r comm < "$comm_file" 2>/dev/null || continue
    [[ $comm == ovs-vswitchd ]] && { comm_file=${comm_file#/proc/}; printf '%s\n' "${comm_file%/comm}"; }
  done
}

# The short names of the probes ovsq knows that the target has: the target
# the command line names (-p, --binary), else the running ovs-vswitchd;
# when that cannot be read (not root), the installed ovs-vswitchd binary.
_ovsq_probes() {
  local ovsq=${COMP_WORDS[0]} target=() i
  for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
    case ${COMP_WORDS[i]} in
      -p | --pid | --binary) target+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
      --pid=* | --binary=*) target+=("${COMP_WORDS[i]}") ;;
    esac
  done
  local listed
  listed=$("$ovsq" "${target[@]}" --list 2>/dev/null)
  if [[ -z $listed && ${#target[@]} -eq 0 ]]; then
    local binary
    binary=$(command -v ovs-vswitchd || echo /usr/sbin/ovs-vswitchd)
    listed=$("$ovsq" --binary "$binary" --list 2>/dev/null)
  fi
  sed -n 's/^[^ ].*  (ovsq: \([a-z_0-9]*\).*/\1/p' <<< "$listed"
}

_ovsq() {
  local cur=$2 prev=$3 cword=$COMP_CWORD ovsq=${COMP_WORDS[0]}
  # --option=value: bash splits at '=' (COMP_WORDBREAKS).
  if [[ $cur == = ]]; then
    cur="" prev=${COMP_WORDS[cword - 1]}
  elif [[ ${COMP_WORDS[cword - 1]} == = ]]; then
    prev=${COMP_WORDS[cword - 2]}
  elif [[ $prev != -* ]]; then
    prev=""
  fi
  COMPREPLY=()

  local value=""
  [[ -n $prev ]] && value=$(_ovsq_value_of "$ovsq" "$prev")
  case $value in
    "") ;;
    *"|"*)
      mapfile -t COMPREPLY < <(IFS='|' compgen -W "$value" -- "$cur")
      return ;;
    PID)
      mapfile -t COMPREPLY < <(compgen -W "$(_ovsq_vswitchd_pids)" -- "$cur")
      return ;;
    FILE | PATH)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return ;;
    DIR)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return ;;
    QUERY)
      # A probe name after `on`, or after a comma in its list of probes.
      local on_list='^(.*(^|[[:space:]{;])on[[:space:]]+([a-z_0-9:]+[[:space:]]*,[[:space:]]*)*)([a-z_0-9:]*)$'
      if [[ $cur =~ $on_list ]]; then
        local before=${BASH_REMATCH[1]} partial=${BASH_REMATCH[4]} probe
        for probe in $(_ovsq_probes); do
          [[ $probe == "$partial"* ]] && COMPREPLY+=("$before$probe")
        done
        compopt -o nospace 2>/dev/null
      fi
      return ;;
    *) return ;;  # a number, a flow: nothing to offer
  esac

  if [[ $cur == -* ]]; then
    local names rest all=()
    while IFS=$'\t' read -r names rest; do
      # shellcheck disable=SC2206
      all+=($names)
    done < <(_ovsq_options "$ovsq")
    mapfile -t COMPREPLY < <(compgen -W "${all[*]}" -- "$cur")
    return
  fi
  # The query file: *.ovsq, and directories to find one in.
  compopt -o filenames 2>/dev/null
  mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.ovsq' -- "$cur")
}
complete -F _ovsq ovsq
