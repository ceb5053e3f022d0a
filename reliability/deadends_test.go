package reliability

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/mfa"
)

// roleARN is the role profile "admin" assumes.
const roleARN = "arn:aws:iam::123456789012:role/demo-admin"

// cachedKeys returns the access key ids of the cached sessions whose label
// starts with prefix ("mfa " or "role "), sorted by file name.
func (w *world) cachedKeys(prefix string) []string {
	w.t.Helper()
	var ids []string
	for name, b := range w.sessions() {
		var f struct{ AccessKeyId, Label string }
		if err := json.Unmarshal(b, &f); err != nil {
			w.t.Fatalf("session file %s: %v", name, err)
		}
		if strings.HasPrefix(f.Label, prefix) {
			ids = append(ids, f.AccessKeyId)
		}
	}
	return ids
}

// expireRole rewrites the cached role session as expired, leaving the MFA
// session as it is, so the next `env admin` mints a role session from the
// cached MFA session.
func (w *world) expireRole() {
	w.t.Helper()
	now := time.Now().UTC()
	for name, b := range w.sessions() {
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			w.t.Fatalf("session file %s: %v", name, err)
		}
		if label, _ := f["Label"].(string); !strings.HasPrefix(label, "role ") {
			continue
		}
		f["Expiration"] = now.Add(-time.Minute).Format(time.RFC3339)
		f["Issued"] = now.Add(-time.Hour - time.Minute).Format(time.RFC3339)
		out, err := json.Marshal(f)
		if err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(w.store(), name), out, 0o600); err != nil {
			w.t.Fatal(err)
		}
	}
}

// nextCode lets the next run get a code without waiting: the emulator
// moves to the next TOTP step and awsmfa's record of the last code used
// goes (it counts steps by the local clock, which did not move), and the
// emulator's log and counters are emptied.
func (w *world) nextCode() {
	w.t.Helper()
	if err := os.Remove(filepath.Join(w.store(), mfa.LedgerFile)); err != nil && !os.IsNotExist(err) {
		w.t.Fatal(err)
	}
	w.emu.Advance(30 * time.Second)
	w.emu.Reset()
}

// adminFirst runs the first `env admin` (one code, one GetSessionToken,
// one AssumeRole) and returns the MFA session's and the role session's
// access key ids.
func (w *world) adminFirst() (mfa, role string) {
	w.t.Helper()
	r := w.run(nil, "env", "--shell", "bash", "admin")
	if r.exit != 0 || r.stderr != "" {
		w.t.Fatalf("awsmfa env admin: exit %d, stderr:\n%s", r.exit, r.stderr)
	}
	mfas := w.cachedKeys("mfa ")
	if len(mfas) != 1 || len(w.cachedKeys("role ")) != 1 {
		w.t.Fatalf("want one MFA and one role session cached, have %v", w.sessions())
	}
	return mfas[0], keyID(w.t, r.stdout)
}

// TestRejectedMFASession: STS turns away the cached MFA session a role
// session is minted from (it expired early by STS's clock, was revoked,
// or a policy denies it). awsmfa must not keep failing on it: it drops it,
// asks for one new code, gets a new MFA session and the role session from
// it, and says once on stderr which session STS rejected and why, without
// sending the user to the credentials file over a session's key.
func TestRejectedMFASession(t *testing.T) {
	t.Parallel()
	cases := []struct {
		how  stsemu.Invalidation
		want []string
	}{
		{stsemu.Expire, []string{"ExpiredToken", "expired"}},
		{stsemu.Revoke, []string{"InvalidClientTokenId", "revoked"}},
		{stsemu.Deny, []string{"AccessDenied", "explicit deny"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.how), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			rejected, oldRole := w.adminFirst()
			w.expireRole()
			w.nextCode()
			codes := len(w.codes())
			if err := w.emu.Invalidate(rejected, tc.how); err != nil {
				t.Fatal(err)
			}

			r := w.run(nil, "env", "--shell", "bash", "admin")
			t.Logf("awsmfa said:\n%s", r.stderr)
			if r.exit != 0 {
				t.Fatalf("exit %d, want a new MFA session and the role session from it", r.exit)
			}
			if got := keyID(t, r.stdout); got == oldRole || got == rejected {
				t.Errorf("printed %s, want a new role session", got)
			}
			if n := len(w.codes()) - codes; n != 1 {
				t.Errorf("%d codes asked for, want 1 (for the new MFA session)", n)
			}
			if n := w.emu.Count("GetSessionToken"); n != 1 {
				t.Errorf("STS saw %d GetSessionToken calls, want 1", n)
			}
			if n := w.emu.Count("AssumeRole"); n != 2 {
				t.Errorf("STS saw %d AssumeRole calls, want 2 (the rejected one, then one with the new MFA session)", n)
			}
			if mfas := w.cachedKeys("mfa "); len(mfas) != 1 || mfas[0] == rejected {
				t.Errorf("cached MFA sessions %v, want one new one instead of the rejected %s", mfas, rejected)
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
				if strings.Contains(l, rejected) {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 {
				t.Errorf("want one line on stderr naming the rejected session %s, got %d:\n%s", rejected, len(lines), r.stderr)
			}
			for _, want := range append([]string{"rejected the cached MFA session", stsemu.DemoSerial, "AssumeRole", "new MFA session"}, tc.want...) {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q", want)
				}
			}
			if strings.Contains(r.stderr, "credentials file") || strings.Contains(r.stderr, "--force") {
				t.Errorf("stderr sends the user to the credentials file or --force over a session:\n%s", r.stderr)
			}
			checkNoSecrets(t, w, r.stderr)

			// The new sessions are cached: the next run makes no STS call.
			w.emu.Reset()
			if got := keyID(t, w.run(nil, "env", "--shell", "bash", "admin").stdout); got != keyID(t, r.stdout) {
				t.Errorf("second run printed %s, want the cached %s", got, keyID(t, r.stdout))
			}
			if n := w.emu.Count("GetSessionToken") + w.emu.Count("AssumeRole"); n != 0 {
				t.Errorf("second run made %d STS calls, want none", n)
			}
		})
	}
}

