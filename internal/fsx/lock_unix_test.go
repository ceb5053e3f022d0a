//go:build unix

package fsx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// TestLockRefusesUnsafe: a lock file planted as a link, a named pipe or
// one open to others is refused, and the message says what it is.
func TestLockRefusesUnsafe(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(p string) error
		want  string
	}{
		{"symbolic link", func(p string) error { return os.Symlink(p+".target", p) }, "it is a symbolic link"},
		{"named pipe", func(p string) error { return syscall.Mkfifo(p, 0o600) }, "it is a named pipe"},
		{"readable by others", withMode(0o644), "mode 0644 lets others read it"},
		{"writable by others", withMode(0o602), "mode 0602 lets others write to it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.lock")
			if err := tc.plant(p); err != nil {
				t.Fatal(err)
			}
			l, err := OpenLock(p, LockOptions{})
			if err == nil {
				l.Close()
			}
			if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "refusing lock file "+p+": "+tc.want) {
				t.Errorf("OpenLock = %v, want a refusal saying %q", err, tc.want)
			}
			if _, err := os.Lstat(p + ".target"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the link's target was created: %v", err)
			}
		})
	}
}

// withMode plants a lock file with mode perm, whatever the umask.
func withMode(perm os.FileMode) func(p string) error {
	return func(p string) error {
		if err := os.WriteFile(p, nil, perm); err != nil {
			return err
		}
		return os.Chmod(p, perm)
	}
}

// TestLockOwnerOf: root refuses a lock file of another user's, unless it
// guards a file of that user's (OwnerOf); then a lock file it makes is
// given to that user.
func TestLockOwnerOf(t *testing.T) {
	testenv.NeedRoot(t, "make files of another user's")
	const uid, gid = 65534, 65533
	dir := t.TempDir()
	guarded := filepath.Join(dir, "credentials")
	if err := os.WriteFile(guarded, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(guarded, uid, gid); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(dir, "theirs.lock")
	if err := os.WriteFile(theirs, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, uid, gid); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		path    string
		opt     LockOptions
		refused bool
		wantUID uint32
	}{
		{"another's, no OwnerOf", theirs, LockOptions{}, true, uid},
		{"another's, OwnerOf theirs", theirs, LockOptions{OwnerOf: guarded}, false, uid},
		{"another's, OwnerOf root's", theirs, LockOptions{OwnerOf: dir}, true, uid},
		{"new, OwnerOf theirs", filepath.Join(dir, "new.lock"), LockOptions{OwnerOf: guarded}, false, uid},
		{"new, no OwnerOf", filepath.Join(dir, "mine.lock"), LockOptions{}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := OpenLock(tc.path, tc.opt)
			if tc.refused {
				if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "it belongs to uid 65534") {
					t.Errorf("OpenLock = %v, want a refusal naming the owner", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				l.Close()
			}
			var st syscall.Stat_t
			if err := syscall.Stat(tc.path, &st); err != nil {
				t.Fatal(err)
			}
			if st.Uid != tc.wantUID || st.Mode&0o777 != 0o600 {
				t.Errorf("lock file uid %d mode %o, want %d 600", st.Uid, st.Mode&0o777, tc.wantUID)
			}
		})
	}
}

// TestLockRecord: what the holder records, a waiter reads; closing the
// lock forgets it.
func TestLockRecord(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.lock")
	a, err := OpenLock(p, LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := a.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	b, err := OpenLock(p, LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a.Record("123 fetching a much longer detail")
	a.Record("123 asking -")
	if got := b.Holder(); got != "123 asking -\n" {
		t.Errorf("Holder = %q, want the last record alone", got)
	}
	a.Close()
	if got := b.Holder(); got != "" {
		t.Errorf("Holder after Close = %q, want nothing", got)
	}
}
