package main

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// sessionFlags are shared by every command that gets a session.
func sessionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "profile", Usage: "profile `NAME` (as well as the positional name; default $AWS_PROFILE, then default)"},
		&cli.StringFlag{Name: "code", Aliases: []string{"token", "mfa-token"}, Usage: "the 6-digit MFA `CODE`; - reads it from stdin"},
		&cli.StringFlag{Name: "device", Usage: "MFA device `ARN` or serial (env MFA_DEVICE)"},
		&cli.StringFlag{Name: "assume-role", Aliases: []string{"assume"}, Usage: "role `ARN` to assume (env MFA_ASSUME_ROLE)"},
		&cli.StringFlag{Name: "role-session-name", Usage: "role session `NAME`"},
		&cli.StringFlag{Name: "external-id", Usage: "external `ID` the role's trust policy asks for"},
		&cli.IntFlag{Name: "duration", Usage: "session duration in `SECONDS` (env MFA_STS_DURATION)"},
		&cli.BoolFlag{Name: "force", Usage: "ignore cached sessions and get new ones (for a role on an MFA session, a new MFA session too: a new code)"},
		&cli.StringFlag{Name: "min-ttl", Usage: "refresh `MARGIN`: a cached session is used only while more is left (env AWSMFA_MIN_TTL)", Value: "10m"},
		&cli.StringFlag{Name: "long-term-suffix", Aliases: []string{"long-suffix"}, Usage: "`SUFFIX` of aws-mfa's long-term sections", Value: "long-term"},
		&cli.StringFlag{Name: "short-term-suffix", Aliases: []string{"short-suffix"}, Usage: "`SUFFIX` of aws-mfa's short-term sections", Value: ""},
		&cli.StringFlag{Name: "log-level", Usage: "debug, info, warn or error (secrets are never logged)", Value: "warn"},
		&cli.StringFlag{Name: "timeout", Usage: "give up after `DURATION` waiting for STS or another awsmfa's lock; time spent typing a code does not count (env AWSMFA_TIMEOUT)", Value: wait.DefaultLimit.String()},
	}
}

func (a *app) logger(c *cli.Context) (*slog.Logger, error) {
	var lvl slog.Level
	switch strings.ToLower(c.String("log-level")) {
	case "debug", "notset":
		lvl = slog.LevelDebug
	case "info":
		lvl = slog.LevelInfo
	case "warn", "warning", "":
		lvl = slog.LevelWarn
	case "error", "critical":
		lvl = slog.LevelError
	default:
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.String("log-level"))
	}
	if lvl >= slog.LevelWarn {
		return slog.New(&plainHandler{mu: new(sync.Mutex), w: a.stderr, level: lvl}), nil
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: lvl})), nil
}

// minTTL reads --min-ttl, then AWSMFA_MIN_TTL.
func (a *app) minTTL(c *cli.Context) (time.Duration, error) {
	v, src := c.String("min-ttl"), "--min-ttl"
	if !c.IsSet("min-ttl") {
		if e := a.getenv("AWSMFA_MIN_TTL"); e != "" {
			v, src = e, "AWSMFA_MIN_TTL"
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > 12*time.Hour {
		return 0, fmt.Errorf("%s %q: give a duration such as 10m or 1h30m (0 to 12h)", src, v)
	}
	return d, nil
}

// waitPolicy reads --timeout, then AWSMFA_TIMEOUT: how long a command
// waits for STS and for another awsmfa's lock. The prompt hook waits at
// most wait.HookLimit (less if the setting says less), counts a wait on
// another awsmfa that asks a person, and prints no hint (it backs off and
// tries again by itself).
func (a *app) waitPolicy(c *cli.Context, hook bool) (wait.Policy, error) {
	v, src := c.String("timeout"), "--timeout"
	if !c.IsSet("timeout") {
		if e := a.getenv("AWSMFA_TIMEOUT"); e != "" {
			v, src = e, "AWSMFA_TIMEOUT"
		} else {
			src = ""
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > 24*time.Hour {
		if src == "" {
			src = "--timeout"
		}
		return wait.Policy{}, fmt.Errorf("%s %q: give a duration such as 30s or 2m (more than 0, at most 24h)", src, v)
	}
	if hook {
		if d >= wait.HookLimit {
			d, src = wait.HookLimit, "the prompt hook's limit"
		}
		return wait.Policy{Limit: d, Source: src, Notify: a.stderr}, nil
	}
	hint := "to wait longer, use --timeout or AWSMFA_TIMEOUT (e.g. 2m)"
	return wait.Policy{Limit: d, Source: src, Hint: hint, OnPeople: true, Notify: a.stderr}, nil
}

// codeSource is where the request's MFA code comes from, as mfa.Choose
// picks it from --code (code; nil when it was not given), the profile and
// the environment.
func (a *app) codeSource(code *string, plan *profile.Plan, hook bool) (mfa.Source, error) {
	return mfa.Choose(mfa.Options{
		Code:             code,
		Profile:          plan.Name,
		Process:          plan.MFAProcess,
		CredentialsFile:  plan.Files.Credentials,
		CredentialsShown: a.tilde(plan.Files.Credentials),
		Hook:             hook,
		AsAWSMFA:         a.compat,
		Getenv:           a.getenv,
		Environ:          a.environ,
		Stdin:            a.stdin,
		Stderr:           a.stderr,
		Now:              a.now,
		GOOS:             runtime.GOOS,
	})
}

// codeFlag is the value of --code, nil when it was not given.
func codeFlag(c *cli.Context) *string {
	if !c.IsSet("code") {
		return nil
	}
	code := c.String("code")
	return &code
}
