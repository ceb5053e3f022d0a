// Package child runs one command as a child of awsmfa the way a shell
// would: stdio inherited, signals passed on, and its exit status returned
// exactly (128+N for a death by signal N, 127 for a command not found, 126
// for one that cannot be run).
package child

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"

	"github.com/awsmfa/awsmfa/internal/fsx"
)

// Command describes the child.
type Command struct {
	Args   []string // Args[0] is looked up in PATH of Env
	Env    []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// DieWithParent asks the system to send the child SIGTERM when awsmfa
	// dies, however it dies (SIGKILL, the OOM killer), for a child that
	// relies on something awsmfa serves. Only Linux can (a parent-death
	// signal); elsewhere it has no effect and the child outlives awsmfa.
	DieWithParent bool
}

// NotFoundError means the command does not exist (exit status 127).
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s: command not found; check the name or your PATH", e.Name)
}

// Run starts c, forwards signals to it until it exits, and returns the exit
// status a shell would report. The error is non-nil only when the command
// could not be started; the status is then 127 or 126.
func Run(ctx context.Context, c Command) (int, error) {
	if len(c.Args) == 0 {
		return 2, errors.New("no command given")
	}
	path, err := lookPath(c.Args[0], c.Env)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return 127, &NotFoundError{Name: c.Args[0]}
		}
		return 126, fmt.Errorf("%s: cannot run: %v", c.Args[0], unwrapPath(err))
	}
	cmd := exec.Command(path, c.Args[1:]...)
	cmd.Args[0] = c.Args[0]
	cmd.Env = c.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Stdin, c.Stdout, c.Stderr
	if c.DieWithParent && dieWithParent(cmd) {
		// Linux sends the parent-death signal when the thread that forked
		// the child exits, not the process; Go may end an idle thread. This
		// goroutine keeps its thread from fork to wait, so the signal
		// comes only when awsmfa itself is gone.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}

	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)

	if err := cmd.Start(); err != nil {
		return 126, fmt.Errorf("%s: cannot run: %v", c.Args[0], unwrapPath(err))
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if !fromTerminal(s) {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	return status(cmd.ProcessState, err), nil
}

// lookPath finds name in the PATH of env (not of awsmfa itself: the child's
// environment is what the user asked for).
func lookPath(name string, env []string) (string, error) {
	if strings.ContainsRune(name, os.PathSeparator) {
		return exec.LookPath(name)
	}
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return lookPathIn(name, v)
		}
	}
	return exec.LookPath(name)
}

// unwrapPath drops the program's name from a start error (the message
// names it once already).
func unwrapPath(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return fsx.Unwrap(err)
}
