// Package wait bounds what awsmfa waits for with one deadline per command,
// and says what is being waited for.
//
// A command runs under a Policy: a limit (30 s for an interactive command,
// 5 s for the prompt hook), how the limit can be changed (for the error
// message), and whether waiting on another awsmfa that is asking a person
// for a code counts against it. The limit covers machines only: STS, and
// locks held by other processes. Time spent getting a code (a person at
// the terminal, an mfa_process, the wait for the next 30-second step, each
// bounded on its own) stops the clock, so that a person typing a code is
// never what times the command out.
//
// With is the only way to start a budget; Pause stops its clock, Expired
// and Timeout turn a wait that ran out into an error that names what was
// waited for, and Say writes a progress line for the person.
package wait

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// DefaultLimit is the deadline of an interactive command.
const DefaultLimit = 30 * time.Second

// HookLimit is the deadline of a prompt hook refresh.
const HookLimit = 5 * time.Second

// Notice is how long a wait on another process runs before it is
// announced.
const Notice = time.Second

// Policy is how long a command may wait, and for what.
type Policy struct {
	// Limit is the total time the command may wait on machines; 0 means
	// DefaultLimit.
	Limit time.Duration
	// Source names where Limit came from, for messages ("--timeout",
	// "AWSMFA_TIMEOUT", "the prompt hook's limit"); optional.
	Source string
	// Hint is the second line of a timeout error: what the person can do.
	Hint string
	// OnPeople is true when a wait on another awsmfa that is asking a
	// person for a code does not count against Limit (interactive
	// commands); false when it does (the hook, credential-process).
	OnPeople bool
	// Notify receives progress lines (stderr); nil discards them.
	Notify io.Writer
}

type key struct{}

// budget is one command's deadline, with a clock that can be stopped.
type budget struct {
	p Policy

	mu      sync.Mutex
	left    time.Duration // time remaining when the clock last stopped
	started time.Time     // when the clock last started; zero while paused
	paused  int
	timer   *time.Timer
	done    chan struct{}
	err     error
	expired bool
}

// ctx is a context that is done when its parent is, or when its budget
// runs out; then Err is context.DeadlineExceeded.
type ctx struct {
	context.Context
	b *budget
}

func (c *ctx) Done() <-chan struct{} { return c.b.done }

func (c *ctx) Err() error {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	return c.b.err
}

func (c *ctx) Value(k any) any {
	if k == (key{}) {
		return c.b
	}
	return c.Context.Value(k)
}

// With returns a context that is done when parent is, or once p.Limit of
// unpaused time has passed. The returned cancel releases its resources.
func With(parent context.Context, p Policy) (context.Context, context.CancelFunc) {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	b := &budget{p: p, left: p.Limit, done: make(chan struct{})}
	b.mu.Lock() // finish, from the timer, waits for b.timer to be set
	b.started = time.Now()
	b.timer = time.AfterFunc(p.Limit, func() { b.finish(context.DeadlineExceeded) })
	b.mu.Unlock()
	stop := context.AfterFunc(parent, func() { b.finish(parent.Err()) })
	return &ctx{Context: parent, b: b}, func() {
		stop()
		b.finish(context.Canceled)
	}
}

// Ensure returns ctx as it is when it carries a budget, else a context
// with the default interactive policy: no STS call ever waits unbounded.
func Ensure(c context.Context) (context.Context, context.CancelFunc) {
	if from(c) != nil {
		return c, func() {}
	}
	return With(c, Policy{})
}

func (b *budget) finish(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return
	}
	b.err = err
	b.expired = err == context.DeadlineExceeded
	b.timer.Stop()
	close(b.done)
}

func from(c context.Context) *budget {
	b, _ := c.Value(key{}).(*budget)
	return b
}

// Pause stops the clock of c's budget until resume is called: time spent
// on a person, or on a code source bounded on its own, does not count.
// Pauses nest. Without a budget it does nothing.
func Pause(c context.Context) (resume func()) {
	b := from(c)
	if b == nil {
		return func() {}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.paused == 0 && b.err == nil && b.timer.Stop() {
		b.left -= time.Since(b.started)
	}
	b.paused++
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.paused--
			if b.paused > 0 || b.err != nil {
				return
			}
			b.started = time.Now()
			if b.left <= 0 {
				b.left = time.Millisecond
			}
			b.timer.Reset(b.left)
		})
	}
}

// Expired reports whether c's budget ran out (as opposed to c being
// cancelled, or not being done at all).
func Expired(c context.Context) bool {
	b := from(c)
	if b == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.expired
}

// OnPeople reports whether c's policy waits, off the clock, for another
// awsmfa that is asking a person for a code.
func OnPeople(c context.Context) bool {
	b := from(c)
	return b != nil && b.p.OnPeople
}

// Limit describes c's limit for messages, e.g. "30s" or "3s
// (AWSMFA_TIMEOUT)".
func Limit(c context.Context) string {
	b := from(c)
	if b == nil {
		return DefaultLimit.String()
	}
	if b.p.Source == "" {
		return b.p.Limit.String()
	}
	return b.p.Limit.String() + " (" + b.p.Source + ")"
}

// Timeout is the error of a wait that ran out: "gave up after LIMIT
// waiting for WHAT", then the policy's hint on a second line.
func Timeout(c context.Context, what string) error {
	b := from(c)
	e := &TimeoutError{What: what, Limit: Limit(c)}
	if b != nil {
		e.Hint = b.p.Hint
	}
	return e
}

// TimeoutError is a wait that ran out. It matches
// context.DeadlineExceeded.
type TimeoutError struct {
	What, Limit, Hint string
}

func (e *TimeoutError) Error() string {
	msg := "gave up after " + e.Limit + " waiting for " + e.What
	if e.Hint != "" {
		msg += "\n" + e.Hint
	}
	return msg
}

// Is lets errors.Is(err, context.DeadlineExceeded) find a timeout.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Say writes one progress line ("awsmfa: " and the message) to the
// policy's Notify writer, if any.
func Say(c context.Context, format string, args ...any) {
	b := from(c)
	if b == nil || b.p.Notify == nil {
		return
	}
	fmt.Fprintf(b.p.Notify, "awsmfa: "+format+"\n", args...)
}
