package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/human"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/session"
)

func (a *app) explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "show a profile's STS path and why, its durations, where each setting came from, and its cached sessions",
		ArgsUsage: "PROFILE",
		Description: `Takes the same flags as env, so 'awsmfa explain dev --duration 7200'
shows what 'awsmfa env dev --duration 7200' would do. Nothing is fetched
and no secret is shown.`,
		Flags:  sessionFlags(),
		Action: a.explain,
	}
}

func (a *app) explain(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("explain takes one profile, got %d arguments", c.NArg())
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	p, codes, store := req.plan, req.getter.Codes, req.getter.Store
	var b strings.Builder
	fmt.Fprintf(&b, "profile %s (%s layout, keys in [%s])\n", p.Name, p.Layout, p.KeysFrom)
	if p.Keyring != "" {
		fmt.Fprintf(&b, "secret access key from: %s\n", a.keyringSource(p))
	}
	fmt.Fprintf(&b, "STS path: %s\n  %s\n", p.Path, p.Describe())
	if d := p.DescribeChain(); d != "" {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	if d := p.DescribeKeys(); d != "" {
		fmt.Fprintf(&b, "  %s\n", d)
	}

	fmt.Fprintf(&b, "durations:\n")
	if p.Path == profile.SessionToken || p.Path == profile.ChainedRole {
		fmt.Fprintf(&b, "  MFA session (GetSessionToken)  %s\n", human.Duration(p.SessionDuration))
	}
	if p.Path != profile.SessionToken {
		fmt.Fprintf(&b, "  role session (AssumeRole)      %s\n", human.Duration(p.RoleDuration))
	}
	if len(p.Chain) > 0 {
		fmt.Fprintf(&b, "  chained role sessions          at most 1h each: AWS caps a role assumed with another role's session\n")
	}
	fmt.Fprintf(&b, "  refresh margin                 %s (--min-ttl)\n", human.Duration(req.minTTL))

	fmt.Fprintf(&b, "settings:\n")
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, s := range p.Settings() {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", s.Key, s.Value, a.origin(s.Origin))
	}
	w.Flush()
	b.WriteString(a.sessionNameWhy(p))
	if len(p.Chain) > 0 {
		fmt.Fprintf(&b, "role chain (each role assumed with the session of the one above it):\n")
		w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		signer := "signed with the long-term keys"
		switch p.Path {
		case profile.ChainedRole:
			signer = "signed with the MFA session"
		case profile.RoleWithMFA:
			signer = "signed with the long-term keys, with the code"
		}
		fmt.Fprintf(w, "  1. %s\t%s\t%s\t%s, %s\n", p.RoleProfile, p.RoleARN, human.Duration(p.RoleDuration), p.Path, signer)
		for i, h := range p.Chain {
			fmt.Fprintf(w, "  %d. %s\t%s\t%s\tchained, duration from %s (cap 1h)\n", i+2, h.Profile, h.RoleARN, human.Duration(h.Duration), a.origin(h.Origins["duration"]))
		}
		w.Flush()
	}

	if p.MFASerial != "" {
		fmt.Fprintf(&b, "MFA code from: %s\n", codes.Describe())
	}

	now := a.now()
	b.WriteString(a.shortTermState(req, now))
	fmt.Fprintf(&b, "cached sessions (%s):\n", a.tilde(store.Dir()))
	keys := session.KeysOf(p, session.Endpoint(a.getenv))
	if len(p.Chain) > 0 {
		for i, k := range keys.Hops {
			name := p.RoleProfile
			if i > 0 {
				name = p.Chain[i-1].Profile
			}
			fmt.Fprintf(&b, "  role session %d (%s)  %s\n", i+1, name, sessionState(store, k, now, req.minTTL))
		}
		if keys.MFA != "" {
			fmt.Fprintf(&b, "  MFA session   %s\n", sessionState(store, keys.MFA, now, req.minTTL))
		}
	} else if keys.MFA == "" || keys.MFA == keys.Session {
		what := "role session"
		if keys.MFA != "" {
			what = "MFA session"
		}
		fmt.Fprintf(&b, "  %s  %s\n", what, sessionState(store, keys.Session, now, req.minTTL))
	} else {
		fmt.Fprintf(&b, "  role session  %s\n", sessionState(store, keys.Session, now, req.minTTL))
		fmt.Fprintf(&b, "  MFA session   %s\n", sessionState(store, keys.MFA, now, req.minTTL))
	}
	_, err = fmt.Fprint(a.stdout, b.String())
	return err
}

// origin shows where a setting came from, with the home directory as ~.
func (a *app) origin(o profile.Origin) string {
	if o.File != "" {
		return a.tilde(o.File) + ":" + strconv.Itoa(o.Line)
	}
	return o.String()
}

// sessionState describes the session under key: its access key id (never
// the secret), its expiry and when it will be refreshed.
func sessionState(store *cache.Store, key string, now time.Time, margin time.Duration) string {
	short := key
	if len(short) > 12 {
		short = short[:12]
	}
	s, err := store.Load(key)
	switch {
	case errors.Is(err, cache.ErrNotFound):
		return "none (key " + short + ")"
	case err != nil:
		return "unreadable: " + firstLine(err)
	}
	exp := s.Credentials.Expiration.UTC()
	left := exp.Sub(now)
	if left <= 0 {
		return fmt.Sprintf("expired at %s (%s, key %s)", exp.Format(time.RFC3339), s.Credentials.AccessKeyID, short)
	}
	state := "valid"
	if !s.Usable(now, margin) {
		state = "due for refresh"
	}
	return fmt.Sprintf("%s, %s left, expires %s, refresh from %s (%s, key %s)", state, human.Left(left),
		exp.Format(time.RFC3339), s.RefreshAt(margin).UTC().Format(time.RFC3339), s.Credentials.AccessKeyID, short)
}
