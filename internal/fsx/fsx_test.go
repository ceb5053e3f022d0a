package fsx

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		old     string // "" : no file
		perm    os.FileMode
		failing bool // BeforeRename fails
	}{
		{name: "new file", perm: 0o600},
		{name: "replace", old: "old\n", perm: 0o600},
		{name: "replace with another mode", old: "old\n", perm: 0o644},
		{name: "failure before rename keeps the old file", old: "old\n", perm: 0o600, failing: true},
		{name: "failure before rename makes no file", perm: 0o600, failing: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "f")
			if tc.old != "" {
				if err := os.WriteFile(p, []byte(tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var saw string
			opt := Options{BeforeRename: func(tmp string) error {
				saw = tmp
				if filepath.Dir(tmp) != dir || !isTemp(filepath.Base(tmp)) {
					t.Errorf("temporary file %s is not one of ours in %s", tmp, dir)
				}
				if fi, err := os.Stat(tmp); err != nil {
					t.Error(err)
				} else if runtime.GOOS != "windows" && fi.Mode().Perm() != tc.perm {
					t.Errorf("temporary file mode %v, want %v", fi.Mode().Perm(), tc.perm)
				}
				if b, _ := os.ReadFile(tmp); string(b) != "new\n" {
					t.Errorf("temporary file holds %q before the rename, want it whole", b)
				}
				if tc.failing {
					return errors.New("injected")
				}
				return nil
			}}
			err := WriteFile(p, []byte("new\n"), tc.perm, opt)
			if saw == "" {
				t.Fatal("BeforeRename never ran")
			}
			want := "new\n"
			if tc.failing {
				if err == nil || !strings.Contains(err.Error(), "injected") {
					t.Fatalf("WriteFile = %v, want the injected error", err)
				}
				want = tc.old
			} else if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(p)
			switch {
			case want == "" && !errors.Is(err, os.ErrNotExist):
				t.Errorf("file exists after a failed first write: %q, %v", b, err)
			case want != "" && string(b) != want:
				t.Errorf("file holds %q (%v), want %q", b, err, want)
			}
			if want != "" && !tc.failing && runtime.GOOS != "windows" {
				if fi, _ := os.Stat(p); fi.Mode().Perm() != tc.perm {
					t.Errorf("mode %v, want %v", fi.Mode().Perm(), tc.perm)
				}
			}
			if left := Temps(p); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestSweep plants temporary files of every kind beside a file and checks
// which ones a write removes.
func TestSweep(t *testing.T) {
	cmd := exec.Command("go", "version")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot start a process to get a dead pid: %v", err)
	}
	dead := strconv.Itoa(cmd.Process.Pid)
	live := strconv.Itoa(os.Getppid()) // the go command, or a shell: alive
	self := strconv.Itoa(os.Getpid())
	old := time.Now().Add(-2 * StaleAfter)
	dir := t.TempDir()
	cases := []struct {
		name  string
		mtime time.Time
		stays bool
	}{
		// Where no process can be checked, only age counts.
		{".f.awsmfa-tmp-" + dead + "-1", time.Time{}, runtime.GOOS == "windows"},
		{".g.awsmfa-tmp-" + dead + "-2", time.Time{}, runtime.GOOS == "windows"}, // another file's
		{".f.awsmfa-tmp-" + live + "-3", old, false},
		{".f.awsmfa-tmp-" + live + "-4", time.Time{}, true},
		{".f.awsmfa-tmp-" + self + "-5", time.Time{}, true}, // another goroutine's
		{".f.tmp-legacy", old, false},
		{".f.tmp-legacy-fresh", time.Time{}, true},
		{"f.awsmfa-tmp-" + dead + "-6", old, true}, // no leading dot: not ours
		{".f.awsmfa-tmp-x-7", old, true},           // no pid: not ours
		{"other", old, true},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !c.mtime.IsZero() {
			if err := os.Chtimes(p, c.mtime, c.mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	legacy := func(name string) bool { return strings.HasPrefix(name, ".f.tmp-") }
	if err := WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600, Options{LegacyTemp: legacy}); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		_, err := os.Stat(filepath.Join(dir, c.name))
		if gone := err != nil; gone == c.stays {
			t.Errorf("%s: removed %v, want %v", c.name, gone, !c.stays)
		}
	}
}

// TestBatch checks that the writes of a Batch are in place at once, whole,
// and that their directories are synced by Batch.Sync only, once each.
func TestBatch(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	var synced []string
	batch := &Batch{SyncDir: func(dir string) { synced = append(synced, dir) }}
	ctx := WithBatch(t.Context(), batch)
	if BatchFrom(ctx) != batch || BatchFrom(t.Context()) != nil {
		t.Fatal("BatchFrom does not return the Batch WithBatch put in, and only that")
	}
	for _, p := range []string{filepath.Join(a, "1"), filepath.Join(a, "2"), filepath.Join(b, "3"), filepath.Join(a, "1")} {
		if err := WriteFile(p, []byte(p), 0o600, Options{Batch: BatchFrom(ctx)}); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(p); err != nil || string(got) != p {
			t.Fatalf("%s holds %q (%v) right after the write, want it whole", p, got, err)
		}
	}
	if len(synced) != 0 {
		t.Fatalf("directories synced before Batch.Sync: %q", synced)
	}
	batch.Sync()
	if want := []string{a + string(filepath.Separator), b + string(filepath.Separator)}; !slices.Equal(synced, want) {
		t.Fatalf("Batch.Sync synced %q, want each directory once: %q", synced, want)
	}
	batch.Sync()
	if len(synced) != 2 {
		t.Fatalf("a second Batch.Sync with no write in between synced again: %q", synced)
	}
	if err := WriteFile(filepath.Join(a, "4"), nil, 0o600, Options{Batch: batch, NoSync: true}); err != nil {
		t.Fatal(err)
	}
	batch.Sync()
	if len(synced) != 2 {
		t.Fatalf("a NoSync write was synced by its Batch: %q", synced)
	}
}
