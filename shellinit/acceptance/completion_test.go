package acceptance

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/ptytest"
)

// TestCompletionProfiles: with the script `awsmfa completion SHELL` prints
// loaded, `awsmfa env <TAB>` offers the profile names of the test's config,
// which the script gets from `awsmfa list --names`.
func TestCompletionProfiles(t *testing.T) {
	t.Parallel()
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			out, err := exec.Command(w.bin, "completion", shell).Output()
			if err != nil {
				t.Fatalf("awsmfa completion %s: %v", shell, err)
			}
			script := filepath.Join(w.dir, "completion."+shell)
			if err := os.WriteFile(script, out, 0o600); err != nil {
				t.Fatal(err)
			}
			// The profile list the completion must offer, from the binary.
			list := exec.Command(w.bin, "list", "--names")
			list.Env = append(os.Environ(), "AWS_CONFIG_FILE="+w.Config(), "AWS_SHARED_CREDENTIALS_FILE="+w.Credentials(), "HOME="+w.Home)
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
			expectListing(t, sh, want)
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

// terminalControl matches what a shell writes to draw rather than to show:
// CSI and OSC sequences, charset switches, other escapes, BEL and BS.
var terminalControl = regexp.MustCompile(`\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\a\x1b]*(?:\a|\x1b\\)|[()][0-9A-Za-z]|.)|[\a\x08]`)

// listingRows splits terminal output into rows of words, each control
// sequence taken as a space.
func listingRows(out string) [][]string {
	var rows [][]string
	for _, row := range regexp.MustCompile(`[\r\n]+`).Split(terminalControl.ReplaceAllString(out, " "), -1) {
		if f := strings.Fields(row); len(f) > 0 {
			rows = append(rows, f)
		}
	}
	return rows
}

// expectListing waits until one row of the output not yet consumed holds
// every one of want as a whole word: "admin" inside "admin-short" does not
// count. (The test's few names fit on one row of the 200-column terminal in
// each shell, so a row that lacks one is a listing that lacks it, not the
// command line the shell redraws with the first candidate.)
func expectListing(t *testing.T, sh *ptytest.Shell, want []string) {
	t.Helper()
	deadline := time.Now().Add(ptytest.DefaultTimeout)
	for {
		rows := listingRows(sh.Pending())
		for _, row := range rows {
			words := make(map[string]bool, len(row))
			for _, w := range row {
				words[w] = true
			}
			all := true
			for _, w := range want {
				all = all && words[w]
			}
			if all {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no completion listing offered all of %q as whole words; the rows shown were:\n%q", want, rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
