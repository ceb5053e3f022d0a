package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"

	"time"
)

// hop returns the session of role n of p's chain (0 is the first role,
// p's own STS path), from the cache while more than margin is left. Each
// role is assumed with the session of the one before it, which is itself
// served from the cache while it can still sign (mintMargin): a refresh
// re-assumes only the roles that are due, and a code is asked for only
// when the first role's session (or its MFA session) is.
//
// When STS turns away a cached session of the role before (it expired
// early by STS's clock, or was revoked), that session is dropped and got
// again, once.
func (g *Getter) hop(ctx context.Context, p *profile.Plan, lt *longTerm, n int, margin time.Duration, force bool) (cache.Session, bool, error) {
	if n == 0 {
		return g.first(ctx, p, lt, margin, force)
	}
	keys := g.Keys(p)
	h := p.Chain[n-1]
	var upNotSaved error
	s, cached, err := g.cached(ctx, keys.Hops[n], margin, force, func(ctx context.Context) (cache.Session, error) {
		// force renews this role's session only; the sessions before it
		// follow --force.
		up, upCached, err := g.hop(ctx, p, lt, n-1, mintMargin, g.Force)
		if errors.Is(err, cache.ErrNotSaved) {
			upNotSaved, err = err, nil
		}
		if err != nil {
			return cache.Session{}, err
		}
		s, err := g.assumeHop(ctx, p, h, up.Credentials)
		var rej *RejectedSessionError
		if !errors.As(err, &rej) {
			return s, err
		}
		upName := p.RoleProfile
		if n > 1 {
			upName = p.Chain[n-2].Profile
		}
		rej.Session = fmt.Sprintf("the cached role session of profile %q", upName)
		if !upCached {
			rej.Session, rej.New = fmt.Sprintf("the new role session of profile %q", upName), true
			return s, err
		}
		g.log().Warn(fmt.Sprintf("%v; dropped it from the cache, getting it again to assume %s", rej, h.RoleARN))
		if err := g.Store.Drop(ctx, keys.Hops[n-1], up.Credentials.AccessKeyID); err != nil {
			g.log().Debug("could not drop the rejected session", "error", err)
		}
		up, _, err = g.hop(ctx, p, lt, n-1, mintMargin, true)
		upNotSaved = nil
		if errors.Is(err, cache.ErrNotSaved) {
			upNotSaved, err = err, nil
		}
		if err != nil {
			return cache.Session{}, err
		}
		s, err = g.assumeHop(ctx, p, h, up.Credentials)
		if errors.As(err, &rej) {
			rej.Session, rej.New = fmt.Sprintf("the new role session of profile %q", upName), true
		}
		return s, err
	})
	if err == nil && upNotSaved != nil {
		err = upNotSaved
	}
	return s, cached, err
}

// assumeHop assumes one further role of a chain, signed with the session of
// the role before it.
func (g *Getter) assumeHop(ctx context.Context, p *profile.Plan, h profile.Hop, signer creds.Credentials) (cache.Session, error) {
	hp := *p
	hp.RoleARN, hp.ExternalID, hp.RoleSessionName, hp.RoleDuration = h.RoleARN, h.ExternalID, h.RoleSessionName, h.Duration
	g.log().Info("assuming the next role of the chain", "profile", h.Profile, "role", h.RoleARN, "signer", signer.AccessKeyID)
	s, err := g.assumeRole(ctx, &hp, signer, "", "")
	if err != nil && !errors.Is(err, mfa.ErrCancelled) {
		// Say which role of the chain failed.
		err = fmt.Errorf("role %s of profile %q (chained): %w", h.RoleARN, h.Profile, err)
	}
	return s, err
}

// longTerm gets a plan's long-term keys at most once per Get: the plan's
// own, those its credential_process prints, or the pair whose secret the
// system keyring keeps; the command and the keyring are used only when an
// STS call needs the keys.
type longTerm struct {
	g    *Getter
	p    *profile.Plan
	done bool
	c    creds.Credentials
	err  error
}

func (l *longTerm) get(ctx context.Context) (creds.Credentials, error) {
	if l.p.KeysProcess == "" && l.p.Keyring == "" {
		return l.p.LongTerm, nil
	}
	if !l.done {
		if l.p.KeysProcess != "" {
			l.c, l.err = l.g.runKeys(ctx, l.p)
		} else {
			l.c, l.err = l.g.fromKeyring(ctx, l.p)
		}
		l.done = true
	}
	return l.c, l.err
}
