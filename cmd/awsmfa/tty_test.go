//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/ptytest"
)

// TestCodeAskedOnTTY: the code is asked on /dev/tty, a malformed answer is
// asked again, and only shell code reaches stdout.
func TestCodeAskedOnTTY(t *testing.T) {
	w := newWorld(t, demoConfig, demoCredentials)
	out := filepath.Join(t.TempDir(), "stdout")
	cmd := exec.Command("/bin/sh", "-c", `"$0" env dev > "$1"; echo "status=$?"`, builds.Command(t, "awsmfa"), out)
	for k, v := range w.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	term := ptytest.Start(t, cmd)
	term.ExpectString("MFA code for dev (arn:aws:iam::123456789012:mfa/demo): ")
	term.Send("12345\r")
	term.Expect(`6 digits.*try again`)
	term.ExpectString("MFA code for dev")
	term.Send("abcdef\r")
	term.Expect(`not a digit.*try again`)
	term.ExpectString("MFA code for dev")
	term.Send(w.code() + "\r")
	term.ExpectString("status=0")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "unset AWS_SECURITY_TOKEN\n") || !strings.Contains(string(b), "export AWS_SESSION_TOKEN=") {
		t.Fatalf("stdout is not just shell code:\n%s", b)
	}
	if strings.Contains(string(b), "MFA code") {
		t.Fatalf("the question reached stdout:\n%s", b)
	}
	if n := w.emu.Count("GetSessionToken"); n != 1 {
		t.Fatalf("GetSessionToken calls = %d, want 1", n)
	}
}

// TestCodeQuestionCtrlC: Ctrl-C at the question changes nothing: no STS
// call, no file, nothing on stdout, a non-zero status.
func TestCodeQuestionCtrlC(t *testing.T) {
	w := newWorld(t, demoConfig, demoCredentials)
	w.prime() // a cached dev session...
	out := filepath.Join(t.TempDir(), "stdout")
	// ...so that the role profile's MFA session is there, and --force on dev
	// itself is what needs a code.
	before := w.snapshot()
	cmd := exec.Command("/bin/sh", "-c", `trap : INT; "$0" env dev --force > "$1"; echo "status=$?"`, builds.Command(t, "awsmfa"), out)
	for k, v := range w.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	calls := w.emu.Count("GetSessionToken")
	term := ptytest.Start(t, cmd)
	term.ExpectString("MFA code for dev")
	term.Send("\x03")
	m := term.Expect(`status=(\d+)`)
	if m[1] == "0" {
		t.Fatal("Ctrl-C at the question exited 0")
	}
	if b, _ := os.ReadFile(out); len(b) != 0 {
		t.Fatalf("stdout after Ctrl-C: %q", b)
	}
	if n := w.emu.Count("GetSessionToken"); n != calls {
		t.Fatalf("STS called after Ctrl-C")
	}
	if diffs := unchanged(before, w.snapshot()); len(diffs) > 0 {
		t.Fatalf("files changed after Ctrl-C:\n%s", strings.Join(diffs, "\n"))
	}
}

// TestCodeAskedOnTTYThreeMalformed: after three malformed answers the
// question gives up with a message that says why, a non-zero status, no STS
// call, nothing on stdout and no file written.
func TestCodeAskedOnTTYThreeMalformed(t *testing.T) {
	w := newWorld(t, demoConfig, demoCredentials)
	out := filepath.Join(t.TempDir(), "stdout")
	before := w.snapshot()
	cmd := exec.Command("/bin/sh", "-c", `"$0" env dev > "$1"; echo "status=$?"`, builds.Command(t, "awsmfa"), out)
	for k, v := range w.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	term := ptytest.Start(t, cmd)
	for i, answer := range []string{"12345", "abcdef", "1234567"} {
		term.ExpectString("MFA code for dev (arn:aws:iam::123456789012:mfa/demo): ")
		term.Send(answer + "\r")
		if i < 2 {
			term.Expect(`6 digits.*try again`)
		}
	}
	term.Expect(`awsmfa: .*an MFA code is 6 digits; got 7 characters \(asked 3 times\)`)
	m := term.Expect(`status=(\d+)`)
	if m[1] == "0" {
		t.Fatal("three malformed codes exited 0")
	}
	if b, _ := os.ReadFile(out); len(b) != 0 {
		t.Fatalf("stdout after three malformed codes: %q", b)
	}
	if c := w.emu.Counts(); len(c) != 0 {
		t.Fatalf("STS called after three malformed codes: %v", c)
	}
	if diffs := unchanged(before, w.snapshot()); len(diffs) > 0 {
		t.Fatalf("files changed after three malformed codes:\n%s", strings.Join(diffs, "\n"))
	}
	if f := w.cacheFiles(); len(f) != 0 {
		t.Fatalf("sessions cached after three malformed codes: %v", f)
	}
}
