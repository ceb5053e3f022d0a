package reliability

import (
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// TestSTSFaults gets a session while the emulator misbehaves, on both
// kinds of STS call:
//
//   - GetSessionToken for dev (an expired cached session) carries an MFA
//     code, so it is sent once whatever happens (AWS_MAX_ATTEMPTS does not
//     change that): a fault is a clear error, never a second request with
//     the same code.
//   - AssumeRole for admin, minted from dev's cached MFA session, carries
//     no code: the SDK makes three attempts unless AWS_MAX_ATTEMPTS says
//     otherwise, so each fault either is retried through (a new session is
//     printed and cached) or exhausts the attempts.
//
// An error leaves nothing on stdout and the cache files byte-identical.
// Either way the number of requests STS saw is exact.
func TestSTSFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		profile string // dev: GetSessionToken with a code; admin: AssumeRole without
		faults  []stsemu.Fault
		env     []string
		calls   int      // requests STS must see
		wantErr []string // nil: the refresh must succeed
	}{
		{
			name:    "2s latency",
			profile: "dev",
			faults:  []stsemu.Fault{{Kind: stsemu.Latency, Count: 1, Delay: 2 * time.Second}},
			calls:   1,
		},
		{
			name:    "a throttle, code sent once",
			profile: "dev",
			faults:  []stsemu.Fault{{Kind: stsemu.Throttle, Count: 3}},
			env:     []string{"AWS_MAX_ATTEMPTS=4"},
			calls:   1,
			wantErr: []string{"throttling GetSessionToken", "not retried", "try again"},
		},
		{
			name:    "a 500, code sent once",
			profile: "dev",
			faults:  []stsemu.Fault{{Kind: stsemu.InternalError, Count: 3}},
			calls:   1,
			wantErr: []string{"GetSessionToken", "not retried", "InternalFailure"},
		},
		{
			name:    "a dropped connection, code sent once",
			profile: "dev",
			faults:  []stsemu.Fault{{Kind: stsemu.Drop, Count: 3}},
			calls:   1,
			wantErr: []string{"lost after GetSessionToken was sent", "counts as used"},
		},
		{
			name:    "2s latency, no code",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.Latency, Count: 1, Delay: 2 * time.Second}},
			calls:   1,
		},
		{
			name:    "three throttles, four attempts",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.Throttle, Count: 3}},
			env:     []string{"AWS_MAX_ATTEMPTS=4"},
			calls:   4,
		},
		{
			name:    "three throttles, three attempts",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.Throttle, Count: 3}},
			calls:   3,
			wantErr: []string{"throttling AssumeRole", "after retries", "try again"},
		},
		{
			name:    "three 500s, four attempts",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.InternalError, Count: 3}},
			env:     []string{"AWS_MAX_ATTEMPTS=4"},
			calls:   4,
		},
		{
			name:    "three 500s, three attempts",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.InternalError, Count: 3}},
			calls:   3,
			wantErr: []string{"AssumeRole", "InternalFailure"},
		},
		{
			name:    "a dropped connection",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.Drop, Count: 1}},
			calls:   2,
		},
		{
			name:    "every attempt's connection dropped",
			profile: "admin",
			faults:  []stsemu.Fault{{Kind: stsemu.Drop, Count: 3}},
			calls:   3,
			wantErr: []string{"cannot reach STS", "AssumeRole", "after retries"},
		},
		{
			name:    "a throttle, a 500 and a drop, four attempts",
			profile: "admin",
			faults: []stsemu.Fault{
				{Kind: stsemu.Throttle, Count: 1},
				{Kind: stsemu.InternalError, Count: 1},
				{Kind: stsemu.Drop, Count: 1},
			},
			env:   []string{"AWS_MAX_ATTEMPTS=4"},
			calls: 4,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			action, old := "GetSessionToken", ""
			if tc.profile == "dev" {
				old = w.staleDev()
			} else {
				action = "AssumeRole"
				w.envDev() // a fresh MFA session to mint the role session from
				w.emu.Reset()
			}
			before := w.sessions()
			for _, f := range tc.faults {
				if err := w.emu.InjectFault(f); err != nil {
					t.Fatal(err)
				}
			}
			r := w.run(tc.env, "env", "--shell", "bash", tc.profile)
			if got := w.emu.Count(action); got != tc.calls {
				t.Errorf("STS saw %d %s requests, want %d", got, action, tc.calls)
			}
			if n := len(w.emu.Log()); n != tc.calls {
				t.Errorf("STS saw %d requests in all, want %d", n, tc.calls)
			}
			if tc.wantErr != nil {
				checkClearError(t, w, r, tc.wantErr...)
				sameFiles(t, w, before)
				return
			}
			if r.exit != 0 {
				t.Fatalf("exit %d, want success; stderr:\n%s", r.exit, r.stderr)
			}
			checkNoSecrets(t, w, r.stderr)
			got := keyID(t, r.stdout)
			if got == old || !strings.HasPrefix(got, "ASIA") {
				t.Errorf("printed %s, want a new session (the expired one was %q)", got, old)
			}
			// The new session is what the cache now serves, with no
			// further STS call.
			if again := keyID(t, w.run(nil, "env", "--shell", "bash", tc.profile).stdout); again != got {
				t.Errorf("the cache serves %s, want the new session %s", again, got)
			}
			if n := w.emu.Count(action); n != tc.calls {
				t.Errorf("serving from the cache called STS: %d %s requests, want %d", n, action, tc.calls)
			}
		})
	}
}
