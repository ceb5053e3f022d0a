package profile

import (
	"strings"
	"testing"
)

func TestCheckMFASerial(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" valid, else a substring of the problem
	}{
		{"arn:aws:iam::123456789012:mfa/alice", ""},
		{"arn:aws-cn:iam::123456789012:mfa/alice", ""},
		{"arn:aws-us-gov:iam::123456789012:mfa/alice", ""},
		{"arn:aws:iam::123456789012:mfa/path/to/alice.smith+ci=x,y@z_w-v", ""},
		{"GAHT12345678", ""},
		{"GAHT1234", "this is 8 characters"},
		{strings.Repeat("A", 256), ""},
		{strings.Repeat("A", 257), "this is 257 characters"},
		{"gaht12345678", "neither a device ARN"},
		{"arn:aws:iam::123456789012:mfa/", "name after the / is empty"},
		{"arn:aws:iam::123456789012:mfa/a//b", "empty path segment"},
		{"arn:aws:iam::123456789012:mfa/al ice", `' ' may not appear`},
		{"arn:aws:iam::123456789012:mfa/" + strings.Repeat("a", 129), "more than the 128"},
		{"arn:aws:iam::123456789012:user/alice", "the resource must be mfa/DEVICE-NAME"},
		{"arn:aws:iam::123456789012:u2f/user/alice/key", "FIDO security key"},
		{"arn:aws:iam::12345678901:mfa/alice", "not 12 digits"},
		{"arn:aws:iam::1234567890123:mfa/alice", "not 12 digits"},
		{"arn:aws:iam::12345678901a:mfa/alice", "not 12 digits"},
		{"arn:aws:iam:us-east-1:123456789012:mfa/alice", "no region"},
		{"arn:aws:sts::123456789012:mfa/alice", `service "sts"`},
		{"arn:aws-gov:iam::123456789012:mfa/alice", "not an AWS partition"},
		{"arn:aws:iam::123456789012", "not of the form"},
	}
	for _, tt := range tests {
		got := checkMFASerial(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("checkMFASerial(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckRoleARN(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"arn:aws:iam::123456789012:role/Admin", ""},
		{"arn:aws:iam::123456789012:role/service-role/team/Admin", ""},
		{"arn:aws-cn:iam::123456789012:role/" + strings.Repeat("r", 64), ""},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65), "more than the 64"},
		{"arn:aws:iam::123456789012:role/", "name after the / is empty"},
		{"arn:aws:iam::123456789012:role/a/", "empty path segment"},
		{"arn:aws:iam::123456789012:user/Admin", "role/ROLE-NAME"},
		{"arn:aws:iam::123456789012:Admin", "role/ROLE-NAME"},
		{"Admin", "not of the form"},
	}
	for _, tt := range tests {
		got := checkRoleARN(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("checkRoleARN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckSessionNameAndExternalID(t *testing.T) {
	for in, want := range map[string]string{
		"ab": "", "a": "1 characters", strings.Repeat("s", 64): "", strings.Repeat("s", 65): "65 characters",
		"a b": `' '`, "me@example.com": "", "a:b": `':'`,
	} {
		if got := checkSessionName(in); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkSessionName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"ab": "", "a": "1 characters", "urn:x/y-z": "", strings.Repeat("e", 1224): "", strings.Repeat("e", 1225): "1225",
		"a b": `' '`,
	} {
		if got := checkExternalID(in); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkExternalID(%q) = %q, want %q", in, got, want)
		}
	}
}
