package awsini

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/fsx"
)

// Mode is the mode of every file Update writes: it holds secrets.
const Mode fs.FileMode = 0o600

// DirMode is the mode of a directory Update has to create.
const DirMode fs.FileMode = 0o700

// lockWait is how long Update waits for another writer's lock, and
// lockPoll how often it tries it meanwhile.
const (
	lockWait = 30 * time.Second
	lockPoll = 20 * time.Millisecond
)

// Options say how Update treats a file.
type Options struct {
	// Display names the file in messages ("~/.aws/credentials"); empty
	// means the path.
	Display string

	// beforeRename runs just before the new file replaces the old one;
	// an error from it fails the write there. Tests inject failures here.
	beforeRename func(tmp string) error
}

func (o Options) display(path string) string {
	if o.Display != "" {
		return o.Display
	}
	return path
}

// Read parses the file at path without locking it, for a look before an
// Update. A missing file reads as an empty one.
func Read(path string, opt Options) (*File, error) {
	data, _, err := readFile(path, opt.display(path))
	if err != nil {
		return nil, err
	}
	return Parse(opt.display(path), data)
}

// readFile reads path; a missing file is empty with exists false.
func readFile(path, display string) (data []byte, exists bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("cannot read %s: %v\ncheck the file and its directory", display, fsx.Unwrap(err))
	case !fi.Mode().IsRegular():
		return nil, false, fmt.Errorf("%s is not a regular file (%v)\nreplace it with a file, or point AWS_SHARED_CREDENTIALS_FILE elsewhere", display, fi.Mode().Type())
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("cannot read %s: %v\ncheck the file's permissions", display, fsx.Unwrap(err))
	}
	return data, true, nil
}

// Update edits the file at path: it takes an exclusive lock (path + ".lock"),
// reads and parses the file (a missing file is empty), calls edit, and when
// edit returns nil and the content changed, replaces the file atomically: a
// temporary file in the same directory, written, synced, renamed over the
// old one, and the directory synced. The result has mode 0600 and the
// owner and group of the file it replaces (so root, under sudo -E, leaves
// the user's file theirs); a missing directory is created 0700. Temporary
// files that killed writers left beside the file are removed. A symbolic link is followed and its target
// replaced, so a link into a dotfiles repository stays a link.
//
// A file that does not parse is refused with its line, and on any failure
// the file is left exactly as it was.
func Update(ctx context.Context, path string, opt Options, edit func(*File) error) error {
	display := opt.display(path)
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(path); err != nil {
			return fmt.Errorf("%s is a symbolic link that leads nowhere (%v)\nfix or remove the link", display, fsx.Unwrap(err))
		}
	}
	dir := filepath.Dir(target)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, DirMode); err != nil {
			return fmt.Errorf("cannot create %s for %s: %v", dir, display, fsx.Unwrap(err))
		}
		// root (sudo -E) making ~/.aws: the user's, as their home is.
		_ = fsx.Chown(dir, filepath.Dir(dir))
	}

	unlock, err := lock(ctx, target, display)
	if err != nil {
		return err
	}
	defer unlock()

	old, _, err := readFile(target, display)
	if err != nil {
		return err
	}
	f, err := Parse(display, old)
	if err != nil {
		return err
	}
	if err := edit(f); err != nil {
		return err
	}
	if bytes.Equal(f.Bytes(), old) {
		return nil
	}
	return writeAtomic(target, display, f.Bytes(), opt.beforeRename)
}

// lock takes the lock beside path (path + ".lock", internal/fsx), waiting
// up to lockWait while another writer holds it. The lock file may be the
// owner's of path, and one root makes (sudo -E) is given to that owner, so
// root can take the user's lock and does not lock the user out later. It
// is opened read-only: on a read-only file system the write that follows
// says so.
func lock(ctx context.Context, path, display string) (unlock func(), err error) {
	l, err := fsx.OpenLock(path+".lock", fsx.LockOptions{OwnerOf: path, ReadOnly: true})
	if err != nil {
		return nil, lockError(display, err)
	}
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	for {
		ok, err := l.TryLock()
		switch {
		case err != nil:
			l.Close()
			return nil, lockError(display, err)
		case ok:
			return l.Close, nil
		}
		select {
		case <-ctx.Done():
			l.Close()
			return nil, fmt.Errorf("%s is locked by another program (%s.lock), which did not let go\ntry again when it is done", display, display)
		case <-time.After(lockPoll):
		}
	}
}

// lockError puts a failure to open or take the lock of the file display
// names in words.
func lockError(display string, err error) error {
	if errors.Is(err, fsx.ErrUnsafe) {
		return fmt.Errorf("cannot lock %s: %v", display, err)
	}
	return fmt.Errorf("cannot lock %s: %v\nits directory must be writable", display, fsx.Unwrap(err))
}

// writeAtomic replaces path with data (internal/fsx), keeping the owner
// and group of the file it replaces. On failure path is unchanged and the
// temporary file is gone.
func writeAtomic(path, display string, data []byte, beforeRename func(string) error) error {
	base := filepath.Base(path)
	err := fsx.WriteFile(path, data, Mode, fsx.Options{
		KeepOwner:    true,
		BeforeRename: beforeRename,
		// Earlier versions named theirs ".NAME.tmp-RANDOM".
		LegacyTemp: func(name string) bool { return strings.HasPrefix(name, "."+base+".tmp-") },
	})
	var oe *fsx.OwnerError
	switch {
	case errors.As(err, &oe):
		return fmt.Errorf("cannot write %s: it belongs to uid %d, gid %d, and the new file cannot be given to them (%v)\nthe file is unchanged; write it as its owner", display, oe.UID, oe.GID, oe.Err)
	case err != nil:
		return fmt.Errorf("cannot write %s: %v\nthe file is unchanged; free some space or make its directory writable, then try again", display, fsx.Unwrap(err))
	}
	return nil
}
