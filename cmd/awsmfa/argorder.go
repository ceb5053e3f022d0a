package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed moves positional arguments after the flags, so that
// `awsmfa env dev --code 123456` works as well as `awsmfa env --code 123456
// dev` (urfave/cli stops reading flags at the first positional argument).
// exec is left alone: everything after its profile belongs to the command.
//
// A --help (or -h) among the flags leaves only itself: urfave/cli would
// otherwise look up the positional argument, a profile name, as a help
// topic.
func interspersed(cmds []*cli.Command, args []string) []string {
	if len(args) < 3 {
		return args
	}
	var cmd *cli.Command
	for _, c := range cmds {
		if c.HasName(args[1]) {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		dg, ok := f.(cli.DocGenerationFlag)
		for _, n := range f.Names() {
			takesValue[n] = !ok || dg.TakesValue()
		}
	}
	if cmd.Name == "exec" {
		// Only the flags before the profile are exec's.
		rest := args[2:]
		for i := 0; i < len(rest); i++ {
			a := rest[i]
			if isHelpFlag(a) {
				return []string{args[0], args[1], "--help"}
			}
			if a == "--" || len(a) < 2 || a[0] != '-' {
				break
			}
			if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && takesValue[name] {
				i++
			}
		}
		return args
	}
	flags := []string{args[0], args[1]}
	var pos []string
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			pos = append(pos, rest[i+1:]...)
			i = len(rest)
		case isHelpFlag(a):
			return []string{args[0], args[1], "--help"}
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(rest) {
				flags = append(flags, rest[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) == 0 {
		return flags
	}
	return append(append(flags, "--"), pos...)
}

// isHelpFlag reports whether a asks for help: -h, --help, -help or --h.
func isHelpFlag(a string) bool {
	switch a {
	case "-h", "--h", "-help", "--help":
		return true
	}
	return false
}
