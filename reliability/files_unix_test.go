//go:build unix

package reliability

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/fsx"
	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/mfa"
)

// writeDev is `awsmfa write dev` into [dev-short] (the world's [dev] holds
// the long-term keys), which must succeed.
func (w *world) writeDev() {
	w.t.Helper()
	if r := w.run(nil, "write", "dev", "--short-term-suffix", "short", "--force"); r.exit != 0 {
		w.t.Fatalf("awsmfa write dev: exit %d, stderr:\n%s", r.exit, r.stderr)
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestStaleTempsRemoved: a writer killed between creating its temporary
// file and renaming it (SIGKILL, the OOM killer, a power cut) leaves a
// full copy of the secrets it was writing: long-term keys beside the
// credentials file, a session in the cache. The next write removes such
// files, in this version's naming and in the earlier one, but leaves alone
// a temporary file a live writer is still filling, and anything that is
// not awsmfa's.
func TestStaleTempsRemoved(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.writeDev() // makes the store, a session file and the used-code record
	// The second write needs a new code: move to the next step, and forget
	// the last one so awsmfa does not wait for real time to catch up.
	if err := os.Remove(filepath.Join(w.store(), mfa.LedgerFile)); err != nil {
		t.Fatal(err)
	}
	w.emu.Advance(30 * time.Second)
	aws := filepath.Join(w.dir, "home", ".aws")
	key := strings.TrimSuffix(filepath.Base(w.session()), ".json")
	dead, live := strconv.Itoa(deadPID(t)), strconv.Itoa(os.Getpid())
	old := time.Now().Add(-2 * fsx.StaleAfter)
	cases := []struct {
		dir, name string
		mtime     time.Time // zero: now
		stays     bool
	}{
		{aws, ".credentials.tmp-3417995921", old, false},                    // earlier naming, killed
		{aws, ".credentials.awsmfa-tmp-" + dead + "-1", time.Time{}, false}, // writer gone
		{aws, ".credentials.awsmfa-tmp-" + live + "-2", old, false},         // pid reused long after
		{aws, ".credentials.awsmfa-tmp-" + live + "-3", time.Time{}, true},  // a live writer's
		{aws, ".credentials.tmp-1", time.Time{}, true},                      // earlier naming, maybe live
		{aws, "notes.tmp", old, true},                                       // not awsmfa's
		{w.store(), key + ".2503591.tmp", old, false},
		{w.store(), "." + key + ".json.awsmfa-tmp-" + dead + "-4", time.Time{}, false},
		{w.store(), ".other.json.awsmfa-tmp-" + dead + "-5", time.Time{}, false}, // another key's
		{w.store(), "." + mfa.LedgerFile + ".tmp-" + dead + "-6", old, false},
		{w.store(), "." + key + ".json.awsmfa-tmp-" + live + "-7", time.Time{}, true},
	}
	for _, c := range cases {
		p := filepath.Join(c.dir, c.name)
		if err := os.WriteFile(p, []byte("aws_secret_access_key = copy\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !c.mtime.IsZero() {
			if err := os.Chtimes(p, c.mtime, c.mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.writeDev()
	for _, c := range cases {
		_, err := os.Stat(filepath.Join(c.dir, c.name))
		switch {
		case c.stays && err != nil:
			t.Errorf("%s was removed (%v), but its writer may still be filling it", c.name, err)
		case !c.stays && err == nil:
			t.Errorf("%s is still there: a stale copy of secrets", c.name)
		}
	}
}

// TestWriteAsRootKeepsOwner: `sudo -E awsmfa write` (root, with the user's
// HOME) must leave the user's credentials file and its lock file owned by
// the user, not by root, which would lock the user out of their own file.
func TestWriteAsRootKeepsOwner(t *testing.T) {
	testenv.NeedRoot(t, "write into a file another user owns")
	t.Parallel()
	const uid, gid = 65534, 65534
	w := newWorld(t)
	home := filepath.Join(w.dir, "home")
	creds := filepath.Join(home, ".aws", "credentials")
	for _, p := range []string{home, filepath.Dir(creds), creds} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	w.writeDev()
	b, err := os.ReadFile(creds)
	if err != nil || !strings.Contains(string(b), "[dev-short]") {
		t.Fatalf("the credentials file has no [dev-short] (%v):\n%s", err, b)
	}
	for _, p := range []string{creds, creds + ".lock"} {
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != uid || st.Gid != gid || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: owner %d:%d mode %v after a write as root; want %d:%d %v", p, st.Uid, st.Gid, fi.Mode().Perm(), uid, gid, os.FileMode(0o600))
		}
	}
}
