package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/wait"
)

// sendOnce makes the SDK send a request once, with no retry: a request
// that carries an MFA code. STS may have processed a request whose answer
// was lost (a timeout, a dropped connection), and then the code is spent;
// sending it again could only be refused, and hides what happened.
func sendOnce(o *sts.Options) { o.RetryMaxAttempts = 1 }

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
	where, sent := "STS", watch.sent
	if watch.url != "" {
		where = "STS at " + watch.url
	}
	watch.mu.Unlock()
	var ae smithy.APIError
	lost := withCode && sent && !errors.As(err, &ae)
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
		return &AnswerLostError{Err: fmt.Errorf("the connection to %s was lost after %s was sent (%v); the MFA code counts as used\nwait for the next code and try again", where, action, rootCause(err))}
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
