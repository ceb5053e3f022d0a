package session

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// TestCodeRequestSentOnce: on both calls that carry a code
// (GetSessionToken, AssumeRole with a code), a failure is not retried with
// the same code, and a request sent without an answer spends the code in
// the used-code record, so the same code is refused at the next try with
// no request. The one resend allowed is a request STS refused unread for
// the clock (10 minutes off, past SigV4's 5): the SDK corrects its signing
// time and the code gets through on the second request.
func TestCodeRequestSentOnce(t *testing.T) {
	plans := map[string]func() *profile.Plan{"GetSessionToken": mfaPlan, "AssumeRole": longRolePlan}
	for _, tc := range []struct {
		name     string
		fault    *stsemu.Fault
		skew     time.Duration
		requests int
		wantErr  string // "" for success
		spent    bool   // the code is refused at the next try
	}{
		{name: "a 500", fault: &stsemu.Fault{Kind: stsemu.InternalError, Count: 3}, requests: 1, wantErr: "InternalFailure"},
		{name: "a throttle", fault: &stsemu.Fault{Kind: stsemu.Throttle, Count: 3}, requests: 1, wantErr: "throttling"},
		{name: "answer lost", fault: &stsemu.Fault{Kind: stsemu.LoseAnswer, Count: 3}, requests: 1, wantErr: "counts as used", spent: true},
		{name: "clock 10m behind", skew: 10 * time.Minute, requests: 2, spent: true},
	} {
		for action, plan := range plans {
			t.Run(tc.name+"/"+action, func(t *testing.T) {
				emu := stsemu.New(stsemu.DemoState())
				if tc.skew != 0 {
					emu.SetClock(func() time.Time { return time.Now().Add(tc.skew) })
				}
				srv := httptest.NewServer(emu)
				defer srv.Close()
				dir := filepath.Join(t.TempDir(), "awsmfa")
				store, err := cache.Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				code, err := emu.CurrentCode(stsemu.DemoSerial, 0)
				if err != nil {
					t.Fatal(err)
				}
				if tc.fault != nil {
					if err := emu.InjectFault(*tc.fault); err != nil {
						t.Fatal(err)
					}
				}
				g := &Getter{
					Store:  store,
					Codes:  mfa.Static(code),
					Getenv: func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_STS": srv.URL}[k] },
					Used:   &mfa.Ledger{Path: filepath.Join(dir, mfa.LedgerFile)},
					Force:  true,
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				_, err = g.Get(ctx, plan())
				switch {
				case tc.wantErr == "" && err != nil:
					t.Fatalf("Get: %v", err)
				case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
					t.Fatalf("Get = %v, want an error saying %q", err, tc.wantErr)
				}
				if n := emu.Count(action); n != tc.requests {
					t.Errorf("%s requests = %d, want %d", action, n, tc.requests)
				}
				_, err = g.Get(ctx, plan())
				if spent := errors.Is(err, mfa.ErrCodeUsed); spent != tc.spent {
					t.Errorf("second Get with the same code: %v; want the code refused as used: %v", err, tc.spent)
				}
				if tc.spent {
					if n := emu.Count(action); n != tc.requests {
						t.Errorf("the spent code was sent again: %d %s requests, want %d", n, action, tc.requests)
					}
				}
			})
		}
	}
}
