package stsemu

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// fastRetry is the SDK's standard retryer (3 attempts) without back-off
// sleeps, so retry tests run quickly.
func fastRetry(o *sts.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    Fault
		code     string // API error code of each faulted call, "" for a non-API error
		httpCode int
	}{
		{"throttle", Fault{Kind: Throttle, Count: 2}, "Throttling", 400},
		{"internal error", Fault{Kind: InternalError, Count: 2}, "InternalFailure", 500},
		{"drop", Fault{Kind: Drop, Count: 2}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulator(t)
			if err := e.InjectFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			c := e.sts(demoKeys, noRetry)
			for i := 0; i < tt.fault.Count; i++ {
				_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				if err == nil {
					t.Fatalf("call %d succeeded despite the fault", i+1)
				}
				var ae smithy.APIError
				isAPI := errors.As(err, &ae)
				if tt.code == "" && isAPI {
					t.Fatalf("call %d: got API error %v, want a dropped connection", i+1, err)
				}
				if tt.code != "" {
					wantAPIError(t, err, tt.code, "")
					var re *awshttp.ResponseError
					if !errors.As(err, &re) || re.HTTPStatusCode() != tt.httpCode {
						t.Fatalf("call %d: want HTTP %d, got %v", i+1, tt.httpCode, err)
					}
				}
			}
			// The fault is used up.
			_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			wantOK(t, err)
			log := e.Log()
			if len(log) != 3 || log[0].Fault != tt.fault.Kind.String() || log[1].Fault != tt.fault.Kind.String() || log[2].Fault != "" {
				t.Errorf("log = %+v", log)
			}
			if log[0].Status != tt.httpCode {
				t.Errorf("logged status %d, want %d", log[0].Status, tt.httpCode)
			}

			// The SDK's own retries get through the same fault.
			e.Reset()
			if err := e.InjectFault(tt.fault); err != nil {
				t.Fatal(err)
			}
			_, err = e.sts(demoKeys, fastRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			wantOK(t, err)
			if got := e.Count("GetCallerIdentity"); got != 3 {
				t.Errorf("SDK made %d attempts, want 3 (two faulted, one retried)", got)
			}
		})
	}
}

