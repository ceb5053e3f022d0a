package mfa

import (
	"fmt"
	"io"
	"time"

	"github.com/awsmfa/awsmfa/internal/term"
	"github.com/awsmfa/awsmfa/shellinit"
)

// Options are what Choose decides from: the command line, the profile, the
// environment and the terminal.
type Options struct {
	// Code is the value of --code, nil when it was not given; "-" reads
	// the code from Stdin.
	Code *string
	// Profile names the profile in questions.
	Profile string
	// Process is the profile's mfa_process.
	Process string
	// CredentialsFile is the credentials file the SeedGuard checks;
	// CredentialsShown names it in messages ("" means CredentialsFile).
	CredentialsFile, CredentialsShown string
	// Hook is set for the prompt hook's refresh, which asks only as
	// AWSMFA_HOOK_MFA allows.
	Hook bool
	// AsAWSMFA is set when awsmfa runs as aws-mfa, which reads the code
	// from stdin when stdin is not a terminal.
	AsAWSMFA bool
	// Getenv reads the environment: the TOTP seed, AWSMFA_HOOK_MFA,
	// AWSMFA_DIALOG and what the desktop dialog needs; required.
	Getenv func(string) string
	// Environ returns the environment of the commands and windows a
	// source starts, called only for a source that starts one; nil means
	// the current one.
	Environ func() []string
	// Stdin is standard input; Stderr receives notices and the stderr of
	// the commands a source runs.
	Stdin  io.Reader
	Stderr io.Writer
	// Now is the clock of the TOTP generator; nil means time.Now.
	Now func() time.Time
	// GOOS is runtime.GOOS, for the desktop dialog.
	GOOS string
}

// Choose picks where an MFA code comes from: --code (Static, or Stdin for
// "-"), then mfa_process (Process), then the built-in TOTP generator when
// AWSMFA_TOTP_SEED or AWSMFA_TOTP_SEED_PROCESS is set, then a question on
// the terminal (Prompt; for the hook, only when AWSMFA_HOOK_MFA allows it),
// or in a desktop window when there is no terminal (Dialog, as
// AWSMFA_DIALOG chooses). Every source but NoCode is behind a SeedGuard: a
// TOTP seed in the credentials file is refused. A malformed --code or
// setting is an error.
func Choose(o Options) (Source, error) {
	src, err := o.unguarded()
	if err != nil || src.Renewal() == Unavailable {
		return src, err
	}
	return SeedGuard{CredentialsFile: o.CredentialsFile, Shown: o.CredentialsShown, Next: src}, nil
}

func (o Options) environ() []string {
	if o.Environ == nil {
		return nil
	}
	return o.Environ()
}

func (o Options) unguarded() (Source, error) {
	switch {
	case o.Code != nil && *o.Code == "-":
		return &Stdin{R: o.Stdin}, nil
	case o.Code != nil:
		if err := ValidCode(*o.Code); err != nil {
			return nil, fmt.Errorf("--code: %w", err)
		}
		return Static(*o.Code), nil
	case o.Process != "":
		return Process{Command: o.Process, Stderr: o.Stderr}, nil
	case o.Getenv(EnvTOTPSeed) != "" || o.Getenv(EnvTOTPSeedProcess) != "":
		return TOTP{
			Seed:        o.Getenv(EnvTOTPSeed),
			SeedProcess: o.Getenv(EnvTOTPSeedProcess),
			Env:         o.environ(),
			Stderr:      o.Stderr,
			Now:         o.Now,
		}, nil
	}
	hookMode := o.Getenv(shellinit.EnvHookMFA)
	if o.Hook {
		switch hookMode {
		case "", "prompt":
		case "warn", "off":
			return NoCode{}, nil
		default:
			return nil, fmt.Errorf("%s=%q: use prompt, warn or off", shellinit.EnvHookMFA, hookMode)
		}
	}
	if o.AsAWSMFA && !term.IsTerminal(o.Stdin) {
		// aws-mfa reads the code from stdin; scripts pipe it in.
		return &Stdin{R: o.Stdin, AsAWSMFA: true}, nil
	}
	p := Prompt{Label: o.Profile}
	// With no terminal, a desktop window; the hook opens one only when
	// AWSMFA_HOOK_MFA=prompt says so outright.
	if !o.Hook || hookMode == "prompt" {
		d, err := DialogFor(o.Getenv, o.GOOS)
		if err != nil {
			return nil, err
		}
		if d != nil {
			d.Label, d.Notify, d.Env = o.Profile, o.Stderr, o.environ()
			p.NoTerminal = d
		}
	}
	return p, nil
}