// TestRejectedMFASessionDropped: the rejected MFA session leaves the cache
// even when no new one can be had (here the code given is wrong), so no
// later run tries it again.
func TestRejectedMFASessionDropped(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rejected, _ := w.adminFirst()
	w.expireRole()
	w.nextCode()
	if err := w.emu.Invalidate(rejected, stsemu.Revoke); err != nil {
		t.Fatal(err)
	}
	code, err := w.emu.CurrentCode(stsemu.DemoSerial, 0)
	if err != nil {
		t.Fatal(err)
	}
	wrong := fmt.Sprintf("%06d", (atoi(t, code)+500000)%1000000)
	r := w.run(nil, "env", "--code", wrong, "--shell", "bash", "admin")
	t.Logf("awsmfa said:\n%s", r.stderr)
	if r.exit == 0 || r.stdout != "" || !strings.Contains(r.stderr, "rejected the MFA code") {
		t.Errorf("exit %d, stdout %q; want a failure saying STS rejected the MFA code, and nothing to eval", r.exit, r.stdout)
	}
	checkNoSecrets(t, w, r.stderr)
	if !strings.Contains(r.stderr, rejected) || !strings.Contains(r.stderr, "InvalidClientTokenId") {
		t.Errorf("stderr does not name the rejected session %s and why:\n%s", rejected, r.stderr)
	}
	if mfas := w.cachedKeys("mfa "); len(mfas) != 0 {
		t.Errorf("MFA sessions still cached: %v, want the rejected %s gone", mfas, rejected)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestForceRoleOnMFA: --force means new sessions all the way down, as in
// aws-mfa: for a role minted from an MFA session, a new MFA session (one
// new code, one GetSessionToken) and a new role session (one AssumeRole),
// both cached in place of the old ones.
func TestForceRoleOnMFA(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	oldMFA, oldRole := w.adminFirst()
	w.nextCode()
	codes := len(w.codes())

	r := w.run(nil, "env", "--force", "--shell", "bash", "admin")
	if r.exit != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.exit, r.stderr)
	}
	newRole := keyID(t, r.stdout)
	if newRole == oldRole {
		t.Errorf("--force printed the cached role session %s", oldRole)
	}
	if n := len(w.codes()) - codes; n != 1 {
		t.Errorf("%d codes asked for, want 1", n)
	}
	if n := w.emu.Count("GetSessionToken"); n != 1 {
		t.Errorf("STS saw %d GetSessionToken calls, want 1 (a new MFA session)", n)
	}
	if n := w.emu.Count("AssumeRole"); n != 1 {
		t.Errorf("STS saw %d AssumeRole calls, want 1", n)
	}
	if mfas := w.cachedKeys("mfa "); len(mfas) != 1 || mfas[0] == oldMFA {
		t.Errorf("cached MFA sessions %v, want one new one in place of %s", mfas, oldMFA)
	}
	if roles := w.cachedKeys("role "); len(roles) != 1 || roles[0] != newRole {
		t.Errorf("cached role sessions %v, want the new %s", roles, newRole)
	}
	checkNoSecrets(t, w, r.stderr)
}

// TestTrustPolicyDenialKeepsMFASession: an AccessDenied that is not about
// the session (the role's trust policy does not let the call through) is
// not a rejected session: the cached MFA session is kept, no code is asked
// for, and the error says what STS denied.
func TestTrustPolicyDenialKeepsMFASession(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// demo-external wants an external id the profile does not give.
	f, err := os.OpenFile(filepath.Join(w.dir, "home", ".aws", "config"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[profile ext]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/demo-external\nmfa_serial = %s\nmfa_process = '%s'\n", stsemu.DemoSerial, self)
	f.Close()
	w.envDev() // caches dev's MFA session, which ext mints from
	mfa := w.cachedKeys("mfa ")
	w.nextCode()
	codes := len(w.codes())

	r := w.run(nil, "env", "--shell", "bash", "ext")
	checkClearError(t, w, r, "denied AssumeRole", "not authorized")
	if strings.Contains(r.stderr, "rejected") {
		t.Errorf("a trust-policy denial is reported as a rejected session:\n%s", r.stderr)
	}
	if n := len(w.codes()) - codes; n != 0 {
		t.Errorf("%d codes asked for, want none", n)
	}
	if n := w.emu.Count("GetSessionToken"); n != 0 {
		t.Errorf("STS saw %d GetSessionToken calls, want none", n)
	}
	if got := w.cachedKeys("mfa "); len(got) != 1 || got[0] != mfa[0] {
		t.Errorf("cached MFA sessions %v, want %v kept", got, mfa)
	}
}
