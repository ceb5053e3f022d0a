# awsmfa prompt hook for fish. Load it from ~/.config/fish/config.fish:
#   awsmfa hook fish | source
# Before each prompt, and before each command so that a command typed after
# expiry starts with fresh credentials, it decides whether the session that
# `awsmfa env PROFILE | source` exported is due for refresh; only then does
# it run awsmfa. fish has no clock builtin: fish 3.6+ compares the marker
# file's mtime, which awsmfa sets to the session's refresh time, with now (a
# file in $XDG_RUNTIME_DIR that each check touches, or else
# `path mtime -R $AWSMFA_MARKER`, negative until it is due), so no process
# starts. Older fish (3.5 and before) runs `date +%s` at each prompt while a
# session is exported.
# awsmfa_prompt prints the prompt segment ("dev 1h23m", "dev 4m!" inside the
# refresh margin, "dev expired").
# AWSMFA_HOOK_MFA=prompt (default) lets a refresh ask for a code on /dev/tty,
# warn only prints a line, off stays quiet.

set -g __awsmfa_bin @AWSMFA_BIN@
set -q __awsmfa_fails; or set -g __awsmfa_fails 0
set -q __awsmfa_retry_at; or set -g __awsmfa_retry_at 0

# fish 3.5 has the path builtin but not `path mtime`: probe the subcommand
# itself, once, when the hook is loaded.
if builtin -q path 2>/dev/null; and path mtime -R -- / >/dev/null 2>/dev/null
    # __awsmfa_age prints now minus AWSMFA_REFRESH_AT, in seconds.
    function __awsmfa_age
        if set -q AWSMFA_MARKER[1]; and path mtime -R -- $AWSMFA_MARKER 2>/dev/null
            return 0
        end
        # The marker is gone (or never was): ask the clock.
        math (command date +%s) - $AWSMFA_REFRESH_AT
    end

    # __awsmfa_install_hook defines the hook. Its fast path starts no
    # process: the marker's mtime is the refresh time. Best, with no command
    # substitution either (fish runs one through a pipe and a thread, which
    # costs more than the rest of the hook): a file in the private
    # $XDG_RUNTIME_DIR, usually in memory, whose mtime the test's own
    # redirection sets to now, against the marker's. That is used if it is
    # safe and, once, shown to work; else `path mtime -R` on the marker (a
    # negative age: not due yet).
    function __awsmfa_install_hook
        set -g __awsmfa_now
        set -l f "$XDG_RUNTIME_DIR/awsmfa-now"
        if set -q XDG_RUNTIME_DIR[1]
            and test -d "$XDG_RUNTIME_DIR" -a -O "$XDG_RUNTIME_DIR" -a -w "$XDG_RUNTIME_DIR"
            and test ! -L $f -a \( ! -e $f -o \( -f $f -a -O $f -a -w $f \) \)
            and true >$f
            and set -l age (path mtime -R -- $f)
            and test "$age" -ge 0 -a "$age" -le 1 2>/dev/null
            set -g __awsmfa_now $f
            function __awsmfa_hook --on-event fish_prompt --on-event fish_preexec --description 'awsmfa: refresh the exported session when it is due'
                # A session that is due: the marker no newer than now. (With
                # no session the file is not touched.)
                set -q AWSMFA_REFRESH_AT[1]; and test ! "$AWSMFA_MARKER" -nt $__awsmfa_now >$__awsmfa_now; and __awsmfa_due
            end
        else
            function __awsmfa_hook --on-event fish_prompt --on-event fish_preexec --description 'awsmfa: refresh the exported session when it is due'
                set -q AWSMFA_REFRESH_AT[1]; or return
                # (path is silent about a missing file; no redirection, which
                # would open /dev/null.)
                set -l age (path mtime -R -- $AWSMFA_MARKER)
                and test $age -lt 0
                and return
                __awsmfa_due
            end
        end
    end
    __awsmfa_install_hook
