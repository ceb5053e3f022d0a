package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/ptytest"
	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/internal/testenv/sandbox"
)

// The user with several MFA devices that multiState adds.
const (
	multiKey    = "AKIAEMULATORMULTI001"
	multiSecret = "multiSecretAccessKey/EmulatorOnly+00000000"
)

var multiSerials = []string{
	"arn:aws:iam::123456789012:mfa/phone",
	"arn:aws:iam::123456789012:mfa/yubikey",
	"arn:aws:iam::123456789012:mfa/backup",
}

// multiState is the demo account plus user "multi" with three devices.
func multiState() stsemu.State {
	st := stsemu.DemoState()
	u := stsemu.User{Name: "multi", AccessKeys: []stsemu.AccessKey{{ID: multiKey, Secret: multiSecret}}}
	for _, s := range multiSerials {
		u.MFADevices = append(u.MFADevices, stsemu.MFADevice{Serial: s, Seed: stsemu.DemoSeed})
	}
	st.Users = append(st.Users, u)
	return st
}

// proc is a home directory and an emulator for running the awsmfa binary
// (this test binary under the name awsmfa: see TestMain) as a process.
type proc struct {
	t    *testing.T
	bin  string
	home string
	emu  *stsemu.Server
	env  []string
}

func newProc(t *testing.T, st stsemu.State, credentials string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	u := sandbox.New(t, st, "", credentials)
	p := &proc{t: t, bin: filepath.Join(filepath.Dir(u.Home), "bin", "awsmfa"), home: u.Home, emu: u.Emu}
	if err := os.MkdirAll(filepath.Dir(p.bin), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, p.bin); err != nil {
		t.Fatal(err)
	}
	p.env = append(u.Env(), "TERM=dumb")
	return p
}

func (p *proc) credentials() string { return filepath.Join(p.home, ".aws", "credentials") }

func (p *proc) read() string {
	p.t.Helper()
	b, err := os.ReadFile(p.credentials())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		p.t.Fatal(err)
	}
	return string(b)
}

// run runs awsmfa in a new session with no controlling terminal, so
// /dev/tty cannot be opened: what a cron job or CI runner sees.
func (p *proc) run(stdin string, args ...string) (status int, stdout, stderr string) {
	p.t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitCode()
	case err != nil:
		p.t.Fatal(err)
	}
	return status, out.String(), errb.String()
}

// TestSetupOnTerminal answers setup's questions on a real terminal: the
// secret is not echoed, a user with three devices chooses one (after a
// wrong answer), a wrong role ARN is asked again, and the file gets the
// section with every other byte kept.
func TestSetupOnTerminal(t *testing.T) {
	const before = "# mine\n[default]\nregion = us-east-1\n"
	p := newProc(t, multiState(), before)
	cmd := exec.Command(p.bin, "setup")
	cmd.Env = p.env
	term := ptytest.Start(t, cmd)
	term.ExpectString("Profile name [default]: ")
	term.Send("work\r")
	term.ExpectString("AWS access key ID: ")
	term.Send(multiKey + "\r")
	term.ExpectString("AWS secret access key (not shown): ")
	term.Send(multiSecret + "\r")
	term.ExpectString("These keys have 3 MFA devices:")
	for i, s := range multiSerials {
		term.Expect(`  ` + string(rune('1'+i)) + `\) ` + s)
	}
	term.ExpectString("Which one [1-3]: ")
	term.Send("7\r")
	term.ExpectString(`"7" is not a number from 1 to 3`)
	term.ExpectString("Which one [1-3]: ")
	term.Send("2\r")
	term.ExpectString("Role ARN to assume (Enter for none): ")
	term.Send("admin\r")
	term.ExpectString(`role "admin" is not a role ARN`)
	term.ExpectString("Role ARN to assume (Enter for none): ")
	term.Send("arn:aws:iam::123456789012:role/demo-admin\r")
	term.ExpectString("awsmfa: wrote [work-long-term] to ~/.aws/credentials with MFA device " + multiSerials[1])
	term.ExpectString(`next: eval "$(awsmfa env work)"`)

	if out := term.Output(); strings.Contains(out, multiSecret) || strings.Contains(out, multiSecret[:12]) {
		t.Errorf("the secret was echoed on the terminal:\n%s", out)
	}
	want := before + "\n[work-long-term]\n" +
		"aws_access_key_id = " + multiKey + "\n" +
		"aws_secret_access_key = " + multiSecret + "\n" +
		"aws_mfa_device = " + multiSerials[1] + "\n" +
		"assume_role = arn:aws:iam::123456789012:role/demo-admin\n"
	deadline := time.Now().Add(5 * time.Second)
	for p.read() != want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := p.read(); got != want {
		t.Errorf("credentials file:\n%s\nwant:\n%s", got, want)
	}
	if n := p.emu.Count("ListMFADevices"); n != 1 {
		t.Errorf("ListMFADevices calls = %d, want 1", n)
	}
}

