#compdef awsmfa
# awsmfa completion for zsh. Load it from ~/.zshrc, after compinit:
#   eval "$(awsmfa completion zsh)"
# or save it as _awsmfa in a directory of $fpath.
# Profile names come from `awsmfa list --names` at TAB.

_awsmfa() {
  local cmd= flags= args= w prev=${words[CURRENT-1]} dashdash=
  local -i i n=0 start=0
  for ((i = 2; i < CURRENT; i++)); do
    w=${words[i]}
    if [[ -z $cmd ]]; then
      [[ $w == -* ]] || cmd=$w
      continue
    fi
    if [[ -n $dashdash ]]; then
      n+=1
      ((n == 2)) && start=i
      continue
    fi
    case $w in
    --) dashdash=1 ;;
    @VALUE_FLAGS@) i+=1 ;;
    --*=* | -*) ;;
    *) n+=1; ((n == 2)) && start=i ;;
    esac
  done
  if [[ -z $cmd ]]; then
    local -a cmds
    cmds=(
@DESCRIBE@
    )
    _describe -t commands 'awsmfa command' cmds
    compadd -- --help --version
    return
  fi
  case $cmd in
@FLAG_ARMS@
  *) return 1 ;;
  esac
  case $cmd in
@ARG_ARMS@
  esac
  if [[ -z $dashdash ]]; then
    case $prev in
    --profile) _awsmfa_profiles; return ;;
    --shell) compadd -- @FORMATS@; return ;;
    --log-level) compadd -- @LEVELS@; return ;;
    @VALUE_FLAGS@) _message 'value'; return ;;
    esac
    if [[ $PREFIX == -* ]]; then
      compadd -- ${=flags}
      return
    fi
  fi
  case $args:$n in
  profile:0 | profile-command:0) _awsmfa_profiles ;;
  profile-command:*)
    # The command to run, completed as if typed on its own.
    ((start)) || start=CURRENT
    words=("${(@)words[start, -1]}")
    ((CURRENT -= start - 1))
    _normal
    ;;
  shell:0) compadd -- bash zsh fish ;;
  esac
}

# _awsmfa_profiles offers the profile names awsmfa knows.
_awsmfa_profiles() {
  local bin=${words[1]}
  [[ $bin != '~'* ]] || bin=awsmfa
  local -a names
  names=(${(f)"$(_call_program profiles "${(q)bin}" list --names 2>/dev/null)"})
  compadd -a names
}

if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _awsmfa "$@"
else
  compdef _awsmfa awsmfa
fi
