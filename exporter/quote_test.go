package exporter

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// TestQuoteInRealShells has bash, zsh and fish read each quoted word as an
// argument of printf and checks that the word comes back byte-exact and
// that nothing in it ran.
func TestQuoteInRealShells(t *testing.T) {
	words := []string{"dev", "team-a.prod_1/x:y@z+w,v", "-h", "", "two words", "it's", `a\b\'c\\`,
		"x$(touch pwned)`touch pwned`${IFS}$HOME", "*", "~", "=ls", "%self", "!!", "{a,b}", "a;b|c&d>pwned",
		"\ttab\nnewline", "caf\u00e9 \u2018quoted\u2019"}
	for _, tc := range []struct {
		shell string
		f     Format
		args  []string
	}{
		{"bash", Bash{}, []string{"--norc", "--noprofile"}},
		{"zsh", Zsh{}, []string{"-f"}},
		{"fish", Fish{}, []string{"--no-config"}},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			bin := testenv.Need(t, tc.shell)
			dir := t.TempDir()
			for _, w := range words {
				script := filepath.Join(dir, "script")
				q := Quote(tc.f, w)
				if err := os.WriteFile(script, []byte("printf '%s' "+q+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(bin, append(tc.args, script)...)
				cmd.Dir = dir
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s on %q (quoted %s): %v", tc.shell, w, q, err)
				}
				if string(out) != w {
					t.Errorf("%s read %s as %q, want %q", tc.shell, q, out, w)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
				t.Error("a quoted word ran a command")
			}
		})
	}
	if got := Quote(Bash{}, "dev"); got != "dev" {
		t.Errorf("Quote(dev) = %s, want it as it is", got)
	}
}
