// Package fsx replaces files that hold secrets the one safe way: whole or
// not at all, never readable by anyone else on the way, and with nothing
// left behind; and it locks them.
//
// WriteFile writes a temporary file in the directory of the file it
// replaces (created 0600 with O_EXCL, named ".NAME.awsmfa-tmp-PID-RANDOM"),
// syncs it, renames it over the file and syncs the directory: two syncs,
// so a crash, a full disk or a read-only directory leaves either the old
// file or the new one, never a torn one. A temporary file that a killed
// writer left behind holds the same secrets as the file; every WriteFile
// removes the stale ones of its directory, those whose writer process is
// gone or that are older than a minute, and leaves those a live writer is
// still filling.
//
// Several writes can share the directory sync (a Batch): each temporary
// file is still synced before its rename, so no file is ever torn or
// empty, and the renames become durable together when the Batch is
// synced, with one sync per directory instead of one per file.
//
// With KeepOwner, the new file gets the owner and group of the file it
// replaces, so an edit made as root (sudo -E) does not take the user's own
// file away from them.
//
// OpenLock opens the one kind of lock file awsmfa uses, beside the file it
// guards: flock(2) (github.com/gofrs/flock where there is none), on a
// private regular file checked on its open descriptor.
package fsx

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tempMarker is what every temporary file of this package has in its name,
// after a dot and the name of the file it will replace.
const tempMarker = ".awsmfa-tmp-"

// StaleAfter is the age past which a temporary file is removed even when a
// process with its writer's pid still runs (the pid may have been reused):
// a write takes milliseconds.
const StaleAfter = time.Minute

// Options say how WriteFile replaces a file.
type Options struct {
	// KeepOwner gives the new file the owner and group of the file it
	// replaces, as far as the process may: root keeps both, anyone else
	// keeps a group they are in. When there is no such file and the
	// process runs as root, the new file gets the owner and group of its
	// directory instead, so root writing into a user's home leaves a file
	// the user owns. When root cannot give the file away (a file system
	// without owners), the write fails with an *OwnerError and the file is
	// unchanged.
	KeepOwner bool

	// LegacyTemp, when set, recognises by its base name a temporary file
	// that an earlier version named differently; such files older than
	// StaleAfter are removed with the others.
	LegacyTemp func(name string) bool

	// NoSync skips both syncs, for a file that need never survive a
	// crash, only never be seen half written.
	NoSync bool

	// Batch, when set, leaves the directory sync to Batch.Sync, which
	// makes the renames of all the writes of the Batch durable at once.
	// The temporary file is synced before the rename all the same. Until
	// the Batch is synced, a crash of the system (not of the process) may
	// undo the rename and leave the previous file, whole.
	Batch *Batch

	// BeforeRename, when set, runs after the temporary file is written,
	// synced and closed, and before it is renamed into place; an error from
	// it aborts the write as a failing rename would. Tests inject crashes
	// and failures here.
	BeforeRename func(tmp string) error
}

