package reliability

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServerChildDiesWithAwsmfa: the child of `exec --server` gets its
// credentials from awsmfa's endpoint. When awsmfa is killed (SIGKILL, the
// OOM killer), nobody holds that port any more, and another local user
// could take it and serve the child credentials of their own (or take its
// token). On Linux the child gets SIGTERM when awsmfa dies.
func TestServerChildDiesWithAwsmfa(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	dir := t.TempDir()
	ready, term, pids := filepath.Join(dir, "ready"), filepath.Join(dir, "term"), filepath.Join(dir, "pids")
	script := `trap 'echo got TERM > "$D/term"; kill $!; exit' TERM
sleep 60 & echo "$$ $!" > "$D/pids"; echo ready > "$D/ready"; wait`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, _, stderr := w.command(ctx, []string{"D=" + dir}, "exec", "--server", "dev", "--", "sh", "-c", script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Whatever happened, leave no process behind.
		b, _ := os.ReadFile(pids)
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	waitFor := func(p string, d time.Duration) bool {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(p); err == nil {
				return true
			}
		}
		return false
	}
	if !waitFor(ready, 30*time.Second) {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child did not start within 30 s; awsmfa's stderr:\n%s", stderr)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !waitFor(term, 15*time.Second) {
		t.Fatal("the child of exec --server got no SIGTERM within 15 s of awsmfa's death: it would go on with an endpoint nobody holds")
	}
}
