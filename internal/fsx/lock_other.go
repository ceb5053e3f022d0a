//go:build !unix

package fsx

import (
	"io/fs"
	"os"

	"github.com/gofrs/flock"
)

// ModesMatter says whether permission bits mean anything on this system.
// On Windows they do not (access is governed by ACLs, and Go reports every
// file as 0666 or 0444), so neither modes nor owners are checked; the
// per-user directories are private by default.
const ModesMatter = false

// Lock is an open lock file, held through github.com/gofrs/flock. The
// holder's record is not kept on this system: the locked file cannot be
// read by the waiters.
type Lock struct{ fl *flock.Flock }

// openLock refuses a lock file p that is a link or not a regular file.
func openLock(p string, opt LockOptions) (*Lock, error) {
	if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(p, fi.Mode())
	}
	return &Lock{fl: flock.New(p, flock.SetFlag(os.O_CREATE|rw(opt)), flock.SetPermissions(0o600))}, nil
}

// Owner is -1: owners are not checked on this system.
func Owner(fs.FileInfo) int { return -1 }

// TryLock takes the lock without waiting; false means another holds it.
func (l *Lock) TryLock() (bool, error) { return l.fl.TryLock() }

// Holder returns "": the record cannot be read on this system.
func (l *Lock) Holder() string { return "" }

// Record does nothing: see Holder.
func (l *Lock) Record(string) {}

// Close releases the lock, if held.
func (l *Lock) Close() { l.fl.Unlock(); l.fl.Close() }
