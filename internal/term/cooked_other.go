//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package term

// Cooked is a no-op where there are no termios.
func Cooked(any) (restore func()) { return func() {} }
