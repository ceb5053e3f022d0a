package child

import (
	"os"
	"os/exec"
)

// forwarded are the signals passed on to the child. On Windows the console
// delivers Ctrl-C to every process attached to it, the child included.
var forwarded = []os.Signal{os.Interrupt}

func fromTerminal(os.Signal) bool { return true }

func status(ps *os.ProcessState, err error) int {
	if ps == nil {
		return 126
	}
	return ps.ExitCode()
}

func lookPathIn(name, _ string) (string, error) { return exec.LookPath(name) }
