package wait

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// hangGuard bounds every wait in these tests; nothing here should come
// near it.
const hangGuard = 10 * time.Second

func TestLimitRunsOut(t *testing.T) {
	ctx, cancel := With(t.Context(), Policy{Limit: 50 * time.Millisecond, Source: "--timeout"})
	defer cancel()
	select {
	case <-ctx.Done():
	case <-time.After(hangGuard):
		t.Fatal("the budget never ran out")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !Expired(ctx) {
		t.Errorf("Err = %v, Expired = %v; want DeadlineExceeded, true", ctx.Err(), Expired(ctx))
	}
	if got := Limit(ctx); got != "50ms (--timeout)" {
		t.Errorf("Limit = %q", got)
	}
}

func TestPauseStopsTheClock(t *testing.T) {
	ctx, cancel := With(t.Context(), Policy{Limit: 100 * time.Millisecond})
	defer cancel()
	resume := Pause(ctx)
	inner := Pause(ctx) // pauses nest
	select {
	case <-ctx.Done():
		t.Fatal("the budget ran out while paused")
	case <-time.After(400 * time.Millisecond):
	}
	inner()
	select {
	case <-ctx.Done():
		t.Fatal("the budget ran out while still paused once")
	case <-time.After(300 * time.Millisecond):
	}
	resume()
	resume() // a second call does nothing
	select {
	case <-ctx.Done():
	case <-time.After(hangGuard):
		t.Fatal("the budget never ran out after the pause ended")
	}
	if !Expired(ctx) {
		t.Error("Expired = false after the budget ran out")
	}
}

func TestParentCancelIsNotATimeout(t *testing.T) {
	parent, stop := context.WithCancel(t.Context())
	ctx, cancel := With(parent, Policy{Limit: time.Hour})
	defer cancel()
	stop()
	select {
	case <-ctx.Done():
	case <-time.After(hangGuard):
		t.Fatal("cancelling the parent did not end the budget")
	}
	if !errors.Is(ctx.Err(), context.Canceled) || Expired(ctx) {
		t.Errorf("Err = %v, Expired = %v; want Canceled, false", ctx.Err(), Expired(ctx))
	}
	// A context derived from it sees the same.
	child, c2 := context.WithCancel(ctx)
	defer c2()
	<-child.Done()
}

func TestTimeoutSaysWhatAndHow(t *testing.T) {
	ctx, cancel := With(t.Context(), Policy{Limit: 3 * time.Second, Source: "AWSMFA_TIMEOUT", Hint: "raise it"})
	defer cancel()
	err := Timeout(ctx, "STS at http://127.0.0.1:1 to answer GetSessionToken")
	want := "gave up after 3s (AWSMFA_TIMEOUT) waiting for STS at http://127.0.0.1:1 to answer GetSessionToken\nraise it"
	if err.Error() != want {
		t.Errorf("Timeout = %q, want %q", err, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("a timeout does not match context.DeadlineExceeded")
	}
}

func TestEnsureAndSay(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := With(t.Context(), Policy{Limit: time.Minute, OnPeople: true, Notify: &out})
	defer cancel()
	same, c2 := Ensure(ctx)
	defer c2()
	if Limit(same) != "1m0s" || !OnPeople(same) {
		t.Errorf("Ensure replaced an existing budget: %s, %v", Limit(same), OnPeople(same))
	}
	Say(same, "waiting for %s", "a lock")
	if out.String() != "awsmfa: waiting for a lock\n" {
		t.Errorf("Say wrote %q", out.String())
	}
	bare, c3 := Ensure(t.Context())
	defer c3()
	if Limit(bare) != DefaultLimit.String() || OnPeople(bare) {
		t.Errorf("Ensure without a budget: %s, %v; want the default limit", Limit(bare), OnPeople(bare))
	}
	if _, ok := bare.Deadline(); ok {
		t.Error("a budget claims a fixed deadline, though pauses move it")
	}
	Say(t.Context(), "nowhere") // no budget: no writer, no panic
	if strings.Contains(out.String(), "nowhere") {
		t.Error("Say without a budget wrote somewhere")
	}
}
