package stsemu

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

var ctx = context.Background()

func TestGetSessionTokenWithMFA(t *testing.T) {
	e := newEmulator(t)
	before := e.Now()
	out, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{
		SerialNumber: aws.String(DemoSerial),
		TokenCode:    aws.String(e.code(t, 0)),
	})
	wantOK(t, err)
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.AccessKeyId)) != 20 {
		t.Errorf("AccessKeyId = %q, want ASIA followed by 16 characters", aws.ToString(c.AccessKeyId))
	}
	if aws.ToString(c.SecretAccessKey) == "" || aws.ToString(c.SessionToken) == "" {
		t.Errorf("secret or session token is empty")
	}
	// Default duration 43200 s.
	if got := aws.ToTime(c.Expiration).Sub(before); got < 43199*time.Second || got > 43201*time.Second {
		t.Errorf("expiration is %v after the request, want 12h (the default 43200 s)", got)
	}
	log := e.Log()
	if len(log) != 1 {
		t.Fatalf("log has %d entries, want 1", len(log))
	}
	l := log[0]
	if l.Action != "GetSessionToken" || l.AccessKeyID != DemoAccessKeyID || l.SerialNumber != DemoSerial ||
		!l.CodeSent || !l.CodeAccepted || l.ErrorCode != "" || l.Status != 200 || l.DurationSeconds != 43200 {
		t.Errorf("log entry = %+v", l)
	}

	// The issued credentials sign later requests, and name the user.
	id, err := e.sts(toAWS(c), noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)
	if got, want := aws.ToString(id.Arn), "arn:aws:iam::123456789012:user/demo"; got != want {
		t.Errorf("GetCallerIdentity Arn = %q, want %q", got, want)
	}
	if aws.ToString(id.Account) != DemoAccount || !strings.HasPrefix(aws.ToString(id.UserId), "AIDA") {
		t.Errorf("GetCallerIdentity = %q %q", aws.ToString(id.Account), aws.ToString(id.UserId))
	}
}

func TestAssumeRoleWithMFASession(t *testing.T) {
	e := newEmulator(t)
	sess := e.mfaSession(t)
	out, err := e.sts(sess, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/demo-admin"),
		RoleSessionName: aws.String("alice"),
	})
	wantOK(t, err)
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::123456789012:assumed-role/demo-admin/alice"; got != want {
		t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, want)
	}
	id, err := e.sts(toAWS(out.Credentials), noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::123456789012:assumed-role/demo-admin/alice"; got != want {
		t.Errorf("GetCallerIdentity Arn = %q, want %q", got, want)
	}
	if !strings.HasPrefix(aws.ToString(id.UserId), "AROA") || !strings.HasSuffix(aws.ToString(id.UserId), ":alice") {
		t.Errorf("UserId = %q, want AROA...:alice", aws.ToString(id.UserId))
	}
}
