package testenv

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTB records what Need does to a test without stopping the real one.
// Like the real methods, Skipf and Fatalf end the calling goroutine.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, a ...any) {
	f.skipped = true
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, a ...any) {
	f.failed = true
	runtime.Goexit()
}

// need runs Need in its own goroutine, since the fake ends it on skip or fail.
func need(f *fakeTB, program string) string {
	var got string
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = Need(f, program)
	}()
	<-done
	return got
}

func TestNeed(t *testing.T) {
	tests := []struct {
		name        string
		program     string
		requireAll  string
		wantPath    bool
		wantSkipped bool
		wantFailed  bool
	}{
		{"present", "go", "", true, false, false},
		{"missing skips", "awsmfa-no-such-program", "", false, true, false},
		{"missing fails when required", "awsmfa-no-such-program", "1", false, false, true},
		{"other values do not require", "awsmfa-no-such-program", "yes", false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWSMFA_REQUIRE_ALL", tt.requireAll)
			f := &fakeTB{TB: t}
			got := need(f, tt.program)
			if tt.wantPath && !filepath.IsAbs(got) {
				t.Errorf("Need(%q) = %q, want an absolute path", tt.program, got)
			}
			if f.skipped != tt.wantSkipped || f.failed != tt.wantFailed {
				t.Errorf("Need(%q): skipped=%v failed=%v, want skipped=%v failed=%v",
					tt.program, f.skipped, f.failed, tt.wantSkipped, tt.wantFailed)
			}
		})
	}
}

func TestSkip(t *testing.T) {
	for _, tt := range []struct {
		requireAll  string
		wantSkipped bool
	}{{"", true}, {"1", false}, {"0", true}} {
		t.Run("AWSMFA_REQUIRE_ALL="+tt.requireAll, func(t *testing.T) {
			t.Setenv("AWSMFA_REQUIRE_ALL", tt.requireAll)
			f := &fakeTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				Skip(f, "cannot mount here (%v)", "EPERM")
			}()
			<-done
			if f.skipped != tt.wantSkipped || f.failed == tt.wantSkipped {
				t.Errorf("Skip: skipped=%v failed=%v, want skipped=%v", f.skipped, f.failed, tt.wantSkipped)
			}
		})
	}
}

// ranTests stands for testing.M: its Run returns the exit code.
type ranTests int

func (r ranTests) Run() int { return int(r) }

// TestBuilds: a command is built once, runs, and is gone after Remove.
func TestBuilds(t *testing.T) {
	var b Builds
	bin := b.Command(t, "stsemu")
	if again := b.Command(t, "stsemu"); again != bin {
		t.Errorf("a second Command = %q, want the first build %q", again, bin)
	}
	fi, err := os.Stat(bin)
	if err != nil || fi.Mode()&0o100 == 0 {
		t.Fatalf("the built command %s: %v, mode %v", bin, err, fi.Mode())
	}
	if code := b.RemoveAfter(ranTests(3)).Run(); code != 3 {
		t.Errorf("RemoveAfter(m).Run() = %d, want m.Run's 3", code)
	}
	if _, err := os.Stat(bin); !os.IsNotExist(err) {
		t.Errorf("after the tests ran, %s: %v, want it gone", bin, err)
	}
	if _, err := b.Build("no-such-command"); err == nil || !strings.Contains(err.Error(), "cannot build no-such-command") {
		t.Errorf("Build of a command that does not exist: %v, want an error naming it", err)
	}
}

// TestParallel: Parallel's Run sets -test.parallel, unless the command line
// gave it, and then runs the tests.
func TestParallel(t *testing.T) {
	f := flag.Lookup("test.parallel")
	before := f.Value.String()
	t.Cleanup(func() { f.Value.Set(before) })
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	want := "7"
	if given {
		want = before
	}
	if code := Parallel(7, ranTests(5)).Run(); code != 5 {
		t.Errorf("Run() = %d, want the tests' 5", code)
	}
	if got := f.Value.String(); got != want {
		t.Errorf("-test.parallel = %s after Parallel(7), want %s (given on the command line: %v)", got, want, given)
	}
}
