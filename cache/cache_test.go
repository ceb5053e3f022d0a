package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// t0 is the fixed "now" of tests that inject a clock.
var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// newStore opens a Store in a fresh directory under t.TempDir().
func newStore(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "awsmfa"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// sample is a complete session named id, issued at issued, living ttl.
func sample(id string, issued time.Time, ttl time.Duration) Session {
	return Session{
		Credentials: creds.Credentials{
			AccessKeyID:     "ASIA" + id,
			SecretAccessKey: "secret/" + id + "+XYZ",
			SessionToken:    "token//" + id + "==",
			Expiration:      issued.Add(ttl).UTC(),
		},
		Issued: issued.UTC(),
		Label:  "mfa arn:aws:iam::123456789012:mfa/" + id,
	}
}

// same reports whether two sessions hold the same values and instants.
func same(a, b Session) bool {
	return a.Credentials.AccessKeyID == b.Credentials.AccessKeyID &&
		a.Credentials.SecretAccessKey == b.Credentials.SecretAccessKey &&
		a.Credentials.SessionToken == b.Credentials.SessionToken &&
		a.Credentials.Expiration.Equal(b.Credentials.Expiration) &&
		a.Issued.Equal(b.Issued) && a.Label == b.Label
}

// tmpFiles lists leftover temporary files in dir.
func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	var all []string
	for _, pattern := range []string{"*.tmp", ".*.awsmfa-tmp-*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m...)
	}
	return all
}

func TestRoundTrip(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		sess Session
	}{
		{"plain", sample("A", t0, 12*time.Hour)},
		{"no label", func() Session { s := sample("B", t0, time.Hour); s.Label = ""; return s }()},
		{"unicode label", func() Session { s := sample("C", t0, time.Hour); s.Label = "role 開発 \"quoted\" \\ \n"; return s }()},
		{"sub-second issue time", sample("D", t0.Add(123456789*time.Nanosecond), 36*time.Hour)},
		{"non-UTC times", Session{
			Credentials: creds.Credentials{AccessKeyID: "ASIAE", SecretAccessKey: "s", SessionToken: "t",
				Expiration: t0.Add(time.Hour).In(tokyo)},
			Issued: t0.In(tokyo),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			key := Key("round", tt.name)
			if err := s.Save(key, tt.sess); err != nil {
				t.Fatalf("Save: %v", err)
			}
			got, err := s.Load(key)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !same(got, tt.sess) {
				t.Errorf("Load = %+v, want %+v", got, tt.sess)
			}
			if got.Credentials.Expiration.Location() != time.UTC || got.Issued.Location() != time.UTC {
				t.Errorf("Load returned non-UTC times: %v, %v", got.Credentials.Expiration.Location(), got.Issued.Location())
			}

			// The file format is the documented one, with UTC instants.
			raw, err := os.ReadFile(filepath.Join(s.Dir(), key+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("file is not JSON: %v", err)
			}
			for _, k := range []string{"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Issued", "Label"} {
				if _, ok := doc[k]; !ok {
					t.Errorf("file has no %q: %s", k, raw)
				}
			}
			if doc["Version"] != float64(1) {
				t.Errorf("Version = %v, want 1", doc["Version"])
			}
			wantExp := tt.sess.Credentials.Expiration.UTC().Format(time.RFC3339Nano)
			if doc["Expiration"] != wantExp {
				t.Errorf("Expiration = %v, want %q (RFC 3339 UTC)", doc["Expiration"], wantExp)
			}
			if runtime.GOOS != "windows" {
				assertMode(t, filepath.Join(s.Dir(), key+".json"), 0o600)
				assertMode(t, s.Dir(), 0o700)
			}
			if left := tmpFiles(t, s.Dir()); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func assertMode(t *testing.T, p string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %04o, want %04o", p, got, want)
	}
}

func TestOpenCreatesNestedPrivateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "xdg", "cache", "awsmfa")
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if s.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", s.Dir(), dir)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, dir, 0o700)
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded, want an error")
	}
}

