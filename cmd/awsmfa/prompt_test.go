package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/shellinit"
)

// runShellCmd runs awsmfa in-process with env as its whole environment and
// now as its clock, and returns its exit status, stdout and stderr.
func runShellCmd(env map[string]string, now time.Time, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin:   strings.NewReader(""),
		stdout:  &stdout,
		stderr:  &stderr,
		getenv:  func(k string) string { return env[k] },
		environ: func() []string { return nil },
		now:     func() time.Time { return now },

		executable: os.Executable,
	}
	status := runApp(a, append([]string{"awsmfa"}, args...))
	return status, stdout.String(), stderr.String()
}

func TestPromptCommand(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	session := map[string]string{"AWSMFA_PROFILE": "dev", "AWSMFA_EXPIRATION": at(5000 * time.Second), "AWSMFA_REFRESH_AT": at(4400 * time.Second)}
	due := map[string]string{"AWSMFA_PROFILE": "dev", "AWSMFA_EXPIRATION": at(4 * time.Minute), "AWSMFA_REFRESH_AT": at(-6 * time.Minute)}
	with := func(m map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for k, v := range m {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
		return out
	}
	tests := []struct {
		name         string
		env          map[string]string
		args         []string
		status       int
		stdout       string
		stderrPrefix string
	}{
		{"no session prints nothing", map[string]string{}, nil, 0, "", ""},
		{"session", session, nil, 0, "dev 1h23m\n", ""},
		{"due", due, nil, 0, "dev 4m!\n", ""},
		{"expired", with(due, "AWSMFA_EXPIRATION", at(-time.Second)), nil, 0, "dev expired\n", ""},
		{"format", due, []string{"--format", "{{.Profile}} {{.Left}}"}, 0, "dev 4m\n", ""},
		{"color", due, []string{"--color"}, 0, "\x1b[33mdev 4m!\x1b[0m\n", ""},
		{"NO_COLOR wins", with(due, "NO_COLOR", "1"), []string{"--color"}, 0, "dev 4m!\n", ""},
		{"no colour unless asked", session, nil, 0, "dev 1h23m\n", ""},
		{"bad expiration", with(session, "AWSMFA_EXPIRATION", "soon"), nil, 1, "", `awsmfa: AWSMFA_EXPIRATION="soon" is not Unix seconds` + "\n" + `  run eval "$(awsmfa env dev)" again`},
		{"bad template", session, []string{"--format", "{{.Nope"}, 1, "", "awsmfa: bad --format template:"},
		{"arguments", session, []string{"dev"}, 1, "", "awsmfa: prompt takes no arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, stdout, stderr := runShellCmd(tc.env, now, append([]string{"prompt"}, tc.args...)...)
			if status != tc.status || stdout != tc.stdout || !strings.HasPrefix(stderr, tc.stderrPrefix) || (tc.stderrPrefix == "" && stderr != "") {
				t.Errorf("got %d, %q, %q; want %d, %q, stderr starting %q", status, stdout, stderr, tc.status, tc.stdout, tc.stderrPrefix)
			}
		})
	}
}

func TestHookCommand(t *testing.T) {
	// The hook runs this very binary: by its name in $PATH when that is
	// the same file (a stable symlink), else by its own path.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "awsmfa")
	if err := os.Symlink(exe, link); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "awsmfa"), []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	paths := []struct{ path, want string }{
		{"", exe},
		{other, exe},               // an awsmfa that is not this one
		{"relative:" + other, exe}, // relative entries are not used
		{other + ":" + filepath.Dir(link), link},
	}
	for _, p := range paths {
		a := &app{getenv: func(k string) string { return map[string]string{"PATH": p.path}[k] }, executable: os.Executable}
		if got, err := a.selfPath(); err != nil || got != p.want {
			t.Errorf("PATH=%q: selfPath() = %q, %v; want %q", p.path, got, err, p.want)
		}
	}
	env := map[string]string{"PATH": filepath.Dir(link)}
	exe = link
	for _, shell := range shellinit.Names() {
		status, stdout, stderr := runShellCmd(env, time.Now(), "hook", shell)
		sh, _ := shellinit.Lookup(shell)
		if status != 0 || stderr != "" || stdout != sh.Hook(exe) {
			t.Errorf("hook %s: status %d, stderr %q, and stdout is not the %s hook running %s", shell, status, stderr, shell, exe)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"hook"}, "awsmfa: hook needs one shell: awsmfa hook bash|zsh|fish\n"},
		{[]string{"hook", "bash", "zsh"}, "awsmfa: hook needs one shell: awsmfa hook bash|zsh|fish\n"},
		{[]string{"hook", "tcsh"}, "awsmfa: no hook for shell \"tcsh\"; use one of: bash, zsh, fish\n"},
	}
	for _, tc := range tests {
		status, stdout, stderr := runShellCmd(nil, time.Now(), tc.args...)
		if status != 1 || stdout != "" || stderr != tc.want {
			t.Errorf("%q: got %d, %q, %q; want 1, \"\", %q", tc.args, status, stdout, stderr, tc.want)
		}
	}
}

func TestCompletionCommand(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		status, stdout, stderr := runShellCmd(nil, time.Now(), "completion", shell)
		if status != 0 || stderr != "" {
			t.Fatalf("completion %s: status %d, stderr %q", shell, status, stderr)
		}
		// Every visible command and flag is there; hidden ones are not.
		for _, want := range []string{"env", "exec", "hook", "prompt", "completion", "credential-process", "min-ttl", "log-level", "unset", "format"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("completion %s lacks %q", shell, want)
			}
		}
		if strings.Contains(stdout, "--hook") || strings.Contains(stdout, " -l hook") {
			t.Errorf("completion %s offers the hidden --hook flag", shell)
		}
		if strings.Contains(stdout, "_ARMS@") || strings.Contains(stdout, "@COMMANDS@") {
			t.Errorf("completion %s has a placeholder left", shell)
		}
	}
	status, _, stderr := runShellCmd(nil, time.Now(), "completion", "tcsh")
	if status != 1 || stderr != "awsmfa: no completion for shell \"tcsh\"; use one of: bash, zsh, fish\n" {
		t.Errorf("completion tcsh: %d, %q", status, stderr)
	}
}
