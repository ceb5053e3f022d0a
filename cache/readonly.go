package cache

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// unwritable returns why no file can be created in the Store's directory
// (a read-only file system, or no write permission), or nil when one can
// or when the failure is of another kind. It is asked only after taking a
// lock failed, so it costs nothing on the usual path. The probe file is
// removed at once and never holds anything.
func (s *Store) unwritable() error {
	f, err := os.CreateTemp(s.dir, ".probe-*.tmp")
	if err == nil {
		f.Close()
		os.Remove(f.Name())
		return nil
	}
	if !IsReadOnly(err) {
		return nil
	}
	return sysErr(err)
}

// IsReadOnly reports whether err says that a file could not be created or
// written because the file system is read-only or permission is denied.
func IsReadOnly(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}
