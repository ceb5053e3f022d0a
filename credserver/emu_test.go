package credserver

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/stsemu"
)

const (
	demoRoleArn = "arn:aws:iam::" + stsemu.DemoAccount + ":role/demo-admin"
	// roleSeconds is the shortest session STS grants.
	roleSeconds = 900
	// forcedMargin makes every role session due one second after issue.
	forcedMargin = (roleSeconds - 1) * time.Second
)

// emulator starts the STS emulator on 127.0.0.1 with the demo account.
func emulator(t *testing.T) (*stsemu.Server, string) {
	t.Helper()
	emu := stsemu.New(stsemu.DemoState())
	hs := httptest.NewServer(emu)
	t.Cleanup(hs.Close)
	return emu, hs.URL
}

// stsClient is an STS client for the emulator at url, with no config files
// or environment involved.
func stsClient(url string, p aws.CredentialsProvider) *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: p})
}

// roleSessions is a Provider that works as the session layer does for a
// profile with an MFA device and a role of at most an hour: one MFA session
// from GetSessionToken with a code, then AssumeRole signed with it, again
// whenever the role session is within margin of its expiry.
type roleSessions struct {
	emu    *stsemu.Server
	url    string
	margin time.Duration

	mu     sync.Mutex
	mfa    aws.CredentialsProvider
	cur    creds.Credentials
	issued []string // access key ids of the role sessions, in order
}

func (r *roleSessions) provide(ctx context.Context) (creds.Credentials, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.issued) > 0 && r.cur.TTL(time.Now()) > r.margin {
		return r.cur, nil
	}
	if r.mfa == nil {
		code, err := r.emu.CurrentCode(stsemu.DemoSerial, 0)
		if err != nil {
			return creds.Credentials{}, err
		}
		long := credentials.NewStaticCredentialsProvider(stsemu.DemoAccessKeyID, stsemu.DemoSecretAccessKey, "")
		out, err := stsClient(r.url, long).GetSessionToken(ctx, &sts.GetSessionTokenInput{
			SerialNumber: aws.String(stsemu.DemoSerial), TokenCode: aws.String(code), DurationSeconds: aws.Int32(roleSeconds),
		})
		if err != nil {
			return creds.Credentials{}, err
		}
		c := out.Credentials
		r.mfa = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	}
	out, err := stsClient(r.url, r.mfa).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(demoRoleArn),
		RoleSessionName: aws.String(fmt.Sprintf("credserver-%d", len(r.issued)+1)),
		DurationSeconds: aws.Int32(roleSeconds),
	})
	if err != nil {
		return creds.Credentials{}, err
	}
	c := out.Credentials
	r.cur = creds.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken, Expiration: c.Expiration.UTC()}
	r.issued = append(r.issued, r.cur.AccessKeyID)
	return r.cur, nil
}

func (r *roleSessions) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.issued...)
}

// TestSDKKeepsCallingSTSAcrossTwoForcedExpiries is the long-run scenario in
// small: an SDK client that takes its credentials from the server keeps
// calling STS while the role session behind it is replaced twice. The
// margin makes each 15-minute role session due a second after issue; the
// SDK (its credentials cache with no window of its own) comes back at the
// reported refresh point, so three sessions take about two seconds.
func TestSDKKeepsCallingSTSAcrossTwoForcedExpiries(t *testing.T) {
	emu, url := emulator(t)
	p := &roleSessions{emu: emu, url: url, margin: forcedMargin}
	s := start(t, p.provide, WithRefreshMargin(forcedMargin))
	e := env(t, s)
	client := stsClient(url, aws.NewCredentialsCache(endpointcreds.New(e[EnvFullURI], func(o *endpointcreds.Options) {
		o.AuthorizationToken = e[EnvToken]
	})))

	ctx := context.Background()
	var arns []string // distinct caller ARNs, in the order seen
	calls := 0
	deadline := time.Now().Add(30 * time.Second) // a guard against a hang, not a speed check
	for len(arns) < 3 && time.Now().Before(deadline) {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity call %d failed: %v", calls+1, err)
		}
		calls++
		if arn := aws.ToString(out.Arn); len(arns) == 0 || arns[len(arns)-1] != arn {
			arns = append(arns, arn)
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := []string{
		"arn:aws:sts::123456789012:assumed-role/demo-admin/credserver-1",
		"arn:aws:sts::123456789012:assumed-role/demo-admin/credserver-2",
		"arn:aws:sts::123456789012:assumed-role/demo-admin/credserver-3",
	}
	if strings.Join(arns, " ") != strings.Join(want, " ") {
		t.Fatalf("in %d calls the client was\n%s\nwant\n%s", calls, strings.Join(arns, "\n"), strings.Join(want, "\n"))
	}

	if n := emu.Count("GetSessionToken"); n != 1 {
		t.Errorf("emulator saw %d GetSessionToken calls, want 1 (one code for the whole run)", n)
	}
	if n := emu.Count("AssumeRole"); n != 3 {
		t.Errorf("emulator saw %d AssumeRole calls, want 3 (one per session)", n)
	}
	if n := emu.Count("GetCallerIdentity"); n != calls {
		t.Errorf("emulator saw %d GetCallerIdentity calls, the client made %d", n, calls)
	}
	// Every call was signed with a role session, each key used in turn.
	issued := p.keys()
	var used []string
	for _, r := range emu.Log() {
		if r.Action != "GetCallerIdentity" {
			continue
		}
		if r.Status != 200 {
			t.Errorf("GetCallerIdentity answered %d %s", r.Status, r.ErrorCode)
		}
		if len(used) == 0 || used[len(used)-1] != r.AccessKeyID {
			used = append(used, r.AccessKeyID)
		}
	}
	if strings.Join(used, " ") != strings.Join(issued, " ") {
		t.Errorf("calls were signed with keys %v, want the role sessions %v in turn", used, issued)
	}
}
