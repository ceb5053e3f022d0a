//go:build !unix

package shellinit

// noFollow is not available here; Marker's Lstat check stands alone.
const noFollow = 0