func TestLatencyFault(t *testing.T) {
	e := newEmulator(t)
	if err := e.InjectFault(Fault{Kind: Latency, Count: 1, Delay: 10 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	c := e.sts(demoKeys, noRetry)
	// A client that will not wait gives up: the delay is real.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := c.GetCallerIdentity(short, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the client's deadline to pass during the added latency", err)
	}
	_, err = c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)

	// A short delay is waited out and the request then served normally.
	if err := e.InjectFault(Fault{Kind: Latency, Count: 1, Delay: 10 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)
	waitFor(t, func() bool { return len(e.Log()) == 3 })
	log := e.Log()
	if log[0].Fault != "latency" || log[0].Status != 0 || log[1].Fault != "" || log[2].Fault != "latency" || log[2].Status != 200 {
		t.Errorf("log = %+v", log)
	}
}

// waitFor polls cond (handlers finish asynchronously from the client).
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for i := 0; i < 500 && !cond(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !cond() {
		t.Fatal("condition not reached in 5s")
	}
}

func TestFaultQueueAndReset(t *testing.T) {
	e := newEmulator(t)
	for _, f := range []Fault{{Kind: Throttle, Count: 1}, {Kind: InternalError, Count: 2}, {Kind: Throttle, Count: 1}} {
		if err := e.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	c := e.sts(demoKeys, noRetry)
	for i, want := range []string{"Throttling", "InternalFailure", "InternalFailure", "Throttling", ""} {
		_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if want == "" {
			wantOK(t, err)
		} else {
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != want {
				t.Fatalf("call %d: got %v, want %s", i+1, err, want)
			}
		}
	}
	if err := e.InjectFault(Fault{Kind: Throttle, Count: 5}); err != nil {
		t.Fatal(err)
	}
	e.Reset()
	if len(e.Log()) != 0 || e.Count("GetCallerIdentity") != 0 {
		t.Fatalf("after Reset: log %d entries, count %d", len(e.Log()), e.Count("GetCallerIdentity"))
	}
	_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err) // Reset dropped the pending fault
}

func TestInjectFaultRejectsBadFaults(t *testing.T) {
	tests := []struct {
		name string
		f    Fault
	}{
		{"no kind", Fault{Count: 1}},
		{"unknown kind", Fault{Kind: 99, Count: 1}},
		{"zero count", Fault{Kind: Throttle}},
		{"negative count", Fault{Kind: Drop, Count: -1}},
		{"latency without delay", Fault{Kind: Latency, Count: 1}},
		{"delay on a throttle", Fault{Kind: Throttle, Count: 1, Delay: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := New(DemoState()).InjectFault(tt.f); err == nil {
				t.Fatal("InjectFault accepted it")
			}
		})
	}
}

func TestLogAndCounters(t *testing.T) {
	e := newEmulator(t)
	sess := e.mfaSession(t) // GetSessionToken, code accepted
	c := e.sts(demoKeys, noRetry)
	_, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(wrongCode(t, e))})
	wantAPIError(t, err, "AccessDenied", msgInvalidCode)
	role, err := e.sts(sess, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-admin"), RoleSessionName: aws.String("logged")})
	wantOK(t, err)
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-external"), RoleSessionName: aws.String("ext"), ExternalId: aws.String(DemoExternalID)})
	wantOK(t, err)
	for i := 0; i < 2; i++ {
		_, err = e.sts(toAWS(role.Credentials), noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantOK(t, err)
	}
	_, err = e.iam(demoKeys).ListMFADevices(ctx, nil)
	wantOK(t, err)

	for action, want := range map[string]int{"GetSessionToken": 2, "AssumeRole": 2, "GetCallerIdentity": 2, "ListMFADevices": 1, "GetFederationToken": 0} {
		if got := e.Count(action); got != want {
			t.Errorf("Count(%s) = %d, want %d", action, got, want)
		}
	}
	log := e.Log()
	if len(log) != 7 {
		t.Fatalf("log has %d entries, want 7", len(log))
	}
	want := []Request{
		{Action: "GetSessionToken", AccessKeyID: DemoAccessKeyID, SerialNumber: DemoSerial, CodeSent: true, CodeAccepted: true, Status: 200, DurationSeconds: 43200},
		{Action: "GetSessionToken", AccessKeyID: DemoAccessKeyID, SerialNumber: DemoSerial, CodeSent: true, Status: 403, ErrorCode: "AccessDenied"},
		{Action: "AssumeRole", AccessKeyID: sess.AccessKeyID, RoleArn: *roleArn("demo-admin"), Status: 200, DurationSeconds: 3600},
		{Action: "AssumeRole", AccessKeyID: DemoAccessKeyID, RoleArn: *roleArn("demo-external"), Status: 200, DurationSeconds: 3600},
		{Action: "GetCallerIdentity", AccessKeyID: aws.ToString(role.Credentials.AccessKeyId), Status: 200},
		{Action: "GetCallerIdentity", AccessKeyID: aws.ToString(role.Credentials.AccessKeyId), Status: 200},
		{Action: "ListMFADevices", AccessKeyID: DemoAccessKeyID, Status: 200},
	}
	for i := range want {
		got := log[i]
		if got.Time.IsZero() {
			t.Errorf("entry %d has no time", i)
		}
		got.Time = time.Time{}
		if got != want[i] {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got, want[i])
		}
	}
}

