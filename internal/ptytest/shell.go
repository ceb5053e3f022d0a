//go:build unix

package ptytest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// Prompt is what every Shell's prompt prints, so tests can wait for it.
const Prompt = "PTY-PROMPT> "

// Options shape a Shell.
type Options struct {
	// Env is added to the shell's environment, after the isolated defaults
	// (HOME, XDG_*, ZDOTDIR, TERM, PATH, ...), which it may override. Nothing
	// else from the test's own environment reaches the shell.
	Env []string
	// RC is shell code run at startup, after the prompt is set.
	RC string
	// Dir is the working directory; default the new HOME.
	Dir string
}

// Shell is an interactive bash, zsh or fish on a pty. Its startup files,
// HOME and XDG directories are its own, under a temporary directory.
type Shell struct {
	*Term
	// Name is bash, zsh or fish.
	Name string
	// Home is the shell's HOME, a fresh directory.
	Home string
}

// StartShell starts shell name (bash, zsh or fish) interactively, skipping t
// when the program is missing (see testenv.Need), and waits for its first
// prompt.
func StartShell(t testing.TB, name string, opt Options) *Shell {
	t.Helper()
	path := testenv.Need(t, name)
	root := t.TempDir()
	home := filepath.Join(root, "home")
	env := []string{
		"HOME=" + home,
		"USER=tester",
		"LOGNAME=tester",
		"SHELL=" + path,
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(root, "config"),
		"XDG_DATA_HOME=" + filepath.Join(root, "data"),
		"XDG_CACHE_HOME=" + filepath.Join(root, "cache"),
		"XDG_STATE_HOME=" + filepath.Join(root, "state"),
		"XDG_RUNTIME_DIR=" + filepath.Join(root, "run"),
		"INPUTRC=/dev/null",
		"HISTFILE=" + filepath.Join(root, "history"),
	}
	for _, d := range []string{home, "config", "data", "cache", "state", "run"} {
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, d)
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var args []string
	switch name {
	case "bash":
		rc := filepath.Join(root, "bashrc")
		write(t, rc, "PS1='"+Prompt+"'\nPS2=\nunset PROMPT_COMMAND\nbind 'set enable-bracketed-paste off' 2>/dev/null\n"+opt.RC+"\n")
		args = []string{"--noprofile", "--rcfile", rc, "-i"}
	case "zsh":
		zdot := filepath.Join(root, "zdotdir")
		if err := os.MkdirAll(zdot, 0o700); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(zdot, ".zshrc"), "PROMPT='"+Prompt+"'\nRPROMPT=\nunsetopt prompt_sp\nunset zle_bracketed_paste\n"+opt.RC+"\n")
		env = append(env, "ZDOTDIR="+zdot)
		args = []string{"-d", "-i"}
	case "fish":
		conf := filepath.Join(root, "config", "fish")
		if err := os.MkdirAll(conf, 0o700); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(conf, "config.fish"), strings.Join([]string{
			"function fish_prompt; printf '%s' '" + Prompt + "'; end",
			"function fish_right_prompt; end",
			"function fish_mode_prompt; end",
			"set -g fish_greeting ''",
			"set -g fish_autosuggestion_enabled 0",
			opt.RC, "",
		}, "\n"))
		args = []string{"-i"}
	default:
		t.Fatalf("ptytest: no shell %q; use bash, zsh or fish", name)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(env, opt.Env...)
	cmd.Dir = opt.Dir
	if cmd.Dir == "" {
		cmd.Dir = home
	}
	s := &Shell{Term: Start(t, cmd), Name: name, Home: home}
	s.ExpectString(Prompt)
	return s
}

func write(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Run types line and Enter, waits for the next prompt, and returns what the
// terminal showed in between (the echoed line included).
func (s *Shell) Run(line string) string {
	s.t.Helper()
	s.Send(line + "\r")
	m := s.Expect(`(?s)^(.*?)` + regexp.QuoteMeta(Prompt))
	return m[1]
}

// Value prints expr, a word in the shell's own syntax such as "$HOME" or
// "$status", through the shell and returns it.
func (s *Shell) Value(expr string) string {
	s.t.Helper()
	s.Send(fmt.Sprintf("printf '%%s=[%%s]\\n' VALUE %s\r", expr))
	m := s.Expect(`(?s)VALUE=\[(.*?)\]\r?\n`)
	s.ExpectString(Prompt)
	return m[1]
}
