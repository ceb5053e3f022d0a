package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/human"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/shortterm"
)

func (a *app) writeCommand() *cli.Command {
	return &cli.Command{
		Name:      "write",
		Usage:     "write the session into [PROFILE] of the credentials file, as aws-mfa does, for 'aws --profile PROFILE'",
		ArgsUsage: "PROFILE",
		Description: `Writes aws_access_key_id, aws_secret_access_key, aws_session_token,
aws_security_token, expiration (UTC, 'YYYY-MM-DD HH:MM:SS'), assumed_role and
assumed_role_arn, as aws-mfa does, into [PROFILE] (or [PROFILE-SUFFIX] with
--short-term-suffix). Nothing is written while the section has more than
--min-ttl left, unless --force. Other sections and comments stay as they are.
Refuses a section clients would not read (role_arn on the profile of the
same name, which they use first). 'awsmfa [aws-mfa flags]' with no command,
or this binary invoked as aws-mfa, is this command.`,
		Flags:  sessionFlags(),
		Action: a.write,
	}
}

// write resolves the profile and its session getter from the flags, and
// shortterm.Write decides whether the short-term section is due and writes
// it.
func (a *app) write(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("write takes one profile, got %d arguments", c.NArg())
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	p := req.plan
	display := a.tilde(p.Files.Credentials)
	res, err := shortterm.Write(c.Context, shortterm.Input{
		Plan:    p,
		Path:    p.Files.Credentials,
		Display: display,
		Now:     a.now,
		Margin:  req.minTTL,
		Force:   c.Bool("force"),
		// Read to refuse a section clients would not read.
		Config:        p.Files.Config,
		ConfigDisplay: a.tilde(p.Files.Config),
		Get: func(ctx context.Context) (creds.Credentials, error) {
			r, err := req.get(ctx)
			return r.Credentials, err
		},
		Log: req.log,
	})
	if err != nil {
		return err
	}
	if !res.Wrote {
		fmt.Fprintf(a.stderr, "awsmfa: [%s] in %s is good until %s UTC (%s left); --force gets a new session\n",
			p.ShortTerm, display, res.Expiration.Format(shortterm.Layout), human.Left(res.Left))
		return nil
	}
	fmt.Fprintf(a.stderr, "awsmfa: wrote [%s] to %s; it expires at %s UTC (in %s)\n",
		p.ShortTerm, display, res.Expiration.Format(shortterm.Layout), human.Left(res.Left))
	return nil
}

// tilde shows a path under $HOME as ~/..., for messages.
func (a *app) tilde(path string) string { return profile.Tilde(a.getenv("HOME"), path) }
