package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/adrg/xdg"
	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/session"
)

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

// store opens the session cache in cacheDir.
func (a *app) store() (*cache.Store, error) {
	dir, err := a.cacheDir()
	if err != nil {
		return nil, err
	}
	return cache.Open(dir, cache.WithClock(a.now))
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
	store, err := a.store()
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
