package child

import (
	"os/exec"
	"syscall"
)

// dieWithParent sets SIGTERM as cmd's parent-death signal and reports true.
func dieWithParent(cmd *exec.Cmd) bool {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	return true
}
