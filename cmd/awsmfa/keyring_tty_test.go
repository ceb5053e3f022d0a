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

// TestKeyringFilePassphraseOnTTY: the encrypted file keyring asks its
// passphrase on /dev/tty, never on stdout; a wrong one is one line and a
// non-zero status with no STS call; the right one gets the session.
func TestKeyringFilePassphraseOnTTY(t *testing.T) {
	w := newWorld(t, "", `[k-long-term]
aws_access_key_id = AKIAEMULATORDEMO0001
aws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000
aws_mfa_device = arn:aws:iam::123456789012:mfa/demo
`)
	helper := filepath.Dir(builds.Command(t, "awsmfa-keyring"))
	w.env["PATH"] = helper + string(os.PathListSeparator) + w.env["PATH"]
	w.env["AWSMFA_KEYRING_BACKEND"] = "file"
	w.env["AWSMFA_KEYRING_FILE_DIR"] = filepath.Join(t.TempDir(), "keyring")
	out := filepath.Join(t.TempDir(), "stdout")
	run := func(args string) *ptytest.Term {
		cmd := exec.Command("/bin/sh", "-c", `"$0" `+args+` > "$1"; echo "status=$?"`, builds.Command(t, "awsmfa"), out)
		for k, v := range w.env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		return ptytest.Start(t, cmd)
	}

	term := run("keyring import k")
	term.ExpectString("passphrase to unlock")
	term.Send("right horse\r")
	term.ExpectString("status=0")
	if b, _ := os.ReadFile(filepath.Join(w.home, ".aws/credentials")); strings.Contains(string(b), "EmulatorOnly") {
		t.Fatalf("the secret is still in the credentials file:\n%s", b)
	}

	term = run("env k --code " + w.code())
	term.ExpectString("passphrase to unlock")
	term.Send("wrong horse\r")
	term.Expect(`wrong passphrase\?\r?\n`)
	term.ExpectString("status=1")
	if n := w.emu.Count("GetSessionToken"); n != 0 {
		t.Fatalf("GetSessionToken calls after a wrong passphrase = %d, want 0", n)
	}

	term = run("env k --code " + w.code())
	term.ExpectString("passphrase to unlock")
	term.Send("right horse\r")
	term.ExpectString("status=0")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "unset AWS_SECURITY_TOKEN\n") || strings.Contains(string(b), "passphrase") || strings.Contains(string(b), "horse") {
		t.Fatalf("stdout is not just shell code:\n%s", b)
	}
	if n := w.emu.Count("GetSessionToken"); n != 1 {
		t.Fatalf("GetSessionToken calls = %d, want 1", n)
	}
}
