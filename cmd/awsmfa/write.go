package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/iniedit"
	"github.com/awsmfa/awsmfa/profile"
)

// expirationLayout is how aws-mfa writes a short-term section's
// expiration: Python's '%Y-%m-%d %H:%M:%S' of the UTC expiry.
const expirationLayout = "2006-01-02 15:04:05"

// shortTermKeys are the keys aws-mfa requires in a short-term section; a
// section missing any of them is refreshed.
var shortTermKeys = [...]string{"assumed_role", "aws_access_key_id", "aws_secret_access_key",
	"aws_session_token", "aws_security_token", "expiration"}

func (a *app) writeCommand() *cli.Command {
	return &cli.Command{
		Name:      "write",
		Usage:     "write the session into [PROFILE] of the credentials file, as aws-mfa does, for 'aws --profile PROFILE'",
		ArgsUsage: "PROFILE",
		Description: `Writes aws_access_key_id, aws_secret_access_key, aws_session_token,
aws_security_token, expiration (UTC, 'YYYY-MM-DD HH:MM:SS'), assumed_role and
assumed_role_arn, as aws-mfa does, into [PROFILE] (or [PROFILE-SUFFIX] with
--short-term-suffix). Nothing is written while the section has more than
--min-ttl left, unless --force. Other sections and comments stay as they are.`,
		Flags:  sessionFlags(),
		Action: a.write,
	}
}

func (a *app) write(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("write takes one profile, got %d arguments", c.NArg())
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	p := req.plan
	path := p.Files.Credentials
	opt := iniedit.Options{Display: a.tilde(path)}
	f, err := iniedit.Read(path, opt)
	if err != nil {
		return err
	}
	if err := canWrite(f, p, opt.Display); err != nil {
		return err
	}
	now := a.now()
	if !c.Bool("force") {
		exp, reason := due(f, p, now, req.minTTL)
		if reason == "" {
			fmt.Fprintf(a.stderr, "awsmfa: [%s] in %s is good until %s UTC (%s left); --force gets a new session\n",
				p.ShortTerm, opt.Display, exp.Format(expirationLayout), short(exp.Sub(now)))
			return nil
		}
		req.log.Info("refreshing the short-term section", "section", p.ShortTerm, "why", reason)
	}
	res, err := req.get(c.Context)
	if err != nil {
		return err
	}
	set, unset := shortTermSection(p, res.Credentials)
	err = iniedit.Update(c.Context, path, opt, func(f *iniedit.File) error {
		// Checked again under the lock: the file may have changed.
		if err := canWrite(f, p, opt.Display); err != nil {
			return err
		}
		if err := f.Set(p.ShortTerm, set...); err != nil {
			return err
		}
		return f.Unset(p.ShortTerm, unset...)
	})
	if err != nil {
		return err
	}
	exp := res.Credentials.Expiration.UTC()
	fmt.Fprintf(a.stderr, "awsmfa: wrote [%s] to %s; it expires at %s UTC (in %s)\n",
		p.ShortTerm, opt.Display, exp.Format(expirationLayout), short(exp.Sub(now)))
	return nil
}

// canWrite refuses to write a session over long-term keys: the section the
// keys come from, or any section that holds an access key without a
// session token.
//
// The profile package leaves Plan.ShortTerm empty when the section would be
// the one the keys come from.
func canWrite(f *iniedit.File, p *profile.Plan, display string) error {
	section := p.ShortTerm
	if section == "" {
		section = p.KeysFrom
	}
	_, hasKey := f.Get(section, "aws_access_key_id")
	_, hasToken := f.Get(section, "aws_session_token")
	if p.ShortTerm == "" || p.ShortTerm == p.KeysFrom || hasKey && !hasToken {
		return fmt.Errorf("[%s] in %s holds long-term keys; writing the session there would replace them\n"+
			"keep the keys in [%s-long-term] (aws-mfa's layout), or pass --short-term-suffix", section, display, p.Name)
	}
	return nil
}

// due says why the short-term section needs a new session ("" when it
// does not), and its expiry. The rules are aws-mfa's: a missing section or
// key, another role, or an expiry reached; plus awsmfa's refresh margin.
func due(f *iniedit.File, p *profile.Plan, now time.Time, margin time.Duration) (time.Time, string) {
	if !f.Has(p.ShortTerm) {
		return time.Time{}, "no such section"
	}
	for _, k := range shortTermKeys {
		if _, ok := f.Get(p.ShortTerm, k); !ok {
			return time.Time{}, "no " + k
		}
	}
	if role, _ := f.Get(p.ShortTerm, "assumed_role_arn"); role != p.RoleARN {
		return time.Time{}, "another role"
	}
	v, _ := f.Get(p.ShortTerm, "expiration")
	exp, err := time.ParseInLocation(expirationLayout, v, time.UTC)
	if err != nil {
		return time.Time{}, "unreadable expiration"
	}
	if !exp.Add(-margin).After(now) {
		return exp, "expires within the refresh margin"
	}
	return exp, ""
}

// shortTermSection is what aws-mfa writes for a session: the keys to set
// and the keys to remove.
func shortTermSection(p *profile.Plan, c creds.Credentials) (set []iniedit.KV, unset []string) {
	role := p.RoleARN != ""
	set = append(set, iniedit.KV{Key: "assumed_role", Value: map[bool]string{true: "True", false: "False"}[role]})
	if role {
		set = append(set, iniedit.KV{Key: "assumed_role_arn", Value: p.RoleARN})
	} else {
		unset = append(unset, "assumed_role_arn")
	}
	set = append(set,
		iniedit.KV{Key: "aws_access_key_id", Value: c.AccessKeyID},
		iniedit.KV{Key: "aws_secret_access_key", Value: c.SecretAccessKey},
		iniedit.KV{Key: "aws_session_token", Value: c.SessionToken},
		iniedit.KV{Key: "aws_security_token", Value: c.SessionToken},
		iniedit.KV{Key: "expiration", Value: c.Expiration.UTC().Format(expirationLayout)},
	)
	return set, unset
}

// short shows a time left the way people write it: "11h59m", "59m12s",
// "1h", "45s".
func short(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "0s"
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	out := ""
	if h > 0 {
		out += fmt.Sprintf("%dh", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dm", m)
	}
	if s > 0 && h == 0 {
		out += fmt.Sprintf("%ds", s)
	}
	if out == "" {
		out = "0s"
	}
	return out
}

// tilde shows a path under the home directory as ~/..., for messages.
func (a *app) tilde(path string) string {
	home := filepath.Clean(a.getenv("HOME"))
	if home == "." || home == string(filepath.Separator) {
		return path
	}
	if rel, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
		return "~/" + rel
	}
	return path
}
