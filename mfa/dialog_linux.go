package mfa

import "syscall"

// dialogProcAttr has the kernel kill a dialog program when awsmfa dies,
// even by SIGKILL: a window left behind would ask for a code nobody reads.
func dialogProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
