package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/mfa"
)

// withCode gets a code for device that STS has not accepted before, calls
// send with it, and records it once send succeeds, or once send was sent
// and never answered (*AnswerLostError: STS may have taken the code).
// Without g.Used, or from a source that gives no code, it only gets the
// code and sends it. The time spent getting the code is off the command's
// clock (gettingCode).
func (g *Getter) withCode(ctx context.Context, device string, send func(code string) (cache.Session, error)) (cache.Session, error) {
	src := g.codes()
	if src.Renewal() == mfa.Unavailable || g.Used == nil {
		done := gettingCode(ctx, device)
		code, err := src.Code(ctx, device)
		done()
		if err != nil {
			return cache.Session{}, err
		}
		return send(code)
	}
	u := g.Used
	ctx, unlock, err := u.Lock(ctx, device)
	if err != nil {
		return cache.Session{}, err
	}
	defer unlock()
	done := gettingCode(ctx, device)
	code, at, err := u.Fresh(ctx, src, device, g.now)
	done()
	if err != nil {
		return cache.Session{}, err
	}
	s, err := send(code)
	var lost *AnswerLostError
	if err != nil && !errors.As(err, &lost) {
		return s, err
	}
	// The command's deadline may have passed: recording has a short one
	// of its own.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if rerr := u.Record(rctx, device, at, code); rerr != nil {
		g.log().Warn(fmt.Sprintf("could not record the used MFA code, so the next run may not wait for a new one: %v", rerr))
	}
	return s, err
}
