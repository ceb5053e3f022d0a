//go:build unix

package child

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSignalForwarded sends SIGUSR1 and SIGTERM to this process while a
// child runs, and checks the child saw them. (The test binary has no
// controlling terminal in CI; with one, SIGINT from the terminal already
// reaches the child, which is why it is not forwarded a second time.)
func TestSignalForwarded(t *testing.T) {
	sh := sh(t)
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	script := `trap 'echo usr1 >> "$OUT"' USR1; trap 'echo term >> "$OUT"; exit 7' TERM; touch "$READY"; while :; do sleep 0.05; done`
	env := append(os.Environ(), "OUT="+filepath.Join(dir, "out"), "READY="+ready)
	res := make(chan int, 1)
	go func() {
		st, _ := Run(context.Background(), Command{Args: []string{sh, "-c", script}, Env: env})
		res <- st
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("child never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	self, _ := os.FindProcess(os.Getpid())
	_ = self.Signal(syscall.SIGUSR1)
	time.Sleep(200 * time.Millisecond)
	_ = self.Signal(syscall.SIGTERM)
	select {
	case st := <-res:
		if st != 7 {
			t.Errorf("status %d, want 7 from the TERM trap", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("child did not exit after SIGTERM was forwarded")
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out"))
	if string(out) != "usr1\nterm\n" {
		t.Errorf("child saw %q, want usr1 then term", out)
	}
}