// Sixty-four clients at once, mixing every action with log and counter
// readers; run with -race.
func TestConcurrentClients(t *testing.T) {
	e := newEmulator(t)
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.sts(demoKeys, noRetry)
			out, err := c.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
			if err != nil {
				errs <- err
				return
			}
			s := e.sts(toAWS(out.Credentials), noRetry)
			if _, err := s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
				errs <- err
			}
			if _, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-external"), RoleSessionName: aws.String("conc"), ExternalId: aws.String(DemoExternalID)}); err != nil {
				errs <- err
			}
			_ = e.Log()
			_ = e.Count("AssumeRole")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, a := range []string{"GetSessionToken", "GetCallerIdentity", "AssumeRole"} {
		if got := e.Count(a); got != n {
			t.Errorf("Count(%s) = %d, want %d", a, got, n)
		}
	}
	if got := len(e.Log()); got != 3*n {
		t.Errorf("log has %d entries, want %d", got, 3*n)
	}
}

func TestClock(t *testing.T) {
	fake := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s := New(DemoState(), WithClock(func() time.Time { return fake }))
	if got := s.Now(); !got.Equal(fake) {
		t.Fatalf("Now() = %v, want %v", got, fake)
	}
	s.Advance(90 * time.Second)
	if got := s.Now(); !got.Equal(fake.Add(90 * time.Second)) {
		t.Fatalf("after Advance: %v", got)
	}
	// Codes follow the emulator clock, not the wall clock.
	want, _ := Code(DemoSeed, fake.Add(90*time.Second))
	if got, _ := s.CurrentCode(DemoSerial, 0); got != want {
		t.Errorf("CurrentCode = %s, want %s", got, want)
	}
	later := fake.Add(time.Hour)
	s.SetClock(func() time.Time { return later })
	if got := s.Now(); !got.Equal(later) {
		t.Fatalf("SetClock forgets Advance: got %v, want %v", got, later)
	}
	if _, err := s.CurrentCode("arn:aws:iam::123456789012:mfa/none", 0); err == nil {
		t.Error("CurrentCode of an unknown device succeeded")
	}

	// Through the SDK (which signs by the wall clock): TOTP and expiry use
	// the emulator's clock, and skew correction makes the calls succeed.
	e := newEmulator(t, WithClock(func() time.Time { return time.Now().Add(3 * time.Hour) }))
	out, err := e.sts(demoKeys, fastRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{
		DurationSeconds: aws.Int32(900), SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(e.code(t, 0))})
	wantOK(t, err)
	if d := aws.ToTime(out.Credentials.Expiration).Sub(time.Now()); d < 3*time.Hour {
		t.Errorf("expiry is %v from the wall clock, want 3h15m by the emulator's", d)
	}
}

// RFC 6238 appendix B test vector (SHA-1, 8 digits there; the last 6
// digits are what a 6-digit device shows).
func TestCodeRFC6238(t *testing.T) {
	seed := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	}
	for _, tt := range tests {
		got, err := Code(seed, time.Unix(tt.unix, 0))
		if err != nil || got != tt.want {
			t.Errorf("Code at %d = %q, %v; want %s", tt.unix, got, err, tt.want)
		}
	}
	if _, err := Code("not base32!", time.Now()); err == nil {
		t.Error("Code accepted a bad seed")
	}
}

// TestLoseAnswerFault: the request is processed (its code is spent) and
// the answer never arrives; sending the same code again is a replay.
func TestLoseAnswerFault(t *testing.T) {
	e := newEmulator(t)
	if err := e.InjectFault(Fault{Kind: LoseAnswer, Count: 1}); err != nil {
		t.Fatal(err)
	}
	c := e.sts(demoKeys, noRetry)
	code := e.code(t, 0)
	in := &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(code)}
	_, err := c.GetSessionToken(ctx, in)
	var ae smithy.APIError
	if err == nil || errors.As(err, &ae) {
		t.Fatalf("got %v, want a connection closed without an answer", err)
	}
	_, err = c.GetSessionToken(ctx, in)
	wantAPIError(t, err, "AccessDenied", msgInvalidCode)
	log := e.Log()
	if len(log) != 2 || log[0].Fault != "lose_answer" || log[0].Status != 200 || log[1].Fault != "" {
		t.Errorf("log = %+v", log)
	}
}
