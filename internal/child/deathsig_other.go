//go:build !linux

package child

import "os/exec"

// dieWithParent reports false: only Linux has a parent-death signal.
func dieWithParent(*exec.Cmd) bool { return false }
