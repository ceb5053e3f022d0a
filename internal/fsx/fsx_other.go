//go:build !unix

package fsx

// owner is a uid and gid to give a new file; never needed here.
type owner struct{ uid, gid int }

// ownerFor returns nil: files have ACLs here, not owners to keep, and a
// replaced file takes its directory's inherited ACL.
func ownerFor(string) *owner { return nil }

// Chown does nothing: see ownerFor.
func Chown(string, string) error { return nil }

// alive reports true: without a cheap check, a temporary file is taken
// for stale only by its age.
func alive(int) bool { return true }

// syncDir does nothing: directories cannot be synced on this system.
func syncDir(string) {}
