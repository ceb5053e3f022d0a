// Package sh runs the commands a user writes in a config file or the
// environment (mfa_process, credential_process, a TOTP seed command)
// through /bin/sh -c and returns what they print.
package sh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// Output runs command through sh -c with env (nil: the current
// environment) until it exits or ctx is done, and returns its stdout;
// stderr receives the command's stderr (nil discards it). Its error reads
// after the command's name: "failed (exit status 1)", "could not run:
// ..."; when ctx is done the caller says why from ctx.Err(). The output
// never appears in an error: it may be a secret.
func Output(ctx context.Context, command string, env []string, stderr io.Writer) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("failed (%s)", ee.ProcessState)
		}
		return nil, fmt.Errorf("could not run: %v", err)
	}
	return out.Bytes(), nil
}