func TestUsable(t *testing.T) {
	tests := []struct {
		name   string
		sess   Session
		now    time.Time
		margin time.Duration
		want   bool
	}{
		{"plenty left", sample("a", t0, 12*time.Hour), t0, 10 * time.Minute, true},
		{"exactly margin left", sample("a", t0, 12*time.Hour), t0.Add(12*time.Hour - 10*time.Minute), 10 * time.Minute, false},
		{"margin plus 1ns left", sample("a", t0, 12*time.Hour), t0.Add(12*time.Hour - 10*time.Minute - 1), 10 * time.Minute, true},
		{"expired", sample("a", t0, time.Hour), t0.Add(2 * time.Hour), 0, false},
		{"at expiry, no margin", sample("a", t0, time.Hour), t0.Add(time.Hour), 0, false},
		{"1ns before expiry, no margin", sample("a", t0, time.Hour), t0.Add(time.Hour - 1), 0, true},
		{"negative margin counts as zero", sample("a", t0, time.Hour), t0.Add(time.Hour), -time.Hour, false},
		{"zero expiry", Session{Credentials: creds.Credentials{AccessKeyID: "x"}, Issued: t0}, t0, 0, false},
		// The margin is capped at half the lifetime: a 15-minute session
		// with a 10-minute margin is reused for 7½ minutes...
		{"short session, first half", sample("a", t0, 15*time.Minute), t0.Add(7*time.Minute + 29*time.Second), 10 * time.Minute, true},
		{"short session, second half", sample("a", t0, 15*time.Minute), t0.Add(7*time.Minute + 30*time.Second), 10 * time.Minute, false},
		// ...and a margin longer than the session does not make a fresh
		// session unusable (no refresh on every use).
		{"margin longer than session", sample("a", t0, 5*time.Minute), t0, time.Hour, true},
		// Without an issue time the lifetime is unknown: no cap.
		{"no issue time, no cap", func() Session { s := sample("a", t0, 15*time.Minute); s.Issued = time.Time{}; return s }(),
			t0.Add(6 * time.Minute), 10 * time.Minute, false},
		{"non-UTC now", sample("a", t0, time.Hour), t0.In(time.FixedZone("X", -5*3600)), 10 * time.Minute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sess.Usable(tt.now, tt.margin); got != tt.want {
				t.Errorf("Usable(%v, %v) = %v, want %v (RefreshAt %v)", tt.now, tt.margin, got, tt.want, tt.sess.RefreshAt(tt.margin))
			}
		})
	}
}

func TestRefreshAt(t *testing.T) {
	tests := []struct {
		name   string
		sess   Session
		margin time.Duration
		want   time.Time
	}{
		{"expiry minus margin", sample("a", t0, 12*time.Hour), 10 * time.Minute, t0.Add(12*time.Hour - 10*time.Minute)},
		{"capped at half the lifetime", sample("a", t0, 20*time.Minute), 15 * time.Minute, t0.Add(10 * time.Minute)},
		{"unknown expiry", Session{Issued: t0}, time.Minute, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sess.RefreshAt(tt.margin); !got.Equal(tt.want) {
				t.Errorf("RefreshAt(%v) = %v, want %v", tt.margin, got, tt.want)
			}
		})
	}
}

func TestKey(t *testing.T) {
	// The format is pinned: changing it would orphan every user's cache.
	sum := sha256.Sum256([]byte("\x00\x00\x00\x00\x00\x00\x00\x03dev\x00\x00\x00\x00\x00\x00\x00\x00"))
	if got, want := Key("dev", ""), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Key(\"dev\", \"\") = %s, want %s", got, want)
	}
	if Key("a", "b") != Key("a", "b") {
		t.Error("Key is not deterministic")
	}
	if k := Key("x"); len(k) != 64 || checkKey(k) != nil {
		t.Errorf("Key(\"x\") = %q, want 64 hex digits usable as a key", k)
	}
	pairs := []struct{ a, b []string }{
		{[]string{"ab", "c"}, []string{"a", "bc"}},
		{[]string{"a"}, []string{"a", ""}},
		{nil, []string{""}},
		{[]string{"a\x00", "b"}, []string{"a", "\x00b"}},
		{[]string{"AKIA1", "arn:aws:iam::1:mfa/me", ""}, []string{"AKIA1", "", "arn:aws:iam::1:mfa/me"}},
	}
	for _, p := range pairs {
		if Key(p.a...) == Key(p.b...) {
			t.Errorf("Key(%q) == Key(%q): ambiguous", p.a, p.b)
		}
	}
}

func TestInvalidKeys(t *testing.T) {
	s := newStore(t)
	for _, key := range []string{"", "../x", "a/b", `a\b`, "a.json", ".", "..", strings.Repeat("a", 129), "x.lock", "x y"} {
		t.Run(key, func(t *testing.T) {
			if _, err := s.Load(key); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Load(%q) = %v, want an invalid-key error", key, err)
			}
			if err := s.Save(key, sample("a", t0, time.Hour)); err == nil {
				t.Errorf("Save(%q) succeeded", key)
			}
			if err := s.Delete(key); err == nil {
				t.Errorf("Delete(%q) succeeded", key)
			}
			if _, _, err := s.Fetch(t.Context(), key, 0, false, func(ctxT) (Session, error) {
				t.Error("fetch called for an invalid key")
				return Session{}, nil
			}); err == nil {
				t.Errorf("Fetch(%q) succeeded", key)
			}
		})
	}
}

