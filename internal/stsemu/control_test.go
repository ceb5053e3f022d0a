package stsemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// call sends a control request over loopback and decodes the JSON answer.
func call(t testing.TB, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: HTTP %d, not JSON: %v: %s", method, url, resp.StatusCode, err, b)
		}
	}
	return resp.StatusCode
}

func TestControlEndpoints(t *testing.T) {
	e := newEmulator(t)
	_, err := e.sts(demoKeys, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)

	var log []Request
	if call(t, "GET", e.URL+"/_emu/log", "", &log) != 200 || len(log) != 1 || log[0].Action != "GetCallerIdentity" || log[0].AccessKeyID != DemoAccessKeyID {
		t.Fatalf("GET /_emu/log = %+v", log)
	}
	var counts map[string]int
	if call(t, "GET", e.URL+"/_emu/counters", "", &counts) != 200 || counts["GetCallerIdentity"] != 1 {
		t.Fatalf("GET /_emu/counters = %v", counts)
	}

	before := e.Now()
	var now map[string]string
	if call(t, "POST", e.URL+"/_emu/advance?d=90s", "", &now) != 200 {
		t.Fatal("advance failed")
	}
	if d := e.Now().Sub(before); d < 90*time.Second || d > 100*time.Second {
		t.Fatalf("advance moved the clock by %v, want 90s", d)
	}
	var tm map[string]string
	call(t, "GET", e.URL+"/_emu/time", "", &tm)
	if got, err := time.Parse(time.RFC3339, tm["now"]); err != nil || got.Sub(before) < 89*time.Second {
		t.Fatalf("GET /_emu/time = %v", tm)
	}

	var code map[string]string
	call(t, "GET", e.URL+"/_emu/code?serial="+DemoSerial+"&offset=30s", "", &code)
	if want := e.code(t, 30*time.Second); code["code"] != want {
		t.Fatalf("GET /_emu/code = %v, want %s", code, want)
	}

	if st := call(t, "POST", e.URL+"/_emu/fault", `{"kind":"throttle","count":1}`, nil); st != 200 {
		t.Fatalf("POST /_emu/fault: HTTP %d", st)
	}
	_, err = e.sts(demoKeys, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "Throttling", "")
	if st := call(t, "POST", e.URL+"/_emu/fault", `{"kind":"latency","count":1,"delay":"1ms"}`, nil); st != 200 {
		t.Fatalf("POST /_emu/fault latency: HTTP %d", st)
	}
	_, err = e.sts(demoKeys, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)
	if l := e.Log(); l[len(l)-1].Fault != "latency" {
		t.Fatalf("latency fault not applied: %+v", l[len(l)-1])
	}

	if call(t, "POST", e.URL+"/_emu/reset", "", nil) != 200 || len(e.Log()) != 0 || e.Count("GetCallerIdentity") != 0 {
		t.Fatal("reset did not empty the log and counters")
	}
	// Control requests are not logged or counted.
	call(t, "GET", e.URL+"/_emu/log", "", &log)
	if len(log) != 0 {
		t.Fatalf("log after reset = %+v", log)
	}
}

func TestControlErrors(t *testing.T) {
	e := newEmulator(t)
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"unknown endpoint", "GET", "/_emu/nothing", "", 404},
		{"wrong method", "GET", "/_emu/reset", "", 405},
		{"advance without d", "POST", "/_emu/advance", "", 400},
		{"advance bad d", "POST", "/_emu/advance?d=soon", "", 400},
		{"fault bad JSON", "POST", "/_emu/fault", `{"kind":`, 400},
		{"fault unknown kind", "POST", "/_emu/fault", `{"kind":"earthquake","count":1}`, 400},
		{"fault unknown field", "POST", "/_emu/fault", `{"kind":"drop","count":1,"when":"now"}`, 400},
		{"fault zero count", "POST", "/_emu/fault", `{"kind":"drop","count":0}`, 400},
		{"fault bad delay", "POST", "/_emu/fault", `{"kind":"latency","count":1,"delay":"long"}`, 400},
		{"code unknown device", "GET", "/_emu/code?serial=arn:aws:iam::123456789012:mfa/x", "", 404},
		{"code bad offset", "GET", "/_emu/code?serial=" + DemoSerial + "&offset=x", "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body map[string]string
			if got := call(t, tt.method, e.URL+tt.path, tt.body, &body); got != tt.want || body["error"] == "" {
				t.Fatalf("HTTP %d %v, want %d with an error message", got, body, tt.want)
			}
		})
	}
	// Nothing was injected by the bad requests.
	_, err := e.sts(demoKeys, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)
}

