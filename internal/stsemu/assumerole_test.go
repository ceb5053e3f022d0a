package stsemu

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func roleArn(name string) *string { return aws.String("arn:aws:iam::123456789012:role/" + name) }

func notAuthorized(caller, role string) string {
	return "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/" + role
}

const demoArn = "arn:aws:iam::123456789012:user/demo"

// caller is how a test signs its AssumeRole call.
type caller int

const (
	longTerm  caller = iota // the demo user's long-term keys, no code
	longCode                // long-term keys with a fresh code
	mfaSess                 // a GetSessionToken session obtained with a code
	plainSess               // a GetSessionToken session obtained without a code
	nomfaUser               // the nomfa user's long-term keys
	roleChain               // an assumed-role session of demo-admin
)

func (e *emulator) creds(t *testing.T, c caller) (aws.Credentials, *sts.AssumeRoleInput) {
	t.Helper()
	in := &sts.AssumeRoleInput{RoleSessionName: aws.String("test-session")}
	switch c {
	case longTerm:
		return demoKeys, in
	case longCode:
		in.SerialNumber, in.TokenCode = aws.String(DemoSerial), aws.String(e.code(t, 0))
		return demoKeys, in
	case mfaSess:
		return e.mfaSession(t), in
	case plainSess:
		out, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		wantOK(t, err)
		return toAWS(out.Credentials), in
	case nomfaUser:
		return aws.Credentials{AccessKeyID: DemoNoMFAAccessKeyID, SecretAccessKey: DemoNoMFASecretAccessKey}, in
	case roleChain:
		out, err := e.sts(e.mfaSession(t), noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-admin"), RoleSessionName: aws.String("first")})
		wantOK(t, err)
		return toAWS(out.Credentials), in
	}
	panic("unknown caller")
}

func TestAssumeRoleTrust(t *testing.T) {
	st := DemoState()
	st.Roles = append(st.Roles,
		Role{Name: "only-nomfa", Trust: Trust{Principals: []string{"arn:aws:iam::123456789012:user/nomfa"}}},
		Role{Name: "from-admin", Trust: Trust{Principals: []string{"arn:aws:iam::123456789012:role/demo-admin"}}},
		Role{Name: "mfa-and-external", Trust: Trust{RequireMFA: true, ExternalID: "both-needed"}},
	)
	chained := "arn:aws:sts::123456789012:assumed-role/demo-admin/first"
	tests := []struct {
		name     string
		caller   caller
		role     string
		external string
		msg      string // empty: success
	}{
		{"MFA role, no MFA", longTerm, "demo-admin", "", notAuthorized(demoArn, "demo-admin")},
		{"MFA role, code in the call", longCode, "demo-admin", "", ""},
		{"MFA role, MFA session counts as MFA", mfaSess, "demo-admin", "", ""},
		{"MFA role, session without MFA", plainSess, "demo-admin", "", notAuthorized(demoArn, "demo-admin")},
		{"external id role, none given", longTerm, "demo-external", "", notAuthorized(demoArn, "demo-external")},
		{"external id role, wrong one", longTerm, "demo-external", "wrong-id", notAuthorized(demoArn, "demo-external")},
		{"external id role, right one", longTerm, "demo-external", DemoExternalID, ""},
		{"MFA and external id, only external", longTerm, "mfa-and-external", "both-needed", notAuthorized(demoArn, "mfa-and-external")},
		{"MFA and external id, only MFA", longCode, "mfa-and-external", "", notAuthorized(demoArn, "mfa-and-external")},
		{"MFA and external id, both", longCode, "mfa-and-external", "both-needed", ""},
		{"listed principal", nomfaUser, "only-nomfa", "", ""},
		{"unlisted principal", longTerm, "only-nomfa", "", notAuthorized(demoArn, "only-nomfa")},
		{"role chaining, role listed", roleChain, "from-admin", "", ""},
		{"role chaining, any-user trust", roleChain, "demo-external", DemoExternalID, notAuthorized(chained, "demo-external")},
		{"unknown role", longTerm, "no-such-role", "", notAuthorized(demoArn, "no-such-role")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulatorWith(t, st)
			c, in := e.creds(t, tt.caller)
			in.RoleArn = roleArn(tt.role)
			if tt.external != "" {
				in.ExternalId = aws.String(tt.external)
			}
			out, err := e.sts(c, noRetry).AssumeRole(ctx, in)
			if tt.msg != "" {
				wantAPIError(t, err, "AccessDenied", tt.msg)
				return
			}
			wantOK(t, err)
			want := "arn:aws:sts::123456789012:assumed-role/" + tt.role + "/test-session"
			if got := aws.ToString(out.AssumedRoleUser.Arn); got != want {
				t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, want)
			}
		})
	}
	t.Run("other account", func(t *testing.T) {
		e := newEmulator(t)
		_, err := e.sts(demoKeys, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::210987654321:role/demo-external"), RoleSessionName: aws.String("s1"), ExternalId: aws.String(DemoExternalID)})
		wantAPIError(t, err, "AccessDenied", "")
	})
}

