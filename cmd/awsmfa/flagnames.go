package main

import "github.com/urfave/cli/v2"

// urfave/cli v2 computes a flag's names with a regular expression on every
// Names call, and a command line asks for them O(flags²) times (for each
// flag, runFlagActions asks IsSet, and IsSet finds the flag by walking the
// flags by name). On a cache hit of `awsmfa env` that was about 60% of the
// time spent after package init. The wrappers below answer Names from a
// slice made once; everything else is the embedded flag's own. (urfave/cli
// looks at a flag's concrete type only for bool flags' DisableDefaultText,
// which awsmfa does not set, and for shell completion, which it does not
// use.)

type stringFlag struct {
	*cli.StringFlag
	names []string
}

func (f stringFlag) Names() []string { return f.names }

type intFlag struct {
	*cli.IntFlag
	names []string
}

func (f intFlag) Names() []string { return f.names }

type boolFlag struct {
	*cli.BoolFlag
	names []string
}

func (f boolFlag) Names() []string { return f.names }

// fastNames returns flags with every string, int and bool flag wrapped so
// that its Names is a slice lookup. The names are the flag's Name and
// Aliases as they are: cli.FlagNames only strips what follows a comma or a
// space, v1's way of listing aliases, which no awsmfa flag uses.
func fastNames(flags []cli.Flag) []cli.Flag {
	out := make([]cli.Flag, len(flags))
	for i, f := range flags {
		switch f := f.(type) {
		case *cli.StringFlag:
			out[i] = stringFlag{f, names(f.Name, f.Aliases)}
		case *cli.IntFlag:
			out[i] = intFlag{f, names(f.Name, f.Aliases)}
		case *cli.BoolFlag:
			out[i] = boolFlag{f, names(f.Name, f.Aliases)}
		default:
			out[i] = f
		}
	}
	return out
}

func names(name string, aliases []string) []string {
	return append([]string{name}, aliases...)
}
