package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/fsx"
	"github.com/awsmfa/awsmfa/internal/wait"
)

// What a lock's holder records in the lock file, for the processes that
// wait on it: "PID STATE DETAIL" on one line. The file holds no secret.
const (
	stateFetching = "fetching" // holding the lock, getting a session
	stateAsking   = "asking"   // getting an MFA code: a person, or an mfa_process
)

type heldKey struct{}

// held is one lock this process holds, linked to the ones it took before.
type held struct {
	h      *fsx.Lock
	parent *held
}

// LockFile takes the exclusive lock on the file at path, creating it (0600)
// when missing. A lock file that is not a regular file owned by the user
// with no group or other permission bits is refused (ErrUnsafe): whoever
// planted it could hold it forever. While another process holds it,
// LockFile waits until ctx is done; after a second it says on ctx's notify
// writer (package wait) who holds it and what that one is doing, and while
// the holder asks a person for a code the wait is off the clock of an
// interactive budget. A wait that runs out is a *wait.TimeoutError naming
// the holder.
//
// The returned context carries the lock: Asking, called with it or a
// context derived from it, tells the lock's waiters that this process is
// getting an MFA code. unlock releases the lock.
func LockFile(ctx context.Context, path string) (context.Context, func(), error) {
	h, err := fsx.OpenLock(path, fsx.LockOptions{})
	if err != nil {
		return ctx, nil, lockError(path, err)
	}
	var (
		start    = time.Now()
		said     string
		resume   func()
		pollTick = lockPoll
	)
	defer func() {
		if resume != nil {
			resume()
		}
	}()
	for {
		ok, err := h.TryLock()
		if err != nil {
			h.Close()
			return ctx, nil, lockError(path, err)
		}
		if ok {
			break
		}
		holder := parseHolder(h.Holder())
		// A person being asked is off the clock at once; the notice waits
		// a second, so a short wait says nothing.
		asking := holder.state == stateAsking && wait.OnPeople(ctx)
		switch {
		case asking && resume == nil:
			resume = wait.Pause(ctx)
		case !asking && resume != nil:
			resume()
			resume = nil
		}
		if time.Since(start) >= wait.Notice {
			if msg := holder.who(); msg != said {
				said = msg
				if asking {
					wait.Say(ctx, "waiting for %s, for as long as it asks (Ctrl-C to stop)", msg)
				} else {
					wait.Say(ctx, "waiting for %s; giving up after %s", msg, wait.Limit(ctx))
				}
			}
		}
		select {
		case <-ctx.Done():
			h.Close()
			what := "the lock " + path + ", held by " + holder.who()
			if wait.Expired(ctx) {
				return ctx, nil, wait.Timeout(ctx, what)
			}
			return ctx, nil, fmt.Errorf("stopped waiting for %s: %w", what, ctx.Err())
		case <-time.After(pollTick):
		}
		if pollTick < 100*time.Millisecond && time.Since(start) > wait.Notice {
			pollTick *= 2
		}
	}
	h.Record(strconv.Itoa(os.Getpid()) + " " + stateFetching + " -")
	cur := &held{h: h}
	cur.parent, _ = ctx.Value(heldKey{}).(*held)
	return context.WithValue(ctx, heldKey{}, cur), h.Close, nil
}

// Asking records in every lock ctx carries (see LockFile) that this
// process is getting an MFA code for what (a device), so that the
// processes waiting on those locks can say so; done records that it is
// back to fetching.
func Asking(ctx context.Context, what string) (done func()) {
	hs, _ := ctx.Value(heldKey{}).(*held)
	pid := strconv.Itoa(os.Getpid())
	for h := hs; h != nil; h = h.parent {
		h.h.Record(pid + " " + stateAsking + " " + what)
	}
	return func() {
		for h := hs; h != nil; h = h.parent {
			h.h.Record(pid + " " + stateFetching + " -")
		}
	}
}

// holder is what a lock file says about the process holding it.
type holder struct {
	pid    int
	state  string
	detail string
}

// parseHolder reads the first line of a lock file; anything it does not
// understand is an unknown holder.
func parseHolder(s string) holder {
	line, _, _ := strings.Cut(s, "\n")
	f := strings.SplitN(line, " ", 3)
	if len(f) != 3 {
		return holder{}
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return holder{}
	}
	return holder{pid: pid, state: f[1], detail: printable(f[2])}
}

// who says who holds a lock, and what it is doing.
func (h holder) who() string {
	switch {
	case h.pid == 0:
		return "another awsmfa"
	case h.state == stateAsking && h.detail != "-":
		return fmt.Sprintf("another awsmfa (pid %d), which is asking for an MFA code for %s", h.pid, h.detail)
	case h.state == stateAsking:
		return fmt.Sprintf("another awsmfa (pid %d), which is asking for an MFA code", h.pid)
	default:
		return fmt.Sprintf("another awsmfa (pid %d), which is getting a session from STS", h.pid)
	}
}

// printable keeps what a lock file says to printable ASCII, at most 200
// bytes: it is shown on a terminal.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < 200; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// lockError puts a failure to open or lock the lock file p in words; a
// refusal (ErrUnsafe) says it all already.
func lockError(p string, err error) error {
	if errors.Is(err, ErrUnsafe) {
		return err
	}
	return fmt.Errorf("cannot lock %s: %w; check that the cache directory is writable", p, fsx.Unwrap(err))
}

// Skip says when LockOrSkip may go on without the lock.
type Skip struct {
	// Unsafe skips the lock also when the lock file is refused as unsafe
	// (ErrUnsafe) in a directory where nothing can be written, for a
	// caller with nothing to protect there; without it the refusal is
	// returned, so the user sees it.
	Unsafe bool
}

// LockOrSkip takes the lock on the file at path as LockFile does, unless
// taking it fails because no file can be created in its directory (a
// read-only cache: Unwritable). Then nothing the lock would serialise can
// be saved either, so there is nothing to lock: LockOrSkip returns ctx,
// an unlock that does nothing, and why nothing can be written there as
// skipped, with err nil. A wait that ends with ctx is never skipped.
func LockOrSkip(ctx context.Context, path string, opt Skip) (_ context.Context, unlock func(), skipped, err error) {
	lctx, unlock, err := LockFile(ctx, path)
	if err == nil || ctx.Err() != nil || !opt.Unsafe && errors.Is(err, ErrUnsafe) {
		return lctx, unlock, nil, err
	}
	if why := Unwritable(filepath.Dir(path)); why != nil {
		return ctx, func() {}, why, nil
	}
	return lctx, nil, nil, err
}
