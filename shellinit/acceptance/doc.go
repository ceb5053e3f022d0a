// Package acceptance runs the prompt hooks and completions against the real
// awsmfa binary, built once per test run, in real interactive bash, zsh and
// fish on a pty, with STS played by the emulator on 127.0.0.1. It holds only
// tests.
package acceptance
