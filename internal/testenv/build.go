package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// modulePath is the import path of this repository's module.
const modulePath = "github.com/awsmfa/awsmfa"

// Builds are this module's commands (cmd/NAME) that a test binary runs as
// processes, each compiled once, when a test first asks for it, into one
// temporary directory. They are built as a release is (without urfave/cli's
// docs; static), but with the race detector when the test binary has it,
// so that a race in a process under test fails the test too. A TestMain
// owns one and removes it after the tests:
//
//	var builds testenv.Builds
//
//	func TestMain(m *testing.M) { os.Exit(builds.RemoveAfter(m).Run()) }
type Builds struct {
	mu   sync.Mutex
	dir  string
	done map[string]error // command name -> the result of its build
}

// Tests is what a TestMain runs: *testing.M.
type Tests interface{ Run() int }

// RemoveAfter returns m with a Run that removes the builds once m's tests
// have run, for a TestMain that hands m on (to testscript.Main, say).
func (b *Builds) RemoveAfter(m Tests) Tests { return removeAfter{m, b} }

type removeAfter struct {
	m Tests
	b *Builds
}

func (r removeAfter) Run() int {
	defer r.b.Remove()
	return r.m.Run()
}

// Command returns the path of cmd/name built for this test binary, building
// it first if no test has yet. A failed build fails t, and every later test
// that asks for the same command.
func (b *Builds) Command(t testing.TB, name string) string {
	t.Helper()
	bin, err := b.Build(name)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// Build is Command for callers without a testing.TB (a testscript
// command): it returns the build's error instead of failing a test.
func (b *Builds) Build(name string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done == nil {
		b.done = map[string]error{}
	}
	if b.dir == "" {
		dir, err := os.MkdirTemp("", "awsmfa-test-bin-")
		if err != nil {
			return "", fmt.Errorf("cannot make a directory for the commands under test: %v", err)
		}
		b.dir = dir
	}
	bin := filepath.Join(b.dir, name)
	err, ok := b.done[name]
	if !ok {
		err = build(bin, modulePath+"/cmd/"+name)
		b.done[name] = err
	}
	if err != nil {
		return "", fmt.Errorf("cannot build %s for the tests: %v", name, err)
	}
	return bin, nil
}

// Remove deletes what Command built.
func (b *Builds) Remove() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
	b.dir, b.done = "", nil
}

// build compiles the package pkg into bin.
func build(bin, pkg string) error {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	args := []string{"build", "-o", bin, "-tags", "urfave_cli_no_docs"}
	env := os.Environ()
	if raceEnabled {
		args = append(args, "-race")
	} else {
		env = append(env, "CGO_ENABLED=0")
	}
	cmd := exec.Command(goBin, append(args, pkg)...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return nil
}
