package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMounts: a read-only bind mount refuses writes, a tmpfs fills up, and
// both are gone after the test that made them.
func TestMounts(t *testing.T) {
	dir := t.TempDir()
	t.Run("read-only", func(t *testing.T) {
		ReadOnly(t, dir)
		if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o600); !errors.Is(err, syscall.EROFS) {
			t.Errorf("writing in a read-only mount: %v, want EROFS", err)
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o600); err != nil {
		t.Errorf("after the test the directory is still read-only: %v", err)
	}
	t.Run("tmpfs", func(t *testing.T) {
		Tmpfs(t, dir, "64k")
		err := os.WriteFile(filepath.Join(dir, "big"), make([]byte, 128<<10), 0o600)
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("writing 128 KiB in a 64 KiB tmpfs: %v, want ENOSPC", err)
		}
	})
	if _, err := os.Stat(filepath.Join(dir, "f")); err != nil {
		t.Errorf("after the test the tmpfs still hides the directory: %v", err)
	}
}
