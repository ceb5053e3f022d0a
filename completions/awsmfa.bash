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
  profile-command:1) _awsmfa_reply_lines compgen -c -- "$cur" ;;
  profile-command:*)
    _awsmfa_reply_lines compgen -f -- "$cur"
    type compopt >/dev/null 2>&1 && compopt -o filenames
    ;;
  shell:0) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
  esac
}

# _awsmfa_reply_profiles offers the profile names that start with the word
# being completed. A name comes from a file anyone may have written: it is
# compared as a plain string and never expanded (compgen -W would run a
# $(...) in it), and offered quoted so that the line holds it as one literal
# word: within the quote the word was begun with, or else as printf %q
# writes it. (Readline's own quoting of file names, -o filenames, leaves
# some of $(...) unquoted.)
_awsmfa_reply_profiles() {
  local word quote name
  _awsmfa_dequote "$cur"
  while IFS= read -r name || [[ -n $name ]]; do
    [[ -n $name && $name == "$word"* ]] || continue
    case $quote in
    "'") name=${name//\'/\'\\\'\'} ;;
    '"') name=$(printf '%s' "$name" | sed 's/[$`"\\]/\\&/g') ;;
    *) printf -v name '%q' "$name" ;;
    esac
    COMPREPLY+=("$name")
  done < <(_awsmfa_profiles)
}

# _awsmfa_reply_lines offers the lines a command prints, each one match,
# neither split at blanks nor expanded as a pattern.
_awsmfa_reply_lines() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    COMPREPLY+=("$line")
  done < <("$@")
}

# _awsmfa_dequote sets word to $1, a word as typed on the command line,
# with its quotes and backslashes removed and nothing expanded or run, and
# quote to the quote left open at its end (' or "), if any.
_awsmfa_dequote() {
  local s=$1 c i
  word= quote=
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    if [[ $quote == "'" ]]; then
      if [[ $c == "'" ]]; then quote=; else word+=$c; fi
    elif [[ $quote == '"' ]]; then
      if [[ $c == '"' ]]; then
        quote=
      elif [[ $c == '\' ]] && ((i + 1 < ${#s})) && [[ ${s:i+1:1} == [\$\`\"\\] ]]; then
        i=$((i + 1))
        word+=${s:i:1}
      else
        word+=$c
      fi
    else
      case $c in
      "'" | '"') quote=$c ;;
      '\') i=$((i + 1)); word+=${s:i:1} ;;
      *) word+=$c ;;
      esac
    fi
  done
}

complete -F _awsmfa_complete awsmfa
