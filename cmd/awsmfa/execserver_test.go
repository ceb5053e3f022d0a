package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// These tests run the real `awsmfa exec --server` in process, as TestScripts
// runs awsmfa, with one thing injected: its clock, which the test moves
// forward to make the role session due, as hours of a long run would. The
// emulator and the child keep real time, since every request is signed
// with it. The child is this test binary again (TestExecServerChild), an
// SDK client that calls GetCallerIdentity when told to.

const (
	execServerChildEnv  = "AWSMFA_TEST_EXEC_SERVER_CHILD"
	execServerWindowEnv = "AWSMFA_TEST_EXEC_SERVER_WINDOW"
)

// TestExecServerChild is the child, and does nothing unless run as one. It
// takes its credentials as the Go SDK's default chain does when
// AWS_CONTAINER_CREDENTIALS_FULL_URI is set (the endpointcreds provider with
// the token of AWS_CONTAINER_AUTHORIZATION_TOKEN), behind a credentials
// cache that refreshes 15 minutes before expiry as botocore (the AWS CLI,
// boto3) does: with 15-minute sessions it asks the endpoint before every
// call, the heaviest load a child puts on exec --server. (A test that needs
// that load on longer sessions widens the window with
// AWSMFA_TEST_EXEC_SERVER_WINDOW.)
//
// It prints "url URL", then reads commands from stdin: "call N" makes N
// calls, printing "ok ARN" or "fail ERROR" for each and then "done"; EOF or
// "quit" ends it.
func TestExecServerChild(t *testing.T) {
	if os.Getenv(execServerChildEnv) != "1" {
		return
	}
	os.Exit(execServerChild(os.Stdin, os.Stdout))
}

func execServerChild(in io.Reader, out io.Writer) int {
	uri, token := os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	fmt.Fprintf(out, "url %s\n", uri)
	if k := os.Getenv("AWS_ACCESS_KEY_ID"); k != "" {
		fmt.Fprintf(out, "fail the child has AWS_ACCESS_KEY_ID=%s\n", k)
	}
	window := 15 * time.Minute
	if d, err := time.ParseDuration(os.Getenv(execServerWindowEnv)); err == nil {
		window = d
	}
	provider := aws.NewCredentialsCache(endpointcreds.New(uri, func(o *endpointcreds.Options) {
		o.AuthorizationToken = token
	}), func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = window })
	client := sts.New(sts.Options{
		Region:       os.Getenv("AWS_REGION"),
		BaseEndpoint: aws.String(os.Getenv("AWS_ENDPOINT_URL_STS")),
		Credentials:  provider,
	})
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "call %d", &n); err != nil {
			return 0
		}
		for range n {
			res, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if err != nil {
				fmt.Fprintf(out, "fail %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
				continue
			}
			fmt.Fprintf(out, "ok %s\n", aws.ToString(res.Arn))
		}
		fmt.Fprintln(out, "done")
	}
	return 0
}

// lockedBuffer is an io.Writer for the app's stderr, which the server's
// logger and the child's stderr copier write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// execServerRig is one user's machine (a world: a home with AWS files, a
// cache, the emulator) and awsmfa's clock.
type execServerRig struct {
	*world
	skew   atomic.Int64 // how far awsmfa's clock is ahead of the real one
	stderr lockedBuffer
}

func newExecServerRig(t *testing.T, config, credentials string) *execServerRig {
	t.Helper()
	r := &execServerRig{world: newWorld(t, config, credentials)}
	r.env["AWS_EC2_METADATA_DISABLED"] = "true"
	r.env[execServerChildEnv] = "1"
	return r
}

// app is awsmfa with the rig's environment and clock.
func (r *execServerRig) app(stdin io.Reader, stdout io.Writer) *app {
	return r.world.app(stdin, stdout, &r.stderr, func() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) })
}

// currentCode is the demo device's current code; unlike world.code it leaves
// the emulator's clock where it is, which the tests' timings count on.
func (r *execServerRig) currentCode() string {
	r.t.Helper()
	code, err := r.emu.CurrentCode(stsemu.DemoSerial, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return code
}

// execRun is one `awsmfa exec --server ... -- CHILD` in progress.
type execRun struct {
	r     *execServerRig
	stdin *os.File // the child's commands
	lines chan string
	rc    chan int
	url   string
}

// startExec runs awsmfa with args, then "--" and the child, and waits for
// the child's first line.
func (r *execServerRig) startExec(args ...string) *execRun {
	r.t.Helper()
	exe, err := os.Executable()
	if err != nil {
		r.t.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		r.t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		r.t.Fatal(err)
	}
	x := &execRun{r: r, stdin: inW, lines: make(chan string, 100), rc: make(chan int, 1)}
	r.t.Cleanup(func() { inW.Close() }) // ends the child if the test gave up on it
	go func() {
		defer outR.Close()
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			x.lines <- sc.Text()
		}
		close(x.lines)
	}()
	argv := append([]string{"awsmfa"}, args...)
	argv = append(argv, "--", exe, "-test.run=^TestExecServerChild$")
	go func() {
		rc := r.app(inR, outW).run(argv)
		inR.Close()
		outW.Close()
		x.rc <- rc
	}()
	line := x.next()
	u, ok := strings.CutPrefix(line, "url ")
	if !ok {
		r.t.Fatalf("the child's first line is %q, want its endpoint URL", line)
	}
	x.url = u
	return x
}

