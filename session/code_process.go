package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
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

// Code implements CodeSource.
func (p Process) Code(ctx context.Context, serial string) (string, error) {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", p.Command)
	env := p.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env[:len(env):len(env)], "AWSMFA_MFA_SERIAL="+serial)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = p.Stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("mfa_process did not print a code within %s: %s", timeout, p.Command)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("mfa_process failed (%s): %s", ee.ProcessState, p.Command)
		}
		return "", fmt.Errorf("mfa_process could not run: %v", err)
	}
	code, _, _ := strings.Cut(out.String(), "\n")
	code = strings.TrimSpace(code)
	if err := ValidCode(code); err != nil {
		return "", fmt.Errorf("mfa_process printed no usable code (%v): %s", err, p.Command)
	}
	return code, nil
}
