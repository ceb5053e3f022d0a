package shellinit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMarker(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "markers")
	at := time.Unix(1_800_000_000, 0)

	p, err := Marker(dir, "ASIAEXAMPLE1", at)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) != dir || strings.Contains(p, "ASIAEXAMPLE1") {
		t.Errorf("marker path %q: want a file in %s named without the key", p, dir)
	}
	assertMode(t, dir, os.ModeDir|0o700)
	assertMode(t, p, 0o600)
	assertMtime(t, p, at)

	// Same session, same time: same path, and the cheap path leaves it be.
	p2, err := Marker(dir, "ASIAEXAMPLE1", at.Add(400*time.Millisecond))
	if err != nil || p2 != p {
		t.Fatalf("second call = %q, %v; want %q", p2, err, p)
	}
	assertMtime(t, p, at)

	// A new refresh time for the same session moves the mtime.
	later := at.Add(time.Hour)
	if _, err := Marker(dir, "ASIAEXAMPLE1", later); err != nil {
		t.Fatal(err)
	}
	assertMtime(t, p, later)

	// A loose mode is repaired.
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Marker(dir, "ASIAEXAMPLE1", later); err != nil {
		t.Fatal(err)
	}
	assertMode(t, p, 0o600)

	// Another session gets its own marker.
	q, err := Marker(dir, "ASIAEXAMPLE2", at)
	if err != nil || q == p {
		t.Fatalf("other session: %q, %v; want a path other than %q", q, err, p)
	}
}

func TestMarkerPrunesStale(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	old, err := Marker(dir, "ASIAOLD", now.Add(-61*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	recent, err := Marker(dir, "ASIARECENT", now.Add(-59*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "not-a-marker")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(other, now.Add(-100*time.Hour), now.Add(-100*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := Marker(dir, "ASIANEW", now); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{old: false, recent: true, other: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

func TestMarkerErrors(t *testing.T) {
	base := t.TempDir()
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, dir, key, want string }{
		{"no key", base, "", "needs the session's access key ID"},
		{"group-readable dir", open, "ASIA1", "must be a directory only you can read (chmod 700"},
		{"dir is a file", file, "ASIA1", "cannot create the marker directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Marker(tc.dir, tc.key, time.Unix(1_800_000_000, 0))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
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
	if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
		t.Errorf("%s mode = %v, want %v", p, got, want)
	}
}

func assertMtime(t *testing.T, p string, want time.Time) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(want) {
		t.Errorf("%s mtime = %v, want %v", p, fi.ModTime(), want)
	}
}
