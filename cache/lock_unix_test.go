//go:build unix

package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/wait"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestUnsafeLockFilesRefused: a lock file that someone else owns, that
// others may read or write, or that is not a regular file is refused
// before any wait and any fetch; whoever planted it could hold it forever.
func TestUnsafeLockFilesRefused(t *testing.T) {
	tests := []struct {
		name  string
		root  bool
		plant func(t *testing.T, p string)
		want  string
	}{
		{"mode 0666", false, func(t *testing.T, p string) { mkLock(t, p, 0o666) }, "mode 0666 lets others read it"},
		{"mode 0622", false, func(t *testing.T, p string) { mkLock(t, p, 0o622) }, "mode 0622 lets others write to it"},
		{"owned by another user", true, func(t *testing.T, p string) {
			mkLock(t, p, 0o600)
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}, "belongs to uid 65534"},
		{"named pipe", false, func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "a named pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root {
				needRoot(t)
			}
			s := newStore(t)
			key := Key("k")
			p := filepath.Join(s.Dir(), key+".lock")
			tt.plant(t, p)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // hang guard
			defer cancel()
			_, _, err := s.Fetch(ctx, key, 0, false, func(context.Context) (Session, error) {
				t.Error("fetch called through an unsafe lock file")
				return Session{}, nil
			})
			if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "refusing lock file "+p) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Fetch = %v, want a refusal of %s saying %q", err, p, tt.want)
			}
		})
	}
}

func mkLock(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// hold takes the lock at p as another awsmfa would, recording that it
// asks for a code for device when asking is set. (flock locks belong to
// an open file, so a second open in this process contends like another
// process.)
func hold(t *testing.T, p string, asking bool, device string) (release func()) {
	t.Helper()
	ctx, unlock, err := LockFile(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	done := func() {}
	if asking {
		done = Asking(ctx, device)
	}
	var once sync.Once
	release = func() { once.Do(func() { done(); unlock() }) }
	t.Cleanup(release)
	return release
}

// TestLockWaiterSaysWhatItWaitsFor: a waiter says after about a second who
// holds the lock (this pid) and what it does, and a waiter whose policy
// does not wait on people gives up at its limit with an error naming the
// lock and its holder.
func TestLockWaiterSaysWhatItWaitsFor(t *testing.T) {
	const device = "arn:aws:iam::123456789012:mfa/alice"
	tests := []struct {
		name   string
		asking bool
		want   string
	}{
		{"asking for a code", true, fmt.Sprintf("awsmfa: waiting for another awsmfa (pid %d), which is asking for an MFA code for %s; giving up after 2s", os.Getpid(), device)},
		{"calling STS", false, fmt.Sprintf("awsmfa: waiting for another awsmfa (pid %d), which is getting a session from STS; giving up after 2s", os.Getpid())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(newStore(t).Dir(), "k.lock")
			hold(t, p, tt.asking, device)
			var out syncBuffer
			ctx, cancel := wait.With(t.Context(), wait.Policy{Limit: 2 * time.Second, Notify: &out})
			defer cancel()
			_, _, err := LockFile(ctx, p)
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "gave up after 2s waiting for the lock "+p+", held by another awsmfa") {
				t.Errorf("LockFile = %v, want a timeout naming the lock and its holder", err)
			}
			if got := out.String(); got != tt.want+"\n" {
				t.Errorf("the waiter said %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLockWaitOnPeople: with a policy that waits on people, a waiter is
// off the clock while the holder asks for a code, however far past its
// limit, and says so; it gets the lock once the holder lets go. While the
// holder is not asking a person, the limit holds.
func TestLockWaitOnPeople(t *testing.T) {
	p := filepath.Join(newStore(t).Dir(), "k.lock")
	release := hold(t, p, true, "arn:aws:iam::123456789012:mfa/alice")
	var out syncBuffer
	ctx, cancel := wait.With(t.Context(), wait.Policy{Limit: 500 * time.Millisecond, OnPeople: true, Notify: &out})
	defer cancel()
	got := make(chan error, 1)
	go func() {
		_, unlock, err := LockFile(ctx, p)
		if err == nil {
			unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the waiter stopped (%v) while the holder was asking; it said %q", err, out.String())
	case <-time.After(3 * time.Second):
	}
	if !strings.Contains(out.String(), "as long as it asks (Ctrl-C to stop)") {
		t.Errorf("the waiter did not say it waits as long as the other asks: %q", out.String())
	}
	release()
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("after the holder let go: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter did not get the lock after the holder let go")
	}

	// A holder that is not asking a person: the limit applies.
	hold(t, p, false, "")
	ctx2, cancel2 := wait.With(t.Context(), wait.Policy{Limit: 500 * time.Millisecond, OnPeople: true})
	defer cancel2()
	if _, _, err := LockFile(ctx2, p); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("LockFile = %v, want a timeout while the holder calls STS", err)
	}
}

// TestLockRecordCleared: the holder's record is gone once it lets go, and
// the file stays private.
func TestLockRecordCleared(t *testing.T) {
	p := filepath.Join(newStore(t).Dir(), "k.lock")
	release := hold(t, p, true, "arn:aws:iam::123456789012:mfa/alice")
	b, err := os.ReadFile(p)
	if err != nil || !strings.HasPrefix(string(b), fmt.Sprintf("%d asking arn:", os.Getpid())) {
		t.Errorf("while held the lock file holds %q (%v)", b, err)
	}
	release()
	fi, err := os.Stat(p)
	if err != nil || fi.Size() != 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("after release: %v, %v; want an empty 0600 file", fi, err)
	}
}
