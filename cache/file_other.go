//go:build !unix

package cache

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/gofrs/flock"
)

// checkModes says whether permission bits mean anything here. On Windows
// they do not (access is governed by ACLs, and Go reports every file as
// 0666 or 0444), so neither modes nor owners are checked; the per-user
// cache directory is private by default.
const checkModes = false

// lockFlags opens a lock file.
const lockFlags = os.O_CREATE | os.O_RDWR

// openLock refuses a lock file p that is a link or not a regular file, and
// returns a lock on it. The holder's record is not kept on this system:
// the locked file cannot be read by the waiters.
func openLock(p string) (lockHandle, error) {
	if fi, err := os.Lstat(p); err == nil {
		if err := checkLock(p, fi); err != nil {
			return nil, err
		}
	}
	return &flockLock{fl: flock.New(p, flock.SetFlag(lockFlags), flock.SetPermissions(0o600))}, nil
}

// flockLock is a lock file held through github.com/gofrs/flock.
type flockLock struct{ fl *flock.Flock }

func (l *flockLock) try() (bool, error) { return l.fl.TryLock() }
func (l *flockLock) status() string     { return "" }
func (l *flockLock) record(string)      {}
func (l *flockLock) release()           { l.fl.Unlock(); l.fl.Close() }

// ownerOf is -1: owners are not checked on this system.
func ownerOf(fs.FileInfo) int { return -1 }

// readPrivate reads the cache file p after an Lstat that refuses symbolic
// links and other non-regular files.
func (s *Store) readPrivate(p string) ([]byte, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, s.openError(p, err)
	}
	if err := s.checkFile(p, fi.Mode(), -1); err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, s.openError(p, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read cache file %s: %v", p, sysErr(err))
	}
	if len(data) > maxFileSize {
		return nil, &corruptError{path: p, reason: "too large"}
	}
	return data, nil
}
