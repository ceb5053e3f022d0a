// Package shortterm is aws-mfa's short-term section of the AWS credentials
// file ([NAME], or [NAME-SUFFIX] with a short-term suffix), both ways: Write
// puts a session there as aws-mfa does (the `awsmfa write` command, and
// aws-mfa's own command line), and Lookup reads one back, so that every
// command serves a session aws-mfa left there before it looks in the cache.
// The package is named for the section rather than for the command because
// the writer and the reader share its rules: which keys it must hold, when
// it is due, and when clients would not read it (Shadowed).
//
// The rules are aws-mfa's: a section is written again when it is missing,
// lacks one of the keys aws-mfa writes, is for another role, or has
// expired; awsmfa adds its refresh margin. A section that holds long-term
// keys is never written over. Every other section and comment of the file
// stays as it was (the file is edited through awsini).
package shortterm

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/awsmfa/awsmfa/internal/awsini"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/profile"
)

// Layout is how aws-mfa writes a section's expiration: Python's
// '%Y-%m-%d %H:%M:%S' of the UTC expiry.
const Layout = "2006-01-02 15:04:05"

// Input is a request to write a profile's short-term section.
type Input struct {
	// Plan is the resolved profile; Plan.ShortTerm names the section.
	Plan *profile.Plan
	// Path is the credentials file; Display names it in messages
	// ("~/.aws/credentials").
	Path, Display string
	// Config is the config file, read to refuse writing a section that
	// clients would not read (see Shadowed); ConfigDisplay names it.
	Config, ConfigDisplay string
	// Now is the clock.
	Now func() time.Time
	// Margin is the refresh margin: a section that expires within it is due.
	Margin time.Duration
	// Force writes a new session even when the section is not due.
	Force bool
	// Get gets the session to write. It is called only when one is to be
	// written.
	Get func(context.Context) (creds.Credentials, error)
	// Log hears why a section is refreshed; nil hears nothing.
	Log *slog.Logger
}

// Result says what Write did.
type Result struct {
	// Wrote is false when the section was still good and was left alone.
	Wrote bool
	// Expiration is the section's expiry, UTC: the new session's when
	// Wrote, else the one the section already had.
	Expiration time.Time
	// Left is the time from Now to Expiration.
	Left time.Duration
}

// Write writes a new session into the profile's short-term section unless
// it is good for longer than the margin (or Force). It refuses, before any
// session is got, to write over long-term keys; and checks again under the
// file's lock, since the file may have changed meanwhile.
func Write(ctx context.Context, in Input) (Result, error) {
	p := in.Plan
	opt := awsini.Options{Display: in.Display}
	f, err := awsini.Read(in.Path, opt)
	if err != nil {
		return Result{}, err
	}
	if err := Check(f, p, in.Display); err != nil {
		return Result{}, err
	}
	if err := Shadowed(f, in.Display, in.Config, in.ConfigDisplay, p.Name, p.ShortTerm); err != nil {
		return Result{}, err
	}
	now := in.Now()
	if !in.Force {
		exp, reason := Due(f, p, now, in.Margin)
		if reason == "" {
			return Result{Expiration: exp, Left: exp.Sub(now)}, nil
		}
		if in.Log != nil {
			in.Log.Info("refreshing the short-term section", "section", p.ShortTerm, "why", reason)
		}
	}
	c, err := in.Get(ctx)
	if err != nil {
		return Result{}, err
	}
	set, unset := Section(p, c)
	err = awsini.Update(ctx, in.Path, opt, func(f *awsini.File) error {
		// Checked again under the lock: the file may have changed.
		if err := Check(f, p, in.Display); err != nil {
			return err
		}
		if err := f.Set(p.ShortTerm, set...); err != nil {
			return err
		}
		return f.Unset(p.ShortTerm, unset...)
	})
	if err != nil {
		return Result{}, err
	}
	exp := c.Expiration.UTC()
	return Result{Wrote: true, Expiration: exp, Left: exp.Sub(now)}, nil
}

// Check refuses to write a session over long-term keys: the section the
// keys come from, or any section that holds an access key without a
// session token. display names the file in the message.
//
// The profile package leaves Plan.ShortTerm empty when the section would be
// the one the keys come from.
func Check(f *awsini.File, p *profile.Plan, display string) error {
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

// Due says why the short-term section needs a new session ("" when it
// does not), and its expiry when it has a readable one. The rules are
// aws-mfa's: a missing section or key, another role, or an expiry reached;
// plus awsmfa's refresh margin.
func Due(f *awsini.File, p *profile.Plan, now time.Time, margin time.Duration) (exp time.Time, reason string) {
	if !f.Has(p.ShortTerm) {
		return time.Time{}, "no such section"
	}
	// The keys aws-mfa requires in a short-term section.
	for _, k := range [...]string{"assumed_role", "aws_access_key_id", "aws_secret_access_key",
		"aws_session_token", "aws_security_token", "expiration"} {
		if _, ok := f.Get(p.ShortTerm, k); !ok {
			return time.Time{}, "no " + k
		}
	}
	if role, _ := f.Get(p.ShortTerm, "assumed_role_arn"); role != p.TargetRole() {
		return time.Time{}, "another role"
	}
	v, _ := f.Get(p.ShortTerm, "expiration")
	exp, err := time.ParseInLocation(Layout, v, time.UTC)
	if err != nil {
		return time.Time{}, "unreadable expiration"
	}
	if !exp.Add(-margin).After(now) {
		return exp, "expires within the refresh margin"
	}
	return exp, ""
}

// Section is what aws-mfa writes for a session: the keys to set, in its
// order, and the keys to remove.
func Section(p *profile.Plan, c creds.Credentials) (set []awsini.KV, unset []string) {
	role := p.TargetRole() != ""
	assumed := "False"
	if role {
		assumed = "True"
	}
	set = append(set, awsini.KV{Key: "assumed_role", Value: assumed})
	if role {
		set = append(set, awsini.KV{Key: "assumed_role_arn", Value: p.TargetRole()})
	} else {
		unset = append(unset, "assumed_role_arn")
	}
	set = append(set,
		awsini.KV{Key: "aws_access_key_id", Value: c.AccessKeyID},
		awsini.KV{Key: "aws_secret_access_key", Value: c.SecretAccessKey},
		awsini.KV{Key: "aws_session_token", Value: c.SessionToken},
		awsini.KV{Key: "aws_security_token", Value: c.SessionToken},
		awsini.KV{Key: "expiration", Value: c.Expiration.UTC().Format(Layout)},
	)
	return set, unset
}