// WriteFile replaces the file at path with data, atomically, with mode
// perm (and, with opt.KeepOwner, the owner and group of the file it
// replaces). path must not be a symbolic link: it would be replaced by a
// file (resolve it first to write through it). On failure the file at
// path is as it was and the temporary file is gone. Errors are those of
// the failing call (*fs.PathError and the like), for the caller to put in
// its own words, or an *OwnerError.
func WriteFile(path string, data []byte, perm fs.FileMode, opt Options) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	sweep(dir, opt.LegacyTemp)
	var own *owner
	if opt.KeepOwner {
		own = ownerFor(path)
	}
	f, err := os.CreateTemp(dir, "."+base+tempMarker+strconv.Itoa(os.Getpid())+"-*") // 0600, O_EXCL
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if own != nil {
		if err := f.Chown(own.uid, own.gid); err != nil {
			return &OwnerError{Path: path, UID: own.uid, GID: own.gid, Err: Unwrap(err)}
		}
	}
	if perm != 0o600 {
		if err := f.Chmod(perm); err != nil {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if !opt.NoSync {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if opt.BeforeRename != nil {
		if err := opt.BeforeRename(tmp); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// The rename is durable once the directory is synced; a failure here
	// leaves the new file in place, so it is not a failed write.
	switch {
	case opt.NoSync:
	case opt.Batch != nil:
		opt.Batch.add(dir)
	default:
		syncDir(dir)
	}
	return nil
}

// Batch collects the directory syncs of the WriteFile calls made with it
// (Options.Batch), so that renames in one directory are made durable by
// one sync of it. It is safe for concurrent use.
type Batch struct {
	// SyncDir, when set, is called instead of syncing a directory (tests
	// see there when the syncs happen).
	SyncDir func(dir string)

	mu   sync.Mutex
	dirs []string // directories with renames not yet synced, in order
}

// add notes a rename in dir that the next Sync must make durable.
func (b *Batch) add(dir string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.dirs {
		if d == dir {
			return
		}
	}
	b.dirs = append(b.dirs, dir)
}

// Sync makes every rename done with b so far durable, syncing each
// directory once; a write made with b after it waits for the next Sync.
// It is best effort, as the directory sync of a single WriteFile is: the
// renames have happened either way.
func (b *Batch) Sync() {
	b.mu.Lock()
	dirs := b.dirs
	b.dirs = nil
	b.mu.Unlock()
	for _, d := range dirs {
		if b.SyncDir != nil {
			b.SyncDir(d)
		} else {
			syncDir(d)
		}
	}
}

type batchKey struct{}

// WithBatch returns a copy of ctx that carries b, for the writes made
// further down a call chain to join (BatchFrom).
func WithBatch(ctx context.Context, b *Batch) context.Context {
	return context.WithValue(ctx, batchKey{}, b)
}

// BatchFrom returns the Batch ctx carries, or nil.
func BatchFrom(ctx context.Context) *Batch {
	b, _ := ctx.Value(batchKey{}).(*Batch)
	return b
}

// isTemp reports whether name (a base name) is a temporary file of this
// package.
func isTemp(name string) bool {
	_, ok := tempPID(name)
	return ok
}

// Temps lists the temporary files of this package meant to replace path,
// live or stale, for a caller that removes path and wants no copy of it
// left behind.
func Temps(path string) []string {
	dir, base := filepath.Split(path)
	// The marker has no glob metacharacters; base is quoted below.
	m, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(base)+tempMarker+"*"))
	return m
}

// sweep removes the stale temporary files in dir: those of this package
// whose writer is gone or that are older than StaleAfter, and those legacy
// (when not nil) recognises that are older than StaleAfter. It is best
// effort: a file it cannot remove is left for the next sweep.
func sweep(dir string, legacy func(name string) bool) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	now := time.Now()
	self := os.Getpid()
	for _, e := range ents {
		name := e.Name()
		pid, ours := tempPID(name)
		if !ours && (legacy == nil || !legacy(name)) {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		old := now.Sub(fi.ModTime()) > StaleAfter
		if old || (ours && pid != self && !alive(pid)) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// tempPID parses the writer's pid out of a temporary file's name.
func tempPID(name string) (int, bool) {
	if !strings.HasPrefix(name, ".") {
		return 0, false
	}
	i := strings.LastIndex(name, tempMarker)
	if i < 2 {
		return 0, false
	}
	rest := name[i+len(tempMarker):]
	j := strings.IndexByte(rest, '-')
	if j <= 0 {
		return 0, false
	}
	pid, err := strconv.Atoi(rest[:j])
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OwnerError reports that the new file could not be given the owner and
// group of the file it replaces (-1: left as it was).
type OwnerError struct {
	Path     string
	UID, GID int
	Err      error
}

func (e *OwnerError) Error() string {
	return fmt.Sprintf("cannot give the new %s the owner and group of the old one (uid %d, gid %d): %v", e.Path, e.UID, e.GID, e.Err)
}

func (e *OwnerError) Unwrap() error { return e.Err }
