package session

import (
	"context"
	"errors"
	"fmt"
)

// A CodeSource supplies the one-time code of an MFA device. Each source
// lives in a file of its own: code_static.go (--code), code_tty.go (a
// question on the terminal), code_process.go (mfa_process), code_totp.go
// (a TOTP generator for robots, seeded from the environment), code_dialog.go
// (a desktop window, when there is no terminal).
type CodeSource interface {
	// Code returns a 6-digit code for the device with the given serial.
	Code(ctx context.Context, serial string) (string, error)
}

// ErrCancelled is returned when the user interrupts the question for a code.
var ErrCancelled = errors.New("cancelled: no MFA code was entered")

// ErrNoCode is returned by NoCode: a code was needed but asking is off.
var ErrNoCode = errors.New("an MFA code is needed")

// NoCode is the source for contexts where nobody may be asked, such as the
// prompt hook with AWSMFA_HOOK_MFA=warn. It always fails with ErrNoCode.
type NoCode struct{}

// Code implements CodeSource.
func (NoCode) Code(context.Context, string) (string, error) { return "", ErrNoCode }

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
