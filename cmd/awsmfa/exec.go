package main

import (
	"context"
	"errors"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/credserver"
	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/internal/child"
	"github.com/awsmfa/awsmfa/internal/creds"
)

func (a *app) execCommand() *cli.Command {
	return &cli.Command{
		Name:      "exec",
		Usage:     "run one command with the profile's session in its environment",
		ArgsUsage: "PROFILE [--] CMD [ARGS...]   (no CMD: start $SHELL)",
		Flags: append(sessionFlags(),
			&cli.BoolFlag{Name: "server", Usage: "serve credentials to CMD from a loopback endpoint that refreshes them, for runs longer than one session"},
		),
		Action: a.exec,
	}
}

// staleVars are removed from the child's environment: left there, a tool
// could pick up the session being replaced.
var staleVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWSMFA_PROFILE", "AWSMFA_EXPIRATION", "AWSMFA_REFRESH_AT", "AWSMFA_MARKER",
	// A TOTP seed is the second factor itself: the child has no use for it.
	"AWSMFA_TOTP_SEED", "AWSMFA_TOTP_SEED_PROCESS",
}

func (a *app) exec(c *cli.Context) error {
	args := c.Args().Slice()
	if !c.IsSet("profile") {
		if len(args) == 0 || args[0] == "--" {
			return errors.New("exec needs a profile: awsmfa exec PROFILE -- CMD [ARGS...]")
		}
		if err := c.Set("profile", args[0]); err != nil {
			return err
		}
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		sh := a.getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		args = []string{sh}
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	res, err := req.get(c.Context)
	if err != nil {
		return err
	}
	info := exporter.SessionInfo{Profile: req.plan.Name, Region: req.plan.Region}
	var set []string
	if c.Bool("server") {
		// The child's fetches reuse the cache: --force applied to the first
		// session only, and the provider refreshes 15 minutes before the
		// reported expiry, since SDKs come back that early (botocore's
		// advisory window) and would otherwise fetch on every call.
		serve := *req.getter
		serve.Force = false
		serve.MinTTL = req.minTTL + 15*time.Minute
		srv, err := credserver.Start(func(ctx context.Context) (creds.Credentials, error) {
			r, err := serve.Get(ctx, req.plan)
			return r.Credentials, err
		}, credserver.WithRefreshMargin(req.minTTL), credserver.WithLogger(req.log))
		if err != nil {
			return err
		}
		defer srv.Close()
		set = append(set, srv.Env()...)
		for _, v := range exporter.Session(res.Credentials, info).Set {
			switch v.Name {
			case "AWS_REGION", "AWS_DEFAULT_REGION", "AWSMFA_PROFILE":
				set = append(set, v.Name+"="+v.Value)
			}
		}
	} else {
		for _, v := range exporter.Session(res.Credentials, info).Set {
			set = append(set, v.Name+"="+v.Value)
		}
	}
	status, err := child.Run(c.Context, child.Command{
		Args:   args,
		Env:    child.Environ(a.environ(), staleVars, set),
		Stdin:  a.stdin,
		Stdout: a.stdout,
		Stderr: a.stderr,
	})
	if err != nil {
		return &exitError{code: status, err: err}
	}
	if status != 0 {
		return &exitError{code: status}
	}
	return nil
}
