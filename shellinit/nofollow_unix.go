//go:build unix

package shellinit

import "syscall"

// noFollow makes opening a marker fail on a symbolic link, closing the gap
// between Marker's Lstat check and its open.
const noFollow = syscall.O_NOFOLLOW
