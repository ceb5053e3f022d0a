# awsmfa completion for bash. Load it from ~/.bashrc:
#   eval "$(awsmfa completion bash)"
# or save it as ~/.local/share/bash-completion/completions/awsmfa.
# Profile names come from `awsmfa list --names` at TAB.

_awsmfa_profiles() {
  local bin=${COMP_WORDS[0]}
  [[ $bin != "~"* ]] || bin=awsmfa
  command "$bin" list --names 2>/dev/null
}

_awsmfa_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= flags= args= i w n=0 dashdash=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ -z $cmd ]]; then
      [[ $w == -* ]] || cmd=$w
      continue
    fi
    if [[ -n $dashdash ]]; then
      n=$((n + 1))
      continue
    fi
    case $w in
    --) dashdash=1 ;;
    @VALUE_FLAGS@) ((i++)) ;;
    --*=* | -*) ;;
    *) n=$((n + 1)) ;;
    esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "@COMMANDS@ --help --version" -- "$cur"))
    return
  fi
  case $cmd in
@FLAG_ARMS@
  *) return ;;
  esac
  case $cmd in
@ARG_ARMS@
  esac
  if [[ -z $dashdash ]]; then
    case $prev in
    --profile) _awsmfa_reply_profiles; return ;;
    --shell) COMPREPLY=($(compgen -W "@FORMATS@" -- "$cur")); return ;;
    --log-level) COMPREPLY=($(compgen -W "@LEVELS@" -- "$cur")); return ;;
    @VALUE_FLAGS@) return ;;
    esac
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$flags" -- "$cur"))
      return
    fi
  fi
  case $args:$n in
  profile:0 | profile-command:0) _awsmfa_reply_profiles ;;
  profile-command:1) COMPREPLY=($(compgen -c -- "$cur")) ;;
  profile-command:*) COMPREPLY=($(compgen -f -- "$cur")) ;;
  shell:0) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
  esac
}

# _awsmfa_reply_profiles offers the profile names that start with $cur.
_awsmfa_reply_profiles() {
  local IFS=$'\n'
  COMPREPLY=($(compgen -W "$(_awsmfa_profiles)" -- "$cur"))
}

complete -F _awsmfa_complete awsmfa
