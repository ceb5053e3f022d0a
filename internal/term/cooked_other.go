//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package session

import "io"

// cooked is a no-op where there are no termios.
func cooked(io.ReadWriter) (restore func()) { return func() {} }
