package main

import (
	"path/filepath"
	"strings"
)

// awsMFAName is the name of the Python tool awsmfa stands in for: a binary
// invoked under this name (a symlink) takes aws-mfa's command line.
const awsMFAName = "aws-mfa"

// awsMFACommandLine turns aws-mfa's command line into awsmfa's, so that
// scripts written for aws-mfa (and `alias aws-mfa=awsmfa`) work unchanged.
// It applies when the binary is invoked as aws-mfa, whatever follows (a
// bare call included: aws-mfa then writes the default profile), and when
// awsmfa is given flags and no command (`awsmfa --profile x --force`).
// aws-mfa's one mode is `write`; its --setup is `setup`. compat is true
// when the command line was aws-mfa's.
func awsMFACommandLine(args []string) (out []string, compat bool) {
	if len(args) == 0 {
		return args, false
	}
	rest := args[1:]
	if !invokedAsAWSMFA(args[0]) {
		// A bare awsmfa prints help; its own flags and commands are its.
		if len(rest) == 0 || !strings.HasPrefix(rest[0], "-") || rest[0] == "-" || rest[0] == "--" {
			return args, false
		}
		switch rest[0] {
		case "-h", "--help", "-help", "-v", "--version", "-version":
			return args, false
		}
	}
	cmd := "write"
	kept := make([]string, 0, len(rest))
	for _, a := range rest {
		if a == "--setup" || a == "-setup" {
			cmd = "setup"
			continue
		}
		kept = append(kept, a)
	}
	return append([]string{args[0], cmd}, kept...), true
}

// invokedAsAWSMFA reports whether argv0 names aws-mfa (aws-mfa.exe on
// Windows).
func invokedAsAWSMFA(argv0 string) bool {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	return base == awsMFAName
}
