package mfa

import (
	"context"
	"errors"
	"fmt"
)

// A Source supplies the one-time code of an MFA device.
type Source interface {
	// Code returns a 6-digit code for the device with the given serial.
	Code(ctx context.Context, serial string) (string, error)
	// Describe says where the code comes from, for a person (awsmfa
	// explain); never a code, a seed or what could hold one.
	Describe() string
	// Renewal says how the source gets a code for a later time step,
	// when the one it gave was used already (Ledger).
	Renewal() Renewal
}

// Renewal is what a source can do when the code it gave was used already.
type Renewal int

const (
	// Refuse: the source only gives what it was given (--code); the
	// used code is refused.
	Refuse Renewal = iota
	// AskAgain: a person types the code; say so and ask again.
	AskAgain
	// WaitNext: a command prints the current code; wait for the next
	// time step, then run it again.
	WaitNext
	// Compute: the code is computed (TOTP); compute it first, so that a
	// bad seed fails at once, then wait for the next step.
	Compute
	// Unavailable: the source gives no code at all (NoCode), so there is
	// nothing to wait for, lock or record.
	Unavailable
)

// ErrCancelled is returned when the user interrupts the question for a code.
var ErrCancelled = errors.New("cancelled: no MFA code was entered")

// ErrNoCode is returned by NoCode: a code was needed but asking is off.
var ErrNoCode = errors.New("an MFA code is needed")

// NoCode is the source for contexts where nobody may be asked, such as the
// prompt hook with AWSMFA_HOOK_MFA=warn. It always fails with ErrNoCode.
type NoCode struct{}

// Code implements Source.
func (NoCode) Code(context.Context, string) (string, error) { return "", ErrNoCode }

// Describe implements Source.
func (NoCode) Describe() string { return "nowhere (asking is off)" }

// Renewal implements Source.
func (NoCode) Renewal() Renewal { return Unavailable }

// ValidCode reports why code is not a 6-digit MFA code, or nil. The code
// itself is never part of the message.
func ValidCode(code string) error {
	if len(code) != 6 {
		return fmt.Errorf("an MFA code is 6 digits; got %d characters", len(code))
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return errors.New("an MFA code is 6 digits; got a character that is not a digit")
		}
	}
	return nil
}
