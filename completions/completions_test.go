package completions

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/ptytest"
	"github.com/awsmfa/awsmfa/internal/testenv"
)

// testCommands stands in for awsmfa's command list (cmd/awsmfa builds the
// real one from its cli.Commands and tests it against the real binary).
var testCommands = []Command{
	{Name: "env", Usage: "print shell code that exports the profile's session", Args: ProfileArg, Flags: []Flag{
		{Name: "profile", Value: true}, {Name: "shell", Value: true}, {Name: "unset"}, {Name: "min-ttl", Value: true}, {Name: "log-level", Value: true},
	}},
	{Name: "exec", Usage: "run one command with the session", Args: ProfileThenCommand, Flags: []Flag{{Name: "profile", Value: true}}},
	{Name: "hook", Usage: "print the prompt hook", Args: ShellArg},
	{Name: "prompt", Usage: "print the prompt segment", Flags: []Flag{{Name: "format", Value: true}, {Name: "color"}}},
	{Name: "list", Usage: "profiles and their cached sessions", Flags: []Flag{{Name: "names"}}},
}

func TestScriptErrors(t *testing.T) {
	tests := []struct {
		shell string
		cmds  []Command
		want  string
	}{
		{"tcsh", testCommands, `no completion for shell "tcsh"; use one of: bash, zsh, fish`},
		{"bash", []Command{{Name: "a b"}}, `command name "a b" cannot be completed`},
		{"fish", []Command{{Name: "env", Flags: []Flag{{Name: "x'y"}}}}, `flag name "x'y" of env cannot be completed`},
	}
	for _, tc := range tests {
		_, err := Script(tc.shell, tc.cmds)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Script(%s) err = %v, want %q", tc.shell, err, tc.want)
		}
	}
}

// TestSyntax has each shell parse its script without running it.
func TestSyntax(t *testing.T) {
	for _, shell := range Shells() {
		t.Run(shell, func(t *testing.T) {
			bin := testenv.Need(t, shell)
			script, err := Script(shell, testCommands)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(script, "@") && strings.Contains(script, "_ARMS@") {
				t.Fatal("a placeholder was left in the script")
			}
			p := filepath.Join(t.TempDir(), "awsmfa."+shell)
			if err := os.WriteFile(p, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, "-n", p).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", shell, err, out)
			}
		})
	}
}

// fakeAwsmfa answers `awsmfa list --names` as a config with three profiles
// would, and records each call.
const fakeAwsmfa = `#!/bin/sh
printf '%s\n' "$*" >> "$0.calls"
if [ "$1 $2" = "list --names" ]; then printf 'dev\nprod-admin\nstaging\n'; fi
`

