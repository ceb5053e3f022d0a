# awsmfa prompt hook for bash. Load it from ~/.bashrc:
#   eval "$(awsmfa hook bash)"
# Before each prompt it decides in bash itself, with no process started,
# whether the session that `eval "$(awsmfa env PROFILE)"` exported is due for
# refresh; only then does it run awsmfa. It keeps AWSMFA_PROMPT current
# ("dev 1h23m", "dev 4m!" inside the refresh margin, "dev expired").
# AWSMFA_HOOK_MFA=prompt (default) lets a refresh ask for a code on /dev/tty,
# warn only prints a line, off stays quiet.

_awsmfa_bin=@AWSMFA_BIN@

# _awsmfa_now sets now to the Unix time where $EPOCHSECONDS (bash 5.0+) is
# missing: printf's %(%s)T in bash 4.2+, else one `date` per shell and then a
# deadline counted in $SECONDS (bash 3.2, as on macOS).
_awsmfa_now() {
  printf -v now '%(%s)T' -1 2>/dev/null && [[ $now != *s* ]] && return
  if [[ -z ${_awsmfa_epoch0-} ]]; then
    _awsmfa_epoch0=$(command date +%s) || return 1
    _awsmfa_seconds0=$SECONDS
  fi
  now=$((_awsmfa_epoch0 + SECONDS - _awsmfa_seconds0))
}

# _awsmfa_hook is the PROMPT_COMMAND entry. The fast path, taken at almost
# every prompt: the clock short of the next instant anything changes (the
# segment's text, the refresh time, the end of a back-off), and the same
# session as last time. It is what a prompt pays, and at a prompt each
# command costs bash about as much as calling the function does, so the
# fast path is two: one arithmetic test that also keeps $? (which
# _awsmfa_slow hands on), and one [[ ]]. When the last command succeeded,
# that [[ ]] leaves the function's status 0 with no `return`; after a
# failure _awsmfa_slow returns $? as it was. Globals, not `local`: those
# cost too. Without $EPOCHSECONDS (bash before 5.0) _awsmfa_update reads the
# clock at each prompt.
if [[ -n ${EPOCHSECONDS-} ]]; then
  _awsmfa_hook() {
    ((_awsmfa_status = $?, !_awsmfa_status && EPOCHSECONDS < _awsmfa_next)) && [[ ${AWSMFA_REFRESH_AT-}:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-} == "$_awsmfa_seen" ]] || _awsmfa_slow
  }
  _awsmfa_slow() {
    ((EPOCHSECONDS < _awsmfa_next)) && [[ ${AWSMFA_REFRESH_AT-}:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-} == "$_awsmfa_seen" ]] || _awsmfa_update
    return $_awsmfa_status
  }
else
  _awsmfa_hook() {
    _awsmfa_status=$?
    _awsmfa_update
    return $_awsmfa_status
  }
fi

# _awsmfa_update refreshes the session if it is due and recomputes
# AWSMFA_PROMPT and the instant it next needs looking at.
_awsmfa_update() {
  local now left m
  if [[ -z ${AWSMFA_REFRESH_AT-} ]]; then
    # No session here, or `awsmfa env --unset` ran: stay quiet.
    AWSMFA_PROMPT= _awsmfa_seen=:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-} _awsmfa_next=9223372036854775807
    return
  fi
  _awsmfa_check || return
  if [[ -n ${EPOCHSECONDS-} ]]; then now=$EPOCHSECONDS; else _awsmfa_now || return; fi
  if ((now >= AWSMFA_REFRESH_AT && now >= _awsmfa_retry_at)); then
    _awsmfa_refresh
    if [[ -z ${AWSMFA_REFRESH_AT-} ]]; then
      AWSMFA_PROMPT= _awsmfa_seen=:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-} _awsmfa_next=9223372036854775807
      return
    fi
    _awsmfa_check || return
  fi
  left=$((AWSMFA_EXPIRATION - now))
  # The text changes when a minute (under a minute, a second) is used up.
  if ((left <= 0)); then
    AWSMFA_PROMPT="$AWSMFA_PROFILE expired"
    _awsmfa_next=9223372036854775807
  elif ((left >= 60)); then
    if ((left >= 3600)); then
      m=$((left % 3600 / 60))
      ((m >= 10)) || m=0$m
      AWSMFA_PROMPT="$AWSMFA_PROFILE $((left / 3600))h${m}m"
    else
      AWSMFA_PROMPT="$AWSMFA_PROFILE $((left / 60))m"
    fi
    _awsmfa_next=$((now + left % 60 + 1))
  else
    AWSMFA_PROMPT="$AWSMFA_PROFILE ${left}s"
    _awsmfa_next=$((now + 1))
  fi
  if ((now < AWSMFA_REFRESH_AT)); then
    ((_awsmfa_next <= AWSMFA_REFRESH_AT)) || _awsmfa_next=$AWSMFA_REFRESH_AT
  else
    ((left <= 0)) || AWSMFA_PROMPT+='!'
    ((_awsmfa_next <= _awsmfa_retry_at)) || _awsmfa_next=$_awsmfa_retry_at
  fi
  # Without $EPOCHSECONDS the fast path cannot tell the time: never take it.
  [[ -n ${EPOCHSECONDS-} ]] || _awsmfa_next=0
}

