package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/credserver"
	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/internal/child"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/session"
	"github.com/awsmfa/awsmfa/setup"
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
	exporter.EnvProfile, exporter.EnvExpiration, exporter.EnvRefreshAt, exporter.EnvMarker,
	// A TOTP seed is the second factor itself, and the long-term keys that
	// setup reads from the environment are the first: the child has no use
	// for either.
	mfa.EnvTOTPSeed, mfa.EnvTOTPSeedProcess,
	setup.EnvKeyID, setup.EnvSecret,
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
	server := c.Bool("server")
	if server {
		a.warnDefaultCredentials(req)
		// The first session is got with the server provider's margin, so
		// that it is not due at the child's first fetch.
		req.getter.MinTTL = session.ServerMargin(req.minTTL)
	}
	res, err := req.get(c.Context)
	if err != nil {
		return err
	}
	info := a.sessionInfo(req, res)
	var set []string
	if server {
		// The child's fetches reuse the cache: --force applied to the first
		// session only.
		serve := *req.getter
		serve.Force = false
		if serve.Codes, err = a.refreshCodes(c, req); err != nil {
			return err
		}
		srv, err := credserver.Start(func(ctx context.Context) (creds.Credentials, error) {
			ctx, cancel := wait.With(ctx, req.wait)
			defer cancel()
			r, err := req.getWith(ctx, &serve)
			return r.Credentials, err
		}, credserver.WithRefreshMargin(req.minTTL), credserver.WithLogger(req.log), credserver.WithClock(a.now))
		if err != nil {
			return err
		}
		defer srv.Close()
		set = append(set, srv.Env()...)
		for _, v := range exporter.Session(res.Credentials, info).Set {
			switch v.Name {
			case "AWS_REGION", "AWS_DEFAULT_REGION", exporter.EnvProfile, exporter.EnvRegion:
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
		Env:    child.Environ(a.environ(), append(childRemoves(info), staleVars...), set),
		Stdin:  a.stdin,
		Stdout: a.stdout,
		Stderr: a.stderr,
		// The child's credentials come from the endpoint: it must not
		// outlive it, or whoever takes the port next would serve it.
		DieWithParent: server,
	})
	if err != nil {
		return &exitError{code: status, err: err}
	}
	if status != 0 {
		return &exitError{code: status}
	}
	return nil
}

// refreshCodes is where the server's refreshes get an MFA code: where awsmfa
// gets one when no --code is given (mfa_process, a TOTP seed, the
// terminal). A code given with --code, or read from stdin with --code -, was
// for the first session. AWS accepts a code once, so sending it again would
// only be refused, at every fetch of the child's; and stdin now belongs to
// the child.
func (a *app) refreshCodes(c *cli.Context, req *request) (mfa.Source, error) {
	if !c.IsSet("code") {
		return req.getter.Codes, nil
	}
	// The same choice as for a command line without --code.
	return a.codeSource(nil, req.plan, false)
}
