package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/console"
	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/internal/human"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/session"
)

func (a *app) loginCommand() *cli.Command {
	return &cli.Command{
		Name:      "login",
		Usage:     "open the AWS console signed in as the profile's role (the role session, as env gets it)",
		ArgsUsage: "ROLE_PROFILE",
		Flags: append(sessionFlags(),
			&cli.StringFlag{Name: "path", Usage: "console `PAGE` to open, such as ec2/home or s3/buckets (default console/home)"},
			&cli.StringFlag{Name: "console-duration", Usage: "console session `LENGTH`, 15m to 12h (1h for a role minted from an MFA session); default: the role session's time left"},
			&cli.BoolFlag{Name: "stdout", Usage: "print the sign-in URL on stdout instead of opening a browser (the URL signs anyone in: keep it secret)"},
		),
		Action: a.login,
	}
}

func (a *app) login(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("login takes one profile, got %d arguments", c.NArg())
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	plan := req.plan
	if plan.RoleARN == "" {
		return fmt.Errorf("login: profile %q has no role, and AWS's sign-in service takes only a role session: it refuses an MFA session (GetSessionToken), so there is no MFA-protected console sign-in from one\n"+
			"add a role to a profile (role_arn in ~/.aws/config, or assume_role in aws-mfa's [NAME-long-term]), then run: awsmfa login ROLE_PROFILE", plan.Name)
	}
	part, err := console.PartitionOf(plan.RoleARN)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	dest, err := console.Destination(part, plan.Region, c.String("path"))
	if err != nil {
		return err
	}
	endpoint, err := console.Endpoint(part, a.getenv)
	if err != nil {
		return err
	}
	maxConsole := consoleMax(plan)
	var asked time.Duration
	if v := c.String("console-duration"); v != "" {
		asked, err = time.ParseDuration(v)
		if err != nil || asked < console.MinSessionDuration || asked > maxConsole {
			return fmt.Errorf("--console-duration %q: give a length from 15m to %s%s", v, human.Duration(maxConsole), chainedNote(maxConsole))
		}
	}
	req.getter.MinTTL = session.SignInMargin(req.getter.MinTTL, console.TokenLifetime)
	res, err := req.get(c.Context)
	if err != nil {
		return err
	}
	duration := asked
	if duration == 0 {
		// The console session ends with the role session, as far as
		// AWS's limits allow.
		duration = res.Credentials.TTL(a.now()).Truncate(time.Minute)
		duration = min(max(duration, console.MinSessionDuration), maxConsole)
	}
	ctx, cancel := wait.With(c.Context, req.wait)
	defer cancel()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u, err := console.Login{
		Session:     res.Credentials,
		Endpoint:    endpoint,
		Destination: dest,
		Duration:    duration,
		Issuer:      "awsmfa",
	}.URL(ctx, client)
	if err != nil {
		if wait.Expired(ctx) {
			return wait.Timeout(ctx, "the AWS sign-in service")
		}
		if errors.Is(err, console.ErrRefused) {
			return fmt.Errorf("login: %w for %s\nthe session may have been revoked or have expired; run: %s", err, plan.Name, a.loginAgain(plan.Name))
		}
		return fmt.Errorf("login: %w", err)
	}
	req.log.Info("signed in to the console", "profile", plan.Name, "role", plan.RoleARN, "console_session", duration)
	if c.Bool("stdout") {
		_, err := fmt.Fprintln(a.stdout, u)
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: opening the console as %s in your browser (the sign-in link works for 15 minutes; the console session lasts %s)\n", plan.RoleARN, human.Duration(duration))
	opener := console.Opener{Getenv: a.getenv, Env: a.environ()}
	if err := opener.Open(u); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	return nil
}

// loginAgain is the command that signs in to profile with a new session,
// for the user's shell.
func (a *app) loginAgain(profile string) string {
	return "awsmfa login --force " + profileArg(exporter.Detect(a.getenv("SHELL")), profile)
}

// consoleMax is the longest console session the plan's role session may
// have: 12 hours for a role session signed with long-term keys, 1 hour for
// one minted with other temporary credentials (role chaining).
func consoleMax(plan *profile.Plan) time.Duration {
	if plan.Path == profile.Role || plan.Path == profile.RoleWithMFA {
		return console.MaxSessionDuration
	}
	return console.MaxChainedSessionDuration
}

func chainedNote(max time.Duration) string {
	if max == console.MaxChainedSessionDuration {
		return " (this role session is minted from an MFA session: AWS caps its console session at 1h)"
	}
	return ""
}
