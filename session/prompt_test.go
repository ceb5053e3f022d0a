//go:build linux || darwin

package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/awsmfa/awsmfa/internal/ptytest"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// ttyScreen collects what the prompt writes to the terminal.
type ttyScreen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *ttyScreen) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(b)
}

func (s *ttyScreen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the screen shows substr n times.
func (s *ttyScreen) waitFor(t *testing.T, substr string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.String(), substr) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%q did not appear %d times on the terminal; it shows:\n%s", substr, n, s.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPromptGivesUpAfterThreeMalformed: three malformed answers on the
// terminal end the question with an error that says why and how often it
// asked. No STS call is made and nothing is cached or recorded: both on the
// path that sends the code to GetSessionToken and on the one that sends it
// to AssumeRole, through a Getter on the emulator over HTTP, with the
// used-step rule on as awsmfa runs it.
func TestPromptGivesUpAfterThreeMalformed(t *testing.T) {
	for name, plan := range map[string]func() *profile.Plan{"GetSessionToken": mfaPlan, "AssumeRole": longRolePlan} {
		t.Run(name, func(t *testing.T) {
			master, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pty here: %v", err)
			}
			defer master.Close()
			defer tty.Close()
			var screen ttyScreen
			go io.Copy(&screen, master)

			r := newRig(t)
			p := plan()
			g := r.getter(mfa.Prompt{Label: p.Name, Open: ptytest.Reopen(tty)}, true)
			done := make(chan error, 1)
			go func() {
				_, err := g.Get(context.Background(), p)
				done <- err
			}()

			const question = "awsmfa: MFA code for "
			for i, answer := range []string{"12345", "abcdef", "1234567"} {
				screen.waitFor(t, question, i+1)
				if _, err := master.Write([]byte(answer + "\r")); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("the prompt did not give up after 3 malformed answers; the terminal shows:\n%s", screen.String())
			}
			if err == nil || errors.Is(err, mfa.ErrCancelled) {
				t.Fatalf("Get() error = %v, want a malformed-code error", err)
			}
			for _, s := range []string{"an MFA code is 6 digits", "asked 3 times"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			time.Sleep(100 * time.Millisecond) // let the last echo through
			if got := strings.Count(screen.String(), question); got != 3 {
				t.Errorf("asked %d times, want 3; the terminal shows:\n%s", got, screen.String())
			}
			if got := strings.Count(screen.String(), "try again"); got != 2 {
				t.Errorf("%d retry notices, want 2; the terminal shows:\n%s", got, screen.String())
			}
			if c, l := r.emu.Counts(), r.emu.Log(); len(c) != 0 || len(l) != 0 {
				t.Errorf("STS was called: counters %v, log %v", c, l)
			}
			if _, found, err := g.load(g.Keys(p).Session); found || err != nil {
				t.Errorf("cached session: found %v, %v; want nothing cached", found, err)
			}
			if m, _ := filepath.Glob(filepath.Join(r.store.Dir(), "*.json")); len(m) != 0 {
				t.Errorf("session files written: %v", m)
			}
			if _, err := os.Stat(filepath.Join(r.store.Dir(), mfa.LedgerFile)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a used code was recorded (stat: %v)", err)
			}
		})
	}
}
