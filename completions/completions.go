// Package completions holds the command-line completion scripts for bash,
// zsh and fish (embedded files), filled in with the commands and flags of the
// running awsmfa so that they never drift from it.
//
// Profile names are not baked in: at TAB the scripts run
// `awsmfa list --names`, so they see the same profiles, from the same
// config files, suffixes and environment, as the command being completed.
// A name is data from a file anyone may have written: the scripts compare
// it as a plain string and offer it quoted, and no shell expands it.
package completions

import (
	_ "embed"
	"fmt"
	"github.com/awsmfa/awsmfa/exporter"
	"sort"
	"strings"
)

// Args says what a command's positional arguments are.
type Args int

const (
	// NoArgs: the command takes no positional argument.
	NoArgs Args = iota
	// ProfileArg: one profile name.
	ProfileArg
	// ProfileThenCommand: a profile name, then a command line to run.
	ProfileThenCommand
	// ShellArg: one shell name (bash, zsh or fish).
	ShellArg
)

// Command describes one subcommand for the completion scripts.
type Command struct {
	Name  string
	Usage string // one line, shown beside the name where the shell can
	Flags []Flag
	Args  Args
}

// Flag is one long option of a command.
type Flag struct {
	Name  string // without the leading dashes
	Value bool   // whether it takes a value (--profile dev)
}

// Values that some flags take, completed by name in every script.
const (
	// formats are the values of env's --shell.
	formats = "bash zsh fish powershell dotenv json"
	// levels are the values of --log-level.
	levels = "debug info warn error"
)

//go:embed awsmfa.bash
var bashScript string

//go:embed awsmfa.zsh
var zshScript string

//go:embed awsmfa.fish
var fishScript string

// Shells lists the shells that have a completion script.
func Shells() []string { return []string{"bash", "zsh", "fish"} }

// Script returns the completion script for shell, completing cmds.
func Script(shell string, cmds []Command) (string, error) {
	var tmpl string
	var data func([]Command) map[string]string
	switch shell {
	case "bash":
		tmpl, data = bashScript, posixData
	case "zsh":
		tmpl, data = zshScript, posixData
	case "fish":
		tmpl, data = fishScript, fishData
	default:
		return "", fmt.Errorf("no completion for shell %q; use one of: %s", shell, strings.Join(Shells(), ", "))
	}
	for _, c := range cmds {
		if !validWord(c.Name) {
			return "", fmt.Errorf("completions: command name %q cannot be completed", c.Name)
		}
		for _, f := range c.Flags {
			if !validWord(f.Name) {
				return "", fmt.Errorf("completions: flag name %q of %s cannot be completed", f.Name, c.Name)
			}
		}
	}
	out := tmpl
	for k, v := range data(cmds) {
		out = strings.ReplaceAll(out, "@"+k+"@", v)
	}
	return out, nil
}

// validWord reports whether s can go into a script unquoted.
func validWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// posixData fills the bash and zsh scripts: case arms keyed by command.
func posixData(cmds []Command) map[string]string {
	var names, flagArms, argArms, describe []string
	valueFlags := map[string]bool{}
	for _, c := range cmds {
		names = append(names, c.Name)
		describe = append(describe, "    "+exporter.Quote(exporter.Zsh{}, c.Name+":"+c.Usage))
		var flags []string
		for _, f := range c.Flags {
			flags = append(flags, "--"+f.Name)
			if f.Value {
				valueFlags["--"+f.Name] = true
			}
		}
		flags = append(flags, "--help")
		flagArms = append(flagArms, fmt.Sprintf("  %s) flags='%s' ;;", c.Name, strings.Join(flags, " ")))
		argArms = append(argArms, fmt.Sprintf("  %s) args=%s ;;", c.Name, argsWord(c.Args)))
	}
	return map[string]string{
		"COMMANDS":    strings.Join(names, " "),
		"DESCRIBE":    strings.Join(describe, "\n"),
		"FLAG_ARMS":   strings.Join(flagArms, "\n"),
		"ARG_ARMS":    strings.Join(argArms, "\n"),
		"VALUE_FLAGS": strings.Join(append(sortedKeys(valueFlags), "--awsmfa-no-such-flag"), "|"),
		"FORMATS":     formats,
		"LEVELS":      levels,
	}
}

// fishData fills the fish script: one complete line per command and flag.
func fishData(cmds []Command) map[string]string {
	var names, lines []string
	valueFlags := map[string]bool{}
	for _, c := range cmds {
		names = append(names, c.Name)
		lines = append(lines, fmt.Sprintf("complete -c awsmfa -n __awsmfa_no_command -f -a %s -d %s", c.Name, exporter.Quote(exporter.Fish{}, c.Usage)))
		cond := fmt.Sprintf("'__awsmfa_using %s'", c.Name)
		for _, f := range c.Flags {
			line := fmt.Sprintf("complete -c awsmfa -n %s -l %s", cond, f.Name)
			if f.Value {
				valueFlags[f.Name] = true
				switch f.Name {
				case "profile":
					line += " -x -a '(__awsmfa_profiles)'"
				case "shell":
					line += " -x -a '" + formats + "'"
				case "log-level":
					line += " -x -a '" + levels + "'"
				default:
					line += " -x"
				}
			}
			lines = append(lines, line)
		}
		switch c.Args {
		case ProfileArg, ProfileThenCommand:
			lines = append(lines, fmt.Sprintf("complete -c awsmfa -n %s -f -a '(__awsmfa_profiles)'", fmt.Sprintf("'__awsmfa_using %s; and __awsmfa_args 0'", c.Name)))
		case ShellArg:
			lines = append(lines, fmt.Sprintf("complete -c awsmfa -n %s -f -a 'bash zsh fish'", fmt.Sprintf("'__awsmfa_using %s; and __awsmfa_args 0'", c.Name)))
		}
		if c.Args == ProfileThenCommand {
			lines = append(lines, fmt.Sprintf("complete -c awsmfa -n '__awsmfa_using %s; and not __awsmfa_args 0' -x -a '(__awsmfa_exec_complete)'", c.Name))
		}
		if c.Args == NoArgs {
			lines = append(lines, fmt.Sprintf("complete -c awsmfa -n %s -f", cond))
		}
	}
	return map[string]string{
		"COMMANDS":    strings.Join(names, " "),
		"COMPLETES":   strings.Join(lines, "\n"),
		"VALUE_FLAGS": strings.Join(sortedKeys(valueFlags), " "),
	}
}

func argsWord(a Args) string {
	switch a {
	case ProfileArg:
		return "profile"
	case ProfileThenCommand:
		return "profile-command"
	case ShellArg:
		return "shell"
	}
	return "none"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
