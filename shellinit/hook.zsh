# awsmfa prompt hook for zsh. Load it from ~/.zshrc:
#   eval "$(awsmfa hook zsh)"
# Before each prompt (precmd), and before each command (preexec) so that a
# command typed after expiry starts with fresh credentials, it decides in zsh
# itself, with no process started, whether the session that
# `eval "$(awsmfa env PROFILE)"` exported is due for refresh; only then does
# it run awsmfa. It keeps AWSMFA_PROMPT current ("dev 1h23m", "dev 4m!"
# inside the refresh margin, "dev expired"); use it in PROMPT with
# `setopt prompt_subst` and '${AWSMFA_PROMPT}'.
# AWSMFA_HOOK_MFA=prompt (default) lets a refresh ask for a code on /dev/tty,
# warn only prints a line, off stays quiet.

zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null || zmodload zsh/datetime
typeset -g _awsmfa_bin=@AWSMFA_BIN@
typeset -g _awsmfa_seen="${_awsmfa_seen-}" _awsmfa_bad="${_awsmfa_bad-}"
typeset -gi _awsmfa_retry_at="${_awsmfa_retry_at:-0}" _awsmfa_fails="${_awsmfa_fails:-0}" _awsmfa_next=0
# With zsh/sched the hook skips the prompts at which nothing it looks at can
# have changed. zsh charges more for calling a precmd function at all than
# the check in it costs; a disabled function it does not call.
typeset -gi _awsmfa_sched=0 _awsmfa_sched_at=0
zmodload -F zsh/sched b:sched p:zsh_scheduled_events 2>/dev/null && _awsmfa_sched=1

# _awsmfa_hook runs before each prompt, first of the precmd functions. The
# fast path: the clock short of _awsmfa_next, the next instant anything
# changes (the segment's text, the refresh time, the end of a back-off), and
# the same session as last time. With zsh/sched it then disables itself
# (`disable -f`: zsh skips it, for nothing) until either a command runs,
# which may change the session (_awsmfa_preexec enables it again), or
# _awsmfa_next comes (a sched event, which zsh itself checks before each
# prompt and while the line editor waits, enables it). So after an empty
# line no function of the hook runs. (zsh keeps $? over hook functions;
# each command in them costs, so there are few.)
# _awsmfa_preexec refreshes before a command that starts after the session
# became due while the prompt waited (only the clock: the session cannot
# have changed since the precmd check).
if ((_awsmfa_sched)); then
  _awsmfa_hook() {
    ((EPOCHSECONDS < _awsmfa_next)) && [[ "${AWSMFA_REFRESH_AT-}:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-}" == "$_awsmfa_seen" ]] || _awsmfa_update
    ((_awsmfa_sched_at == _awsmfa_next)) || _awsmfa_schedule
    disable -f _awsmfa_hook
  }
  _awsmfa_preexec() {
    ((EPOCHSECONDS < _awsmfa_next)) || _awsmfa_update
    enable -f _awsmfa_hook
  }
else
  _awsmfa_hook() {
    ((EPOCHSECONDS < _awsmfa_next)) && [[ "${AWSMFA_REFRESH_AT-}:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-}" == "$_awsmfa_seen" ]] || _awsmfa_update
  }
  _awsmfa_preexec() {
    ((EPOCHSECONDS < _awsmfa_next)) || _awsmfa_update
  }
fi

# _awsmfa_schedule replaces the hook's sched event with one for
# _awsmfa_next, if that is still to come and is not never. The event is set
# a second early: the line editor counts its wait for an event from the
# whole second, so it can come up to a second late.
_awsmfa_schedule() {
  local i=${zsh_scheduled_events[(I)*:_awsmfa_fire *]}
  ((i)) && sched -$i
  _awsmfa_sched_at=0
  ((EPOCHSECONDS < _awsmfa_next && _awsmfa_next < 9223372036854775807)) || return 0
  sched $((_awsmfa_next - 1)) '_awsmfa_fire $?' && _awsmfa_sched_at=$_awsmfa_next
}

# _awsmfa_fire is the sched event; its entry is gone once it has run. An
# event's status becomes $?, so it hands on the one it found.
_awsmfa_fire() {
  _awsmfa_sched_at=0
  enable -f _awsmfa_hook
  return $1
}

# _awsmfa_update refreshes the session if it is due and recomputes
# AWSMFA_PROMPT and the instant it next needs looking at.
_awsmfa_update() {
  local now left m
  if [[ -z "${AWSMFA_REFRESH_AT-}" ]]; then
    # No session here, or `awsmfa env --unset` ran: stay quiet.
    AWSMFA_PROMPT= _awsmfa_seen=":${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-}" _awsmfa_next=9223372036854775807
    return
  fi
  _awsmfa_check || return
  now=$EPOCHSECONDS
  if ((now >= AWSMFA_REFRESH_AT && now >= _awsmfa_retry_at)); then
    _awsmfa_refresh
    if [[ -z "${AWSMFA_REFRESH_AT-}" ]]; then
      AWSMFA_PROMPT= _awsmfa_seen=":${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-}" _awsmfa_next=9223372036854775807
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
      ((m >= 10)) || m="0$m"
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
}

# _awsmfa_check validates a newly exported session once, so that the hot path
# can use its numbers in arithmetic; a bad one is reported once and ignored.
_awsmfa_check() {
  local v="$AWSMFA_REFRESH_AT:${AWSMFA_EXPIRATION-}:${AWSMFA_PROFILE-}"
  [[ "$v" != "$_awsmfa_seen" ]] || return 0
  _awsmfa_next=0
  [[ "$v" != "$_awsmfa_bad" ]] || return 1
  if [[ "$AWSMFA_REFRESH_AT" == <-> && "${AWSMFA_EXPIRATION-}" == <-> ]]; then
    _awsmfa_seen="$v"
    return 0
  fi
  _awsmfa_bad="$v"
  AWSMFA_PROMPT=
  print -ru2 -- "awsmfa: AWSMFA_REFRESH_AT and AWSMFA_EXPIRATION must be Unix seconds; run eval \"\$(awsmfa env ${AWSMFA_PROFILE:-PROFILE})\" again"
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
  if [[ "${AWSMFA_HOOK_MFA-}" == off ]]; then
    out="$("$_awsmfa_bin" env --hook --shell zsh -- "$AWSMFA_PROFILE" 2>/dev/null)" || return
  else
    out="$("$_awsmfa_bin" env --hook --shell zsh -- "$AWSMFA_PROFILE")" || return
  fi
  eval "$out"
  if [[ "${AWSMFA_REFRESH_AT-}" == <-> ]] && ((AWSMFA_REFRESH_AT > now)); then
    _awsmfa_fails=0 _awsmfa_retry_at=0
  fi
}

# Install once, however often this is sourced; first, so a precmd that
# draws the prompt already sees the new AWSMFA_PROMPT. (Defining
# _awsmfa_hook above enabled it, if it was disabled.)
typeset -ga precmd_functions preexec_functions
((${precmd_functions[(I)_awsmfa_hook]})) || precmd_functions=(_awsmfa_hook "${precmd_functions[@]}")
((${preexec_functions[(I)_awsmfa_preexec]})) || preexec_functions=(_awsmfa_preexec "${preexec_functions[@]}")