func TestSaveRefusesIncomplete(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Session)
		want string
	}{
		{"no key id", func(s *Session) { s.Credentials.AccessKeyID = "" }, "access key id"},
		{"no secret", func(s *Session) { s.Credentials.SecretAccessKey = "" }, "secret access key"},
		{"no token", func(s *Session) { s.Credentials.SessionToken = "" }, "session token"},
		{"no expiry", func(s *Session) { s.Credentials.Expiration = time.Time{} }, "expiry"},
		{"no issue time", func(s *Session) { s.Issued = time.Time{} }, "issue time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			sess := sample("a", t0, time.Hour)
			tt.edit(&sess)
			err := s.Save(Key("k"), sess)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Save = %v, want an error naming %q", err, tt.want)
			}
			if _, err := s.Load(Key("k")); !errors.Is(err, ErrNotFound) {
				t.Errorf("after a refused Save, Load = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestCorruptIsMiss(t *testing.T) {
	const secret = "SECRET-THAT-MUST-NOT-LEAK"
	valid := func(edit func(map[string]any)) string {
		m := map[string]any{"Version": 1, "AccessKeyId": "ASIAX", "SecretAccessKey": secret, "SessionToken": "tok",
			"Expiration": "2026-11-25T22:00:00Z", "Issued": "2026-11-25T10:00:00Z", "Label": "x"}
		edit(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	full := valid(func(map[string]any) {})
	tests := []struct{ name, content string }{
		{"empty", ""},
		{"garbage", "\x00\xff not json " + secret},
		{"truncated", full[:len(full)/2]},
		{"array", "[1,2,3]"},
		{"no secret", valid(func(m map[string]any) { delete(m, "SecretAccessKey") })},
		{"no key id", valid(func(m map[string]any) { m["AccessKeyId"] = "" })},
		{"no token", valid(func(m map[string]any) { delete(m, "SessionToken") })},
		{"no expiration", valid(func(m map[string]any) { delete(m, "Expiration") })},
		{"null expiration", valid(func(m map[string]any) { m["Expiration"] = nil })},
		{"no issued", valid(func(m map[string]any) { delete(m, "Issued") })},
		{"expiration a number", valid(func(m map[string]any) { m["Expiration"] = 1764064800 })},
		{"expiration not RFC 3339", valid(func(m map[string]any) { m["Expiration"] = "2026-11-25 22:00:00" })},
		{"version 2", valid(func(m map[string]any) { m["Version"] = 2 })},
		{"no version", valid(func(m map[string]any) { delete(m, "Version") })},
		{"too large", full + strings.Repeat(" ", maxFileSize)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t, WithClock(func() time.Time { return t0 }))
			key := Key(tt.name)
			p := filepath.Join(s.Dir(), key+".json")
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load(key)
			if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnsafe) {
				t.Fatalf("Load = %v, want a miss (ErrNotFound)", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the file's content: %v", err)
			}
			if err != ErrNotFound && !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("error %q does not say the file is corrupt", err)
			}

			calls := 0
			want := sample("new", t0, time.Hour)
			got, cached, err := s.Fetch(t.Context(), key, 10*time.Minute, false, func(ctxT) (Session, error) {
				calls++
				return want, nil
			})
			if err != nil || cached || calls != 1 || !same(got, want) {
				t.Fatalf("Fetch = %+v, cached=%v, err=%v, calls=%d; want the new session, fetched once", got, cached, err, calls)
			}
			if reread, err := s.Load(key); err != nil || !same(reread, want) {
				t.Errorf("after Fetch, Load = %+v, %v; want the new session (corrupt file overwritten)", reread, err)
			}
		})
	}
}

func TestSaveFailureBeforeRenameKeepsPrevious(t *testing.T) {
	s := newStore(t)
	key := Key("k")
	old := sample("old", t0, time.Hour)
	if err := s.Save(key, old); err != nil {
		t.Fatal(err)
	}
	var sawTmp string
	wantID := "ASIAnew"
	s.beforeRename = func(tmp string) error {
		sawTmp = tmp
		if filepath.Dir(tmp) != s.Dir() {
			t.Errorf("temporary file %s is not in the cache directory %s", tmp, s.Dir())
		}
		if runtime.GOOS != "windows" {
			assertMode(t, tmp, 0o600)
		}
		// The temporary file holds the complete new session.
		data, err := os.ReadFile(tmp)
		if err != nil {
			t.Errorf("reading temporary file: %v", err)
		} else if got, err := decode(tmp, data); err != nil || got.Credentials.AccessKeyID != wantID {
			t.Errorf("temporary file holds %+v, %v; want the new session", got, err)
		}
		return errors.New("injected crash before rename")
	}
	err := s.Save(key, sample("new", t0, 2*time.Hour))
	if err == nil || !strings.Contains(err.Error(), "injected crash") || !strings.Contains(err.Error(), s.Dir()) {
		t.Fatalf("Save = %v, want the injected error naming the directory", err)
	}
	if sawTmp == "" {
		t.Fatal("beforeRename hook never ran")
	}
	if got, err := s.Load(key); err != nil || !same(got, old) {
		t.Errorf("after a failed Save, Load = %+v, %v; want the previous session", got, err)
	}
	if left := tmpFiles(t, s.Dir()); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	// Through Fetch: the new session comes back with ErrNotSaved and the
	// previous file is still intact.
	fresh := sample("fresh", t0, 3*time.Hour)
	wantID = "ASIAfresh"
	got, cached, err := s.Fetch(t.Context(), key, 0, true, func(ctxT) (Session, error) { return fresh, nil })
	if !errors.Is(err, ErrNotSaved) || cached || !same(got, fresh) {
		t.Fatalf("Fetch = %+v, %v, %v; want the fresh session with ErrNotSaved", got, cached, err)
	}
	if got, err := s.Load(key); err != nil || !same(got, old) {
		t.Errorf("after a failed Fetch save, Load = %+v, %v; want the previous session", got, err)
	}
	if left := tmpFiles(t, s.Dir()); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestDeleteAndList(t *testing.T) {
	s := newStore(t)
	a, b := Key("a"), Key("b")
	for k, sess := range map[string]Session{a: sample("a", t0, time.Hour), b: sample("b", t0, 2*time.Hour)} {
		if err := s.Save(k, sess); err != nil {
			t.Fatal(err)
		}
	}
	corrupt := Key("corrupt")
	if err := os.WriteFile(filepath.Join(s.Dir(), corrupt+".json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Lock, temporary and foreign files are not sessions.
	for _, name := range []string{a + ".lock", a + ".123.tmp", "." + a + ".json.awsmfa-tmp-1-123", "README", "bad key.json"} {
		if err := os.WriteFile(filepath.Join(s.Dir(), name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	var order []string
	for _, e := range entries {
		got[e.Key] = e
		order = append(order, e.Key)
	}
	if len(entries) != 3 {
		t.Fatalf("List returned %d entries %v, want 3 (a, b, corrupt)", len(entries), order)
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Errorf("List is not sorted by key: %v", order)
		}
	}
	if e := got[a]; e.Err != nil || e.Session.Credentials.AccessKeyID != "ASIAa" {
		t.Errorf("entry a = %+v", e)
	}
	if e := got[corrupt]; !errors.Is(e.Err, ErrNotFound) {
		t.Errorf("corrupt entry Err = %v, want ErrNotFound", e.Err)
	}

	// As a killed Save leaves them, in this version's naming and earlier.
	leftovers := []string{filepath.Join(s.Dir(), a+".123.tmp"), filepath.Join(s.Dir(), "."+a+".json.awsmfa-tmp-1-123")}
	if err := s.Delete(a); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, leftover := range leftovers {
		if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Delete left the temporary file %s: %v", leftover, err)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), a+".lock")); err != nil {
		t.Errorf("Delete removed the lock file: %v", err)
	}
	if _, err := s.Load(a); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Delete, Load = %v, want ErrNotFound", err)
	}
	if err := s.Delete(a); err != nil {
		t.Errorf("Delete of a missing key = %v, want nil", err)
	}
	if _, err := s.Load(b); err != nil {
		t.Errorf("Delete(a) affected b: %v", err)
	}
}

func TestLoadMissing(t *testing.T) {
	s := newStore(t)
	if _, err := s.Load(Key("nothing")); err != ErrNotFound {
		t.Errorf("Load of a missing key = %v, want ErrNotFound", err)
	}
}

// FuzzDecode: no input makes decode panic, and whatever it accepts is a
// complete session that survives Save and Load.
func FuzzDecode(f *testing.F) {
	good, _ := json.Marshal(file{Version: 1, AccessKeyId: "A", SecretAccessKey: "S", SessionToken: "T",
		Expiration: t0.Add(time.Hour), Issued: t0, Label: "l"})
	for _, seed := range []string{string(good), "", "{}", "[]", "null", `{"Version":1}`, string(good[:20]),
		`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"x","Issued":"y"}`} {
		f.Add([]byte(seed))
	}
	s := newStore(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sess, err := decode("fuzz.json", data)
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("decode error %v is not a miss", err)
			}
			return
		}
		if complete(sess) != nil {
			t.Fatalf("decode accepted an incomplete session: %v", complete(sess))
		}
		if err := s.Save(Key("fuzz"), sess); err != nil {
			t.Fatalf("Save of a decoded session: %v", err)
		}
		got, err := s.Load(Key("fuzz"))
		if err != nil || !same(got, sess) {
			t.Fatalf("round trip: %+v, %v; want %+v", got, err, sess)
		}
	})
}
