package cache

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/awsmfa/awsmfa/internal/fsx"
)

// Unwritable returns why no file can be created in dir (a read-only file
// system, or no write permission), or nil when one can or when creating it
// fails for another reason. The probe file is removed at once and never
// holds anything. LockOrSkip asks it only after taking a lock failed, so
// it costs nothing on the usual path.
func Unwritable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*.tmp")
	if err == nil {
		f.Close()
		os.Remove(f.Name())
		return nil
	}
	if !IsReadOnly(err) {
		return nil
	}
	return fsx.Unwrap(err)
}

// IsReadOnly reports whether err says that a file could not be created or
// written because the file system is read-only or permission is denied.
func IsReadOnly(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}
