package ptytest

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestShells(t *testing.T) {
	for _, name := range []string{"bash", "zsh", "fish"} {
		t.Run(name, func(t *testing.T) {
			s := StartShell(t, name, Options{Env: []string{"GREETING=hello there"}, RC: rcSet(name)})
			if got := s.Value(`"$GREETING"`); got != "hello there" {
				t.Errorf("environment: got %q", got)
			}
			if got := s.Value(`"$FROM_RC"`); got != "yes" {
				t.Errorf("rc file: got %q", got)
			}
			if got := s.Value(`"$HOME"`); got != s.Home {
				t.Errorf("HOME = %q, want %q", got, s.Home)
			}
			if out := s.Run("echo one; echo two"); !strings.Contains(out, "one\r\ntwo\r\n") {
				t.Errorf("Run output %q lacks the command's lines", out)
			}
			// Ctrl-C at a running command gives the prompt back.
			s.Send("sleep 30\r")
			s.WaitJob()
			s.Send("\x03")
			s.ExpectString(Prompt)
		})
	}
}

func rcSet(shell string) string {
	if shell == "fish" {
		return "set -gx FROM_RC yes"
	}
	return "export FROM_RC=yes"
}

func TestExpectReportsWhatCame(t *testing.T) {
	p := Start(t, exec.Command("/bin/sh", "-c", "echo partial output"))
	_, err := p.expect(mustRe(t, "never"))
	if err == nil || !strings.Contains(err.Error(), "partial output") {
		t.Fatalf("err = %v, want it to show the output that did come", err)
	}
}

func mustRe(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	return regexp.MustCompile(s)
}
