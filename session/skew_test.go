package session

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// TestClockSkewWarning runs real STS calls over HTTP against the emulator
// with its clock set apart from ours, and reads the Getter's log. Past one
// minute there is exactly one warning, on one line, that says which way the
// clock is off and how to fix it, and holds no secret; up to a minute there
// is none. The offsets stay well inside SigV4's 5-minute window (the SDK
// signs with the real clock), so every call succeeds. Both call sites,
// GetSessionToken and AssumeRole with a code, are covered.
func TestClockSkewWarning(t *testing.T) {
	plans := map[string]func() *profile.Plan{"GetSessionToken": mfaPlan, "AssumeRole": longRolePlan}
	for _, tc := range []struct {
		name string
		// ahead is how far our clock is ahead of STS's (negative: behind).
		ahead time.Duration
		want  string // "" means no warning
	}{
		{name: "in sync", ahead: 0},
		{name: "30s ahead", ahead: 30 * time.Second},
		{name: "2m ahead", ahead: 2 * time.Minute, want: "ahead of"},
		{name: "2m behind", ahead: -2 * time.Minute, want: "behind"},
	} {
		for action, plan := range plans {
			t.Run(tc.name+"/"+action, func(t *testing.T) {
				emu := stsemu.New(stsemu.DemoState())
				emu.SetClock(func() time.Time { return time.Now().Add(-tc.ahead) })
				srv := httptest.NewServer(emu)
				defer srv.Close()
				store, err := cache.Open(filepath.Join(t.TempDir(), "awsmfa"))
				if err != nil {
					t.Fatal(err)
				}
				code, err := emu.CurrentCode(stsemu.DemoSerial, 0)
				if err != nil {
					t.Fatal(err)
				}
				var log bytes.Buffer
				g := &Getter{
					Store:  store,
					Codes:  mfa.Static(code),
					Getenv: func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_STS": srv.URL}[k] },
					Log:    slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
				}
				res, err := g.Get(context.Background(), plan())
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if n := emu.Count(action); n != 1 {
					t.Fatalf("%s calls = %d, want 1", action, n)
				}

				var warns []string
				for _, l := range strings.Split(log.String(), "\n") {
					if strings.Contains(l, "level=WARN") {
						warns = append(warns, l)
					}
				}
				if tc.want == "" {
					if len(warns) != 0 {
						t.Fatalf("clock %v ahead: unexpected warning:\n%s", tc.ahead, strings.Join(warns, "\n"))
					}
				} else {
					if len(warns) != 1 {
						t.Fatalf("clock %v ahead: %d warnings, want 1; log:\n%s", tc.ahead, len(warns), log.String())
					}
					w := warns[0]
					for _, s := range []string{"clock is", tc.want + " AWS's", "sync the clock", "set-ntp"} {
						if !strings.Contains(w, s) {
							t.Errorf("warning lacks %q: %s", s, w)
						}
					}
					// The Date header has one-second resolution, so the
					// measured skew is 2 minutes give or take a second.
					if !regexp.MustCompile(`clock is (1m59|2m0|2m1)s `).MatchString(w) {
						t.Errorf("warning does not say by how much (2m0s): %s", w)
					}
					if strings.Contains(w, code) {
						t.Errorf("warning holds the MFA code: %s", w)
					}
				}
				for name, secret := range map[string]string{
					"long-term secret key": stsemu.DemoSecretAccessKey,
					"session secret key":   res.Credentials.SecretAccessKey,
					"session token":        res.Credentials.SessionToken,
				} {
					if secret == "" || strings.Contains(log.String(), secret) {
						t.Errorf("the log holds the %s (or it is empty):\n%s", name, log.String())
					}
				}
			})
		}
	}
}
