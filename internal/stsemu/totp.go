package stsemu

import (
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// totpStep is the RFC 6238 time step AWS virtual MFA devices use.
const totpStep = 30

var hotpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Code returns the 6-digit TOTP code of the base32 seed at time t, as an
// authenticator app would show it (RFC 6238, 30 s steps, SHA-1).
func Code(seed string, t time.Time) (string, error) {
	if err := checkSeed(seed); err != nil {
		return "", fmt.Errorf("TOTP seed: %v", err)
	}
	return hotp.GenerateCodeCustom(seed, uint64(t.Unix()/totpStep), hotpOpts)
}

// matchCode checks code against the steps around now (one step of
// tolerance each way) and returns the matching step that is newer than
// lastUsed. A code for a step at or before lastUsed is a replay: AWS
// accepts each code once per device.
func matchCode(seed, code string, now time.Time, lastUsed int64) (step int64, ok bool) {
	cur := now.Unix() / totpStep
	for s := cur + 1; s >= cur-1; s-- {
		if s <= lastUsed || s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(seed, uint64(s), hotpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}
