//go:build unix

package fsx

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// owner is a uid and gid to give a new file; -1 leaves one as it is.
type owner struct{ uid, gid int }

// ownerFor returns the owner and group the new file at path must get, or
// nil when the process's own will do. root keeps both (and gives a new
// file in someone else's directory to them). Anyone else can only keep a
// group they are in, and otherwise gets the file as their own, as any
// editor would leave it: an unprivileged process can write a file only in
// a directory it may write to, its own home.
func ownerFor(path string) *owner {
	var st syscall.Stat_t
	euid := os.Geteuid()
	if err := syscall.Stat(path, &st); err != nil {
		if euid != 0 || syscall.Stat(filepath.Dir(path), &st) != nil {
			return nil
		}
	}
	o := &owner{uid: int(st.Uid), gid: int(st.Gid)}
	if euid != 0 {
		o.uid = -1
		if groups, err := os.Getgroups(); err != nil || !slices.Contains(groups, o.gid) {
			o.gid = -1
		}
	}
	if o.uid == euid {
		o.uid = -1
	}
	if o.gid == os.Getegid() {
		o.gid = -1
	}
	if o.uid == -1 && o.gid == -1 {
		return nil
	}
	return o
}

// Chown gives the file at path (not following a symbolic link) the owner
// and group that WriteFile with KeepOwner gives a file replacing like, for
// files made by other means (a lock file beside it).
func Chown(path, like string) error {
	o := ownerFor(like)
	if o == nil {
		return nil
	}
	return os.Lchown(path, o.uid, o.gid)
}

// alive reports whether a process with this pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// syncDir makes a rename in dir durable. It is best effort: some file
// systems cannot sync a directory, and the rename has already happened.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
