package reliability

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// TestReadOnlyCache: with a read-only cache directory, an expired session
// is refreshed all the same (a code is asked, STS is called) and handed
// out, with one warning that it could not be cached and why; the old
// session file stays as it was. For a role on an MFA session, both
// sessions are new and neither can be kept: still one warning. A session
// that is still good is served as usual.
func TestReadOnlyCache(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		profile string
		calls   map[string]int // STS calls the refresh makes
	}{
		{"dev", map[string]int{"GetSessionToken": 1, "AssumeRole": 0}},
		{"admin", map[string]int{"GetSessionToken": 1, "AssumeRole": 1}},
	} {
		t.Run("expired session "+tc.profile, func(t *testing.T) {
			w := newWorld(t)
			old := keyID(t, w.run(nil, "env", "--shell", "bash", tc.profile).stdout)
			w.expire()
			w.nextCode()
			codes := len(w.codes())
			before := w.sessions()
			testenv.ReadOnly(t, w.store())
			r := w.run(nil, "env", "--shell", "bash", tc.profile)
			t.Logf("awsmfa said:\n%s", r.stderr)
			if r.exit != 0 {
				t.Fatalf("exit %d, want the new session handed out although it cannot be cached", r.exit)
			}
			if got := keyID(t, r.stdout); got == old {
				t.Errorf("printed the expired session %s, want a new one", old)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "awsmfa: warning: ") {
				t.Errorf("want exactly one warning line on stderr, got:\n%s", r.stderr)
			}
			for _, want := range []string{"could not be cached", "read-only file system", w.store()} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q", want)
				}
			}
			checkNoSecrets(t, w, r.stderr)
			sameFiles(t, w, before)
			for action, n := range tc.calls {
				if got := w.emu.Count(action); got != n {
					t.Errorf("STS saw %d %s calls, want %d", got, action, n)
				}
			}
			if n := len(w.codes()) - codes; n != 1 {
				t.Errorf("%d MFA codes were asked for, want 1", n)
			}
		})
	}
	t.Run("good session", func(t *testing.T) {
		w := newWorld(t)
		want := w.envDev()
		w.emu.Reset()
		testenv.ReadOnly(t, w.store())
		r := w.run(nil, "env", "--shell", "bash", "dev")
		if r.exit != 0 {
			t.Fatalf("exit %d, want the cached session served; stderr:\n%s", r.exit, r.stderr)
		}
		if keyID(t, r.stdout) != keyID(t, want) {
			t.Errorf("served another session than the cached one:\n%s", r.stdout)
		}
		if n := w.emu.Count("GetSessionToken"); n != 0 {
			t.Errorf("STS saw %d GetSessionToken calls, want none", n)
		}
		checkNoSecrets(t, w, r.stderr)
	})
}

// TestFullDisk puts the cache on a 16 KiB tmpfs, caches a session, lets it
// expire and fills the file system. The refresh gets a new session from
// STS but cannot write it. Its MFA code is spent by then, so awsmfa hands
// the session out (exit 0, the complete export on stdout) and says on
// stderr that it could not be cached and why. The previous session file
// must stay byte-identical, with no temporary file left behind, and no
// secret may reach stderr.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if err := os.MkdirAll(w.cacheDir, 0o700); err != nil {
		t.Fatal(err)
	}
	testenv.Tmpfs(t, w.cacheDir, "16k")
	old := w.staleDev()
	before := w.sessions()
	fill(t, filepath.Join(w.cacheDir, "filler"))

	r := w.run(nil, "env", "--shell", "bash", "dev")
	t.Logf("awsmfa said:\n%s", r.stderr)
	if r.exit != 0 {
		t.Errorf("exit %d, want the new session handed out although it could not be cached", r.exit)
	}
	if got := keyID(t, r.stdout); got == old {
		t.Errorf("printed the expired session %s, want the new one", old)
	}
	for _, want := range []string{"could not be cached", "no space left on device"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	checkNoSecrets(t, w, r.stderr)
	sameFiles(t, w, before)
	if n := w.emu.Count("GetSessionToken"); n != 1 {
		t.Errorf("STS saw %d GetSessionToken calls, want 1", n)
	}
}

// fill writes to path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 512)
	for i := 0; ; i++ {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return
		}
		if i > 1<<16 {
			t.Fatal("the tiny file system never filled up (was it mounted?)")
		}
	}
}
