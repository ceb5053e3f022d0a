package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// TestFailingRefreshIsRetriedOnceAMinute: once the provider has failed and
// the previous session is served instead, requests within the next minute
// get that session without a provider call. An SDK that fetches before
// every call (botocore on short sessions) must not turn one failing refresh
// into an STS call, an MFA prompt or an mfa_process run per call.
func TestFailingRefreshIsRetriedOnceAMinute(t *testing.T) {
	start0 := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock, fail, calls := start0, false, 0
	good := creds.Credentials{AccessKeyID: "ASIAPREVIOUS", SecretAccessKey: testSecret, SessionToken: testToken, Expiration: start0.Add(15 * time.Minute)}
	fresh := creds.Credentials{AccessKeyID: "ASIAREFRESHED", SecretAccessKey: testSecret, SessionToken: testToken, Expiration: start0.Add(30 * time.Minute)}
	p := func(context.Context) (creds.Credentials, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		switch {
		case fail:
			return creds.Credentials{}, errors.New("sts: dial tcp: connection refused")
		case clock.After(start0.Add(5 * time.Minute)):
			return fresh, nil
		}
		return good, nil
	}
	s := start(t, p, WithRefreshMargin(10*time.Minute),
		WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }))
	token := env(t, s)[EnvToken]

	for _, step := range []struct {
		name      string
		at        time.Duration // after start0
		fail      bool
		wantCalls int // provider calls so far
		status    int
		key       string
	}{
		{"first fetch", 0, false, 1, http.StatusOK, "ASIAPREVIOUS"},
		{"refresh fails", 8 * time.Minute, true, 2, http.StatusOK, "ASIAPREVIOUS"},
		{"10s later: no new attempt", 8*time.Minute + 10*time.Second, true, 2, http.StatusOK, "ASIAPREVIOUS"},
		{"59s later: no new attempt", 8*time.Minute + 59*time.Second, true, 2, http.StatusOK, "ASIAPREVIOUS"},
		{"a minute later: tried again, fails", 9 * time.Minute, true, 3, http.StatusOK, "ASIAPREVIOUS"},
		{"STS back, but within the minute", 9*time.Minute + 30*time.Second, false, 3, http.StatusOK, "ASIAPREVIOUS"},
		{"a minute later: refreshed", 10 * time.Minute, false, 4, http.StatusOK, "ASIAREFRESHED"},
		{"refreshed session served as usual", 10*time.Minute + time.Second, false, 5, http.StatusOK, "ASIAREFRESHED"},
	} {
		mu.Lock()
		clock, fail = start0.Add(step.at), step.fail
		mu.Unlock()
		r := get(t, s, http.MethodGet, Path, "", &token)
		mu.Lock()
		n := calls
		mu.Unlock()
		if n != step.wantCalls {
			t.Errorf("%s: %d provider calls so far, want %d", step.name, n, step.wantCalls)
		}
		if r.status != step.status {
			t.Errorf("%s: status %d, want %d; body %s", step.name, r.status, step.status, r.body)
			continue
		}
		var doc map[string]string
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatal(err)
		}
		if doc["AccessKeyId"] != step.key {
			t.Errorf("%s: served %s, want %s", step.name, doc["AccessKeyId"], step.key)
		}
	}
}

// TestFailingRefreshWithAMinuteLeftIsTriedEveryTime: the hold-off never
// serves a session with a minute or less left; then every request asks the
// provider, and fails when it fails.
func TestFailingRefreshWithAMinuteLeftIsTriedEveryTime(t *testing.T) {
	start0 := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock, fail, calls := start0, false, 0
	good := creds.Credentials{AccessKeyID: "ASIAPREVIOUS", SecretAccessKey: testSecret, SessionToken: testToken, Expiration: start0.Add(15 * time.Minute)}
	p := func(context.Context) (creds.Credentials, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if fail {
			return creds.Credentials{}, errors.New("sts: dial tcp: connection refused")
		}
		return good, nil
	}
	s := start(t, p, WithRefreshMargin(10*time.Minute),
		WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }))
	token := env(t, s)[EnvToken]

	for i, at := range []time.Duration{0, 13*time.Minute + 30*time.Second, 14*time.Minute + 10*time.Second, 14*time.Minute + 20*time.Second} {
		mu.Lock()
		clock, fail = start0.Add(at), i > 0
		mu.Unlock()
		r := get(t, s, http.MethodGet, Path, "", &token)
		want := http.StatusOK
		if at > 14*time.Minute {
			want = http.StatusInternalServerError
		}
		if r.status != want {
			t.Errorf("at +%v: status %d, want %d; body %s", at, r.status, want, r.body)
		}
		mu.Lock()
		n := calls
		mu.Unlock()
		if n != i+1 {
			t.Errorf("at +%v: %d provider calls, want %d", at, n, i+1)
		}
	}
}
