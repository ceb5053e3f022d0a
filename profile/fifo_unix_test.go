//go:build unix

package profile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestConfigPipe reads the config file from a named pipe, as
// AWS_CONFIG_FILE=<(generate-config) has the shell do.
func TestConfigPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "config")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	cred := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cred, []byte(baseCreds), 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		f.WriteString("[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device + "\n")
	}()
	r := &Resolver{Getenv: func(string) string { return "" }, HomeDir: dir, Username: "u",
		Files: Files{Config: fifo, Credentials: cred}}
	p, err := r.Resolve(Options{Profile: "dev"})
	if err != nil || p.RoleARN != role {
		t.Fatalf("Resolve = %+v, %v", p, err)
	}
}

// TestDevNull: AWS_CONFIG_FILE=/dev/null is the usual way to say "no
// config"; it reads as an empty file, though other devices are refused.
func TestDevNull(t *testing.T) {
	dir := t.TempDir()
	cred := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cred, []byte(baseCreds), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		config, wantErr string
	}{
		{os.DevNull, ""},
		{"/dev/zero", "cannot read /dev/zero: is a character device, not a regular file"},
		{dir, "is a directory, not a regular file"},
	} {
		r := &Resolver{Getenv: func(string) string { return "" }, HomeDir: dir, Username: "u",
			Files: Files{Config: tc.config, Credentials: cred}}
		_, err := r.Resolve(Options{Profile: "base", Device: device})
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("config %s: Resolve = %v, want %q", tc.config, err, tc.wantErr)
		}
	}
}
