package mfa

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/sh"
)

// Process runs a command through sh -c and reads the code from the first
// line of its stdout: mfa_process in the config file, for ykman, 1Password,
// pass-otp and the like. The device serial is passed to the command as
// AWSMFA_MFA_SERIAL so one command can serve several devices.
type Process struct {
	Command string
	// Timeout bounds the command; 0 means one minute.
	Timeout time.Duration
	// Stderr receives the command's stderr (it may show a prompt such as
	// "touch your YubiKey"); nil discards it.
	Stderr io.Writer
	// Env is the command's environment; nil means the current one.
	Env []string
}

// Code implements Source.
func (p Process) Code(ctx context.Context, serial string) (string, error) {
	line, err := firstLine(ctx, p.Command, "a code", p.Env, p.Stderr, p.Timeout, serial)
	if err != nil {
		return "", fmt.Errorf("mfa_process %v: %s", err, p.Command)
	}
	code := strings.TrimSpace(line)
	if err := ValidCode(code); err != nil {
		return "", fmt.Errorf("mfa_process printed no usable code (%v): %s", err, p.Command)
	}
	return code, nil
}

// Describe implements Source.
func (p Process) Describe() string { return "mfa_process: " + p.Command }

// Renewal implements Source: the command prints the current code.
func (Process) Renewal() Renewal { return WaitNext }

// firstLine runs command through sh -c, with AWSMFA_MFA_SERIAL set to
// serial, and returns the first line of its stdout. Its error reads after
// the command's name: "did not print WHAT within 1m0s", "failed (exit status
// 1)", "could not run: ...". The output itself never appears in an error:
// it may be a secret (a code, or a TOTP seed).
func firstLine(ctx context.Context, command, what string, env []string, stderr io.Writer, timeout time.Duration, serial string) (string, error) {
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if env == nil {
		env = os.Environ()
	}
	out, err := sh.Output(ctx, command, append(env[:len(env):len(env)], "AWSMFA_MFA_SERIAL="+serial), stderr)
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("did not print %s within %s", what, timeout)
	}
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return line, nil
}
