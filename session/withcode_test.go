package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// fakeClock is a clock the test moves; the emulator reads the same one, so
// the TOTP steps of awsmfa and of "AWS" agree.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is one emulator on 127.0.0.1, one cache and one clock, starting in
// the first second of a TOTP step close to real time (SigV4 signs with the
// real clock and the emulator allows 5 minutes of skew).
type rig struct {
	emu    *stsemu.Server
	url    string
	clock  *fakeClock
	store  *cache.Store
	dir    string
	mu     sync.Mutex // guards slept and notice
	slept  []time.Duration
	notice bytes.Buffer
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{clock: &fakeClock{t: time.Now().Truncate(30 * time.Second).Add(time.Second)}}
	r.emu = stsemu.New(stsemu.DemoState())
	r.emu.SetClock(r.clock.Now)
	srv := httptest.NewServer(r.emu)
	t.Cleanup(srv.Close)
	r.url = srv.URL
	r.dir = t.TempDir()
	var err error
	if r.store, err = cache.Open(filepath.Join(r.dir, "awsmfa"), cache.WithClock(r.clock.Now)); err != nil {
		t.Fatal(err)
	}
	return r
}

// getter returns a Getter on the rig; used=false leaves the used-step rule
// out, to show what it prevents.
func (r *rig) getter(src mfa.Source, used bool) *Getter {
	g := &Getter{
		Store:  r.store,
		Codes:  src,
		Getenv: func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_STS": r.url}[k] },
		Now:    r.clock.Now,
		MinTTL: 10 * time.Minute,
	}
	if used {
		g.Used = &mfa.Ledger{
			Path:   filepath.Join(r.store.Dir(), mfa.LedgerFile),
			Notify: lockedWriter{&r.mu, &r.notice},
			Sleep: func(_ context.Context, d time.Duration) error {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.slept = append(r.slept, d)
				r.clock.Advance(d)
				return nil
			},
		}
	}
	return g
}

