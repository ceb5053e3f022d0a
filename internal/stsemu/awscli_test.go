package stsemu

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/awsmfa/awsmfa/internal/testenv"
)

// awsCLI returns the AWS CLI v2 to test with (Debian's /usr/bin/aws, never
// an older aws earlier in PATH).
func awsCLI(t *testing.T) string {
	return testenv.AWSCLIv2(t)
}

// runAWS runs the AWS CLI against the emulator with only c in its
// environment: empty config and credentials files, a temporary HOME, and
// --endpoint-url on the command line (the CLI v2.9 in Debian ignores
// AWS_ENDPOINT_URL_STS), so it can reach nothing but the emulator.
func runAWS(t *testing.T, cli, url string, c aws.Credentials, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+dir,
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID="+c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey,
		"AWS_SESSION_TOKEN="+c.SessionToken,
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"AWS_MAX_ATTEMPTS=1",
	)
	cmd := exec.Command(cli, append([]string{"--endpoint-url", url, "--output", "json"}, args...)...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func TestAWSCLIGetCallerIdentity(t *testing.T) {
	cli := awsCLI(t)
	e := newEmulator(t)
	sess := e.mfaSession(t)
	out, err := e.sts(sess, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-admin"), RoleSessionName: aws.String("cli-test")})
	wantOK(t, err)
	role := toAWS(out.Credentials)
	badToken := role
	badToken.SessionToken = "not-the-token"

	tests := []struct {
		name    string
		creds   aws.Credentials
		wantArn string
		wantErr string
	}{
		{"role session", role, "arn:aws:sts::123456789012:assumed-role/demo-admin/cli-test", ""},
		{"MFA session", sess, "arn:aws:iam::123456789012:user/demo", ""},
		{"wrong session token", badToken, "", "InvalidClientTokenId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.Reset()
			stdout, stderr, err := runAWS(t, cli, e.URL, tt.creds, "sts", "get-caller-identity")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(stderr, tt.wantErr) {
					t.Fatalf("aws: err %v, stderr %q, want a failure naming %s", err, stderr, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("aws sts get-caller-identity: %v\n%s", err, stderr)
			}
			var id struct{ UserId, Account, Arn string }
			if err := json.Unmarshal([]byte(stdout), &id); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout)
			}
			if id.Arn != tt.wantArn || id.Account != DemoAccount {
				t.Errorf("got %+v, want Arn %s", id, tt.wantArn)
			}
			log := e.Log()
			if len(log) != 1 || log[0].AccessKeyID != tt.creds.AccessKeyID || log[0].Status != 200 {
				t.Errorf("log = %+v, want one GetCallerIdentity signed with %s", log, tt.creds.AccessKeyID)
			}
		})
	}
}
