package setup

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// script is a Terminal that answers from a list and records what it was
// asked and told.
type script struct {
	answers []string // "!" at Secret: Ctrl-C
	shown   strings.Builder
	secrets int // questions asked without echo
	closed  bool
}

func (s *script) next(q string) (string, error) {
	s.shown.WriteString(q)
	if len(s.answers) == 0 {
		return "", errNoAnswer
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a, nil
}

func (s *script) Ask(q string) (string, error) { return s.next(q) }

func (s *script) Secret(q string) (string, error) {
	s.secrets++
	a, err := s.next(q)
	if a == "!" {
		return "", ErrCancelled
	}
	return a, err
}

func (s *script) Say(text string) { s.shown.WriteString(text) }
func (s *script) Close() error    { s.closed = true; return nil }

// fixture is a credentials file and an emulator serving IAM and STS.
type fixture struct {
	path string
	emu  *stsemu.Server
	url  string
}

const (
	multiKey    = "AKIAEMULATORMULTI001"
	multiSecret = "multiSecretAccessKey/EmulatorOnly+00000000"
)

var multiSerials = []string{
	"arn:aws:iam::123456789012:mfa/phone",
	"arn:aws:iam::123456789012:mfa/yubikey",
}

func newFixture(t *testing.T, content string) *fixture {
	t.Helper()
	st := stsemu.DemoState()
	u := stsemu.User{Name: "multi", AccessKeys: []stsemu.AccessKey{{ID: multiKey, Secret: multiSecret}}}
	for _, s := range multiSerials {
		u.MFADevices = append(u.MFADevices, stsemu.MFADevice{Serial: s, Seed: stsemu.DemoSeed})
	}
	st.Users = append(st.Users, u)
	emu := stsemu.New(st)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	fx := &fixture{path: filepath.Join(t.TempDir(), "aws", "credentials"), emu: emu, url: srv.URL}
	if content != "" {
		if err := os.MkdirAll(filepath.Dir(fx.path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fx.path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

// input is an Input for the fixture; tty nil means there is no terminal.
func (fx *fixture) input(tty *script) Input {
	in := Input{
		Suffix:      "long-term",
		Locate:      func() (string, string, error) { return fx.path, "CREDS", nil },
		IAMEndpoint: fx.url,
		STSEndpoint: fx.url,
	}
	in.Open = func() (Terminal, error) {
		if tty == nil {
			return nil, errors.New("open /dev/tty: no such device or address")
		}
		return tty, nil
	}
	return in
}

func (fx *fixture) read(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(fx.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

func secretGiven(s string) func() (string, error) {
	return func() (string, error) { return s, nil }
}

// TestRunAsks answers every question on a terminal: the name, the keys
// (the secret without echo), a choice of device after a wrong number, and a
// role after a wrong ARN.
func TestRunAsks(t *testing.T) {
	const before = "# mine\n[default]\nregion = us-east-1\n"
	fx := newFixture(t, before)
	tty := &script{answers: []string{"work", multiKey, "  " + multiSecret + " ", "3", "2", "admin", "arn:aws:iam::123456789012:role/demo-admin"}}
	res, err := Run(context.Background(), fx.input(tty))
	if err != nil {
		t.Fatalf("Run: %v\nterminal:\n%s", err, tty.shown.String())
	}
	want := Result{Name: "work", Section: "work-long-term", Display: "CREDS", Device: multiSerials[1]}
	if res != want {
		t.Errorf("Result = %+v, want %+v", res, want)
	}
	shown := tty.shown.String()
	for _, s := range []string{
		"Profile name [default]: AWS access key ID: AWS secret access key (not shown): ",
		"These keys have 2 MFA devices:\n  1) " + multiSerials[0] + "\n  2) " + multiSerials[1] + "\nWhich one [1-2]: ",
		"\"3\" is not a number from 1 to 2\nWhich one [1-2]: ",
		"Role ARN to assume (Enter for none): role \"admin\" is not a role ARN",
	} {
		if !strings.Contains(shown, s) {
			t.Errorf("the terminal did not show %q:\n%s", s, shown)
		}
	}
	if tty.secrets != 1 || strings.Contains(shown, multiSecret) {
		t.Errorf("the secret was asked %d times without echo (want 1), or shown:\n%s", tty.secrets, shown)
	}
	if !tty.closed {
		t.Error("the terminal was not closed")
	}
	wantFile := before + "\n[work-long-term]\n" +
		"aws_access_key_id = " + multiKey + "\n" +
		"aws_secret_access_key = " + multiSecret + "\n" +
		"aws_mfa_device = " + multiSerials[1] + "\n" +
		"assume_role = arn:aws:iam::123456789012:role/demo-admin\n"
	if got := fx.read(t); got != wantFile {
		t.Errorf("file:\n%s\nwant:\n%s", got, wantFile)
	}
}

// TestRunGiven: everything given, one device: no terminal is opened, the
// section is [NAME] with no suffix, the device comes from IAM.
func TestRunGiven(t *testing.T) {
	fx := newFixture(t, "")
	in := fx.input(nil)
	in.Open = func() (Terminal, error) { t.Error("a terminal was opened"); return nil, errors.New("no") }
	in.Name, in.Suffix, in.KeyID, in.Secret = "ci", "None", stsemu.DemoAccessKeyID, secretGiven(stsemu.DemoSecretAccessKey+"\n")
	res, err := Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Section != "ci" || res.Device != stsemu.DemoSerial {
		t.Errorf("Result = %+v", res)
	}
	want := "[ci]\naws_access_key_id = " + stsemu.DemoAccessKeyID + "\naws_secret_access_key = " + stsemu.DemoSecretAccessKey + "\naws_mfa_device = " + stsemu.DemoSerial + "\n"
	if got := fx.read(t); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if fi, err := os.Stat(fx.path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v, %v", fi.Mode(), err)
	}
}

// TestRunDefaultName: no name and no terminal to ask it on: "default".
func TestRunDefaultName(t *testing.T) {
	fx := newFixture(t, "")
	in := fx.input(nil)
	in.KeyID, in.Secret = stsemu.DemoAccessKeyID, secretGiven(stsemu.DemoSecretAccessKey)
	res, err := Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "default" || res.Section != "default-long-term" {
		t.Errorf("Result = %+v, want default and default-long-term", res)
	}
}

// TestRunRefuses: each bad input is refused with what to do, in the order
// the questions come, and nothing is written.
func TestRunRefuses(t *testing.T) {
	const existing = "[work-long-term]\naws_access_key_id = AKIAOLDOLDOLDOLD0001\nassume_role = arn:aws:iam::123456789012:role/old\n"
	tests := []struct {
		name    string
		content string
		edit    func(*Input)
		want    string
		iam     int // ListMFADevices calls
	}{
		{"bad name", "", func(in *Input) { in.Name = "[x]" }, `profile name "[x]": use letters`, 0},
		{"bad role before the file is read", "", func(in *Input) {
			in.Role = "admin"
			in.Locate = func() (string, string, error) { return "", "", errors.New("located") }
		}, `role "admin" is not a role ARN`, 0},
		{"file not located", "", func(in *Input) {
			in.Locate = func() (string, string, error) { return "", "", errors.New("cannot find your home directory") }
		}, "cannot find your home directory", 0},
		{"section exists: before the secret", existing, func(in *Input) {
			in.Secret = func() (string, error) { t.Error("the secret was asked for"); return "", nil }
		}, "[work-long-term] already exists in CREDS (line 1)\npass --force", 0},
		{"no key, no terminal", "", func(in *Input) { in.KeyID = "" }, "no access key ID, and no terminal to ask on (open /dev/tty: no such device or address)\npass --access-key-id, or set AWSMFA_ACCESS_KEY_ID", 0},
		{"key ID before the secret", "", func(in *Input) {
			in.KeyID = "ASIAEMULATORDEMO0001"
			in.Secret = func() (string, error) { return "", errors.New("the secret's own error") }
		}, "access key ASIAEMULATORDEMO0001 is a temporary key", 0},
		{"the secret's own error", "", func(in *Input) {
			in.Secret = func() (string, error) { return "", errors.New("the secret's own error") }
		}, "the secret's own error", 0},
		{"no secret, no terminal", "", func(in *Input) { in.Secret = nil }, "no secret access key, and no terminal to ask on", 0},
		{"blank secret", "", func(in *Input) { in.Secret = secretGiven("two words") }, "the secret access key is empty or has blanks in it", 0},
		{"wrong secret", "", func(in *Input) { in.Secret = secretGiven("notTheSecretAccessKey/AtAll+00000000000000000") }, "says the secret key for " + stsemu.DemoAccessKeyID + " is wrong", 1},
		{"no MFA device", "", func(in *Input) {
			in.KeyID, in.Secret = stsemu.DemoNoMFAAccessKeyID, secretGiven(stsemu.DemoNoMFASecretAccessKey)
		}, "IAM user nomfa has no MFA device; add one in the IAM console", 1},
		{"several devices, no terminal", "", func(in *Input) {
			in.KeyID, in.Secret = multiKey, secretGiven(multiSecret)
		}, "these keys have 2 MFA devices (" + strings.Join(multiSerials, ", ") + ") and there is no terminal to choose on", 1},
		{"device with a blank", "", func(in *Input) { in.Device = "my phone" }, `--device "my phone": give the device ARN`, 0},
		{"IAM unreachable", "", func(in *Input) { in.IAMEndpoint = "http://127.0.0.1:9" }, "cannot reach IAM at http://127.0.0.1:9 to find the MFA device", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, tc.content)
			in := fx.input(nil)
			in.Name, in.KeyID, in.Secret = "work", stsemu.DemoAccessKeyID, secretGiven(stsemu.DemoSecretAccessKey)
			tc.edit(&in)
			_, err := Run(context.Background(), in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run: %v\nwant an error with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SecretAccessKey") {
				t.Errorf("the error holds a secret: %v", err)
			}
			if got := fx.read(t); got != tc.content {
				t.Errorf("the file changed:\n%s", got)
			}
			if n := fx.emu.Count("ListMFADevices"); n != tc.iam {
				t.Errorf("ListMFADevices calls = %d, want %d", n, tc.iam)
			}
		})
	}
}

// TestRunForce replaces the keys of an existing section, and drops its
// assume_role when none is given; with a device given IAM is not asked.
func TestRunForce(t *testing.T) {
	fx := newFixture(t, "[work-long-term]\naws_access_key_id = AKIAOLDOLDOLDOLD0001\nassume_role = arn:aws:iam::123456789012:role/old\n[other]\nx = 1\n")
	in := fx.input(nil)
	in.Name, in.KeyID, in.Secret, in.Device, in.Force = "work", stsemu.DemoAccessKeyID, secretGiven(stsemu.DemoSecretAccessKey), "GAHT12345678", true
	if _, err := Run(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	want := "[work-long-term]\naws_access_key_id = " + stsemu.DemoAccessKeyID + "\naws_secret_access_key = " + stsemu.DemoSecretAccessKey + "\naws_mfa_device = GAHT12345678\n[other]\nx = 1\n"
	if got := fx.read(t); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if n := fx.emu.Count("ListMFADevices"); n != 0 {
		t.Errorf("ListMFADevices calls = %d, want 0 with a device given", n)
	}
}

// TestRunTerminalEnds: Ctrl-C at the secret is ErrCancelled; an end of
// input at a question is an error too; an unopenable terminal at the name
// means "default". Nothing is written.
func TestRunTerminalEnds(t *testing.T) {
	tests := []struct {
		name    string
		tty     *script
		edit    func(*Input)
		wantErr error
		want    string
	}{
		{"Ctrl-C at the secret", &script{answers: []string{"work", stsemu.DemoAccessKeyID, "!"}}, func(in *Input) {}, ErrCancelled, ""},
		{"end of input at the key", &script{answers: []string{"work"}}, func(in *Input) {}, errNoAnswer, ""},
		{"no device chosen", &script{answers: []string{"x", "0", "9"}}, func(in *Input) { in.Name, in.KeyID, in.Secret = "work", multiKey, secretGiven(multiSecret) }, nil, "no device chosen\npass --device"},
		{"a wrong role three times", &script{answers: []string{stsemu.DemoAccessKeyID, stsemu.DemoSecretAccessKey, "a", "b", "c", "arn:aws:iam::123456789012:role/late"}}, func(in *Input) { in.Name, in.Device = "work", "GAHT12345678" }, nil, `role "c" is not a role ARN`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, "")
			in := fx.input(tc.tty)
			tc.edit(&in)
			_, err := Run(context.Background(), in)
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Run: %v; want %v %q", err, tc.wantErr, tc.want)
			}
			if got := fx.read(t); got != "" {
				t.Errorf("a file was written:\n%s", got)
			}
		})
	}
}
