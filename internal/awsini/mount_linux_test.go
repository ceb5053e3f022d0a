package awsini

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// TestUpdateReadOnlyFileSystem: on a read-only file system (a read-only
// bind mount, since permission bits do not stop root) the update fails
// with a clear message and the file is intact. It needs root to mount.
func TestUpdateReadOnlyFileSystem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, []byte("[a]\nk = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The lock file must exist before the mount: creating it is the
	// first write an Update makes.
	if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	before := stat(t, path)
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
		if errors.Is(err, syscall.EPERM) {
			testenv.Skip(t, "cannot mount here (%v); run as root with CAP_SYS_ADMIN to test this", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	err := Update(t.Context(), path, Options{Display: "~/.aws/credentials"}, setKV("a", KV{"k", "2"}))
	if err == nil || !strings.Contains(err.Error(), "cannot write ~/.aws/credentials: read-only file system") {
		t.Fatalf("Update = %v, want a read-only error", err)
	}
	if !same(before, stat(t, path)) {
		t.Error("the file changed")
	}
}
