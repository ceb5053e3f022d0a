package stsemu

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestInvalidate turns away an MFA session through the control endpoint,
// in each way, and checks what the real SDK then gets for AssumeRole (and
// GetCallerIdentity, which no policy can deny); a second, untouched
// session keeps working.
func TestInvalidate(t *testing.T) {
	tests := []struct {
		how                Invalidation
		code, msg          string
		callerIdentityCode string // "" when GetCallerIdentity still works
	}{
		{Expire, "ExpiredToken", msgExpiredToken, "ExpiredToken"},
		{Revoke, "InvalidClientTokenId", msgInvalidToken, "InvalidClientTokenId"},
		{Deny, "AccessDenied", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: sts:AssumeRole with an explicit deny in an identity-based policy", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.how), func(t *testing.T) {
			e := newEmulator(t)
			victim := e.mfaSession(t)
			e.Advance(30 * time.Second)
			other := e.mfaSession(t)
			q := url.Values{"access_key_id": {victim.AccessKeyID}, "how": {string(tt.how)}}
			var got map[string]string
			if st := call(t, "POST", e.URL+"/_emu/invalidate?"+q.Encode(), "", &got); st != 200 {
				t.Fatalf("POST /_emu/invalidate: HTTP %d %v", st, got)
			}
			in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/demo-admin"), RoleSessionName: aws.String("tester")}
			_, err := e.sts(victim, noRetry).AssumeRole(context.Background(), in)
			wantAPIError(t, err, tt.code, tt.msg)
			_, err = e.sts(victim, noRetry).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if tt.callerIdentityCode == "" {
				wantOK(t, err)
			} else {
				wantAPIError(t, err, tt.callerIdentityCode, "")
			}
			_, err = e.sts(other, noRetry).AssumeRole(context.Background(), in)
			wantOK(t, err)
		})
	}
}

// TestInvalidateRefuses: only issued temporary credentials can be
// invalidated, and only in the ways there are.
func TestInvalidateRefuses(t *testing.T) {
	e := newEmulator(t)
	s := e.mfaSession(t)
	tests := []struct {
		key  string
		how  Invalidation
		want string
	}{
		{DemoAccessKeyID, Revoke, "no temporary credentials"},
		{"ASIANOSUCHKEY0000000", Expire, "no temporary credentials"},
		{s.AccessKeyID, "melt", "unknown invalidation"},
	}
	for _, tt := range tests {
		err := e.Invalidate(tt.key, tt.how)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Invalidate(%s, %s) = %v, want an error saying %q", tt.key, tt.how, err, tt.want)
		}
		q := url.Values{"access_key_id": {tt.key}, "how": {string(tt.how)}}
		var got map[string]string
		if st := call(t, "POST", e.URL+"/_emu/invalidate?"+q.Encode(), "", &got); st != 400 || !strings.Contains(got["error"], tt.want) {
			t.Errorf("POST /_emu/invalidate %s %s: HTTP %d %v, want 400 saying %q", tt.key, tt.how, st, got, tt.want)
		}
	}
}
