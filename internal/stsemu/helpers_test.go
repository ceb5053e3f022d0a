package stsemu

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// emulator is a Server behind an httptest server on 127.0.0.1.
type emulator struct {
	*Server
	URL string
}

func newEmulator(t testing.TB, opts ...Option) *emulator {
	t.Helper()
	return newEmulatorWith(t, DemoState(), opts...)
}

// newEmulatorWith serves st. Its clock stands still at the wall-clock time
// of creation (unless opts set another), so that a code computed by a test
// cannot cross a 30 s step boundary before the request arrives; Advance
// moves it.
func newEmulatorWith(t testing.TB, st State, opts ...Option) *emulator {
	t.Helper()
	frozen := time.Now()
	opts = append([]Option{WithClock(func() time.Time { return frozen })}, opts...)
	s := New(st, opts...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &emulator{Server: s, URL: srv.URL}
}

// demoKeys are the demo user's long-term keys.
var demoKeys = aws.Credentials{AccessKeyID: DemoAccessKeyID, SecretAccessKey: DemoSecretAccessKey}

// noRetry turns off the SDK's retries, so a test sees the first answer.
func noRetry(o *sts.Options) { o.Retryer = aws.NopRetryer{} }

// stsClient is the real SDK STS client pointed at the emulator.
func (e *emulator) sts(c aws.Credentials, opts ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.StaticCredentialsProvider{Value: c},
	}, opts...)
}

// iam is the real SDK IAM client pointed at the emulator.
func (e *emulator) iam(c aws.Credentials) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.StaticCredentialsProvider{Value: c},
		Retryer:      aws.NopRetryer{},
	})
}

// code returns a valid code for the demo device at the emulator's time
// plus offset.
func (e *emulator) code(t testing.TB, offset time.Duration) string {
	t.Helper()
	c, err := e.CurrentCode(DemoSerial, offset)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mfaSession gets demo-user session credentials with a fresh code.
func (e *emulator) mfaSession(t testing.TB) aws.Credentials {
	t.Helper()
	out, err := e.sts(demoKeys, noRetry).GetSessionToken(context.Background(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(DemoSerial),
		TokenCode:    aws.String(e.code(t, 0)),
	})
	if err != nil {
		t.Fatalf("GetSessionToken with a valid code: %v", err)
	}
	return toAWS(out.Credentials)
}

func toAWS(c *types.Credentials) aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		CanExpire:       true,
		Expires:         aws.ToTime(c.Expiration),
	}
}

// wantAPIError fails t unless err is a smithy API error with code (when
// not empty) and exactly the message msg (when not empty).
func wantAPIError(t testing.TB, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want API error %s", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v (%T), want an API error %s decoded by the SDK", err, err, code)
	}
	if code != "" && ae.ErrorCode() != code {
		t.Fatalf("error code = %q (message %q), want %q", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message = %q, want %q", ae.ErrorMessage(), msg)
	}
}

func wantOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}
