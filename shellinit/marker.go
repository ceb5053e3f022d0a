package shellinit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// markerPrefix starts the name of every marker file, so pruning touches
// nothing else in the directory.
const markerPrefix = "marker-"

// markerStale is how long a marker is kept after its refresh time. Sessions
// last at most 36 hours, so a marker whose refresh time lies more than
// 36h+24h before a new session's refresh time is at least a day past its own.
const markerStale = 60 * time.Hour

// Marker makes sure dir holds the marker file of the session whose access
// key is accessKeyID, with its modification time set to refreshAt, and
// returns its path. fish's hook reads `path mtime -R` on it: the seconds
// since refreshAt, negative until the session is due, with no process.
//
// dir is created 0700 and the file 0600; its name is a hash of the access
// key, so each session instance has its own marker and shells holding older
// or newer sessions of the same profile do not disturb each other. When the
// marker is already right, Marker only stats it (it runs on the cache-hit
// path of `awsmfa env`); when it writes one, it also removes markers whose
// refresh time is long past.
func Marker(dir string, accessKeyID string, refreshAt time.Time) (path string, err error) {
	if accessKeyID == "" {
		return "", errors.New("shellinit: marker needs the session's access key ID")
	}
	sum := sha256.Sum256([]byte(accessKeyID))
	path = filepath.Join(dir, markerPrefix+hex.EncodeToString(sum[:12]))
	want := refreshAt.Truncate(time.Second)

	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm() == 0o600 && fi.ModTime().Equal(want) {
		return path, nil
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create the marker directory: %w", err)
	}
	if fi, err := os.Lstat(dir); err != nil {
		return "", fmt.Errorf("cannot use the marker directory: %w", err)
	} else if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("marker directory %s must be a directory only you can read (chmod 700 %s)", dir, dir)
	}
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return "", fmt.Errorf("marker %s is not a regular file; remove it and try again", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|noFollow, 0o600)
	if err != nil {
		return "", fmt.Errorf("cannot write the marker: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return "", fmt.Errorf("cannot write the marker: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("cannot write the marker: %w", err)
	}
	if err := os.Chtimes(path, want, want); err != nil {
		return "", fmt.Errorf("cannot set the marker's time: %w", err)
	}
	pruneMarkers(dir, path, want.Add(-markerStale))
	return path, nil
}

// pruneMarkers removes markers other than keep whose time is before cutoff.
// It is housekeeping: errors are ignored.
func pruneMarkers(dir, keep string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), markerPrefix) || e.Type()&fs.ModeType != 0 {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if p == keep {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(p)
		}
	}
}
