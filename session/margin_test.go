package session

import (
	"testing"
	"time"
)

func TestMargins(t *testing.T) {
	const token = 15 * time.Minute
	for _, tc := range []struct {
		user, server, signIn time.Duration
	}{
		{0, 15 * time.Minute, 16 * time.Minute},
		{10 * time.Minute, 25 * time.Minute, 16 * time.Minute},
		{30 * time.Minute, 45 * time.Minute, 30 * time.Minute},
	} {
		if got := ServerMargin(tc.user); got != tc.server {
			t.Errorf("ServerMargin(%v) = %v, want %v", tc.user, got, tc.server)
		}
		if got := SignInMargin(tc.user, token); got != tc.signIn {
			t.Errorf("SignInMargin(%v, %v) = %v, want %v", tc.user, token, got, tc.signIn)
		}
	}
	if CredentialProcessMargin <= 15*time.Minute {
		t.Errorf("CredentialProcessMargin = %v: botocore refreshes 15 minutes before expiry and needs more than that left", CredentialProcessMargin)
	}
}