func TestAssumeRoleDuration(t *testing.T) {
	tests := []struct {
		name     string
		caller   caller
		role     string
		duration *int32
		want     time.Duration
		msg      string
	}{
		{"default 3600", longCode, "demo-long", nil, time.Hour, ""},
		{"minimum 900", longCode, "demo-admin", aws.Int32(900), 900 * time.Second, ""},
		{"below 900", longCode, "demo-admin", aws.Int32(899), 0, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"role maximum 3600", longCode, "demo-admin", aws.Int32(3600), time.Hour, ""},
		{"above role maximum", longCode, "demo-admin", aws.Int32(3601), 0, msgRoleMaxSession},
		{"long role, 12h with code", longCode, "demo-long", aws.Int32(43200), 12 * time.Hour, ""},
		{"above 43200", longCode, "demo-long", aws.Int32(43201), 0, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"session credentials, 3600", mfaSess, "demo-long", aws.Int32(3600), time.Hour, ""},
		{"session credentials, above 3600", mfaSess, "demo-long", aws.Int32(3601), 0, msgRoleChaining},
		{"role chaining, 3600", roleChain, "chain-long", aws.Int32(3600), time.Hour, ""},
		{"role chaining, above 3600", roleChain, "chain-long", aws.Int32(7200), 0, msgRoleChaining},
		{"unset role maximum is 3600", longCode, "no-max", aws.Int32(3600), time.Hour, ""},
		{"above an unset role maximum", longCode, "no-max", aws.Int32(3601), 0, msgRoleMaxSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixed := time.Now().UTC().Truncate(time.Second)
			st := DemoState()
			st.Roles = append(st.Roles, Role{Name: "chain-long", MaxSessionDuration: 43200,
				Trust: Trust{Principals: []string{"arn:aws:iam::123456789012:role/demo-admin"}}},
				Role{Name: "no-max", Trust: Trust{RequireMFA: true}})
			e := newEmulatorWith(t, st, WithClock(func() time.Time { return fixed }))
			c, in := e.creds(t, tt.caller)
			in.RoleArn, in.DurationSeconds = roleArn(tt.role), tt.duration
			out, err := e.sts(c, noRetry).AssumeRole(ctx, in)
			if tt.want == 0 {
				wantAPIError(t, err, "", tt.msg)
				return
			}
			wantOK(t, err)
			if got := aws.ToTime(out.Credentials.Expiration).Sub(fixed); got != tt.want {
				t.Errorf("session lasts %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAssumeRoleParameters(t *testing.T) {
	tests := []struct {
		name, session, role, external string
		msg                           string
	}{
		{"allowed characters", "a.b@c=d,e+f-g_h", "demo-external", DemoExternalID, ""},
		{"session name 64 chars", strings.Repeat("s", 64), "demo-external", DemoExternalID, ""},
		{"session name 1 char", "s", "demo-external", DemoExternalID, "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name 65 chars", strings.Repeat("s", 65), "demo-external", DemoExternalID, "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"session name with a space", "my session", "demo-external", DemoExternalID, `1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"session name with a slash", "a/b", "demo-external", DemoExternalID, `1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"external id 1 char", "ok-session", "demo-external", "x", "1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"role ARN malformed", "ok-session", "", DemoExternalID, "arn:aws:iam::123456789012:user/demo is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulator(t)
			arn := roleArn(tt.role)
			if tt.role == "" {
				arn = aws.String(demoArn)
			}
			_, err := e.sts(demoKeys, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: arn, RoleSessionName: aws.String(tt.session), ExternalId: aws.String(tt.external)})
			if tt.msg == "" {
				wantOK(t, err)
				return
			}
			wantAPIError(t, err, "ValidationError", tt.msg)
		})
	}
}
