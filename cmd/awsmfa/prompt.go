package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/shellinit"
)

func (a *app) promptCommand() *cli.Command {
	return &cli.Command{
		Name:  "prompt",
		Usage: "print the prompt segment of the session in the environment: dev 1h23m, dev 4m!, dev expired",
		Description: `Reads AWSMFA_PROFILE, AWSMFA_EXPIRATION and AWSMFA_REFRESH_AT, as
'awsmfa env' exported them, and prints nothing when there are none. For
starship custom modules, tmux status lines and the like; the bash and zsh
hooks keep the same text in $AWSMFA_PROMPT with no process.
Template fields: .Profile .Left ("1h23m", "4m", "45s", "expired") .Mark ("!"
inside the refresh margin) .Due .Expired .Remaining .Expiration .RefreshAt.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Usage: "Go `TEMPLATE` of the segment", Value: shellinit.DefaultFormat},
			&cli.BoolFlag{Name: "color", Usage: "colour it: green, yellow when due, red when expired (NO_COLOR wins)"},
		},
		Action: a.prompt,
	}
}

func (a *app) prompt(c *cli.Context) error {
	if c.NArg() > 0 {
		return errors.New("prompt takes no arguments; it reads the session that awsmfa env exported from the environment")
	}
	tmpl, err := shellinit.Template(c.String("format"))
	if err != nil {
		return err
	}
	seg, ok, err := shellinit.SegmentFromEnv(a.getenv, a.now())
	if err != nil || !ok {
		return err
	}
	return shellinit.Render(a.stdout, tmpl, seg, c.Bool("color") && a.getenv("NO_COLOR") == "")
}
