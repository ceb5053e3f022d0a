package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/completions"
)

func (a *app) completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     `print the completion script: eval "$(awsmfa completion bash)"`,
		ArgsUsage: strings.Join(completions.Shells(), "|"),
		Description: `Load it from your shell's rc file:
   bash  ~/.bashrc                    eval "$(awsmfa completion bash)"
   zsh   ~/.zshrc (after compinit)    eval "$(awsmfa completion zsh)"
   fish  ~/.config/fish/config.fish   awsmfa completion fish | source
It completes commands, flags, shell names, and profile names (from
'awsmfa list --names', at TAB).`,
		Action: a.completion,
	}
}

func (a *app) completion(c *cli.Context) error {
	if c.NArg() != 1 {
		return fmt.Errorf("completion needs one shell: awsmfa completion %s", strings.Join(completions.Shells(), "|"))
	}
	script, err := completions.Script(c.Args().First(), completionCommands(a.commands()))
	if err != nil {
		return err
	}
	_, err = io.WriteString(a.stdout, script)
	return err
}

// completionArgs says what a command's positional arguments are; a command
// not listed takes none.
func completionArgs(name string) completions.Args {
	switch name {
	case "env", "credential-process", "clear", "explain", "setup", "write":
		return completions.ProfileArg
	case "exec":
		return completions.ProfileThenCommand
	case "hook", "completion":
		return completions.ShellArg
	}
	return completions.NoArgs
}

// completionCommands describes the visible commands and flags for the
// completion scripts, so that they follow the command line as it is.
func completionCommands(cmds []*cli.Command) []completions.Command {
	var out []completions.Command
	for _, cmd := range cmds {
		if cmd.Hidden {
			continue
		}
		cc := completions.Command{Name: cmd.Name, Usage: cmd.Usage, Args: completionArgs(cmd.Name)}
		for _, f := range cmd.Flags {
			if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
				continue
			}
			takes := false
			if dg, ok := f.(cli.DocGenerationFlag); ok {
				takes = dg.TakesValue()
			}
			for _, name := range f.Names() {
				if len(name) > 1 {
					cc.Flags = append(cc.Flags, completions.Flag{Name: name, Value: takes})
				}
			}
		}
		out = append(out, cc)
	}
	return out
}
