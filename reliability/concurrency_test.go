package reliability

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConcurrentEnvOnStaleCache starts 64 `awsmfa env dev` at once on an
// expired cached session. The code source is slow (300 ms), so every
// process finds the session stale and queues on its lock: exactly one must
// ask for a code and call STS, and all 64 must print the same new session.
func TestConcurrentEnvOnStaleCache(t *testing.T) {
	const n = 64
	w := newWorld(t)
	old := w.staleDev()
	codesBefore := len(w.codes())

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	type proc struct {
		wait           func() error
		stdout, stderr *bytes.Buffer
	}
	procs := make([]proc, n)
	for i := range procs {
		cmd, stdout, stderr := w.command(ctx, []string{"CODE_DELAY=300ms"}, "env", "--shell", "bash", "dev")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = proc{cmd.Wait, stdout, stderr}
	}
	failed, differ := 0, 0
	for i, p := range procs {
		err := p.wait()
		if ctx.Err() != nil {
			t.Fatalf("the %d processes did not finish within 45 s (a lock never released?)", n)
		}
		if code := exitCode(t, err); code != 0 || unexpectedStderr(p.stderr.String()) {
			if failed++; failed == 1 {
				t.Errorf("process %d: exit %d, stderr:\n%s", i, code, p.stderr)
			}
		}
		if i > 0 && p.stdout.String() != procs[0].stdout.String() {
			if differ++; differ == 1 {
				t.Errorf("process %d printed something else than process 0:\n%s\n---\n%s", i, p.stdout, procs[0].stdout)
			}
		}
	}
	if failed+differ > 0 {
		t.Fatalf("%d of %d processes failed, %d printed another session than the first", failed, n, differ)
	}
	if got := keyID(t, procs[0].stdout.String()); got == old {
		t.Errorf("all printed the expired session %s, want a new one", old)
	}
	if got := w.emu.Count("GetSessionToken"); got != 1 {
		t.Errorf("STS saw %d GetSessionToken calls, want exactly 1", got)
	}
	if got := len(w.codes()) - codesBefore; got != 1 {
		t.Errorf("%d MFA codes were asked for, want exactly 1", got)
	}
}

// TestKilledLockHolder kills awsmfa with SIGKILL while it holds the lock
// on a stale session (it is waiting for its mfa_process, which hangs).
// The next awsmfa must get the lock at once and refresh, even while the
// orphaned mfa_process still runs; the killed one must leave the old
// session file as it was.
func TestKilledLockHolder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	old := w.staleDev()
	before := w.sessions()

	pidfile := filepath.Join(w.dir, "hang.pid")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	holder, _, stderr := w.command(ctx, []string{"AWSMFA_RELIABILITY_HELPER=hang", "HANG_PIDFILE=" + pidfile}, "env", "--shell", "bash", "dev")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	var hangPid int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(pidfile); err == nil {
			hangPid, _ = strconv.Atoi(string(b))
			break
		}
		if time.Now().After(deadline) {
			holder.Process.Kill()
			holder.Wait()
			t.Fatalf("the mfa_process never started; awsmfa stderr:\n%s", stderr)
		}
	}
	// The orphan outlives awsmfa; it must not hold the lock for it.
	t.Cleanup(func() {
		if p, err := os.FindProcess(hangPid); err == nil && hangPid > 0 {
			p.Kill()
		}
	})
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := holder.Wait(); err == nil {
		t.Fatal("the lock holder exited normally, want it killed")
	}
	sameFiles(t, w, before)

	// run fails the test if this waits 30 s: a lock left behind by the
	// dead holder (or kept by its orphan) would block it for a minute.
	r := w.run(nil, "env", "--shell", "bash", "dev")
	if r.exit != 0 {
		t.Fatalf("after the lock holder was killed: exit %d, stderr:\n%s", r.exit, r.stderr)
	}
	if keyID(t, r.stdout) == old {
		t.Errorf("got the expired session %s, want a new one", old)
	}
	if got := w.emu.Count("GetSessionToken"); got != 1 {
		t.Errorf("STS saw %d GetSessionToken calls, want 1", got)
	}
}

// unexpectedStderr reports whether stderr holds anything but the lines a
// waiter prints, after a second of waiting on a slow machine, about the
// awsmfa it waits for.
func unexpectedStderr(stderr string) bool {
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, "awsmfa: waiting for another awsmfa") {
			return true
		}
	}
	return false
}
