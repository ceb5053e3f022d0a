//go:build unix

package cache

import (
	"fmt"
	"io/fs"
	"syscall"
)

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
