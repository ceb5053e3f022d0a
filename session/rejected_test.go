package session

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// TestRejection: which STS answers to a request signed with an MFA session
// mean the session itself is turned away (so a new one may help), and what
// the message says about it.
func TestRejection(t *testing.T) {
	const key = "ASIAEXAMPLEEXAMPLE01"
	tests := []struct {
		name, code, msg string
		rejected        bool
		want            []string
	}{
		{"expired", "ExpiredToken", "The security token included in the request is expired", true, []string{"expired", "ExpiredToken"}},
		{"revoked", "InvalidClientTokenId", "The security token included in the request is invalid.", true, []string{"revoked", "InvalidClientTokenId"}},
		{"explicit deny", "AccessDenied", "User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole with an explicit deny in an identity-based policy", true, []string{"policy denies it", "explicit deny"}},
		{"trust policy", "AccessDenied", "User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r", false, nil},
		{"wrong signature", "SignatureDoesNotMatch", "The request signature we calculated does not match", false, nil},
		{"throttled", "Throttling", "Rate exceeded", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fmt.Errorf("operation error STS: AssumeRole: %w", &smithy.GenericAPIError{Code: tt.code, Message: tt.msg})
			rej := rejection(err, "AssumeRole", key, "http://127.0.0.1:1")
			if (rej != nil) != tt.rejected {
				t.Fatalf("rejection = %v, want rejected %v", rej, tt.rejected)
			}
			if rej == nil {
				return
			}
			for _, isNew := range []bool{false, true} {
				rej.Device, rej.New = "arn:aws:iam::1:mfa/u", isNew
				msg := rej.Error()
				for _, want := range append([]string{key, "arn:aws:iam::1:mfa/u", "AssumeRole", "STS at http://127.0.0.1:1"}, tt.want...) {
					if !strings.Contains(msg, want) {
						t.Errorf("New=%v: message does not say %q:\n%s", isNew, want, msg)
					}
				}
				if strings.Contains(msg, "credentials file") || strings.Contains(msg, "--force") {
					t.Errorf("New=%v: message sends the user to the credentials file or --force over a session:\n%s", isNew, msg)
				}
				if lines := strings.Count(msg, "\n") + 1; lines > 2 {
					t.Errorf("New=%v: %d lines, want at most 2:\n%s", isNew, lines, msg)
				}
				var got *RejectedSessionError
				if !errors.As(error(rej), &got) {
					t.Error("not a *RejectedSessionError")
				}
			}
		})
	}
}
