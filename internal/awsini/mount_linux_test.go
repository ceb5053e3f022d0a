package awsini

import (
	"os"
	"path/filepath"
	"strings"
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
	testenv.ReadOnly(t, dir)
	err := Update(t.Context(), path, Options{Display: "~/.aws/credentials"}, setKV("a", KV{"k", "2"}))
	if err == nil || !strings.Contains(err.Error(), "cannot write ~/.aws/credentials: read-only file system") {
		t.Fatalf("Update = %v, want a read-only error", err)
	}
	if !same(before, stat(t, path)) {
		t.Error("the file changed")
	}
}
