//go:build unix

package fsx

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ModesMatter says whether permission bits mean anything on this system.
const ModesMatter = true

// lockFlags opens a lock file without following a symbolic link, and
// without blocking on a named pipe planted in its place.
const lockFlags = os.O_CREATE | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_CLOEXEC

// Lock is an open lock file, held with flock(2), which the kernel
// releases when the process dies. Its holder can record in it what it is
// doing, for the processes waiting on it.
type Lock struct {
	f      *os.File
	locked bool
}

func openLock(p string, opt LockOptions) (*Lock, error) {
	f, err := os.OpenFile(p, lockFlags|rw(opt), 0o600)
	if err != nil {
		return nil, err
	}
	if opt.OwnerOf != "" {
		if o := ownerFor(opt.OwnerOf); o != nil {
			f.Chown(o.uid, o.gid) // best effort: root's lock file stays usable
		}
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkLock(p, fi, opt)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// checkLock refuses a lock file that is not a private regular file of the
// user's (or of the owner of opt.OwnerOf).
func checkLock(p string, fi fs.FileInfo, opt LockOptions) error {
	if !fi.Mode().IsRegular() {
		return notRegular(p, fi.Mode())
	}
	if uid, me := Owner(fi), os.Geteuid(); uid >= 0 && uid != me && (opt.OwnerOf == "" || uid != ownerUID(opt.OwnerOf)) {
		return Refuse("refusing lock file %s: it belongs to uid %d, not to you (uid %d); remove it", p, uid, me)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return Refuse("refusing lock file %s: mode %04o %s; remove it", p, perm, Exposure(perm))
	}
	return nil
}

// ownerUID is the uid owning path, or its directory when path is missing;
// -1 when neither can be read.
func ownerUID(path string) int {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil && syscall.Stat(filepath.Dir(path), &st) != nil {
		return -1
	}
	return int(st.Uid)
}

// Owner is the uid owning fi, or -1 when unknown.
func Owner(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// TryLock takes the lock without waiting; false means another holds it.
func (l *Lock) TryLock() (bool, error) {
	for {
		err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch err {
		case nil:
			l.locked = true
			return true, nil
		case syscall.EINTR:
			continue
		case syscall.EWOULDBLOCK:
			return false, nil
		}
		return false, err
	}
}

// Holder reads what the lock's holder recorded (Record): "" when nothing
// or where the system cannot tell.
func (l *Lock) Holder() string {
	buf := make([]byte, 256)
	n, _ := l.f.ReadAt(buf, 0)
	return string(buf[:n])
}

// Record writes line, what this process, the holder, is doing, for the
// waiters to read with Holder. It writes at the start, then cuts the file
// after the line: a reader in between sees the new line first, and reads
// only up to its newline.
func (l *Lock) Record(line string) {
	b := []byte(line + "\n")
	if _, err := l.f.WriteAt(b, 0); err == nil {
		l.f.Truncate(int64(len(b)))
	}
}

// Close forgets the record and releases the lock, if held.
func (l *Lock) Close() {
	if l.locked {
		l.f.Truncate(0)
	}
	l.f.Close() // closing the last descriptor releases the flock
}
