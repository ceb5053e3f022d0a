package reliability

import (
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// TestSTSFaults refreshes an expired cached session while the emulator
// misbehaves. The SDK makes three attempts unless AWS_MAX_ATTEMPTS says
// otherwise, so each fault either is retried through (a new session is
// printed and cached) or exhausts the attempts (a clear error, nothing on
// stdout, the old cache file byte-identical). Either way the number of
// GetSessionToken attempts STS saw is exact.
func TestSTSFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		faults  []stsemu.Fault
		env     []string
		calls   int      // GetSessionToken requests STS must see
		wantErr []string // nil: the refresh must succeed
	}{
		{
			name:   "2s latency",
			faults: []stsemu.Fault{{Kind: stsemu.Latency, Count: 1, Delay: 2 * time.Second}},
			calls:  1,
		},
		{
			name:   "three throttles, four attempts",
			faults: []stsemu.Fault{{Kind: stsemu.Throttle, Count: 3}},
			env:    []string{"AWS_MAX_ATTEMPTS=4"},
			calls:  4,
		},
		{
			name:    "three throttles, three attempts",
			faults:  []stsemu.Fault{{Kind: stsemu.Throttle, Count: 3}},
			calls:   3,
			wantErr: []string{"throttling GetSessionToken", "after retries", "try again"},
		},
		{
			name:   "three 500s, four attempts",
			faults: []stsemu.Fault{{Kind: stsemu.InternalError, Count: 3}},
			env:    []string{"AWS_MAX_ATTEMPTS=4"},
			calls:  4,
		},
		{
			name:    "three 500s, three attempts",
			faults:  []stsemu.Fault{{Kind: stsemu.InternalError, Count: 3}},
			calls:   3,
			wantErr: []string{"GetSessionToken", "InternalFailure"},
		},
		{
			name:   "a dropped connection",
			faults: []stsemu.Fault{{Kind: stsemu.Drop, Count: 1}},
			calls:  2,
		},
		{
			name:    "every attempt's connection dropped",
			faults:  []stsemu.Fault{{Kind: stsemu.Drop, Count: 3}},
			calls:   3,
			wantErr: []string{"cannot reach STS", "GetSessionToken", "after retries"},
		},
		{
			name: "a throttle, a 500 and a drop, four attempts",
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
			old := w.staleDev()
			before := w.sessions()
			for _, f := range tc.faults {
				if err := w.emu.InjectFault(f); err != nil {
					t.Fatal(err)
				}
			}
			r := w.run(tc.env, "env", "--shell", "bash", "dev")
			if got := w.emu.Count("GetSessionToken"); got != tc.calls {
				t.Errorf("STS saw %d GetSessionToken requests, want %d", got, tc.calls)
			}
			if tc.wantErr != nil {
				checkClearError(t, w, r, tc.wantErr...)
				sameFiles(t, w, before)
				return
			}
			if r.exit != 0 {
				t.Fatalf("exit %d, want success after retries; stderr:\n%s", r.exit, r.stderr)
			}
			checkNoSecrets(t, w, r.stderr)
			got := keyID(t, r.stdout)
			if got == old {
				t.Errorf("printed the expired session %s, want a new one", old)
			}
			// The new session is what the cache now serves, with no
			// further STS call.
			if again := keyID(t, w.envDev()); again != got {
				t.Errorf("the cache serves %s, want the new session %s", again, got)
			}
			if n := w.emu.Count("GetSessionToken"); n != tc.calls {
				t.Errorf("serving from the cache called STS: %d GetSessionToken requests, want %d", n, tc.calls)
			}
		})
	}
}
