package mfa

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

// Environment variables that give the TOTP source its seed. Robots (CI
// machines with a virtual MFA device) get their secrets from the
// environment or from a command that reads a secret store; both keep the
// seed away from the credentials file.
const (
	// EnvTOTPSeed holds the base32 seed of a virtual MFA device.
	EnvTOTPSeed = "AWSMFA_TOTP_SEED"
	// EnvTOTPSeedProcess is a command (run by /bin/sh -c) that prints the
	// seed on its first line of stdout, as mfa_process prints a code.
	EnvTOTPSeedProcess = "AWSMFA_TOTP_SEED_PROCESS"
)

// TOTP computes the current code of a virtual MFA device from its seed
// (RFC 6238: 30-second steps, 6 digits, SHA-1, as AWS virtual devices use),
// for robots that cannot type. The seed comes from Seed, else from the
// first line printed by SeedProcess. The seed is a secret: it never
// appears in an error or a log, and the command's output is never shown.
type TOTP struct {
	// Seed is the base32 seed (spaces, lower case and missing padding are
	// accepted, as authenticator apps show it).
	Seed string
	// SeedProcess prints the seed; used when Seed is empty. The device
	// serial is passed to it as AWSMFA_MFA_SERIAL.
	SeedProcess string
	// Env is SeedProcess's environment; nil means the current one.
	Env []string
	// Stderr receives SeedProcess's stderr; nil discards it.
	Stderr io.Writer
	// Timeout bounds SeedProcess; 0 means one minute.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Describe implements Source. The seed command is not shown: it might
// hold the seed itself.
func (t TOTP) Describe() string {
	if t.Seed != "" {
		return "the built-in TOTP generator, seed from " + EnvTOTPSeed
	}
	return "the built-in TOTP generator, seed from " + EnvTOTPSeedProcess
}

// Renewal implements Source: the code is computed.
func (TOTP) Renewal() Renewal { return Compute }

// Code implements Source.
func (t TOTP) Code(ctx context.Context, serial string) (string, error) {
	seed, from := t.Seed, EnvTOTPSeed
	if seed == "" {
		if t.SeedProcess == "" {
			return "", fmt.Errorf("no TOTP seed: set %s or %s", EnvTOTPSeed, EnvTOTPSeedProcess)
		}
		from = EnvTOTPSeedProcess
		var err error
		if seed, err = t.runSeedProcess(ctx, serial); err != nil {
			return "", err
		}
	}
	seed, err := normalizeSeed(seed)
	if err != nil {
		return "", fmt.Errorf("%s: %v; give the base32 seed shown when the virtual MFA device was made", from, err)
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	code, err := totp.GenerateCodeCustom(seed, now(), totp.ValidateOpts{
		Period: uint(step / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", fmt.Errorf("%s: cannot compute a code from the seed; give the base32 seed shown when the virtual MFA device was made", from)
	}
	return code, nil
}

// normalizeSeed drops spaces and dashes, upper-cases and pads the seed, and
// checks it decodes. The error never contains the seed.
func normalizeSeed(seed string) (string, error) {
	seed = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '\r', '\n':
			return -1
		}
		return r
	}, strings.ToUpper(seed))
	seed = strings.TrimRight(seed, "=")
	if seed == "" {
		return "", errors.New("the seed is empty")
	}
	if n := len(seed) % 8; n != 0 {
		seed += strings.Repeat("=", 8-n)
	}
	b, err := base32.StdEncoding.DecodeString(seed)
	if err != nil {
		return "", errors.New("the seed is not base32 (letters A-Z and digits 2-7)")
	}
	if len(b) < 10 {
		return "", fmt.Errorf("the seed is %d bytes; a TOTP seed has at least 10 (AWS uses 40)", len(b))
	}
	return seed, nil
}

func (t TOTP) runSeedProcess(ctx context.Context, serial string) (string, error) {
	seed, err := firstLine(ctx, t.SeedProcess, "a seed", t.Env, t.Stderr, t.Timeout, serial)
	if err != nil {
		return "", fmt.Errorf("%s %v", EnvTOTPSeedProcess, err)
	}
	return seed, nil
}

// SeedGuard refuses to give a code while the credentials file holds what
// looks like a TOTP seed (a key such as totp_seed or mfa_seed): the seed
// beside the access keys makes MFA one factor, since whoever can read the
// file has both. awsmfa never reads a seed from there. The file is checked
// only when a code is needed, so the cached path pays nothing.
type SeedGuard struct {
	// CredentialsFile is the path checked.
	CredentialsFile string
	// Shown is how the file is named in messages (e.g. "~/.aws/credentials");
	// "" means CredentialsFile.
	Shown string
	// Next is the source asked when the file is clean.
	Next Source
}

// Code implements Source.
func (g SeedGuard) Code(ctx context.Context, serial string) (string, error) {
	if err := g.check(); err != nil {
		return "", err
	}
	return g.Next.Code(ctx, serial)
}

// Describe implements Source: the guard gives Next's codes.
func (g SeedGuard) Describe() string { return g.Next.Describe() }

// Renewal implements Source: the guard gives Next's codes.
func (g SeedGuard) Renewal() Renewal { return g.Next.Renewal() }

func (g SeedGuard) check() error {
	f, err := os.Open(g.CredentialsFile)
	if err != nil {
		return nil // no file, no seed; an unreadable one was reported by profile
	}
	defer f.Close()
	fi, _ := f.Stat()
	raw, err := awsini.ReadAll(f, fi)
	if err != nil {
		return nil // reported by profile
	}
	shown := g.Shown
	if shown == "" {
		shown = g.CredentialsFile
	}
	// The keys as the AWS CLI reads them, and also a seed written as an
	// indented line (part of the value above it, to the CLI): it is in the
	// file all the same. A file the CLI refuses is refused here too.
	data, _ := awsini.TrimBOM(string(raw))
	lx := awsini.NewLexer(shown, data, 0, 0)
	section := ""
	for kind := lx.Next(); kind != 0; kind = lx.Next() {
		tok := lx.Token()
		k := strings.ToLower(tok.Name)
		if kind == awsini.ContinuationLine {
			if d := strings.IndexAny(tok.Value, "=:"); d > 0 {
				k = strings.ToLower(strings.TrimSpace(tok.Value[:d]))
			}
		}
		switch {
		case kind == awsini.SectionLine:
			section = tok.Name
		case (kind == awsini.OptionLine || kind == awsini.ContinuationLine) && k != "" && seedKey(k):
			return fmt.Errorf("%s:%d: [%s] holds %s: a TOTP seed beside the access keys makes MFA one factor, so awsmfa will not run\n"+
				"remove it (and make a new virtual MFA device if the file was ever shared); robots give the seed in %s or %s", shown, tok.Line, section, k, EnvTOTPSeed, EnvTOTPSeedProcess)
		}
	}
	return lx.Err()
}

// seedKey reports whether an INI key names a TOTP seed.
func seedKey(k string) bool {
	if strings.Contains(k, "seed") {
		return true
	}
	return (strings.Contains(k, "totp") || strings.Contains(k, "otp_") || strings.HasPrefix(k, "mfa_")) &&
		(strings.Contains(k, "secret") || strings.Contains(k, "key") && !strings.Contains(k, "access_key"))
}
