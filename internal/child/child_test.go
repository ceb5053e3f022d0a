package child

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestEnviron(t *testing.T) {
	got := Environ(
		[]string{"PATH=/bin", "AWS_PROFILE=x", "AWS_ACCESS_KEY_ID=OLD", "HOME=/h", "AWS_ACCESS_KEY_ID=OLDER"},
		[]string{"AWS_PROFILE", "AWS_SECURITY_TOKEN"},
		[]string{"AWS_ACCESS_KEY_ID=NEW", "AWS_REGION=eu-west-1"},
	)
	want := []string{"PATH=/bin", "HOME=/h", "AWS_ACCESS_KEY_ID=NEW", "AWS_REGION=eu-west-1"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Environ = %q, want %q", got, want)
	}
}

func sh(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX sh")
	}
	p, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	return p
}

func TestExitStatus(t *testing.T) {
	sh := sh(t)
	for _, tc := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 1", 1},
		{"exit 42", 42},
		{"exit 255", 255},
		{"kill -TERM $$", 143},
		{"kill -KILL $$", 137},
	} {
		got, err := Run(context.Background(), Command{Args: []string{sh, "-c", tc.script}, Env: os.Environ()})
		if err != nil || got != tc.want {
			t.Errorf("%q: status %d, %v; want %d", tc.script, got, err, tc.want)
		}
	}
}

func TestNotFound(t *testing.T) {
	dir := t.TempDir()
	got, err := Run(context.Background(), Command{Args: []string{"no-such-command-awsmfa"}, Env: []string{"PATH=" + dir}})
	var nf *NotFoundError
	if got != 127 || !errors.As(err, &nf) || !strings.Contains(err.Error(), "command not found") {
		t.Fatalf("status %d, err %v; want 127 and command not found", got, err)
	}
	noexec := filepath.Join(dir, "noexec")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = Run(context.Background(), Command{Args: []string{"noexec"}, Env: []string{"PATH=" + dir}})
	if got != 126 || err == nil {
		t.Fatalf("non-executable: status %d, err %v; want 126", got, err)
	}
}

// TestPathFromChildEnv checks the command is looked up in the child's PATH.
func TestPathFromChildEnv(t *testing.T) {
	sh(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "hello-awsmfa")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"hi $AWS_REGION\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	got, err := Run(context.Background(), Command{Args: []string{"hello-awsmfa"}, Env: []string{"PATH=" + dir, "AWS_REGION=r1"}, Stdout: &out})
	if got != 0 || err != nil || out.String() != "hi r1\n" {
		t.Fatalf("status %d, err %v, out %q", got, err, out.String())
	}
}
