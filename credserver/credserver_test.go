package credserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"

	"github.com/awsmfa/awsmfa/internal/creds"
)

const (
	testSecret = "SECRET-must-never-leak"
	testToken  = "SESSIONTOKEN-must-never-leak"
)

var fixedExpiry = time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)

// fixed is a Provider that always returns the same session and counts calls.
type fixed struct {
	c     creds.Credentials
	calls atomic.Int64
}

func (f *fixed) provide(context.Context) (creds.Credentials, error) {
	f.calls.Add(1)
	return f.c, nil
}

func newFixed() *fixed {
	return &fixed{c: creds.Credentials{
		AccessKeyID:     "ASIAFIXEDEXAMPLE",
		SecretAccessKey: testSecret,
		SessionToken:    testToken,
		Expiration:      fixedExpiry,
	}}
}

// start starts a server and closes it when the test ends.
func start(t *testing.T, p Provider, opts ...Option) *Server {
	t.Helper()
	s, err := Start(p, opts...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// env parses Server.Env into a map, checking its shape.
func env(t *testing.T, s *Server) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, kv := range s.Env() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("Env entry %q is not NAME=value", kv)
		}
		m[k] = v
	}
	if len(m) != 2 || m[EnvFullURI] == "" || m[EnvToken] == "" {
		t.Fatalf("Env() = %d entries, want exactly %s and %s", len(m), EnvFullURI, EnvToken)
	}
	return m
}

type reply struct {
	status int
	header http.Header
	body   string
}