func (r *rig) code(t *testing.T, at time.Duration) string {
	t.Helper()
	c, err := stsemu.Code(stsemu.DemoSeed, r.clock.Now().Add(at))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var demoKeys = creds.Credentials{AccessKeyID: stsemu.DemoAccessKeyID, SecretAccessKey: stsemu.DemoSecretAccessKey}

// Two plans on the demo device with different cache keys: an MFA session
// and a long role session (AssumeRole with the code).
func mfaPlan() *profile.Plan {
	return &profile.Plan{Name: "mfa", LongTerm: demoKeys, MFASerial: stsemu.DemoSerial,
		SessionDuration: 12 * time.Hour, Path: profile.SessionToken, Region: "us-east-1"}
}

func longRolePlan() *profile.Plan {
	return &profile.Plan{Name: "long", LongTerm: demoKeys, MFASerial: stsemu.DemoSerial,
		RoleARN: "arn:aws:iam::123456789012:role/demo-long", RoleSessionName: "awsmfa-test",
		RoleDuration: 2 * time.Hour, Path: profile.RoleWithMFA, Region: "us-east-1"}
}

// TestUsedStepRule gets two fresh sessions back to back on one device with
// the TOTP source. With the rule, the second waits for the next step (the
// wait is the fake clock's, so the test takes no time) and both succeed;
// without it, the second sends the same code and the emulator, like AWS,
// refuses the replay. The second row is the proof the first can fail.
func TestUsedStepRule(t *testing.T) {
	for _, tc := range []struct {
		name      string
		used      bool
		wantErr   string
		wantSleep bool
	}{
		{name: "rule", used: true, wantSleep: true},
		{name: "no rule", used: false, wantErr: "MFA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			g := r.getter(mfa.TOTP{Seed: stsemu.DemoSeed, Now: r.clock.Now}, tc.used)
			if _, err := g.Get(context.Background(), mfaPlan()); err != nil {
				t.Fatalf("first session: %v", err)
			}
			r.clock.Advance(5 * time.Second) // same step
			_, err := g.Get(context.Background(), longRolePlan())
			if tc.wantErr == "" && err != nil {
				t.Fatalf("second session: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("second session: err = %v, want one containing %q", err, tc.wantErr)
			}
			if got := len(r.slept) > 0; got != tc.wantSleep {
				t.Fatalf("slept %v, want a wait: %v", r.slept, tc.wantSleep)
			}
			if tc.wantSleep {
				// 1 s into the step, 5 s later: 24 s (and a little) to the next.
				if d := r.slept[0]; d < 24*time.Second || d > 25*time.Second {
					t.Errorf("waited %v, want about 24s", d)
				}
				want := "awsmfa: waiting 25s for the next code of " + stsemu.DemoSerial + " (the current one was used already)\n"
				if r.notice.String() != want {
					t.Errorf("notice = %q, want %q", r.notice.String(), want)
				}
			}
			accepted := 0
			for _, e := range r.emu.Log() {
				if e.CodeAccepted {
					accepted++
				}
			}
			if want := map[bool]int{true: 2, false: 1}[tc.used]; accepted != want {
				t.Errorf("emulator accepted %d codes, want %d", accepted, want)
			}
		})
	}
}

// TestUsedCodeSources: what each kind of source does when its code is the
// one STS accepted last: a fixed code is refused before any STS call, the
// terminal is asked again, a code from a later step goes through.
func TestUsedCodeSources(t *testing.T) {
	for _, tc := range []struct {
		name string
		// second returns the source for the second session, given the
		// code the first one used and the next step's code.
		second     func(used, next string) mfa.Source
		wantErr    error
		wantNotice string
		wantCalls  int // STS calls in all
	}{
		{
			name:      "--code repeated",
			second:    func(used, _ string) mfa.Source { return mfa.Static(used) },
			wantErr:   mfa.ErrCodeUsed,
			wantCalls: 1,
		},
		{
			name:      "--code - repeated",
			second:    func(used, _ string) mfa.Source { return &mfa.Stdin{R: strings.NewReader(used + "\n")} },
			wantErr:   mfa.ErrCodeUsed,
			wantCalls: 1,
		},
		{
			name:      "--code of the next step",
			second:    func(_, next string) mfa.Source { return mfa.Static(next) },
			wantCalls: 2,
		},
		{
			name:       "terminal asks again",
			second:     func(used, next string) mfa.Source { return ttyAnswers(used, next) },
			wantNotice: "awsmfa: that code was used already; wait for the next one\n",
			wantCalls:  2,
		},
		{
			name:       "terminal gives up after three used codes",
			second:     func(used, _ string) mfa.Source { return ttyAnswers(used, used, used) },
			wantErr:    mfa.ErrCodeUsed,
			wantNotice: strings.Repeat("awsmfa: that code was used already; wait for the next one\n", 2),
			wantCalls:  1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			used, next := r.code(t, 0), r.code(t, 30*time.Second)
			if _, err := r.getter(mfa.Static(used), true).Get(context.Background(), mfaPlan()); err != nil {
				t.Fatalf("first session: %v", err)
			}
			_, err := r.getter(tc.second(used, next), true).Get(context.Background(), longRolePlan())
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("second session: err = %v, want %v", err, tc.wantErr)
			}
			if r.notice.String() != tc.wantNotice {
				t.Errorf("notice = %q, want %q", r.notice.String(), tc.wantNotice)
			}
			if got := len(r.emu.Log()); got != tc.wantCalls {
				t.Errorf("%d STS calls, want %d", got, tc.wantCalls)
			}
			if len(r.slept) != 0 {
				t.Errorf("waited %v; only sources that compute a code wait", r.slept)
			}
		})
	}
}

// ttyAnswers is a terminal on which the user types answers, one per
// question (each question opens the terminal afresh, as /dev/tty is).
func ttyAnswers(answers ...string) mfa.Prompt {
	var mu sync.Mutex
	return mfa.Prompt{Tries: 1, Open: func() (io.ReadWriteCloser, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(answers) == 0 {
			return nil, errors.New("no more answers")
		}
		a := answers[0]
		answers = answers[1:]
		return &fakeTTY{Reader: strings.NewReader(a + "\n")}, nil
	}}
}

type fakeTTY struct {
	io.Reader
	out bytes.Buffer
}

func (f *fakeTTY) Write(p []byte) (int, error) { return f.out.Write(p) }
func (f *fakeTTY) Close() error                { return nil }