// next returns the child's next line.
func (x *execRun) next() string {
	x.r.t.Helper()
	select {
	case line, ok := <-x.lines:
		if !ok {
			x.r.t.Fatalf("the child's output ended; awsmfa said:\n%s", x.r.stderr.String())
		}
		return line
	case <-time.After(time.Minute): // a guard against a hang, not a speed check
		x.r.t.Fatalf("no word from the child in a minute; awsmfa said:\n%s", x.r.stderr.String())
	}
	return ""
}

// calls has the child make n calls, and fails the test for each that
// failed.
func (x *execRun) calls(n int) {
	x.r.t.Helper()
	fmt.Fprintf(x.stdin, "call %d\n", n)
	for {
		line := x.next()
		if line == "done" {
			return
		}
		if !strings.HasPrefix(line, "ok ") {
			x.r.t.Errorf("child: %s", line)
		}
	}
}

// quit ends the child and returns awsmfa's exit status.
func (x *execRun) quit() int {
	x.r.t.Helper()
	fmt.Fprintln(x.stdin, "quit")
	x.stdin.Close()
	for range x.lines {
	}
	select {
	case rc := <-x.rc:
		return rc
	case <-time.After(time.Minute):
		x.r.t.Fatalf("awsmfa did not return after its child quit; it said:\n%s", x.r.stderr.String())
	}
	return -1
}

// signers returns the access key id of each GetCallerIdentity call the
// emulator saw, in order, failing the test for each call it refused.
func (r *execServerRig) signers() []string {
	r.t.Helper()
	var keys []string
	for _, q := range r.emu.Log() {
		if q.Action != "GetCallerIdentity" {
			continue
		}
		if q.Status != 200 {
			r.t.Errorf("the emulator answered a GetCallerIdentity signed with %s: %d %s", q.AccessKeyID, q.Status, q.ErrorCode)
		}
		keys = append(keys, q.AccessKeyID)
	}
	return keys
}

func (r *execServerRig) codesSent() int {
	n := 0
	for _, q := range r.emu.Log() {
		if q.CodeSent {
			n++
		}
	}
	return n
}

// distinct returns keys without repeats, in order of first use, and fails
// the test when a key comes back after another was used: a session the
// child went back to after it had been replaced.
func distinct(t *testing.T, keys []string) []string {
	t.Helper()
	var out []string
	for i, k := range keys {
		if i > 0 && k == keys[i-1] {
			continue
		}
		for _, seen := range out {
			if seen == k {
				t.Errorf("call %d went back to %s, a session already replaced (keys in order: %v)", i+1, k, keys)
			}
		}
		out = append(out, k)
	}
	return out
}

// refused checks that nothing listens at the endpoint URL any more.
func refused(t *testing.T, endpoint string) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "" {
		t.Fatalf("endpoint %q is not http://127.0.0.1:PORT/...", endpoint)
	}
	c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after exec --server returned", u.Host)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dialing %s after exec --server returned: %v, want connection refused", u.Host, err)
	}
}

const execServerRoleConfig = `[profile base]
mfa_serial = arn:aws:iam::123456789012:mfa/demo
region = us-east-1

[profile admin]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo
region = us-east-1
duration_seconds = 900
`

const execServerCredentials = `[base]
aws_access_key_id = AKIAEMULATORDEMO0001
aws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000
`

// TestExecServerRefreshesAcrossTwoForcedExpiries: an SDK client inside the
// real `awsmfa exec --server` keeps making calls while the 15-minute role
// session behind it is replaced twice, on one MFA code, with one AssumeRole
// per session however often the client asks, and the endpoint is gone once
// exec has returned.
func TestExecServerRefreshesAcrossTwoForcedExpiries(t *testing.T) {
	r := newExecServerRig(t, execServerRoleConfig, execServerCredentials)
	x := r.startExec("exec", "--server", "--code", r.currentCode(), "admin")
	if n := r.emu.Count("AssumeRole"); n != 1 {
		t.Fatalf("%d AssumeRole calls before the child's first call, want 1", n)
	}

	x.calls(3)
	// Issued at about 0s with awsmfa's margin capped at half the 900s
	// session, the first role session is due at 450s: 8 minutes on, it
	// is replaced. The second, issued then, is due at 8m+210s (its 420s of
	// life by awsmfa's clock, halved): at 12 minutes, it is replaced.
	r.skew.Store(int64(8 * time.Minute))
	x.calls(3)
	r.skew.Store(int64(12 * time.Minute))
	x.calls(3)
	if rc := x.quit(); rc != 0 {
		t.Errorf("awsmfa exec exited %d; it said:\n%s", rc, r.stderr.String())
	}

	keys := r.signers()
	if len(keys) != 9 {
		t.Errorf("the emulator saw %d GetCallerIdentity calls, the child made 9", len(keys))
	}
	sessions := distinct(t, keys)
	if len(sessions) != 3 {
		t.Errorf("the child's calls were signed with %d sessions %v, want 3 (the first, then one per forced expiry)", len(sessions), sessions)
	}
	if len(keys) == 9 && len(sessions) == 3 {
		// Each round of calls on the session its forced expiry brought.
		for i, k := range keys {
			if k != sessions[i/3] {
				t.Errorf("call %d was signed with %s, want session %d (%s): keys %v", i+1, k, i/3+1, sessions[i/3], keys)
			}
		}
	}
	if n := r.emu.Count("GetSessionToken"); n != 1 {
		t.Errorf("%d GetSessionToken calls, want 1 (one MFA session for the whole run)", n)
	}
	if n := r.codesSent(); n != 1 {
		t.Errorf("%d requests carried an MFA code, want 1", n)
	}
	if n := r.emu.Count("AssumeRole"); n != 3 {
		t.Errorf("%d AssumeRole calls for 9 fetches, want 3 (one per session, none per fetch)", n)
	}
	if t.Failed() {
		t.Logf("awsmfa said:\n%s", r.stderr.String())
	}
	refused(t, x.url)
}

