package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/adrg/xdg"
	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/session"
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

// request is a resolved request for a session: the plan and what is
// needed to carry it out.
type request struct {
	plan   *profile.Plan
	getter *session.Getter
	minTTL time.Duration
	log    *slog.Logger
	// wait bounds what get waits for: STS, and other processes' locks.
	wait wait.Policy
}

// profileName returns the positional profile name or --profile, refusing
// two different ones. exec has always set --profile by now, and its
// positional words are the command to run.
func profileName(c *cli.Context) (string, error) {
	pos, flag := c.Args().First(), c.String("profile")
	if c.Command != nil && c.Command.Name == "exec" {
		// exec's arguments are its command's: exec has set --profile.
		pos = ""
	}
	if pos != "" && flag != "" && pos != flag {
		return "", fmt.Errorf("two profiles given: %q and --profile %q; give one", pos, flag)
	}
	if pos != "" {
		return pos, nil
	}
	return flag, nil
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

// cacheDir is $XDG_CACHE_HOME/awsmfa when that is an absolute path, else
// awsmfa in the platform's cache directory, which (but on Windows) is in
// the home directory. With HOME unset that would be /.cache/awsmfa, shared
// by every user without a home: an error instead.
func (a *app) cacheDir() (string, error) {
	if d := a.getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "awsmfa"), nil
	}
	if runtime.GOOS != "windows" && a.getenv("HOME") == "" {
		return "", errors.New("no place for the session cache: HOME is not set\nset HOME, or XDG_CACHE_HOME to an absolute path")
	}
	return filepath.Join(xdg.CacheHome, "awsmfa"), nil
}

func (a *app) resolver() *profile.Resolver {
	home := a.getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	login, _ := loginName(a.getenv)
	return &profile.Resolver{Getenv: a.getenv, HomeDir: home, Username: username(a.getenv), LoginName: login}
}

func username(getenv func(string) string) string {
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if u := getenv(k); u != "" {
			return u
		}
	}
	return "user"
}

// maxDurationFlag is the largest --duration passed on to the profile's own
// range checks; anything longer is out of every range.
const maxDurationFlag = 1 << 31

// request resolves the profile named on the command line and prepares a
// getter for it. hook is true for the prompt hook's refresh.
func (a *app) request(c *cli.Context, hook bool) (*request, error) {
	log, err := a.logger(c)
	if err != nil {
		return nil, err
	}
	minTTL, err := a.minTTL(c)
	if err != nil {
		return nil, err
	}
	waits, err := a.waitPolicy(c, hook)
	if err != nil {
		return nil, err
	}
	name, err := profileName(c)
	if err != nil {
		return nil, err
	}
	if d := c.Int("duration"); c.IsSet("duration") && d <= 0 {
		return nil, fmt.Errorf("--duration %d: give a number of seconds (900 or more)", d)
	} else if d > maxDurationFlag {
		// Beyond every STS limit, and in nanoseconds it would overflow.
		return nil, fmt.Errorf("--duration %d is out of range: STS sessions last 900 to 129600 seconds (15m to 36h), role sessions at most 43200\nchoose a duration in that range", d)
	}
	lts, sts := c.String("long-term-suffix"), c.String("short-term-suffix")
	opt := profile.Options{
		Profile:         name,
		Device:          c.String("device"),
		AssumeRole:      c.String("assume-role"),
		RoleSessionName: c.String("role-session-name"),
		ExternalID:      c.String("external-id"),
		Duration:        time.Duration(c.Int("duration")) * time.Second,
		LongTermSuffix:  &lts,
		ShortTermSuffix: &sts,
	}
	plan, err := a.resolver().Resolve(opt)
	if err != nil {
		return nil, err
	}
	dir, err := a.cacheDir()
	if err != nil {
		return nil, err
	}
	store, err := cache.Open(dir, cache.WithClock(a.now))
	if err != nil {
		return nil, err
	}
	codes, err := a.codeSource(codeFlag(c), plan, hook)
	if err != nil {
		return nil, err
	}
	return &request{
		plan:   plan,
		minTTL: minTTL,
		log:    log,
		wait:   waits,
		getter: &session.Getter{
			Store:  store,
			Codes:  codes,
			Getenv: a.getenv,
			Now:    a.now,
			Log:    log,
			MinTTL: minTTL,
			Force:  c.Bool("force"),
			// A credential_process's messages (a password question, say).
			Stderr: a.stderr,
			// The used-step rule: never send one code twice on a device.
			Used: &mfa.Ledger{Path: filepath.Join(store.Dir(), mfa.LedgerFile), Notify: a.stderr},
			// Read only when STS must be called (session/keyring.go).
			Secret: a.keyringSecret,
		},
	}, nil
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

// get carries the request out, within the request's deadline: from
// aws-mfa's short-term section while it is good (shortterm_source.go), else
// through the getter.
func (r *request) get(ctx context.Context) (session.Result, error) {
	ctx, cancel := wait.With(ctx, r.wait)
	defer cancel()
	return r.getWith(ctx, r.getter)
}

// codeNeeded reports whether err means a code was needed and none could be
// had: the hook's "back off quietly" case.
func codeNeeded(err error) bool {
	return errors.Is(err, mfa.ErrNoCode) || errors.Is(err, mfa.ErrCancelled)
}
