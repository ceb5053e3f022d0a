//go:build unix

package fsx

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// TestKeepOwner: root replacing another user's file (sudo -E) gives the
// new file that user's owner and group; a new file in their directory is
// theirs too. Without KeepOwner the file is root's.
func TestKeepOwner(t *testing.T) {
	testenv.NeedRoot(t, "give files to another user")
	const uid, gid = 65534, 65533
	for _, tc := range []struct {
		name     string
		existing bool
		keep     bool
		wantUID  uint32
		wantGID  uint32
	}{
		{"replace, keep", true, true, uid, gid},
		{"new file in their directory, keep", false, true, uid, gid},
		{"replace, no keep", true, false, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Chown(dir, uid, gid); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "credentials")
			if tc.existing {
				if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chown(p, uid, gid); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFile(p, []byte("new"), 0o600, Options{KeepOwner: tc.keep}); err != nil {
				t.Fatal(err)
			}
			var st syscall.Stat_t
			if err := syscall.Stat(p, &st); err != nil {
				t.Fatal(err)
			}
			if st.Uid != tc.wantUID || st.Gid != tc.wantGID || st.Mode&0o777 != 0o600 {
				t.Errorf("owner %d:%d mode %o, want %d:%d 600", st.Uid, st.Gid, st.Mode&0o777, tc.wantUID, tc.wantGID)
			}
			lock := p + ".lock"
			if err := os.WriteFile(lock, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := Chown(lock, p); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Stat(lock, &st); err != nil {
				t.Fatal(err)
			}
			if tc.keep && (st.Uid != uid || st.Gid != gid) {
				t.Errorf("lock file owner %d:%d after Chown, want %d:%d", st.Uid, st.Gid, uid, gid)
			}
		})
	}
}
