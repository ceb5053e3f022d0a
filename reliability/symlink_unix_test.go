//go:build unix

package reliability

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSymlinkRefused puts a symbolic link where a cache file should be.
// Someone who can write to the cache directory (or a careless restore)
// could point it at credentials of their choosing, or at a file they want
// awsmfa to overwrite. awsmfa must refuse with a clear error, call STS
// not at all, and neither read through the link nor write through it.
func TestSymlinkRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// plant replaces a cache file with a link to target; it returns
		// the bytes target must still hold afterwards (nil: must not exist).
		plant func(t *testing.T, w *world, target string) []byte
	}{
		{
			name: "session file linked to a good session",
			plant: func(t *testing.T, w *world, target string) []byte {
				p := w.session()
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(target, b, 0o600); err != nil {
					t.Fatal(err)
				}
				replaceWithLink(t, p, target)
				return b
			},
		},
		{
			name: "session file linked to nowhere",
			plant: func(t *testing.T, w *world, target string) []byte {
				replaceWithLink(t, w.session(), target)
				return nil
			},
		},
		{
			name: "lock file linked to nowhere, session expired",
			plant: func(t *testing.T, w *world, target string) []byte {
				w.expire()
				p := w.session()
				replaceWithLink(t, p[:len(p)-len(".json")]+".lock", target)
				return nil
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.envDev()
			target := filepath.Join(w.dir, "elsewhere")
			want := tc.plant(t, w, target)
			w.emu.Reset()

			r := w.run(nil, "env", "--shell", "bash", "dev")
			checkClearError(t, w, r, "refusing", "symbolic link", w.store())
			if n := w.emu.Count("GetSessionToken"); n != 0 {
				t.Errorf("STS saw %d GetSessionToken calls, want none", n)
			}
			got, err := os.ReadFile(target)
			switch {
			case want == nil && !os.IsNotExist(err):
				t.Errorf("awsmfa created the link's target %s (err %v)", target, err)
			case want != nil && !bytes.Equal(got, want):
				t.Errorf("the link's target changed: %q", got)
			}
		})
	}
}

// replaceWithLink removes p and puts a symbolic link to target in its place.
func replaceWithLink(t *testing.T, p, target string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}