// get sends one request to the server with the given method, path, Host
// header and Authorization header (omitted when auth is nil).
func get(t *testing.T, s *Server, method, path, host string, auth *string) reply {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+s.hosts[0]+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	if auth != nil {
		req.Header.Set("Authorization", *auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(body)}
}

func ptr(s string) *string { return &s }

func TestEnvPointsAtLoopbackWithAFreshToken(t *testing.T) {
	a, b := start(t, newFixed().provide), start(t, newFixed().provide)
	ea, eb := env(t, a), env(t, b)
	for _, e := range []map[string]string{ea, eb} {
		if !strings.HasPrefix(e[EnvFullURI], "http://127.0.0.1:") || !strings.HasSuffix(e[EnvFullURI], Path) {
			t.Errorf("%s = %q, want http://127.0.0.1:PORT%s", EnvFullURI, e[EnvFullURI], Path)
		}
		if tok := e[EnvToken]; len(tok) != 64 || strings.Trim(tok, "0123456789abcdef") != "" {
			t.Errorf("token is not 256 bits in hex: %d characters", len(tok))
		}
	}
	if ea[EnvToken] == eb[EnvToken] {
		t.Error("two servers got the same token")
	}
	if ea[EnvFullURI] == eb[EnvFullURI] {
		t.Error("two servers got the same URL")
	}
}

func TestTokenGuardsTheCredentials(t *testing.T) {
	f := newFixed()
	var logged bytes.Buffer
	s := start(t, f.provide, WithLogger(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	token := env(t, s)[EnvToken]
	wrongSameLength := strings.Repeat("0", len(token))
	if wrongSameLength == token {
		wrongSameLength = strings.Repeat("1", len(token))
	}

	for _, tc := range []struct {
		name string
		auth *string
	}{
		{"no header", nil},
		{"empty header", ptr("")},
		{"wrong token", ptr("not-the-token")},
		{"wrong token of the same length", ptr(wrongSameLength)},
		{"token with a prefix", ptr("Bearer " + token)},
		{"token cut short", ptr(token[:len(token)-1])},
		{"token with more after it", ptr(token + "0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, s, http.MethodGet, Path, "", tc.auth)
			if r.status != http.StatusForbidden {
				t.Errorf("status %d, want 403", r.status)
			}
			for _, leak := range []string{"ASIAFIXEDEXAMPLE", testSecret, testToken, "Expiration"} {
				if strings.Contains(r.body, leak) {
					t.Errorf("a refused request was answered with %q: %s", leak, r.body)
				}
			}
			var e failure
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Code != "AccessDenied" || e.Message == "" {
				t.Errorf("body %q is not a JSON AccessDenied error (%v)", r.body, err)
			}
		})
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("the provider was called %d times for refused requests, want 0", n)
	}

	r := get(t, s, http.MethodGet, Path, "", &token)
	if r.status != http.StatusOK {
		t.Fatalf("right token: status %d, body %s", r.status, r.body)
	}
	want := `{"AccessKeyId":"ASIAFIXEDEXAMPLE","SecretAccessKey":"` + testSecret +
		`","Token":"` + testToken + `","Expiration":"2031-03-04T05:06:07Z"}` + "\n"
	if r.body != want {
		t.Errorf("body\n got %s\nwant %s", r.body, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("provider called %d times, want 1", n)
	}
	for _, leak := range []string{token, testSecret, testToken} {
		if strings.Contains(logged.String(), leak) {
			t.Errorf("the log holds a secret:\n%s", logged.String())
		}
	}
	if !strings.Contains(logged.String(), "without the right token") {
		t.Errorf("refused requests were not logged:\n%s", logged.String())
	}
}

func TestRefusesOtherPathsMethodsAndHosts(t *testing.T) {
	f := newFixed()
	s := start(t, f.provide)
	token := env(t, s)[EnvToken]
	port := strconv.Itoa(s.port)

	for _, tc := range []struct {
		name, method, path, host string
		want                     int
		wantCode                 string
	}{
		{"other path", http.MethodGet, "/", "", http.StatusNotFound, "NotFound"},
		{"path with a suffix", http.MethodGet, Path + "/x", "", http.StatusNotFound, "NotFound"},
		{"POST", http.MethodPost, Path, "", http.StatusMethodNotAllowed, "MethodNotAllowed"},
		{"PUT", http.MethodPut, Path, "", http.StatusMethodNotAllowed, "MethodNotAllowed"},
		{"DELETE", http.MethodDelete, Path, "", http.StatusMethodNotAllowed, "MethodNotAllowed"},
		{"rebinding host", http.MethodGet, Path, "evil.example:" + port, http.StatusForbidden, "AccessDenied"},
		{"host without port", http.MethodGet, Path, "127.0.0.1", http.StatusForbidden, "AccessDenied"},
		{"host with another port", http.MethodGet, Path, "127.0.0.1:1", http.StatusForbidden, "AccessDenied"},
		{"localhost", http.MethodGet, Path, "localhost:" + port, http.StatusOK, ""},
		{"LOCALHOST", http.MethodGet, Path, "LOCALHOST:" + port, http.StatusOK, ""},
		{"127.0.0.1", http.MethodGet, Path, "127.0.0.1:" + port, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.calls.Load()
			r := get(t, s, tc.method, tc.path, tc.host, &token)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d; body %s", r.status, tc.want, r.body)
			}
			if tc.want == http.StatusOK {
				return
			}
			if strings.Contains(r.body, testSecret) || f.calls.Load() != before {
				t.Errorf("a refused request reached the provider: %s", r.body)
			}
			var e failure
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Code != tc.wantCode {
				t.Errorf("body %q, want a JSON %s error (%v)", r.body, tc.wantCode, err)
			}
			if tc.want == http.StatusMethodNotAllowed && r.header.Get("Allow") != http.MethodGet {
				t.Errorf("Allow %q, want GET", r.header.Get("Allow"))
			}
		})
	}
}

func TestProviderErrorIsLoggedNotServed(t *testing.T) {
	var logged bytes.Buffer
	cause := errors.New("sts: AssumeRole: AccessDenied for role arn:aws:iam::123456789012:role/dev")
	s := start(t, func(context.Context) (creds.Credentials, error) { return creds.Credentials{}, cause },
		WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	token := env(t, s)[EnvToken]

	r := get(t, s, http.MethodGet, Path, "", &token)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", r.status)
	}
	if strings.Contains(r.body, "AssumeRole") || strings.Contains(r.body, "123456789012") {
		t.Errorf("the provider's error reached the client: %s", r.body)
	}
	var e failure
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Code != "CredentialsUnavailable" || e.Message == "" {
		t.Errorf("body %q is not a JSON CredentialsUnavailable error (%v)", r.body, err)
	}
	if !strings.Contains(logged.String(), "AccessDenied for role") {
		t.Errorf("the cause was not logged:\n%s", logged.String())
	}
	if strings.Contains(logged.String(), token) {
		t.Errorf("the log holds the token:\n%s", logged.String())
	}
}

func TestProviderFailureFallsBackToAStillGoodSession(t *testing.T) {
	now := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	var mu sync.Mutex
	good := creds.Credentials{AccessKeyID: "ASIAPREVIOUS", SecretAccessKey: testSecret, SessionToken: testToken, Expiration: now.Add(15 * time.Minute)}
	fail := false
	p := func(context.Context) (creds.Credentials, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return creds.Credentials{}, errors.New("sts: dial tcp: connection refused")
		}
		return good, nil
	}
	var logged bytes.Buffer
	s := start(t, p, WithRefreshMargin(10*time.Minute), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))),
		WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }))
	token := env(t, s)[EnvToken]

	for _, step := range []struct {
		name       string
		at         time.Duration // after now
		fail       bool
		status     int
		expiration string
	}{
		{"provider works", 0, false, http.StatusOK, "2030-06-01T12:05:00Z"},
		{"provider fails before the refresh point", 2 * time.Minute, true, http.StatusOK, "2030-06-01T12:05:00Z"},
		{"provider fails past the refresh point", 8 * time.Minute, true, http.StatusOK, "2030-06-01T12:09:00Z"},
		{"provider fails with a minute left", 14 * time.Minute, true, http.StatusInternalServerError, ""},
		{"provider fails after expiry", 16 * time.Minute, true, http.StatusInternalServerError, ""},
	} {
		mu.Lock()
		clock, fail = now.Add(step.at), step.fail
		mu.Unlock()
		r := get(t, s, http.MethodGet, Path, "", &token)
		if r.status != step.status {
			t.Errorf("%s: status %d, want %d; body %s", step.name, r.status, step.status, r.body)
			continue
		}
		if step.status != http.StatusOK {
			if strings.Contains(r.body, "ASIAPREVIOUS") {
				t.Errorf("%s: a session with a minute or less left was served: %s", step.name, r.body)
			}
			continue
		}
		var doc map[string]string
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatal(err)
		}
		if doc["AccessKeyId"] != "ASIAPREVIOUS" || doc["Expiration"] != step.expiration {
			t.Errorf("%s: served %s expiring %s, want ASIAPREVIOUS expiring %s", step.name, doc["AccessKeyId"], doc["Expiration"], step.expiration)
		}
	}
	if !strings.Contains(logged.String(), "serving the previous one") || !strings.Contains(logged.String(), "connection refused") {
		t.Errorf("the fallback and its cause were not logged:\n%s", logged.String())
	}
	if strings.Contains(logged.String(), testSecret) || strings.Contains(logged.String(), testToken) {
		t.Errorf("the log holds a secret:\n%s", logged.String())
	}
}

