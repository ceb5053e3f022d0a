package stsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestListMFADevices(t *testing.T) {
	nomfa := aws.Credentials{AccessKeyID: DemoNoMFAAccessKeyID, SecretAccessKey: DemoNoMFASecretAccessKey}
	tests := []struct {
		name    string
		caller  func(*emulator) aws.Credentials
		user    *string
		serials []string
		code    string
		msg     string
	}{
		{"own devices", func(*emulator) aws.Credentials { return demoKeys }, nil, []string{DemoSerial}, "", ""},
		{"user without devices", func(*emulator) aws.Credentials { return nomfa }, nil, nil, "", ""},
		{"another user by name", func(*emulator) aws.Credentials { return nomfa }, aws.String("demo"), []string{DemoSerial}, "", ""},
		{"unknown user", func(*emulator) aws.Credentials { return demoKeys }, aws.String("ghost"), nil, "NoSuchEntity", "The user with name ghost cannot be found."},
		{"MFA session", func(e *emulator) aws.Credentials { return e.mfaSession(t) }, nil, []string{DemoSerial}, "", ""},
		{"session without MFA", func(e *emulator) aws.Credentials {
			out, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			wantOK(t, err)
			return toAWS(out.Credentials)
		}, nil, nil, "InvalidClientTokenId", msgInvalidToken},
		{"role session without user name", func(e *emulator) aws.Credentials {
			out, err := e.sts(demoKeys, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-external"), RoleSessionName: aws.String("r1"), ExternalId: aws.String(DemoExternalID)})
			wantOK(t, err)
			return toAWS(out.Credentials)
		}, nil, nil, "ValidationError", "Must specify userName when calling with non-User credentials"},
		{"role session naming a user", func(e *emulator) aws.Credentials {
			out, err := e.sts(demoKeys, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-external"), RoleSessionName: aws.String("r1"), ExternalId: aws.String(DemoExternalID)})
			wantOK(t, err)
			return toAWS(out.Credentials)
		}, aws.String("demo"), []string{DemoSerial}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulator(t)
			out, err := e.iam(tt.caller(e)).ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: tt.user})
			if tt.code != "" {
				wantAPIError(t, err, tt.code, tt.msg)
				return
			}
			wantOK(t, err)
			if len(out.MFADevices) != len(tt.serials) {
				t.Fatalf("got %d devices, want %v", len(out.MFADevices), tt.serials)
			}
			for i, d := range out.MFADevices {
				if aws.ToString(d.SerialNumber) != tt.serials[i] || aws.ToString(d.UserName) == "" || d.EnableDate == nil {
					t.Errorf("device %d = %+v", i, d)
				}
			}
			if out.IsTruncated {
				t.Error("IsTruncated is set")
			}
		})
	}
}

func TestListMFADevicesPaging(t *testing.T) {
	st := DemoState()
	serials := []string{DemoSerial, "arn:aws:iam::123456789012:mfa/demo-2", "arn:aws:iam::123456789012:mfa/demo-3"}
	st.Users[0].MFADevices = append(st.Users[0].MFADevices,
		MFADevice{Serial: serials[1], Seed: DemoSeed}, MFADevice{Serial: serials[2], Seed: DemoSeed})
	e := newEmulatorWith(t, st)
	var got []string
	p := iam.NewListMFADevicesPaginator(e.iam(demoKeys), &iam.ListMFADevicesInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		wantOK(t, err)
		pages++
		for _, d := range out.MFADevices {
			got = append(got, aws.ToString(d.SerialNumber))
		}
	}
	if pages != 2 || len(got) != 3 || got[0] != serials[0] || got[1] != serials[1] || got[2] != serials[2] {
		t.Errorf("%d pages, devices %v, want 2 pages of %v", pages, got, serials)
	}
}