# _awsmfa_check validates a newly exported session once, so that the hot path
# can use its numbers in arithmetic; a bad one is reported once and ignored.
_awsmfa_check() {
  local v=$AWSMFA_REFRESH_AT:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-}
  [[ $v != "$_awsmfa_seen" ]] || return 0
  _awsmfa_next=0
  [[ $v != "$_awsmfa_bad" ]] || return 1
  if [[ $AWSMFA_REFRESH_AT =~ ^[0-9]+$ && ${AWSMFA_EXPIRATION-} =~ ^[0-9]+$ ]]; then
    _awsmfa_seen=$v
    return 0
  fi
  _awsmfa_bad=$v
  AWSMFA_PROMPT=
  printf 'awsmfa: AWSMFA_REFRESH_AT and AWSMFA_EXPIRATION must be Unix seconds; run eval "$(awsmfa env %s)" again\n' "${AWSMFA_PROFILE:-PROFILE}" >&2
  return 1
}

# _awsmfa_refresh runs `awsmfa env` and takes its output only when it
# succeeds. The back-off is set before asking, so that Ctrl-C at the code
# question, which ends this function early, still keeps the old environment
# and quiets the following prompts: 1, 2, 4, 8, then every 15 minutes. A
# refresh that hands back a session that is still due counts as a failure,
# so nothing can make the hook run awsmfa at every prompt.
_awsmfa_refresh() {
  local out wait
  _awsmfa_fails=$((_awsmfa_fails + 1))
  wait=$((60 << (_awsmfa_fails > 4 ? 4 : _awsmfa_fails - 1)))
  ((wait <= 900)) || wait=900
  _awsmfa_retry_at=$((now + wait))
  if [[ ${AWSMFA_HOOK_MFA-} == off ]]; then
    out=$("$_awsmfa_bin" env --hook --shell bash -- "$AWSMFA_PROFILE" 2>/dev/null) || return
  else
    out=$("$_awsmfa_bin" env --hook --shell bash -- "$AWSMFA_PROFILE") || return
  fi
  eval "$out"
  if [[ ${AWSMFA_REFRESH_AT-} =~ ^[0-9]+$ ]] && ((AWSMFA_REFRESH_AT > now)); then
    _awsmfa_fails=0 _awsmfa_retry_at=0
  fi
}

_awsmfa_retry_at=${_awsmfa_retry_at:-0} _awsmfa_fails=${_awsmfa_fails:-0}
_awsmfa_seen=${_awsmfa_seen-} _awsmfa_bad=${_awsmfa_bad-} _awsmfa_next=0 _awsmfa_status=0

# Prepend the hook to PROMPT_COMMAND once, however often this is sourced:
# it must run first to see the last command's $?, which it hands on intact.
# (${PROMPT_COMMAND@a} is read only where arrays are possible: bash 5.1+.)
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) && [[ -n ${PROMPT_COMMAND+set} ]] && eval '[[ ${PROMPT_COMMAND@a} == *a* ]]'; then
  case " ${PROMPT_COMMAND[*]} " in
  *" _awsmfa_hook "*) ;;
  *) PROMPT_COMMAND=(_awsmfa_hook "${PROMPT_COMMAND[@]}") ;;
  esac
else
  case "
${PROMPT_COMMAND-}
" in
  *"
_awsmfa_hook
"*) ;;
  *) PROMPT_COMMAND="_awsmfa_hook${PROMPT_COMMAND:+
$PROMPT_COMMAND}" ;;
  esac
fi