// TestTab presses TAB in real interactive shells with the completion loaded.
func TestTab(t *testing.T) {
	tests := []struct {
		typed string
		want  []string // words the listing must show, in any order
		line  string   // or: the command line TAB must leave
	}{
		{typed: "awsmfa env \t\t", want: []string{"dev", "prod-admin", "staging"}},
		{typed: "awsmfa env --profile \t\t", want: []string{"dev", "prod-admin", "staging"}},
		{typed: "awsmfa exec \t\t", want: []string{"dev", "prod-admin", "staging"}},
		{typed: "awsmfa hook \t\t", want: []string{"bash", "zsh", "fish"}},
		{typed: "awsmfa env --shell \t\t", want: []string{"powershell", "dotenv", "json"}},
		{typed: "awsmfa \t\t", want: []string{"prompt", "hook", "exec", "list"}},
		{typed: "awsmfa env pr\t", line: "awsmfa env prod-admin"},
		{typed: "awsmfa en\t", line: "awsmfa env"},
		{typed: "awsmfa env --sh\t", line: "awsmfa env --shell"},
		{typed: "awsmfa exec --profile dev st\t", line: "awsmfa exec --profile dev staging"},
		{typed: "awsmfa exec dev -- whoam\t", line: "awsmfa exec dev -- whoami"},
		{typed: "awsmfa exec dev whoam\t", line: "awsmfa exec dev whoami"},
	}
	for _, shell := range Shells() {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "awsmfa"), []byte(fakeAwsmfa), 0o700); err != nil {
				t.Fatal(err)
			}
			script, err := Script(shell, testCommands)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "completion."+shell)
			if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			rc := "PATH=" + dir + ":$PATH\n. " + file
			switch shell {
			case "zsh":
				rc = "autoload -Uz compinit && compinit -u -D\n" + rc
			case "fish":
				rc = "set -gx PATH " + dir + " $PATH\nsource " + file
			}
			sh := ptytest.StartShell(t, shell, ptytest.Options{RC: rc})
			for _, tc := range tests {
				sh.Send(tc.typed)
				if tc.line != "" {
					// Run what TAB left as echo's arguments: go to the start
					// of the line and type echo there. (COMPLETED""= prints as
					// COMPLETED=, so the typed text cannot match.)
					sh.Send("\x01echo COMPLETED\"\"= \r")
					m := sh.Expect(`COMPLETED=(.*?)\r\n`)
					if got := strings.TrimSpace(m[1]); got != tc.line {
						t.Errorf("%q completed to %q, want %q", tc.typed, got, tc.line)
					}
					sh.ExpectString(ptytest.Prompt)
					continue
				}
				sh.ExpectAll(tc.want...)
				// Drop the line (Ctrl-U, with the cursor at its end), then
				// resynchronise on a command's output: prompts are redrawn
				// while completing, so waiting for one proves nothing.
				sh.Send("\x15")
				if got := sh.Value(`"sync"`); got != "sync" {
					t.Fatalf("after %q the shell did not come back: %q", tc.typed, got)
				}
			}
			calls, _ := os.ReadFile(filepath.Join(dir, "awsmfa.calls"))
			if !strings.Contains(string(calls), "list --names") {
				t.Errorf("profile names did not come from awsmfa list --names; calls: %q", calls)
			}
		})
	}
}

// hostileNames are profile names a shared config file may hold, each of
// which runs a command (creating PWNED) if a shell expands it, or is split,
// globbed or unquoted by a careless script. hostileAwsmfa answers
// `awsmfa list --names` with them.
var hostileNames = []string{
	"team$(touch${IFS}PWNED)", "tick`touch PWNED`", "two words", "it's", "g*", `back\slash`, "dev",
}

const hostileAwsmfa = `#!/bin/sh
if [ "$1 $2" = "list --names" ]; then
  printf '%s\n' 'team$(touch${IFS}PWNED)' 'tick` + "`touch PWNED`" + `' 'two words' "it's" 'g*' 'back\slash' dev
fi
`

// hostileWorld writes the fake awsmfa and shell's completion script into a
// new directory and returns it.
func hostileWorld(t *testing.T, shell string) (dir, script string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "awsmfa"), []byte(hostileAwsmfa), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Script(shell, testCommands)
	if err != nil {
		t.Fatal(err)
	}
	script = filepath.Join(dir, "completion."+shell)
	if err := os.WriteFile(script, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, script
}

// noPWNED fails t when a completion ran a command from a profile name.
func noPWNED(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "PWNED")); err == nil {
			t.Errorf("completing a profile name ran a command from it: %s exists", filepath.Join(d, "PWNED"))
		}
	}
}

