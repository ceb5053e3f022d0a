//go:build !unix

package cache

import (
	"fmt"
	"io"
	"os"

	"github.com/awsmfa/awsmfa/internal/fsx"
)

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
		return nil, fmt.Errorf("cannot read cache file %s: %v", p, fsx.Unwrap(err))
	}
	if len(data) > maxFileSize {
		return nil, &corruptError{path: p, reason: "too large"}
	}
	return data, nil
}
