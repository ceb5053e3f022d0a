package main

import (
	"context"
	"fmt"
	"time"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/human"
	"github.com/awsmfa/awsmfa/session"
	"github.com/awsmfa/awsmfa/shortterm"
)

// getWith gets the request's session with g: from the profile's short-term
// section when it can serve (aws-mfa, or `awsmfa write`, left a session
// there that is for the same role and has more than g's margin left), else
// from g's cache or STS. --force skips the section as it skips the cache.
func (r *request) getWith(ctx context.Context, g *session.Getter) (session.Result, error) {
	if !g.Force {
		if f := r.shortTerm(g); f.Usable() {
			r.log.Debug("session served from the short-term section", "section", f.Section,
				"access_key_id", f.Credentials.AccessKeyID, "expires", f.Expiration)
			return session.Result{Session: cache.Session{Credentials: f.Credentials}, Cached: true}, nil
		} else if f.Section != "" {
			r.log.Debug("short-term section not used", "section", f.Section, "why", f.Reason)
		}
	}
	return g.Get(ctx, r.plan)
}

// shortTerm looks at the profile's short-term section with g's clock and
// margin.
func (r *request) shortTerm(g *session.Getter) shortterm.Found {
	now := g.Now
	if now == nil {
		now = time.Now
	}
	p := r.plan
	return shortterm.Lookup(p.Files.Credentials, p.Files.Credentials, p, now(), g.MinTTL)
}

// shortTermState is explain's line about the profile's short-term section:
// the session source when it can serve the request, else why not; "" when
// the credentials file has no such section.
func (a *app) shortTermState(r *request, now time.Time) string {
	f := r.shortTerm(r.getter)
	if f.Section == "" || f.Reason == "no such section" {
		return ""
	}
	where := "[" + f.Section + "] in " + a.tilde(r.plan.Files.Credentials) + " (aws-mfa's short-term section)"
	if f.Usable() {
		left := f.Expiration.Sub(now)
		return fmt.Sprintf("session source: %s\n  valid, %s left, expires %s, refresh from %s (%s); used before the cache (--force skips it)\n",
			where, human.Left(left), f.Expiration.Format(time.RFC3339),
			f.Expiration.Add(-r.getter.MinTTL).Format(time.RFC3339), f.Credentials.AccessKeyID)
	}
	return fmt.Sprintf("session source: the cache or STS; %s is not used: %s\n", where, f.Reason)
}
