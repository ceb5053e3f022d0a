package testenv

import (
	"errors"
	"syscall"
	"testing"
)

// Mount mounts source on target, with syscall.Mount's arguments, and
// unmounts it in Cleanup (which runs before t's temporary directories are
// removed). Without the right to mount (root with CAP_SYS_ADMIN) it skips
// t, or fails it when AWSMFA_REQUIRE_ALL=1 (see Skip).
func Mount(t testing.TB, source, target, fstype string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			Skip(t, "cannot mount here (%v); run as root with CAP_SYS_ADMIN to test this", err)
		}
		t.Fatalf("mount %s on %s: %v", source, target, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(target, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", target, err)
		}
	})
}

// ReadOnly makes dir read-only with a read-only bind mount of itself:
// permission bits do not stop root. See Mount.
func ReadOnly(t testing.TB, dir string) {
	t.Helper()
	Mount(t, dir, dir, "", syscall.MS_BIND, "")
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount %s read-only: %v", dir, err)
	}
}

// Tmpfs mounts an empty tmpfs of size (tmpfs's size option: 64k, 1m) with
// mode 0700 on dir, to fill to the last byte. See Mount.
func Tmpfs(t testing.TB, dir, size string) {
	t.Helper()
	Mount(t, "tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700")
}
