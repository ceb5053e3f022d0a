package mfa

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestValidCode(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
	}{
		{"123456", true}, {"000000", true},
		{"12345", false}, {"1234567", false}, {"abcdef", false}, {"12 456", false}, {"", false}, {"12345６", false},
	} {
		if err := ValidCode(tc.code); (err == nil) != tc.ok {
			t.Errorf("ValidCode(%q) = %v, want ok=%v", tc.code, err, tc.ok)
		} else if err != nil && strings.Contains(err.Error(), tc.code) && tc.code != "" {
			t.Errorf("ValidCode(%q) error repeats the code: %v", tc.code, err)
		}
	}
}

func TestStdin(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"123456\n", "123456", ""},
		{"  654321  \r\n", "654321", ""},
		{"123456", "123456", ""},
		{"", "", "ended before"},
		{"12345\n", "", "6 digits"},
	} {
		rc := &Stdin{R: strings.NewReader(tc.in)}
		got, err := rc.Code(context.Background(), "arn:aws:iam::123456789012:mfa/me")
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Stdin(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
		if tc.err == "" {
			if _, err := rc.Code(context.Background(), "x"); err == nil {
				t.Errorf("Stdin(%q): a second code was served from one line", tc.in)
			}
		}
	}
}

func TestProcess(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, cmd, want, err string
		timeout              time.Duration
	}{
		{name: "prints a code", cmd: "echo 123456", want: "123456"},
		{name: "first line only, trimmed", cmd: "printf ' 654321 \\nmore\\n'", want: "654321"},
		{name: "sees the serial", cmd: `test "$AWSMFA_MFA_SERIAL" = arn:aws:iam::123456789012:mfa/me && echo 111111`, want: "111111"},
		{name: "fails", cmd: "exit 3", err: "mfa_process failed (exit status 3)"},
		{name: "prints garbage", cmd: "echo nope", err: "printed no usable code"},
		{name: "hangs", cmd: "sleep 30", timeout: 200 * time.Millisecond, err: "did not print a code within 200ms"},
		{name: "not found", cmd: "/no/such/totp-tool", err: "mfa_process failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Process{Command: tc.cmd, Timeout: tc.timeout, Env: []string{"PATH=/usr/bin:/bin", "HOME=" + dir}}
			start := time.Now()
			got, err := p.Code(context.Background(), "arn:aws:iam::123456789012:mfa/me")
			if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Code() = %q, %v; want %q, %q", got, err, tc.want, tc.err)
			}
			if tc.timeout > 0 && time.Since(start) > 10*time.Second {
				t.Fatalf("the timeout did not stop the command")
			}
		})
	}
}
