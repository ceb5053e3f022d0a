//go:build unix

package cache

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkModes says whether permission bits mean anything here.
const checkModes = true

// lockFlags opens a lock file without following a symbolic link, and
// without blocking on a named pipe planted in its place.
const lockFlags = os.O_CREATE | os.O_RDWR | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_CLOEXEC

// openLock opens (creating it 0600) the lock file p and checks it on the
// open descriptor: a private regular file owned by the user.
func openLock(p string) (lockHandle, error) {
	f, err := os.OpenFile(p, lockFlags, 0o600)
	if err != nil {
		return nil, lockError(p, err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkLock(p, fi)
	}
	if err != nil {
		f.Close()
		return nil, lockError(p, err)
	}
	return &unixLock{f: f}, nil
}

// unixLock is a lock file held with flock(2), which the kernel releases
// when the process dies. Its holder records in it what it is doing.
type unixLock struct {
	f      *os.File
	locked bool
}

func (l *unixLock) try() (bool, error) {
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

func (l *unixLock) status() string {
	buf := make([]byte, 256)
	n, _ := l.f.ReadAt(buf, 0)
	return string(buf[:n])
}

// record writes line at the start, then cuts the file after it: a reader
// in between sees the new line first, and reads only up to its newline.
func (l *unixLock) record(line string) {
	b := []byte(line + "\n")
	if _, err := l.f.WriteAt(b, 0); err == nil {
		l.f.Truncate(int64(len(b)))
	}
}

func (l *unixLock) release() {
	if l.locked {
		l.f.Truncate(0)
	}
	l.f.Close() // closing the last descriptor releases the flock
}

// ownerOf is the uid owning fi, or -1 when unknown.
func ownerOf(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// readPrivate reads the cache file p with one open (O_NOFOLLOW, so a
// symbolic link is never followed; O_NONBLOCK, so a named pipe cannot hang
// it), one fstat on the open descriptor for the type, owner and mode
// checks, and one read.
func (s *Store) readPrivate(p string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, s.openError(p, err)
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("cannot read cache file %s: %v", p, err)
	}
	if err := s.checkFile(p, modeOf(uint32(st.Mode)), int(st.Uid)); err != nil {
		return nil, err
	}
	if st.Size > maxFileSize {
		return nil, &corruptError{path: p, reason: "too large"}
	}
	buf := make([]byte, st.Size)
	for off := 0; off < len(buf); {
		n, err := syscall.Read(fd, buf[off:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read cache file %s: %v", p, err)
		}
		if n == 0 {
			buf = buf[:off]
			break
		}
		off += n
	}
	return buf, nil
}

// modeOf converts a stat mode to an fs.FileMode.
func modeOf(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
	case syscall.S_IFDIR:
		mode |= fs.ModeDir
	case syscall.S_IFLNK:
		mode |= fs.ModeSymlink
	case syscall.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		mode |= fs.ModeSocket
	case syscall.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		mode |= fs.ModeDevice
	default:
		mode |= fs.ModeIrregular
	}
	return mode
}
