//go:build unix

package profile

import (
	"os"
	"path/filepath"
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