else
    function __awsmfa_age
        math (command date +%s) - $AWSMFA_REFRESH_AT
    end

    function __awsmfa_hook --on-event fish_prompt --on-event fish_preexec --description 'awsmfa: refresh the exported session when it is due'
        set -q AWSMFA_REFRESH_AT[1]; or return
        __awsmfa_due
    end
end

# __awsmfa_due refreshes the session if it is due and no back-off holds.
function __awsmfa_due
    set -q AWSMFA_REFRESH_AT[1]; or return
    # The file that tells the time has gone (its redirection failed): choose
    # again.
    if set -q __awsmfa_now[1]; and not test -f $__awsmfa_now -a -w $__awsmfa_now
        __awsmfa_install_hook
    end
    set -l age (__awsmfa_age); or return
    test "$age" -ge 0 2>/dev/null; or return
    # now = AWSMFA_REFRESH_AT + age, with no process.
    set -l now (math $AWSMFA_REFRESH_AT + $age)
    test $now -ge $__awsmfa_retry_at; or return
    __awsmfa_refresh $now
end

# __awsmfa_refresh runs `awsmfa env` and takes its output only when it
# succeeds. The back-off is set before asking, so that Ctrl-C at the code
# question, which cancels this function, still keeps the old environment and
# quiets the following prompts: 1, 2, 4, 8, then every 15 minutes. A refresh
# that hands back a session that is still due counts as a failure, so
# nothing can make the hook run awsmfa at every prompt.
function __awsmfa_refresh --argument-names now
    set -g __awsmfa_fails (math $__awsmfa_fails + 1)
    set -l wait (math "min(60 * 2 ^ ($__awsmfa_fails - 1), 900)")
    set -g __awsmfa_retry_at (math $now + $wait)
    set -l out
    # fish keeps the terminal in its own mode while the prompt events run
    # (no ICRNL, no ICANON): Enter would never end a code typed at the
    # question. Give awsmfa a cooked terminal; fish restores its own mode
    # before it reads the next line.
    if test "$AWSMFA_HOOK_MFA" != off -a "$AWSMFA_HOOK_MFA" != warn
        command stty icrnl icanon echo isig </dev/tty 2>/dev/null
    end
    if test "$AWSMFA_HOOK_MFA" = off
        set out ($__awsmfa_bin env --hook --shell fish -- $AWSMFA_PROFILE 2>/dev/null | string collect)
    else
        set out ($__awsmfa_bin env --hook --shell fish -- $AWSMFA_PROFILE | string collect)
    end
    test $pipestatus[1] -eq 0; or return
    printf '%s\n' $out | source
    if string match -qr '^[0-9]+$' -- "$AWSMFA_REFRESH_AT"; and test $AWSMFA_REFRESH_AT -gt $now
        set -g __awsmfa_fails 0
        set -g __awsmfa_retry_at 0
    end
end

function awsmfa_prompt --description 'awsmfa: print the session segment for a prompt: dev 1h23m, dev 4m!, dev expired'
    set -q AWSMFA_REFRESH_AT[1] AWSMFA_EXPIRATION[1]; or return 0
    set -l age (__awsmfa_age); or return 0
    set -l now (math $AWSMFA_REFRESH_AT + $age 2>/dev/null); or return 0
    set -l left (math $AWSMFA_EXPIRATION - $now 2>/dev/null); or return 0
    if test $left -le 0
        echo "$AWSMFA_PROFILE expired"
        return 0
    end
    set -l text
    if test $left -ge 3600
        set text (printf '%s %dh%02dm' $AWSMFA_PROFILE (math -s0 "floor($left / 3600)") (math -s0 "floor($left % 3600 / 60)"))
    else if test $left -ge 60
        set text "$AWSMFA_PROFILE "(math -s0 "floor($left / 60)")m
    else
        set text "$AWSMFA_PROFILE "$left"s"
    end
    if test $age -ge 0
        set text "$text!"
    end
    echo $text
end
