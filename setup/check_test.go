package setup

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestCheckKeyID(t *testing.T) {
	tests := []struct {
		id   string
		want string // part of the error; "" for none
	}{
		{"AKIAEMULATORDEMO0001", ""},
		{"AKIA0123456789AB", ""},                // 16: the shortest
		{"AKIA" + strings.Repeat("X", 124), ""}, // 128: the longest
		{"AKIA" + strings.Repeat("X", 125), "is not an access key ID"},
		{"AKIA0123456789A", "is not an access key ID"}, // 15
		{"ASIAEMULATORDEMO0001", "is a temporary key (ASIA…)"},
		{"ASIA", "is a temporary key"},
		{"akiaemulatordemo0001", "is not an access key ID"},
		{"AKIA EMULATOR DEMO01", "is not an access key ID"},
		{"", "is not an access key ID"},
		{"AKIAEMULATORDEMO000É", "is not an access key ID"},
	}
	for _, tc := range tests {
		err := checkKeyID(tc.id)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("checkKeyID(%q) = %v, want %q", tc.id, err, tc.want)
		}
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"default", true},
		{"work-dev_1.x@corp", true},
		{"has inner space", true}, // the AWS CLI allows it; only the ends are trimmed
		{" lead", false},
		{"trail ", false},
		{"tab\t", false},
		{"[x]", false},
		{"a]b", false},
		{"line\nbreak", false},
		{"cr\r", false},
	}
	for _, tc := range tests {
		err := checkName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("checkName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "without brackets or blanks") {
			t.Errorf("checkName(%q): the message does not say what to do: %v", tc.name, err)
		}
	}
}

func TestCheckSecret(t *testing.T) {
	tests := []struct {
		secret string
		ok     bool
	}{
		{"demoSecretAccessKey/EmulatorOnly+0000000000", true},
		{"", false},
		{"two words", false},
		{"tab\there", false},
		{"del\x7f", false},
		{"nul\x00", false},
	}
	for _, tc := range tests {
		err := checkSecret(tc.secret)
		if (err == nil) != tc.ok {
			t.Errorf("checkSecret(%q) = %v, want ok=%v", tc.secret, err, tc.ok)
		}
		if err != nil && tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
			t.Errorf("checkSecret(%q): the message holds the secret: %v", tc.secret, err)
		}
	}
}

func TestCheckDevice(t *testing.T) {
	tests := []struct {
		device string
		ok     bool
	}{
		{"arn:aws:iam::123456789012:mfa/demo", true},
		{"GAHT12345678", true},
		{"arn:aws:iam::123456789012:mfa/my phone", false},
		{"serial\n", false},
	}
	for _, tc := range tests {
		if err := checkDevice(tc.device); (err == nil) != tc.ok {
			t.Errorf("checkDevice(%q) = %v, want ok=%v", tc.device, err, tc.ok)
		}
	}
}

func TestCheckRole(t *testing.T) {
	tests := []struct {
		arn string
		ok  bool
	}{
		{"", true},
		{"arn:aws:iam::123456789012:role/demo-admin", true},
		{"admin", false},
	}
	for _, tc := range tests {
		if err := checkRole(tc.arn); (err == nil) != tc.ok {
			t.Errorf("checkRole(%q) = %v, want ok=%v", tc.arn, err, tc.ok)
		}
	}
}

func TestSectionName(t *testing.T) {
	tests := []struct{ name, suffix, want string }{
		{"work", "long-term", "work-long-term"},
		{"work", "", "work"},
		{"work", "none", "work"},
		{"work", "NONE", "work"},
		{"work", "keys", "work-keys"},
	}
	for _, tc := range tests {
		if got := sectionName(tc.name, tc.suffix); got != tc.want {
			t.Errorf("sectionName(%q, %q) = %q, want %q", tc.name, tc.suffix, got, tc.want)
		}
	}
}

func TestUserName(t *testing.T) {
	tests := []struct{ arn, want string }{
		{"arn:aws:iam::123456789012:user/demo", "demo"},
		{"arn:aws:iam::123456789012:user/team/ops/alice", "alice"},
		{"arn:aws:sts::123456789012:assumed-role/r/s", "arn:aws:sts::123456789012:assumed-role/r/s"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := userName(tc.arn); got != tc.want {
			t.Errorf("userName(%q) = %q, want %q", tc.arn, got, tc.want)
		}
	}
}

func TestIAMEndpoint(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "http://127.0.0.1:1"},
		{map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:2"}, "http://127.0.0.1:2"},
		{map[string]string{"AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, ""},
		{map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:3"}, ""},
	}
	for _, tc := range tests {
		if got := IAMEndpoint(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("IAMEndpoint(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestDescribeIAM(t *testing.T) {
	const key = "AKIAEMULATORDEMO0001"
	api := func(code string) error {
		return fmt.Errorf("operation error IAM: ListMFADevices: %w", &smithy.GenericAPIError{Code: code, Message: "the message"})
	}
	refused := fmt.Errorf("send: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")})
	tests := []struct {
		err      error
		endpoint string
		want     string
	}{
		{api("InvalidClientTokenId"), "", "IAM does not know the access key " + key + "\ncopy the key ID again from the IAM console"},
		{api("SignatureDoesNotMatch"), "http://127.0.0.1:1", "IAM at http://127.0.0.1:1 says the secret key for " + key + " is wrong\npaste the secret again, exactly as IAM showed it"},
		{api("AccessDenied"), "", "IAM denied iam:ListMFADevices to " + key + ", so the device cannot be found\npass --device with the device ARN (IAM console, Security credentials)"},
		{api("AccessDeniedException"), "", "IAM denied iam:ListMFADevices to " + key},
		{api("Throttling"), "", "IAM failed ListMFADevices: Throttling: the message"},
		{refused, "http://127.0.0.1:9", "cannot reach IAM at http://127.0.0.1:9 to find the MFA device: connect: connection refused\ncheck the network, AWS_ENDPOINT_URL_IAM, or pass --device"},
		{errors.New("odd"), "", "IAM: ListMFADevices failed: odd"},
	}
	for _, tc := range tests {
		got := describeIAM(tc.err, key, tc.endpoint).Error()
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("describeIAM(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestReadLine(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"secret\n", "secret", false},
		{"secret\r\n", "secret", false},
		{"secret", "secret", false},
		{"first\nsecond\n", "first", false},
		{"\n", "", false},
		{"", "", true},
	}
	for _, tc := range tests {
		got, err := ReadLine(strings.NewReader(tc.in))
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ReadLine(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
