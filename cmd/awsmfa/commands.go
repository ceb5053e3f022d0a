package main

import "github.com/urfave/cli/v2"

// commands lists every subcommand; each lives in a file of its own.
func (a *app) commands() []*cli.Command {
	return []*cli.Command{
		a.envCommand(),
		a.execCommand(),
		a.hookCommand(),
		a.promptCommand(),
		a.completionCommand(),
		a.credentialProcessCommand(),
		a.setupCommand(),
		a.writeCommand(),
		a.listCommand(),
		a.clearCommand(),
		a.explainCommand(),
		a.loginCommand(),
		a.keyringCommand(),
	}
}