// TestExecServerSessionTokenProfileSpendsItsCodeOnce covers a profile with
// no role, whose every refresh needs a new MFA code. exec --server gets the
// session the server will serve with the server's own margin, so a cached
// session that the child's first fetch would find due is replaced at once,
// with the code given (not at the child's first call, when that code may be
// stale). A later refresh never sends that spent code again: it asks
// mfa_process (here one that fails), and while it fails the previous
// session is served and the code source is asked once a minute, not once
// per fetch.
func TestExecServerSessionTokenProfileSpendsItsCodeOnce(t *testing.T) {
	asked := filepath.Join(t.TempDir(), "asked")
	script := asked + ".sh"
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$AWSMFA_MFA_SERIAL\" >> "+asked+"\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	askedTimes := func() int {
		b, err := os.ReadFile(asked)
		if errors.Is(err, os.ErrNotExist) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n")
	}
	r := newExecServerRig(t, `[profile solo]
mfa_serial = arn:aws:iam::123456789012:mfa/demo
region = us-east-1
duration_seconds = 3600
mfa_process = `+script+`
`, strings.Replace(execServerCredentials, "[base]", "[solo]", 1))
	r.env[execServerWindowEnv] = "2h" // the child asks the endpoint before every call

	// An hour's session from earlier, with 20 minutes left: more than
	// --min-ttl (10m), less than the server's margin (25m).
	if rc := r.app(strings.NewReader(""), io.Discard).run([]string{"awsmfa", "env", "--code", r.currentCode(), "solo"}); rc != 0 {
		t.Fatalf("awsmfa env exited %d:\n%s", rc, r.stderr.String())
	}
	r.skew.Store(int64(40 * time.Minute))
	r.emu.Advance(30 * time.Second) // the next code
	x := r.startExec("exec", "--server", "--code", r.currentCode(), "solo")
	if n := r.emu.Count("GetSessionToken"); n != 2 {
		t.Errorf("%d GetSessionToken calls before the child's first call, want 2: the code given to exec --server spent at once", n)
	}
	x.calls(2)

	// That session, issued 40 minutes on with 20 minutes of life by
	// awsmfa's clock, is due 10 minutes before its expiry: at 50 minutes.
	r.skew.Store(int64(51 * time.Minute))
	x.calls(3)
	if n := askedTimes(); n != 1 {
		t.Errorf("mfa_process ran %d times for 3 fetches past the refresh point, want 1 (then once a minute)", n)
	}
	r.skew.Store(int64(52*time.Minute + 5*time.Second))
	x.calls(1)
	if n := askedTimes(); n != 2 {
		t.Errorf("mfa_process ran %d times a minute after it failed, want 2", n)
	}
	if rc := x.quit(); rc != 0 {
		t.Errorf("awsmfa exec exited %d; it said:\n%s", rc, r.stderr.String())
	}

	if n := r.emu.Count("GetSessionToken"); n != 2 {
		t.Errorf("%d GetSessionToken calls, want 2 (the spent code never sent again)", n)
	}
	if n := r.codesSent(); n != 2 {
		t.Errorf("%d requests carried an MFA code, want 2", n)
	}
	keys := r.signers()
	if len(keys) != 6 {
		t.Errorf("the emulator saw %d GetCallerIdentity calls, the child made 6", len(keys))
	}
	if sessions := distinct(t, keys); len(sessions) != 1 {
		t.Errorf("the child's calls were signed with %v, want one session, the one exec --server got", sessions)
	}
	if !strings.Contains(r.stderr.String(), "serving the previous one") {
		t.Errorf("the failed refresh was not logged:\n%s", r.stderr.String())
	}
	if t.Failed() {
		t.Logf("awsmfa said:\n%s", r.stderr.String())
	}
}
