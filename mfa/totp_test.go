package mfa

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

// rfcSeed is RFC 6238's SHA-1 test key "12345678901234567890" in base32.
const rfcSeed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestTOTP(t *testing.T) {
	at := func(sec int64) func() time.Time { return func() time.Time { return time.Unix(sec, 0) } }
	for _, tc := range []struct {
		name string
		src  TOTP
		want string // the code, or a piece of the error
		ok   bool
	}{
		// RFC 6238 appendix B, SHA-1, last 6 of the 8 digits.
		{"rfc t=59", TOTP{Seed: rfcSeed, Now: at(59)}, "287082", true},
		{"rfc t=1111111109", TOTP{Seed: rfcSeed, Now: at(1111111109)}, "081804", true},
		{"as apps show it", TOTP{Seed: strings.ToLower("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"), Now: at(59)}, "287082", true},
		{"from a command", TOTP{SeedProcess: "echo " + rfcSeed + "; echo ignored", Now: at(59)}, "287082", true},
		{"command gets the serial", TOTP{SeedProcess: `test "$AWSMFA_MFA_SERIAL" = arn:dev && echo ` + rfcSeed, Now: at(59)}, "287082", true},
		{"no seed", TOTP{}, "set AWSMFA_TOTP_SEED or AWSMFA_TOTP_SEED_PROCESS", false},
		{"not base32", TOTP{Seed: "hunter1!hunter1!", Now: at(59)}, "AWSMFA_TOTP_SEED: the seed is not base32", false},
		{"too short", TOTP{Seed: "GEZDGNBV", Now: at(59)}, "at least 10", false},
		{"command fails", TOTP{SeedProcess: "echo " + rfcSeed + "; exit 3"}, "AWSMFA_TOTP_SEED_PROCESS failed (exit status 3)", false},
		{"command prints nothing", TOTP{SeedProcess: "true"}, "AWSMFA_TOTP_SEED_PROCESS: the seed is empty", false},
		{"command prints junk", TOTP{SeedProcess: "echo 'sEcReT!!'"}, "AWSMFA_TOTP_SEED_PROCESS: the seed is not base32", false},
		{"command too slow", TOTP{SeedProcess: "sleep 5", Timeout: 100 * time.Millisecond}, "did not print a seed within 100ms", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.src.Code(context.Background(), "arn:dev")
			if tc.ok {
				if err != nil || got != tc.want {
					t.Fatalf("Code = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Code = %q, %v; want an error containing %q", got, err, tc.want)
			}
			for _, secret := range []string{"hunter1", "sEcReT", rfcSeed} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows the seed: %v", err)
				}
			}
		})
	}
}

func TestSeedGuard(t *testing.T) {
	next := Static("424242")
	for _, tc := range []struct {
		name, file string
		err        string // "" means the code goes through
	}{
		{"clean", "[default]\naws_access_key_id = AKIAX\naws_secret_access_key = s3cr3t\naws_mfa_device = arn:x\nmfa_serial = arn:y\n", ""},
		{"no file", "", ""},
		{"commented out", "[x]\n# totp_seed = JBSWY3DPEHPK3PXP\n", ""},
		{"totp_seed", "[default]\naws_access_key_id = AKIAX\n\n[x-long-term]\ntotp_seed = JBSWY3DPEHPK3PXP\n", "credentials:5: [x-long-term] holds totp_seed"},
		{"mfa_seed", "[x]\nMFA_Seed=JBSWY3DPEHPK3PXP\n", "credentials:2: [x] holds mfa_seed"},
		{"mfa_secret", "[x]\nmfa_secret = JBSWY3DPEHPK3PXP\n", "holds mfa_secret"},
		{"totp_key", "[x]\n  totp_key = JBSWY3DPEHPK3PXP\n", "holds totp_key"},
		// The file is read as the AWS CLI reads it (internal/awsini).
		{"colon delimiter", "[x]\ntotp_seed: JBSWY3DPEHPK3PXP\n", "credentials:2: [x] holds totp_seed"},
		{"byte-order mark", "\uFEFF[x]\r\ntotp_seed = JBSWY3DPEHPK3PXP\r\n", "credentials:2: [x] holds totp_seed"},
		// An indented line under a key is part of that key's value (a
		// nested setting) to the CLI, but a seed there is in the file all
		// the same.
		{"nested line", "[x]\naws_access_key_id = AKIAX\nnote =\n  totp_seed = JBSWY3DPEHPK3PXP\n", "credentials:4: [x] holds totp_seed"},
		{"nested line, no seed", "[x]\naws_access_key_id = AKIAX\nnote =\n  region = eu-west-1\n", ""},
		{"key before any section", "totp_seed = JBSWY3DPEHPK3PXP\n[x]\n", "credentials:1: \"totp_seed = …\" comes before any [section] header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			if tc.file != "" {
				if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := SeedGuard{CredentialsFile: path, Next: next}.Code(context.Background(), "arn:dev")
			if tc.err == "" {
				if err != nil || got != "424242" {
					t.Fatalf("Code = %q, %v; want the next source's code", got, err)
				}
				return
			}
			var se *awsini.SyntaxError
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "one factor") && !errors.As(err, &se) {
				t.Fatalf("Code = %q, %v; want a refusal containing %q", got, err, tc.err)
			}
			if strings.Contains(err.Error(), "JBSWY3DP") || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the refusal shows a secret: %v", err)
			}
		})
	}
}
