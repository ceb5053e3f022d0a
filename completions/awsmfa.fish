# awsmfa completion for fish. Load it from ~/.config/fish/config.fish:
#   awsmfa completion fish | source
# or save it as ~/.config/fish/completions/awsmfa.fish.
# Profile names come from `awsmfa list --names` at TAB.

# __awsmfa_words prints the words typed after awsmfa, before the cursor.
function __awsmfa_words
    set -l words (commandline -opc)
    set -e words[1]
    set -q words[1]; and printf '%s\n' $words
end

# __awsmfa_command prints the subcommand typed so far, if any.
function __awsmfa_command
    for w in (__awsmfa_words)
        string match -q -- '-*' $w; and continue
        echo $w
        return 0
    end
    return 1
end

function __awsmfa_no_command
    not __awsmfa_command >/dev/null
end

# __awsmfa_using NAME: is NAME the subcommand?
function __awsmfa_using --argument-names name
    test "$(__awsmfa_command)" = "$name"
end

# __awsmfa_positional prints the positional words typed after the
# subcommand, one a line: values of flags do not count, and every word after
# -- does.
function __awsmfa_positional
    set -l value_flags @VALUE_FLAGS@
    set -l seen_cmd 0
    set -l skip 0
    set -l rest 0
    for w in (__awsmfa_words)
        if test $seen_cmd = 0
            string match -q -- '-*' $w; or set seen_cmd 1
            continue
        end
        if test $rest = 1
            printf '%s\n' $w
            continue
        end
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--'
                set rest 1
                continue
            case '--*=*'
                continue
            case '--*'
                contains -- (string sub -s 3 -- $w) $value_flags; and set skip 1
                continue
            case '-*'
                continue
        end
        printf '%s\n' $w
    end
end

# __awsmfa_args N: have exactly N positional arguments been typed?
function __awsmfa_args --argument-names want
    test (count (__awsmfa_positional)) -eq $want
end

# __awsmfa_exec_complete completes the command line that exec runs, as if
# it were typed on its own.
function __awsmfa_exec_complete
    set -l words (__awsmfa_positional)
    set -e words[1]
    complete -C (string join ' ' -- (string escape -- $words) (commandline -ct))
end

function __awsmfa_profiles
    set -l bin (commandline -opc)[1]
    string match -q -- '~*' $bin; and set bin awsmfa
    command $bin list --names 2>/dev/null
end

complete -c awsmfa -e
# No file names, except where exec completes its command line.
complete -c awsmfa -f
complete -c awsmfa -n __awsmfa_no_command -l help -d 'show help'
complete -c awsmfa -n __awsmfa_no_command -l version -d 'print the version'
@COMPLETES@
