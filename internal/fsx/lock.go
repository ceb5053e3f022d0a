package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrUnsafe matches a refusal of a file that is not safe to use: of the
// wrong type, owned by someone else, or open to others (Refuse). Whoever
// planted or can write such a file could, for a lock file, hold it
// forever. Test for it with errors.Is.
var ErrUnsafe = errors.New("unsafe file")

// Refuse returns a refusal (it matches ErrUnsafe) whose text, format and
// args as for fmt.Sprintf, says which file, why, and what to do.
func Refuse(format string, args ...any) error {
	return &unsafeError{msg: fmt.Sprintf(format, args...)}
}

// unsafeError is a refusal; it matches ErrUnsafe.
type unsafeError struct{ msg string }

func (e *unsafeError) Error() string        { return e.msg }
func (e *unsafeError) Is(target error) bool { return target == ErrUnsafe }

// LockOptions say which lock file OpenLock accepts and how it makes one.
type LockOptions struct {
	// OwnerOf, when set, names a file (the one the lock guards) whose
	// owner may own the lock file too, so that root (sudo -E) can take
	// the user's lock; a lock file OpenLock opens is given that file's
	// owner and group as far as the process may (see Chown), so a lock
	// file root made does not lock the user out later. Without it the
	// lock file must be the process's user's.
	OwnerOf string
	// ReadOnly opens the lock file read-only, so that an existing lock
	// file can be taken on a file system mounted read-only, and the
	// write that follows fails with the error that says so. Record
	// then does nothing.
	ReadOnly bool
}

// OpenLock opens the lock file at path, creating it (0600) when missing,
// without following a symbolic link or blocking on a named pipe, and
// checks it on the open file: a regular file owned by the user (or, with
// opt.OwnerOf, by that file's owner) with no group or other permission
// bits. A refusal matches ErrUnsafe and says why and what to do; any other
// error is that of the failing call, for the caller to put in its words.
// The lock is not taken yet: see TryLock.
func OpenLock(path string, opt LockOptions) (*Lock, error) {
	l, err := openLock(path, opt)
	if err != nil && !errors.Is(err, ErrUnsafe) {
		if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
			return nil, notRegular(path, fi.Mode())
		}
	}
	return l, err
}

// rw is the access mode opt asks for.
func rw(opt LockOptions) int {
	if opt.ReadOnly {
		return os.O_RDONLY
	}
	return os.O_RDWR
}

// notRegular is the refusal of a lock file of another type.
func notRegular(path string, m fs.FileMode) error {
	return Refuse("refusing lock file %s: it is %s, not a regular file; remove it", path, Describe(m))
}

// Describe names a file type ("a symbolic link", "a named pipe") for an
// error message about a file that is not a regular one.
func Describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a special file"
	}
}

// Exposure says in words what the group and other bits of perm allow
// ("lets others read it"), for an error message about a file that should
// be private.
func Exposure(perm fs.FileMode) string {
	switch {
	case perm&0o044 != 0:
		return "lets others read it"
	case perm&0o022 != 0:
		return "lets others write to it"
	default:
		return "lets others into it"
	}
}

// Unwrap drops the path from an *fs.PathError or *os.LinkError and
// returns the system's error alone, for a message that names the file
// itself, once and as the user knows it. Any other error is returned as
// it is.
func Unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
