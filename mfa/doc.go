// Package mfa is where MFA codes come from.
//
// Each Source lives in a file of its own: static.go (--code, and one line
// of standard input), prompt.go (a question on the terminal), dialog.go (a
// desktop window, when there is no terminal), process.go (mfa_process) and
// totp.go (a TOTP generator for robots, seeded from the environment, and
// the SeedGuard that refuses a seed kept beside the access keys). Choose,
// in choose.go, picks one from the command line, the profile and the
// environment. The Ledger (ledger.go) remembers the last code STS accepted
// on each device, so that no code is ever sent twice.
package mfa