func TestControlLoopbackOnly(t *testing.T) {
	s := New(DemoState())
	for _, remote := range []string{"192.0.2.7:4000", "[2001:db8::1]:4000", "garbage"} {
		for _, path := range []string{"/_emu/log", "/_emu/reset", "/_emu/advance?d=1h"} {
			req := httptest.NewRequest("POST", path, nil)
			if path == "/_emu/log" {
				req.Method = "GET"
			}
			req.RemoteAddr = remote
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != http.StatusForbidden {
				t.Errorf("%s from %s: HTTP %d, want 403", path, remote, w.Code)
			}
		}
	}
	if d := time.Until(s.Now()); d > time.Minute {
		t.Errorf("a non-loopback advance moved the clock by %v", d)
	}
	for _, remote := range []string{"127.0.0.1:4000", "[::1]:4000"} {
		req := httptest.NewRequest("GET", "/_emu/counters", nil)
		req.RemoteAddr = remote
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Errorf("from %s: HTTP %d, want 200", remote, w.Code)
		}
	}
}

// The log never holds a secret: not the secret keys, session tokens, the
// TOTP code, nor the external id.
func TestLogHoldsNoSecrets(t *testing.T) {
	e := newEmulator(t)
	code := e.code(t, 0)
	out, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(code)})
	wantOK(t, err)
	sess := toAWS(out.Credentials)
	_, err = e.sts(sess, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-external"), RoleSessionName: aws.String("x1"), ExternalId: aws.String("wrong-external-id")})
	wantAPIError(t, err, "AccessDenied", "")
	role, err := e.sts(demoKeys, noRetry).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleArn("demo-external"), RoleSessionName: aws.String("x2"), ExternalId: aws.String(DemoExternalID)})
	wantOK(t, err)
	_, err = e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String("12345x")})
	if err == nil {
		t.Fatal("a malformed code was accepted")
	}
	var body strings.Builder
	resp, err := http.Get(e.URL + "/_emu/log")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(&body, resp.Body)
	resp.Body.Close()
	for name, secret := range map[string]string{
		"long-term secret": DemoSecretAccessKey, "session secret": sess.SecretAccessKey, "session token": sess.SessionToken,
		"role secret": aws.ToString(role.Credentials.SecretAccessKey), "role token": aws.ToString(role.Credentials.SessionToken),
		"code": code, "bad code": "12345x", "external id": DemoExternalID, "wrong external id": "wrong-external-id",
	} {
		if strings.Contains(body.String(), secret) {
			t.Errorf("the log contains the %s", name)
		}
	}
}

// TestShortenSessions: sessions issued after ShortenSessions (or POST
// /_emu/shorten) last their duration divided by the factor, the log keeps
// the duration asked for, and a factor of 1 restores AWS's durations.
func TestShortenSessions(t *testing.T) {
	e := newEmulator(t)
	gst := func(duration int32) time.Duration {
		t.Helper()
		e.Advance(30 * time.Second) // a new code each time
		before := e.Now()
		in := &sts.GetSessionTokenInput{SerialNumber: aws.String(DemoSerial), TokenCode: aws.String(e.code(t, 0))}
		if duration != 0 {
			in.DurationSeconds = aws.Int32(duration)
		}
		out, err := e.sts(demoKeys).GetSessionToken(ctx, in)
		wantOK(t, err)
		return aws.ToTime(out.Credentials.Expiration).Sub(before)
	}
	for _, tt := range []struct {
		name     string
		shorten  func() // how the factor is set
		duration int32  // asked for; 0 for the default 43200 s
		want     time.Duration
	}{
		{"as asked", func() {}, 900, 900 * time.Second},
		{"Go, shortest", func() { wantOK(t, e.ShortenSessions(150)) }, 900, 6 * time.Second},
		{"Go, default", func() {}, 0, 288 * time.Second},
		{"restored", func() { wantOK(t, e.ShortenSessions(1)) }, 900, 900 * time.Second},
		{"control", func() {
			if code := call(t, "POST", e.URL+"/_emu/shorten?factor=300", "", nil); code != 200 {
				t.Fatalf("POST /_emu/shorten?factor=300: HTTP %d", code)
			}
		}, 900, 3 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.shorten()
			if got := gst(tt.duration); got < tt.want-time.Second || got > tt.want+time.Second {
				t.Errorf("the session lasts %v, want %v", got, tt.want)
			}
		})
	}
	log := e.Log()
	if got := log[len(log)-1].DurationSeconds; got != 900 {
		t.Errorf("the log records DurationSeconds %d, want the 900 asked for", got)
	}
	for _, q := range []string{"", "factor=0", "factor=901", "factor=x"} {
		var body map[string]string
		if code := call(t, "POST", e.URL+"/_emu/shorten?"+q, "", &body); code != 400 || !strings.Contains(body["error"], "factor") {
			t.Errorf("POST /_emu/shorten?%s: HTTP %d %v, want 400 naming the factor", q, code, body)
		}
	}
}