func TestProviderWithoutKeysIsAnError(t *testing.T) {
	s := start(t, func(context.Context) (creds.Credentials, error) {
		return creds.Credentials{AccessKeyID: "ASIANOSECRET", Expiration: fixedExpiry}, nil
	})
	token := env(t, s)[EnvToken]
	if r := get(t, s, http.MethodGet, Path, "", &token); r.status != http.StatusInternalServerError || strings.Contains(r.body, "ASIANOSECRET") {
		t.Errorf("status %d body %s, want a 500 that names no key", r.status, r.body)
	}
}

func TestReportedExpiry(t *testing.T) {
	now := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		margin time.Duration
		exp    time.Time
		want   string // "" for no Expiration field
	}{
		{"no margin reports the real expiry", 0, now.Add(time.Hour), "2030-06-01T13:00:00Z"},
		{"margin is taken off", 10 * time.Minute, now.Add(time.Hour), "2030-06-01T12:50:00Z"},
		{"fraction rounds up to the refresh point", 10 * time.Minute, now.Add(time.Hour + 300*time.Millisecond), "2030-06-01T12:50:01Z"},
		{"no margin with a fraction rounds down to stay within the session", 0, now.Add(time.Hour + 300*time.Millisecond), "2030-06-01T13:00:00Z"},
		{"local time zone is reported in UTC", 10 * time.Minute, now.Add(time.Hour).In(time.FixedZone("JST", 9*3600)), "2030-06-01T12:50:00Z"},
		{"past the refresh point: a minute from now", 10 * time.Minute, now.Add(5 * time.Minute), "2030-06-01T12:01:00Z"},
		{"exactly at the refresh point counts as past", 10 * time.Minute, now.Add(10 * time.Minute), "2030-06-01T12:01:00Z"},
		{"past the refresh point, ends within the minute", 10 * time.Minute, now.Add(30 * time.Second), "2030-06-01T12:00:30Z"},
		{"long-term keys have no expiry", 10 * time.Minute, time.Time{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := creds.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: testSecret, Expiration: tc.exp}
			if !tc.exp.IsZero() {
				c.SessionToken = testToken
			}
			s := start(t, func(context.Context) (creds.Credentials, error) { return c, nil },
				WithRefreshMargin(tc.margin), WithClock(func() time.Time { return now }))
			token := env(t, s)[EnvToken]
			r := get(t, s, http.MethodGet, Path, "", &token)
			if r.status != http.StatusOK {
				t.Fatalf("status %d body %s", r.status, r.body)
			}
			var doc map[string]string
			if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
				t.Fatal(err)
			}
			got, has := doc["Expiration"]
			if tc.want == "" {
				if has {
					t.Errorf("Expiration %q served for credentials without one", got)
				}
				if _, ok := doc["Token"]; ok {
					t.Errorf("Token served for long-term keys: %s", r.body)
				}
				return
			}
			if got != tc.want {
				t.Errorf("Expiration %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBadOptions(t *testing.T) {
	p := newFixed().provide
	for _, tc := range []struct {
		name string
		p    Provider
		opts []Option
		want string
	}{
		{"nil provider", nil, nil, "no credentials provider"},
		{"negative port", p, []Option{WithPort(-1)}, "port -1 is out of range"},
		{"huge port", p, []Option{WithPort(70000)}, "port 70000 is out of range"},
		{"negative margin", p, []Option{WithRefreshMargin(-time.Second)}, "refresh margin -1s is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Start(tc.p, tc.opts...)
			if err == nil {
				s.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestPortInUse(t *testing.T) {
	held, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	port := held.Addr().(*net.TCPAddr).Port

	s, err := Start(newFixed().provide, WithPort(port))
	if err == nil {
		s.Close()
		t.Fatalf("Start on port %d, which is held, succeeded", port)
	}
	msg := err.Error()
	if !strings.Contains(msg, strconv.Itoa(port)) || !strings.Contains(msg, "in use") {
		t.Errorf("error %q should name port %d and say it is in use", msg, port)
	}
	if strings.Count(msg, "\n") > 1 {
		t.Errorf("error is longer than two lines: %q", msg)
	}

	// A free explicit port works.
	held.Close()
	s = start(t, newFixed().provide, WithPort(port))
	if !strings.Contains(s.URL(), ":"+strconv.Itoa(port)+"/") {
		t.Errorf("URL %q is not on port %d", s.URL(), port)
	}
}

func TestCloseStopsServing(t *testing.T) {
	s, err := Start(newFixed().provide)
	if err != nil {
		t.Fatal(err)
	}
	addr := s.hosts[0]
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Close", addr)
	}
}

func TestProviderCallsAreSerialized(t *testing.T) {
	var inside, most atomic.Int64
	p := func(context.Context) (creds.Credentials, error) {
		n := inside.Add(1)
		defer inside.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		return newFixed().c, nil
	}
	s := start(t, p)
	token := env(t, s)[EnvToken]
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := get(t, s, http.MethodGet, Path, "", &token); r.status != http.StatusOK {
				t.Errorf("status %d", r.status)
			}
		}()
	}
	wg.Wait()
	if m := most.Load(); m != 1 {
		t.Errorf("%d provider calls ran at once, want 1 (parallel refreshes could send one MFA code twice)", m)
	}
}

// minting is a Provider like the session layer's: it holds one session and
// replaces it once the session is within margin of its expiry. Each session
// lasts margin+life from its issue.
type minting struct {
	margin, life time.Duration
	mu           sync.Mutex
	cur          creds.Credentials
	issued       int
}

func (m *minting) provide(context.Context) (creds.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.issued == 0 || m.cur.TTL(time.Now()) <= m.margin {
		m.issued++
		m.cur = creds.Credentials{
			AccessKeyID:     fmt.Sprintf("ASIAMINTED%06d", m.issued),
			SecretAccessKey: testSecret,
			SessionToken:    testToken,
			Expiration:      time.Now().Add(m.margin + m.life).UTC(),
		}
	}
	return m.cur, nil
}

// TestSDKComesBackForNewCredentials drives the Go SDK's endpoint provider
// and credentials cache, exactly as an SDK in the child would use them,
// across two forced expiries. Sessions are due 50ms after issue; the SDK
// returns at the reported refresh point (at most a second later, as the
// format has whole seconds), so this takes one to three seconds.
func TestSDKComesBackForNewCredentials(t *testing.T) {
	m := &minting{margin: time.Hour, life: 50 * time.Millisecond}
	s := start(t, m.provide, WithRefreshMargin(m.margin))
	e := env(t, s)
	sdk := aws.NewCredentialsCache(endpointcreds.New(e[EnvFullURI], func(o *endpointcreds.Options) {
		o.AuthorizationToken = e[EnvToken]
	}))

	ctx := context.Background()
	seen := []string{}
	deadline := time.Now().Add(30 * time.Second) // a guard against a hang, not a speed check
	for len(seen) < 3 && time.Now().Before(deadline) {
		c, err := sdk.Retrieve(ctx)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		if !c.CanExpire || c.SessionToken != testToken || c.SecretAccessKey != testSecret {
			t.Fatalf("SDK got %+v", c)
		}
		if len(seen) == 0 || seen[len(seen)-1] != c.AccessKeyID {
			seen = append(seen, c.AccessKeyID)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(seen) < 3 {
		t.Fatalf("the SDK used %v before the deadline, want three sessions in turn", seen)
	}
	want := []string{"ASIAMINTED000001", "ASIAMINTED000002", "ASIAMINTED000003"}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("the SDK used %v, want %v", seen, want)
			break
		}
	}
}
