package mfa

import (
	"context"
	"strings"
	"testing"
)

// TestChoose: each setting picks its source, in order, behind the seed
// guard (but NoCode), and Describe says where the code comes from without
// a code or a seed.
func TestChoose(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name     string
		o        Options
		env      map[string]string
		describe string
		renewal  Renewal
		err      string
	}{
		{name: "--code", o: Options{Code: str("123456"), Process: "ykman"}, describe: "--code", renewal: Refuse},
		{name: "--code malformed", o: Options{Code: str("12345")}, err: "--code: an MFA code is 6 digits"},
		{name: "--code -", o: Options{Code: str("-")}, describe: "--code - (standard input)", renewal: Refuse},
		{name: "mfa_process", o: Options{Process: "ykman oath accounts code"}, env: map[string]string{EnvTOTPSeed: "S"},
			describe: "mfa_process: ykman oath accounts code", renewal: WaitNext},
		{name: "TOTP seed", env: map[string]string{EnvTOTPSeed: "JBSWY3DPEHPK3PXP"},
			describe: "the built-in TOTP generator, seed from " + EnvTOTPSeed, renewal: Compute},
		{name: "TOTP seed command", env: map[string]string{EnvTOTPSeedProcess: "pass show seed"},
			describe: "the built-in TOTP generator, seed from " + EnvTOTPSeedProcess, renewal: Compute},
		{name: "terminal", env: map[string]string{EnvDialog: "off"}, describe: "a question on the terminal (/dev/tty)", renewal: AskAgain},
		{name: "terminal, then a window", env: map[string]string{EnvDialog: "zenity"},
			describe: "a question on the terminal (/dev/tty); with no terminal, a zenity window, which cannot be shown here: AWSMFA_DIALOG=zenity, but zenity is not in PATH; install it, or set AWSMFA_DIALOG=auto or off",
			renewal:  AskAgain},
		{name: "bad AWSMFA_DIALOG", env: map[string]string{EnvDialog: "xmessage"}, err: "AWSMFA_DIALOG=\"xmessage\": use auto, zenity, kdialog, osascript or off"},
		{name: "hook, asking off", o: Options{Hook: true}, env: map[string]string{"AWSMFA_HOOK_MFA": "warn"}, describe: "nowhere (asking is off)", renewal: Unavailable},
		{name: "hook, bad setting", o: Options{Hook: true}, env: map[string]string{"AWSMFA_HOOK_MFA": "yes"}, err: `AWSMFA_HOOK_MFA="yes": use prompt, warn or off`},
		{name: "hook asks on the terminal only", o: Options{Hook: true}, env: map[string]string{EnvDialog: "zenity"}, describe: "a question on the terminal (/dev/tty)", renewal: AskAgain},
		{name: "hook=prompt may open a window", o: Options{Hook: true}, env: map[string]string{"AWSMFA_HOOK_MFA": "prompt", EnvDialog: "zenity"},
			describe: "a question on the terminal (/dev/tty); with no terminal, a zenity window, which cannot be shown here: AWSMFA_DIALOG=zenity, but zenity is not in PATH; install it, or set AWSMFA_DIALOG=auto or off",
			renewal:  AskAgain},
		{name: "aws-mfa, stdin not a terminal", o: Options{AsAWSMFA: true, Stdin: strings.NewReader("")},
			describe: "standard input, as aws-mfa reads it (it is not a terminal)", renewal: Refuse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Getenv = func(k string) string { return tc.env[k] }
			o.CredentialsFile = "/nonexistent/credentials"
			src, err := Choose(o)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Choose() = %v, %v; want an error containing %q", src, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := src.Describe(); got != tc.describe {
				t.Errorf("Describe() = %q, want %q", got, tc.describe)
			}
			if got := src.Renewal(); got != tc.renewal {
				t.Errorf("Renewal() = %v, want %v", got, tc.renewal)
			}
			if _, guarded := src.(SeedGuard); guarded != (tc.renewal != Unavailable) {
				t.Errorf("Choose() = %T; want a SeedGuard around every source but NoCode", src)
			}
		})
	}
}

// TestStdinAsAWSMFA: when stdin is read because aws-mfa would read it,
// its errors say so rather than naming --code -.
func TestStdinAsAWSMFA(t *testing.T) {
	s := &Stdin{R: strings.NewReader("12345\n"), AsAWSMFA: true}
	_, err := s.Code(context.Background(), "arn:dev")
	want := "stdin is not a terminal, so the MFA code is read from it, as aws-mfa does: an MFA code is 6 digits; got 5 characters\npipe the code in, or pass --token CODE"
	if err == nil || err.Error() != want {
		t.Fatalf("Code() error = %v, want %q", err, want)
	}
	s = &Stdin{R: strings.NewReader("123456\n")}
	if code, err := s.Code(context.Background(), "arn:dev"); code != "123456" || err != nil {
		t.Fatalf("Code() = %q, %v", code, err)
	}
	if _, err := s.Code(context.Background(), "arn:dev"); err == nil || err.Error() != "--code -: standard input holds one code, and it was used already" {
		t.Fatalf("second Code() error = %v", err)
	}
	long := &Stdin{R: strings.NewReader(strings.Repeat("1", 100))}
	if _, err := long.Code(context.Background(), "arn:dev"); err == nil || !strings.HasPrefix(err.Error(), "--code -: the first line of standard input is longer than 64 bytes") {
		t.Fatalf("long line: error = %v", err)
	}
}
