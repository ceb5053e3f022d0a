//go:build !linux

package mfa

import "syscall"

// dialogProcAttr is nil where the kernel cannot kill a child with its
// parent: the dialog is closed when awsmfa exits or is interrupted, but
// not when it is killed outright.
func dialogProcAttr() *syscall.SysProcAttr { return nil }
