package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/cause"
	"github.com/awsmfa/awsmfa/internal/wait"
)

// sendOnce makes the SDK send a request that carries an MFA code once,
// with no retry. STS may have processed a request whose answer was lost (a
// timeout, a dropped connection, a 500), and then the code is spent;
// sending it again could only be refused, and would hide what happened.
// The one exception is a request STS refused unread because this
// machine's clock is off: the SDK corrects its signing time and sends it
// once more, as STS never looked at the code.
func sendOnce(o *sts.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = 2
		so.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(refusedForClock)}
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		so.RateLimiter = ratelimit.None
	})
}

// refusedForClock reports whether STS refused a request for its signing
// time, before reading it.
func refusedForClock(err error) aws.Ternary {
	code, msg, ok := cause.API(err)
	if !ok {
		return aws.FalseTernary
	}
	msg = strings.ToLower(msg)
	switch code {
	case "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture":
		return aws.TrueTernary
	case "SignatureDoesNotMatch", "InvalidSignatureException":
		if strings.Contains(msg, "signature expired") || strings.Contains(msg, "signature not yet current") {
			return aws.TrueTernary
		}
	}
	return aws.FalseTernary
}

// AnswerLostError is an STS request carrying an MFA code that was sent but
// never answered: STS may have accepted the code, so it counts as used.
type AnswerLostError struct{ Err error }

func (e *AnswerLostError) Error() string { return e.Err.Error() }
func (e *AnswerLostError) Unwrap() error { return e.Err }

// stsFailure turns a failed STS call into the error a person reads: a wait
// that ran out names the endpoint it waited for; a request carrying a code
// (withCode) that was sent and not answered is an *AnswerLostError; any
// other failure is what describe makes of it.
func stsFailure(ctx context.Context, err error, action string, watch *skewWatch, withCode bool, describe func(error) error) error {
	watch.mu.Lock()
	where, sent := stsAt(watch.url), watch.sent
	watch.mu.Unlock()
	_, _, answered := cause.API(err)
	lost := withCode && sent && !answered
	switch {
	case wait.Expired(ctx):
		what := where + " to answer " + action
		if lost {
			return &AnswerLostError{Err: wait.Timeout(ctx, what+" (the MFA code was sent, so it counts as used)")}
		}
		return wait.Timeout(ctx, what)
	case lost && errors.Is(err, context.Canceled):
		return &AnswerLostError{Err: describe(err)}
	case lost:
		return &AnswerLostError{Err: fmt.Errorf("the connection to %s was lost after %s was sent (%v); the MFA code counts as used\nwait for the next code and try again", where, action, cause.Root(err))}
	}
	return describe(err)
}

// gettingCode marks the time spent getting a code for device: it is off
// the clock of the command's deadline (a person may be typing it; each
// source is bounded on its own), and every lock ctx holds tells its
// waiters that this process is asking for a code.
func gettingCode(ctx context.Context, device string) (done func()) {
	resume := wait.Pause(ctx)
	announced := cache.Asking(ctx, device)
	return func() {
		announced()
		resume()
	}
}