// TestBashProfileNamesAreLiteral calls the function `complete -p awsmfa`
// names, in a real bash, as bash's programmable completion does (COMP_WORDS,
// COMP_CWORD, COMP_LINE, COMP_POINT and the three arguments). Each offered
// match is then read back the way the line will hold it (inside the quote
// the typed word opened, as readline closes it): it must be the hostile
// name exactly, and nothing may have run.
func TestBashProfileNamesAreLiteral(t *testing.T) {
	bash := testenv.Need(t, "bash")
	dir, script := hostileWorld(t, "bash")
	work := t.TempDir()
	const driver = `. "$SCRIPT"
spec=$(complete -p awsmfa) || exit 1
printf '%s\n' "$spec"
fn=${spec##*-F }
fn=${fn%% *}
COMP_WORDS=(awsmfa env "$1")
COMP_CWORD=2
COMP_LINE="awsmfa env $1"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" awsmfa "$1" env
for m in "${COMPREPLY[@]}"; do
  eval "w=$2$m$2"
  printf '<%s>' "$w"
done
`
	tests := []struct {
		typed string // the word as typed, quotes included
		quote string // the quote it leaves open
		want  []string
	}{
		{"", "", hostileNames},
		{"te", "", []string{"team$(touch${IFS}PWNED)"}},
		{"tick`", "", []string{"tick`touch PWNED`"}},
		{"tw", "", []string{"two words"}},
		{`two\ w`, "", []string{"two words"}},
		{`"two w`, `"`, []string{"two words"}},
		{`'two w`, `'`, []string{"two words"}},
		{`it\'`, "", []string{"it's"}},
		{`"it'`, `"`, []string{"it's"}},
		{`'it`, `'`, []string{"it's"}},
		{"g", "", []string{"g*"}},
		{`g\*`, "", []string{"g*"}},
		{"*", "", nil},
		{`back\\`, "", []string{`back\slash`}},
		{`"back\s`, `"`, []string{`back\slash`}},
		{`'back\s`, `'`, []string{`back\slash`}},
		{"$(touch PWNED)", "", nil},
		{"nomatch", "", nil},
	}
	for _, tc := range tests {
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", driver, "driver", tc.typed, tc.quote)
		cmd.Dir = work
		cmd.Env = []string{"PATH=" + dir + ":" + os.Getenv("PATH"), "SCRIPT=" + script, "HOME=" + work}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("completing %q: %v\n%s%s", tc.typed, err, out, stderr.String())
		}
		spec, got, _ := strings.Cut(string(out), "\n")
		if !strings.Contains(spec, "-F _awsmfa_complete") {
			t.Fatalf("complete -p awsmfa = %q, want -F _awsmfa_complete", spec)
		}
		want := ""
		for _, w := range tc.want {
			want += "<" + w + ">"
		}
		if got != want {
			t.Errorf("completing %q offered %s, want %s", tc.typed, got, want)
		}
		if stderr.Len() > 0 {
			t.Errorf("completing %q wrote to stderr: %s", tc.typed, stderr.String())
		}
	}
	noPWNED(t, work, dir)
}

// TestTabHostileNames presses TAB after hostile profile-name prefixes in
// real interactive shells: the line must hold the name as a literal word
// (echo gets it back as it is), and nothing may run.
func TestTabHostileNames(t *testing.T) {
	tests := []struct {
		typed string
		line  string // the command line TAB leaves, as echo prints it
	}{
		{"awsmfa env tea\t", "awsmfa env team$(touch${IFS}PWNED)"},
		{"awsmfa env tic\t", "awsmfa env tick`touch PWNED`"},
		{"awsmfa env tw\t", "awsmfa env two words"},
		{"awsmfa env it\t", "awsmfa env it's"},
		{"awsmfa env g\t", "awsmfa env g*"},
		{"awsmfa env ba\t", `awsmfa env back\slash`},
		{"awsmfa exec --profile tea\t", "awsmfa exec --profile team$(touch${IFS}PWNED)"},
		{"awsmfa env \"tw\t", "awsmfa env two words"},
		{"awsmfa env 'tw\t", "awsmfa env two words"},
	}
	for _, shell := range Shells() {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			dir, file := hostileWorld(t, shell)
			rc := "PATH=" + dir + ":$PATH\n. " + file
			switch shell {
			case "zsh":
				rc = "autoload -Uz compinit && compinit -u -D\n" + rc
			case "fish":
				rc = "set -gx PATH " + dir + " $PATH\nsource " + file
			}
			sh := ptytest.StartShell(t, shell, ptytest.Options{RC: rc})
			for _, tc := range tests {
				sh.Send(tc.typed)
				// As in TestTab: run what TAB left as echo's arguments.
				sh.Send("\x01echo COMPLETED\"\"= \r")
				m := sh.Expect(`COMPLETED=(.*?)\r\n`)
				if got := strings.TrimSpace(m[1]); got != tc.line {
					t.Errorf("%q completed to %q, want %q", tc.typed, got, tc.line)
				}
				sh.ExpectString(ptytest.Prompt)
			}
			noPWNED(t, sh.Home, dir)
		})
	}
}
