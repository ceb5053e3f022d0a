package exporter

import "io"

// Zsh is the format for zsh. Its single quotes behave as POSIX ones, so it
// writes what Bash writes, and exists apart so that `--shell zsh` and a zsh
// $SHELL name what the user runs and zsh can diverge later without touching
// bash.
type Zsh struct{}

// Name returns "zsh".
func (Zsh) Name() string { return "zsh" }

// Write writes c as zsh code: `unset NAME` lines, then `export NAME='value'`.
func (Zsh) Write(w io.Writer, c Changes) error { return writePOSIX(w, c) }
