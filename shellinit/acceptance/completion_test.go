package acceptance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletionProfiles: with the script `awsmfa completion SHELL` prints
// loaded, `awsmfa env <TAB>` offers the profile names of the test's config,
// which the script gets from `awsmfa list --names`.
func TestCompletionProfiles(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			out, err := exec.Command(realBin, "completion", shell).Output()
			if err != nil {
				t.Fatalf("awsmfa completion %s: %v", shell, err)
			}
			script := filepath.Join(w.dir, "completion."+shell)
			if err := os.WriteFile(script, out, 0o600); err != nil {
				t.Fatal(err)
			}
			// The profile list the completion must offer, from the binary.
			list := exec.Command(realBin, "list", "--names")
			list.Env = append(os.Environ(), "AWS_CONFIG_FILE="+filepath.Join(w.dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(w.dir, "credentials"), "HOME="+w.dir)
			names, err := list.Output()
			if err != nil {
				t.Fatalf("awsmfa list --names, which the completion reads profile names from, failed: %v", err)
			}
			want := strings.Fields(string(names))
			for _, p := range []string{"admin", "admin-short", "short"} {
				if !strings.Contains(" "+strings.Join(want, " ")+" ", " "+p+" ") {
					t.Fatalf("awsmfa list --names printed %q; it lacks %s from the config", names, p)
				}
			}

			sh := w.shell(shell)
			switch shell {
			case "zsh":
				sh.Run("autoload -Uz compinit && compinit -u -D")
				sh.Run(". " + shq(script))
			case "fish":
				sh.Run("source " + shq(script))
			default:
				sh.Run(". " + shq(script))
			}
			before := len(w.starts())
			sh.Send("awsmfa env \t\t")
			sh.ExpectAll(want...)
			sh.Send("\x15")
			if got := sh.Value(`"sync"`); got != "sync" {
				t.Fatalf("the shell did not come back after completing: %q", got)
			}
			var lists int
			for _, s := range w.starts()[before:] {
				if s == "list --names" {
					lists++
				}
			}
			if lists == 0 {
				t.Errorf("the completion did not run awsmfa list --names: %q", w.starts()[before:])
			}
		})
	}
}
