package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestUnwrap(t *testing.T) {
	plain := errors.New("plain")
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"path error", &fs.PathError{Op: "open", Path: "/p", Err: syscall.ENOENT}, syscall.ENOENT},
		{"link error", &os.LinkError{Op: "rename", Old: "/a", New: "/b", Err: syscall.EXDEV}, syscall.EXDEV},
		{"wrapped path error", fmt.Errorf("x: %w", &fs.PathError{Op: "open", Path: "/p", Err: syscall.EACCES}), syscall.EACCES},
		{"other error", plain, plain},
		{"nil", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unwrap(tc.err); got != tc.want {
				t.Errorf("Unwrap(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// TestLockExcludes: a second open of the same lock file, in the same
// process, cannot take it until the first one is closed.
func TestLockExcludes(t *testing.T) {
	for _, opt := range []LockOptions{{}, {ReadOnly: true}} {
		t.Run(fmt.Sprintf("%+v", opt), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.lock")
			a, err := OpenLock(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := a.TryLock(); !ok || err != nil {
				t.Fatalf("first TryLock = %v, %v", ok, err)
			}
			b, err := OpenLock(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if ok, err := b.TryLock(); ok || err != nil {
				t.Fatalf("TryLock while held = %v, %v; want false, nil", ok, err)
			}
			a.Close()
			if ok, err := b.TryLock(); !ok || err != nil {
				t.Fatalf("TryLock after Close = %v, %v", ok, err)
			}
		})
	}
}

func TestLockRefusesNonRegular(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.lock")
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := OpenLock(p, LockOptions{})
	if !errors.Is(err, ErrUnsafe) {
		t.Fatalf("OpenLock(a directory) = %v, want a refusal", err)
	}
}
