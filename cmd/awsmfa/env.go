package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/exporter"
)

func (a *app) envCommand() *cli.Command {
	return &cli.Command{
		Name:      "env",
		Usage:     "print shell code that exports the profile's session: eval \"$(awsmfa env dev)\"",
		ArgsUsage: "[PROFILE]",
		Flags: append(sessionFlags(),
			&cli.StringFlag{Name: "shell", Usage: "bash, zsh, fish, powershell, dotenv or json (default: from $SHELL)"},
			&cli.BoolFlag{Name: "unset", Usage: "print the code that removes the session from the shell"},
			&cli.BoolFlag{Name: "hook", Hidden: true, Usage: "called by the prompt hook: ask for a code only as AWSMFA_HOOK_MFA allows"},
		),
		Action: a.env,
	}
}

// format is --shell, else the shell named by $SHELL.
func (a *app) format(c *cli.Context) (exporter.Format, error) {
	if name := c.String("shell"); name != "" {
		return exporter.Lookup(name)
	}
	return exporter.Detect(a.getenv("SHELL")), nil
}

func (a *app) env(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("env takes one profile, got %d arguments; to run a command use 'awsmfa exec PROFILE -- CMD'", c.NArg())
	}
	format, err := a.format(c)
	if err != nil {
		return err
	}
	if c.Bool("unset") {
		return format.Write(a.stdout, exporter.Clear(exporter.StaleRegion(a.getenv)...))
	}
	hook := c.Bool("hook")
	req, err := a.request(c, hook)
	if err != nil {
		return err
	}
	res, err := req.get(c.Context)
	if err != nil {
		if hook && codeNeeded(err) {
			return &exitError{code: 3, err: fmt.Errorf("%s: the session needs a new MFA code; run: %s", req.plan.Name, envCommand(format, req.plan.Name))}
		}
		return err
	}
	info := a.sessionInfo(req, res)
	// Render fully before writing: eval must see all of it or nothing.
	var out bytes.Buffer
	if err := format.Write(&out, exporter.Session(res.Credentials, info)); err != nil {
		return err
	}
	_, err = a.stdout.Write(out.Bytes())
	if left := res.Credentials.TTL(a.now()); left < req.minTTL && err == nil {
		req.log.Warn(fmt.Sprintf("the session has only %s left", left.Round(time.Second)))
	}
	return err
}

// profileArg is a profile name as the last argument of an awsmfa command a
// message tells the user of format to run. The name comes from a config
// file: it is quoted for that shell, and put after -- when it starts with a
// dash.
func profileArg(format exporter.Format, profile string) string {
	arg := exporter.Quote(format, profile)
	if strings.HasPrefix(profile, "-") {
		arg = "-- " + arg
	}
	return arg
}

// markerDir holds the fish hook's marker files, beside the sessions.
func markerDir(cacheDir string) string { return filepath.Join(cacheDir, "markers") }

// envCommand is the command a user of format types to load profile's
// session into the shell: fish pipes to source, the others eval.
func envCommand(format exporter.Format, profile string) string {
	arg := profileArg(format, profile)
	if format.Name() == "fish" {
		return "awsmfa env " + arg + " | source"
	}
	return `eval "$(awsmfa env ` + arg + `)"`
}
