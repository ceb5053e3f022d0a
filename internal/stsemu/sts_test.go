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

func TestMFACodes(t *testing.T) {
	nomfa := aws.Credentials{AccessKeyID: DemoNoMFAAccessKeyID, SecretAccessKey: DemoNoMFASecretAccessKey}
	tests := []struct {
		name   string
		creds  aws.Credentials
		serial string
		offset time.Duration // of the code from the emulator's time
		wrong  bool          // send a code that is valid at no step near now
		code   string
		msg    string
	}{
		{"current step", demoKeys, DemoSerial, 0, false, "", ""},
		{"previous step (tolerance)", demoKeys, DemoSerial, -30 * time.Second, false, "", ""},
		{"next step (tolerance)", demoKeys, DemoSerial, 30 * time.Second, false, "", ""},
		{"two steps old", demoKeys, DemoSerial, -60 * time.Second, false, "AccessDenied", msgInvalidCode},
		{"two steps ahead", demoKeys, DemoSerial, 60 * time.Second, false, "AccessDenied", msgInvalidCode},
		{"wrong code", demoKeys, DemoSerial, 0, true, "AccessDenied", msgInvalidCode},
		{"someone else's device", nomfa, DemoSerial, 0, false, "AccessDenied", msgUnknownSerial},
		{"unknown device", demoKeys, "arn:aws:iam::123456789012:mfa/nosuch", 0, false, "AccessDenied", msgUnknownSerial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulator(t)
			code := e.code(t, tt.offset)
			if tt.wrong {
				code = wrongCode(t, e)
			}
			_, err := e.sts(tt.creds, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{
				SerialNumber: aws.String(tt.serial),
				TokenCode:    aws.String(code),
			})
			l := e.Log()[0]
			if tt.code == "" {
				wantOK(t, err)
				if !l.CodeSent || !l.CodeAccepted {
					t.Errorf("log: %+v, want code sent and accepted", l)
				}
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
			if !l.CodeSent || l.CodeAccepted || l.ErrorCode != tt.code {
				t.Errorf("log: %+v, want code sent, not accepted, error %s", l, tt.code)
			}
		})
	}
}

// wrongCode returns a 6-digit code that matches none of the steps the
// emulator would accept now.
func wrongCode(t testing.TB, e *emulator) string {
	t.Helper()
	valid := map[string]bool{}
	for _, off := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		valid[e.code(t, off)] = true
	}
	for _, c := range []string{"000000", "111111", "123456"} {
		if !valid[c] {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

func TestMFACodeReplay(t *testing.T) {
	e := newEmulator(t)
	c := e.sts(demoKeys, noRetry)
	code := e.code(t, 0)
	in := &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(code)}
	_, err := c.GetSessionToken(ctx, in)
	wantOK(t, err)
	_, err = c.GetSessionToken(ctx, in)
	wantAPIError(t, err, "AccessDenied", msgInvalidCode)
	// The same code is refused by AssumeRole too: it is the device that
	// remembers it.
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/demo-long"), RoleSessionName: aws.String("s1"),
		SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(code),
	})
	wantAPIError(t, err, "AccessDenied", msgInvalidCode)
	// An older code is a replay too, once a newer step was accepted.
	_, err = c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(e.code(t, -30*time.Second))})
	if e.code(t, -30*time.Second) != code {
		wantAPIError(t, err, "AccessDenied", msgInvalidCode)
	}
	// The next step's code is fresh.
	e.Advance(30 * time.Second)
	_, err = c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(e.code(t, 0))})
	wantOK(t, err)
}

// Sixty-four clients sending the same code at once: exactly one wins, as
// with AWS (the mistake of Terraform with several providers).
func TestMFACodeConcurrentUse(t *testing.T) {
	e := newEmulator(t)
	code := e.code(t, 0)
	const n = 64
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{
				SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(code)})
			errs <- err
		}()
	}
	ok := 0
	for i := 0; i < n; i++ {
		if err := <-errs; err == nil {
			ok++
		} else {
			wantAPIError(t, err, "AccessDenied", msgInvalidCode)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d calls with one code succeeded, want exactly 1", ok, n)
	}
	if got := e.Count("GetSessionToken"); got != n {
		t.Errorf("Count(GetSessionToken) = %d, want %d", got, n)
	}
}

func TestMFAParameterValidation(t *testing.T) {
	tests := []struct {
		name         string
		serial, code *string
		want         string
		msg          string
	}{
		{"five digits", aws.String(DemoSerial), aws.String("12345"), "ValidationError", "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6"},
		{"seven digits", aws.String(DemoSerial), aws.String("1234567"), "ValidationError", ""},
		{"letters", aws.String(DemoSerial), aws.String("12345a"), "ValidationError", `1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]*`},
		{"short serial", aws.String("arn:x"), aws.String("123456"), "ValidationError", ""},
		{"serial with a space", aws.String("arn:aws:iam::123456789012:mfa/de mo"), aws.String("123456"), "ValidationError", ""},
		{"serial without code", aws.String(DemoSerial), nil, "AccessDenied", msgInvalidCode},
		{"code without serial", nil, aws.String("123456"), "AccessDenied", msgUnknownSerial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulator(t)
			_, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: tt.serial, TokenCode: tt.code})
			wantAPIError(t, err, tt.want, tt.msg)
		})
	}
}

func TestGetSessionTokenDuration(t *testing.T) {
	tests := []struct {
		name     string
		duration *int32
		want     time.Duration
		msg      string
	}{
		{"default", nil, 43200 * time.Second, ""},
		{"minimum", aws.Int32(900), 900 * time.Second, ""},
		{"maximum", aws.Int32(129600), 129600 * time.Second, ""},
		{"below minimum", aws.Int32(899), 0, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"above maximum", aws.Int32(129601), 0, "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixed := time.Now().UTC().Truncate(time.Second)
			e := newEmulator(t, WithClock(func() time.Time { return fixed }))
			out, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: tt.duration})
			if tt.msg != "" {
				wantAPIError(t, err, "ValidationError", tt.msg)
				return
			}
			wantOK(t, err)
			if got := aws.ToTime(out.Credentials.Expiration).Sub(fixed); got != tt.want {
				t.Errorf("session lasts %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGetSessionTokenRefusesSessionCredentials(t *testing.T) {
	e := newEmulator(t)
	for _, name := range []string{"MFA session", "role session"} {
		t.Run(name, func(t *testing.T) {
			c := e.mfaSession(t)
			e.Advance(30 * time.Second)
			if name == "role session" {
				out, err := e.sts(c, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{
					RoleArn: aws.String("arn:aws:iam::123456789012:role/demo-admin"), RoleSessionName: aws.String("x1")})
				wantOK(t, err)
				c = toAWS(out.Credentials)
			}
			_, err := e.sts(c, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			wantAPIError(t, err, "AccessDenied", msgSessionGST)
		})
	}
}