// TestCachedUsesGetsKeys: Cached finds exactly what Get stored, for every
// path, and nothing before.
func TestCachedUsesGetsKeys(t *testing.T) {
	r := newRig(t)
	for _, p := range []*profile.Plan{
		mfaPlan(),
		longRolePlan(),
		{Name: "chained", LongTerm: demoKeys, MFASerial: stsemu.DemoSerial, RoleARN: "arn:aws:iam::123456789012:role/demo-admin",
			RoleSessionName: "awsmfa-test", RoleDuration: time.Hour, SessionDuration: 12 * time.Hour, Path: profile.ChainedRole},
		{Name: "plain", LongTerm: demoKeys, RoleARN: "arn:aws:iam::123456789012:role/demo-external", ExternalID: stsemu.DemoExternalID,
			RoleSessionName: "awsmfa-test", RoleDuration: time.Hour, Path: profile.Role},
	} {
		t.Run(p.Name, func(t *testing.T) {
			g := r.getter(mfa.TOTP{Seed: stsemu.DemoSeed, Now: r.clock.Now}, true)
			if _, found, err := g.load(g.Keys(p).Session); found || err != nil {
				t.Fatalf("before Get: found=%v err=%v", found, err)
			}
			res, err := g.Get(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			s, found, err := g.load(g.Keys(p).Session)
			if !found || err != nil || s.Credentials.AccessKeyID != res.Credentials.AccessKeyID {
				t.Fatalf("after Get: %v, found=%v, err=%v; want %s", s.Credentials.AccessKeyID, found, err, res.Credentials.AccessKeyID)
			}
			k := g.Keys(p)
			if (k.MFA != "") != (p.Path == profile.SessionToken || p.Path == profile.ChainedRole) {
				t.Errorf("Keys = %+v for path %v", k, p.Path)
			}
		})
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestUsedStepConcurrent: two getters (two processes, as far as the lock
// file is concerned: each takes it through a descriptor of its own) need a
// code for the same device at once, under different cache keys, so the
// cache's per-key lock does not serialise them. The used-step lock does:
// one sends the code of this step, the other waits for the next, and STS
// accepts both.
func TestUsedStepConcurrent(t *testing.T) {
	r := newRig(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []*profile.Plan{mfaPlan(), longRolePlan()} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.getter(mfa.TOTP{Seed: stsemu.DemoSeed, Now: r.clock.Now}, true).Get(context.Background(), p)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("session %d: %v", i, err)
		}
	}
	if len(r.slept) != 1 {
		t.Errorf("waits %v, want exactly one", r.slept)
	}
	accepted := 0
	for _, e := range r.emu.Log() {
		if e.CodeAccepted {
			accepted++
		}
	}
	if accepted != 2 {
		t.Errorf("emulator accepted %d codes, want 2", accepted)
	}
}

// TestUsedStepProcess: an mfa_process gives the current code of its device,
// so when this step's code was used it is run again only after the next
// step begins; when its device lags and still shows the used code, awsmfa
// waits one more step.
func TestUsedStepProcess(t *testing.T) {
	for _, tc := range []struct {
		name string
		// prints lists what the command prints on each run, as offsets
		// from the first session's step.
		prints    []time.Duration
		wantWaits int
	}{
		{"next step", []time.Duration{30 * time.Second}, 1},
		{"device lags a step", []time.Duration{0, 30 * time.Second}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			used := r.code(t, 0)
			var lines []string
			for _, d := range tc.prints {
				lines = append(lines, r.code(t, d))
			}
			// Each run prints the first line of the file and drops it.
			file := filepath.Join(t.TempDir(), "codes")
			if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := r.getter(mfa.Static(used), true).Get(context.Background(), mfaPlan()); err != nil {
				t.Fatalf("first session: %v", err)
			}
			cmd := `head -n 1 "$F"; tail -n +2 "$F" > "$F.new"; mv "$F.new" "$F"`
			src := mfa.Process{Command: cmd, Env: []string{"F=" + file, "PATH=" + os.Getenv("PATH")}}
			if _, err := r.getter(src, true).Get(context.Background(), longRolePlan()); err != nil {
				t.Fatalf("second session: %v", err)
			}
			if len(r.slept) != tc.wantWaits {
				t.Errorf("waits %v, want %d", r.slept, tc.wantWaits)
			}
			if left, _ := os.ReadFile(file); len(left) != 0 {
				t.Errorf("the command was not run once per code: %q left", left)
			}
			if n := strings.Count(r.notice.String(), "awsmfa: waiting "); n != tc.wantWaits {
				t.Errorf("notice = %q, want %d waits said", r.notice.String(), tc.wantWaits)
			}
		})
	}
}
