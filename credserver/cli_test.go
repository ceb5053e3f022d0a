package credserver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// awsCLI returns the AWS CLI v2 to test with. The Debian package installs it
// as /usr/bin/aws; an older v1 may come first in PATH, so that path wins.
func awsCLI(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat("/usr/bin/aws"); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return "/usr/bin/aws"
	}
	return testenv.Need(t, "aws")
}

// cliEnv is an environment in which the AWS CLI can find credentials only
// through the server: HOME and both AWS files are empty paths in a
// temporary directory, and no AWS_* variable is inherited.
func cliEnv(t *testing.T, s *Server, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	env = append(env, s.Env()...)
	return append(env, extra...)
}

func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard against a hang, not a speed check
	defer cancel()
	cmd := exec.CommandContext(ctx, awsCLI(t), args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// TestAWSCLIReadsTheEndpoint checks that the AWS CLI accepts a 127.0.0.1
// full URI and takes the credentials it serves, with the refresh point as
// their expiry.
func TestAWSCLIReadsTheEndpoint(t *testing.T) {
	awsCLI(t)
	f := newFixed()
	s := start(t, f.provide, WithRefreshMargin(10*time.Minute))

	stdout, stderr, err := runCLI(t, cliEnv(t, s), "configure", "export-credentials", "--format", "process")
	if err != nil {
		t.Fatalf("aws configure export-credentials: %v\n%s", err, stderr)
	}
	var got struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if got.AccessKeyID != "ASIAFIXEDEXAMPLE" || got.SecretAccessKey != testSecret || got.SessionToken != testToken {
		t.Errorf("the CLI took other credentials: key %q", got.AccessKeyID)
	}
	exp, err := time.Parse(time.RFC3339, got.Expiration)
	if err != nil || !exp.Equal(fixedExpiry.Add(-10*time.Minute)) {
		t.Errorf("the CLI saw expiry %q, want the refresh point %s", got.Expiration, fixedExpiry.Add(-10*time.Minute).Format(time.RFC3339))
	}
	if n := f.calls.Load(); n < 1 {
		t.Errorf("provider called %d times", n)
	}
}

// TestAWSCLIWithAWrongTokenGetsNothing checks that the CLI fails, and is
// served nothing, when its token is wrong. (botocore retries three times a
// second apart, so this takes about three seconds.)
func TestAWSCLIWithAWrongTokenGetsNothing(t *testing.T) {
	awsCLI(t)
	f := newFixed()
	s := start(t, f.provide)
	stdout, stderr, err := runCLI(t, cliEnv(t, s, EnvToken+"=wrong"), "configure", "export-credentials", "--format", "process")
	if err == nil {
		t.Errorf("the CLI succeeded with a wrong token:\n%s", stdout)
	}
	if !strings.Contains(stderr, "403") || !strings.Contains(stderr, "wrong Authorization token") {
		t.Errorf("the CLI's error does not pass on why it was refused:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, testSecret) || strings.Contains(stdout+stderr, "ASIAFIXEDEXAMPLE") {
		t.Errorf("credentials reached the CLI with a wrong token:\n%s\n%s", stdout, stderr)
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("a wrong token reached the provider %d times", n)
	}
}

// TestAWSCLICallsSTSWithServedCredentials runs `aws sts get-caller-identity`
// against the emulator with nothing but the server's two variables to find
// credentials by: the CLI signs with the role session the server hands out.
func TestAWSCLICallsSTSWithServedCredentials(t *testing.T) {
	awsCLI(t)
	emu, url := emulator(t)
	p := &roleSessions{emu: emu, url: url, margin: 10 * time.Minute}
	s := start(t, p.provide, WithRefreshMargin(10*time.Minute))

	stdout, stderr, err := runCLI(t, cliEnv(t, s), "sts", "get-caller-identity", "--endpoint-url", url, "--output", "json")
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, stderr)
	}
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(stdout), &id); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/demo-admin/credserver-1"; id.Arn != want {
		t.Errorf("the CLI called as %q, want %q", id.Arn, want)
	}
	log := emu.Log()
	if last := log[len(log)-1]; last.Action != "GetCallerIdentity" || last.AccessKeyID != p.keys()[0] {
		t.Errorf("the emulator's last request was %s signed by %s, want GetCallerIdentity by %s", last.Action, last.AccessKeyID, p.keys()[0])
	}
}
