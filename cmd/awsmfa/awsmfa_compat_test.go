package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// awsMFAFlags is aws-mfa's whole command line: every flag and alias it
// takes. awsMFAVars is every variable it reads, the login-name ones
// included.
var (
	awsMFAFlags = []string{"--device", "--duration", "--profile", "--long-term-suffix", "--long-suffix",
		"--short-term-suffix", "--short-suffix", "--assume-role", "--assume", "--role-session-name",
		"--force", "--log-level", "--setup", "--token", "--mfa-token"}
	awsMFAVars = []string{"MFA_DEVICE", "MFA_STS_DURATION", "MFA_ASSUME_ROLE", "AWS_PROFILE",
		"LOGNAME", "USER", "LNAME", "USERNAME"}
)

// TestAWSMFAFlagsAccepted checks that aws-mfa's mode takes every flag of
// aws-mfa's: as a flag of write, or (--setup) as the setup command.
func TestAWSMFAFlagsAccepted(t *testing.T) {
	var names []string
	for _, f := range (&app{}).writeCommand().Flags {
		for _, n := range f.Names() {
			names = append(names, "--"+n)
		}
	}
	for _, flag := range awsMFAFlags {
		args, compat := awsMFACommandLine([]string{"/usr/local/bin/aws-mfa", flag})
		if !compat {
			t.Fatalf("aws-mfa %s is not aws-mfa's command line", flag)
		}
		switch {
		case flag == "--setup":
			if !slices.Equal(args, []string{"/usr/local/bin/aws-mfa", "setup"}) {
				t.Errorf("aws-mfa --setup = %q, want the setup command", args)
			}
		case args[1] != "write" || !slices.Contains(names, flag):
			t.Errorf("aws-mfa %s: runs %q, and write's flags are %v", flag, args[1:], names)
		}
	}
}

// TestAWSMFAReadme checks that README's "Coming from aws-mfa" names every
// flag and variable of aws-mfa's, the deliberate differences and the alias.
func TestAWSMFAReadme(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Coming from aws-mfa\n")
	if !ok {
		t.Fatal(`README.md has no "## Coming from aws-mfa" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, want := range append(append(slices.Clone(awsMFAFlags), awsMFAVars...),
		"alias aws-mfa=awsmfa", "0600", "never sent twice", "Comments kept", "| aws-mfa | awsmfa |") {
		if !strings.Contains(section, want) {
			t.Errorf("README's Coming from aws-mfa does not mention %q", want)
		}
	}
}
