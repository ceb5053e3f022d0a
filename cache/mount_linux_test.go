package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// checkFailedSave asserts that Save fails with an error containing want,
// and that a forced Fetch still fetches and returns the new session with
// ErrNotSaved and want (its code is spent: the caller must be able to
// hand it out), leaving old in place and no temporary file behind.
func checkFailedSave(t *testing.T, s *Store, key string, old Session, want string) {
	t.Helper()
	err := s.Save(key, sample("new", time.Now(), 2*time.Hour))
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), s.Dir()) {
		t.Errorf("Save = %v, want an error naming %s and %q", err, s.Dir(), want)
	}
	fresh := sample("fresh", time.Now(), 3*time.Hour)
	got, cached, err := s.Fetch(t.Context(), key, 0, true, func(context.Context) (Session, error) { return fresh, nil })
	if !errors.Is(err, ErrNotSaved) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), s.Dir()) || !same(got, fresh) || cached {
		t.Errorf("Fetch = %+v, cached %v, %v; want the fresh session and ErrNotSaved naming %s and %q", got, cached, err, s.Dir(), want)
	}
	if got, err := s.Load(key); err != nil || !same(got, old) {
		t.Errorf("Load = %+v, %v; want the previous session intact", got, err)
	}
	if left := tmpFiles(t, s.Dir()); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestSaveReadOnlyDir(t *testing.T) {
	s := newStore(t)
	key := Key("k")
	old := sample("old", time.Now(), time.Hour)
	if err := s.Save(key, old); err != nil {
		t.Fatal(err)
	}
	// Permission bits do not stop root, so make the directory read-only
	// with a read-only bind mount of itself.
	testenv.ReadOnly(t, s.Dir())
	checkFailedSave(t, s, key, old, "read-only file system")
}

func TestSaveFullDisk(t *testing.T) {
	mnt := t.TempDir()
	testenv.Tmpfs(t, mnt, "64k")
	s, err := Open(filepath.Join(mnt, "awsmfa"))
	if err != nil {
		t.Fatal(err)
	}
	key := Key("k")
	old := sample("old", time.Now(), time.Hour)
	if err := s.Save(key, old); err != nil {
		t.Fatal(err)
	}
	// Fill the file system.
	f, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	f.Close()
	checkFailedSave(t, s, key, old, "no space left on device")
}

// TestLockOrSkip: in a read-only directory no lock file can be made, and
// LockOrSkip goes on without one, saying why; a planted unsafe lock file
// there is still refused unless Skip.Unsafe says there is nothing to
// protect. Where files can be made, the lock is taken.
func TestLockOrSkip(t *testing.T) {
	for _, tc := range []struct {
		name     string
		readOnly bool
		plant    bool // a symbolic link where the lock file goes
		opt      Skip
		want     string // "locked", "skipped" or "refused"
	}{
		{"writable", false, false, Skip{}, "locked"},
		{"writable, unsafe", false, true, Skip{Unsafe: true}, "refused"},
		{"read-only", true, false, Skip{}, "skipped"},
		{"read-only, unsafe", true, true, Skip{}, "refused"},
		{"read-only, unsafe, Skip.Unsafe", true, true, Skip{Unsafe: true}, "skipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "k.lock")
			if tc.plant {
				if err := os.Symlink(filepath.Join(t.TempDir(), "target"), p); err != nil {
					t.Fatal(err)
				}
			}
			if tc.readOnly {
				testenv.ReadOnly(t, dir)
			}
			_, unlock, skipped, err := LockOrSkip(t.Context(), p, tc.opt)
			got := "locked"
			switch {
			case errors.Is(err, ErrUnsafe):
				got = "refused"
			case err != nil:
				t.Fatalf("LockOrSkip = %v", err)
			case skipped != nil:
				got = "skipped"
				if !errors.Is(skipped, syscall.EROFS) {
					t.Errorf("skipped because %v, want the read-only file system", skipped)
				}
			}
			if got != tc.want {
				t.Errorf("LockOrSkip: %s (%v), want %s", got, err, tc.want)
			}
			if unlock != nil {
				unlock()
			}
		})
	}
}