// TestSetupCtrlCAtSecret: Ctrl-C while the secret is typed (echo off) ends
// setup with status 130 and nothing written, and the terminal has echo on
// again (a shell's read sees the next line, echoed).
func TestSetupCtrlCAtSecret(t *testing.T) {
	p := newProc(t, stsemu.DemoState(), "[default]\nregion = us-east-1\n")
	// A shell on the terminal, so that after setup dies what comes back
	// can be checked: does typing echo again?
	cmd := exec.Command("/bin/sh", "-c", `"$0" setup work --access-key-id `+stsemu.DemoAccessKeyID+`; echo "status=$?"; read line; echo "read=$line"`, p.bin)
	cmd.Env = p.env
	term := ptytest.Start(t, cmd)
	term.ExpectString("AWS secret access key (not shown): ")
	term.Send("half-typed")
	time.Sleep(100 * time.Millisecond)
	term.Send("\x03")
	term.ExpectString("status=130")
	term.Send("visible\r")
	// With echo on, the typed word appears twice: echoed, then printed.
	term.ExpectString("visible")
	term.ExpectString("read=visible")
	if strings.Contains(term.Output(), "half-typed") {
		t.Errorf("the secret being typed was echoed:\n%s", term.Output())
	}
	if got := p.read(); got != "[default]\nregion = us-east-1\n" {
		t.Errorf("credentials file changed: %q", got)
	}
}

// TestSetupSeveralDevicesNoTerminal: with several devices and no terminal
// to choose on, setup lists them and asks for --device; nothing is written.
func TestSetupSeveralDevicesNoTerminal(t *testing.T) {
	p := newProc(t, multiState(), "")
	status, stdout, stderr := p.run(multiSecret+"\n", "setup", "work", "--access-key-id", multiKey, "--secret-access-key", "-")
	if status != 1 || stdout != "" {
		t.Errorf("status %d, stdout %q; want 1 and nothing", status, stdout)
	}
	want := "awsmfa: these keys have 3 MFA devices (" + strings.Join(multiSerials, ", ") + ") and there is no terminal to choose on\n  pass --device with the one to use\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if _, err := os.Stat(p.credentials()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a credentials file was created: %v", err)
	}
	// With --device it goes through, with no IAM call, and the new file is
	// private in a private directory.
	if err := os.Remove(filepath.Dir(p.credentials())); err != nil {
		t.Fatal(err)
	}
	status, _, stderr = p.run(multiSecret+"\n", "setup", "work", "--access-key-id", multiKey, "--secret-access-key", "-", "--device", multiSerials[2])
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	if n := p.emu.Count("ListMFADevices"); n != 1 {
		t.Errorf("ListMFADevices calls = %d, want 1 (none with --device)", n)
	}
	for path, mode := range map[string]os.FileMode{p.credentials(): 0o600, filepath.Dir(p.credentials()): 0o700 | os.ModeDir} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != mode {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode(), err, mode)
		}
	}
	if got := p.read(); !strings.Contains(got, "aws_mfa_device = "+multiSerials[2]+"\n") {
		t.Errorf("credentials file:\n%s", got)
	}
}

// TestSetupNoKeysNoTerminal: nothing given and no terminal: setup says which
// flags to pass.
func TestSetupNoKeysNoTerminal(t *testing.T) {
	p := newProc(t, stsemu.DemoState(), "")
	status, _, stderr := p.run("", "setup", "work")
	if status != 1 || !strings.Contains(stderr, "no access key ID, and no terminal to ask on") || !strings.Contains(stderr, "pass --access-key-id") {
		t.Errorf("status %d, stderr:\n%s", status, stderr)
	}
	status, _, stderr = p.run("", "setup", "work", "--access-key-id", stsemu.DemoAccessKeyID)
	if status != 1 || !strings.Contains(stderr, "no secret access key, and no terminal to ask on") || !strings.Contains(stderr, "--secret-access-key -") {
		t.Errorf("status %d, stderr:\n%s", status, stderr)
	}
}

// TestWriteReadOnlyDisk: when the credentials file cannot be replaced (its
// directory is a read-only mount: permission bits do not stop root), write
// fails with a clear message and the old file is intact. Mounting needs
// root; the same failure is driven without root in awsini's tests.
func TestWriteReadOnlyDisk(t *testing.T) {
	const creds = "# keep\n[x-long-term]\naws_access_key_id = " + stsemu.DemoAccessKeyID +
		"\naws_secret_access_key = " + stsemu.DemoSecretAccessKey +
		"\naws_mfa_device = " + stsemu.DemoSerial + "\n"
	p := newProc(t, stsemu.DemoState(), creds)
	dir := filepath.Dir(p.credentials())
	// The lock file is the first write; make it now so that the failure is
	// the replacement of the file itself.
	if err := os.WriteFile(p.credentials()+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.ReadOnly(t, dir)
	p.emu.Advance(30 * time.Second)
	code, err := p.emu.CurrentCode(stsemu.DemoSerial, 0)
	if err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := p.run("", "write", "x", "--code", code)
	want := "awsmfa: cannot write ~/.aws/credentials: read-only file system\n  the file is unchanged; free some space or make its directory writable, then try again\n"
	if status != 1 || stdout != "" || stderr != want {
		t.Errorf("status %d, stdout %q, stderr:\n%s\nwant:\n%s", status, stdout, stderr, want)
	}
	if got := p.read(); got != creds {
		t.Errorf("credentials file changed:\n%s", got)
	}
}
