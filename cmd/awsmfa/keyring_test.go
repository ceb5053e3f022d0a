package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var (
	helperOnce sync.Once
	helperDir  string
	helperErr  error
)

// buildKeyringHelper builds cmd/awsmfa-keyring once per test binary and
// returns the directory that holds it.
func buildKeyringHelper() (string, error) {
	helperOnce.Do(func() {
		dir, err := os.MkdirTemp("", "awsmfa-keyring-bin")
		if err != nil {
			helperErr = err
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "awsmfa-keyring"), "../awsmfa-keyring").CombinedOutput()
		if err != nil {
			helperErr = &buildError{string(out)}
			return
		}
		helperDir = dir
	})
	return helperDir, helperErr
}

// cmdKeyringHelper builds awsmfa-keyring, the helper awsmfa uses the
// keyring through, and puts it first in PATH, as an install puts it
// beside awsmfa.
//
//	keyring-helper
func cmdKeyringHelper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: keyring-helper")
	}
	dir, err := buildKeyringHelper()
	ts.Check(err)
	ts.Setenv("PATH", dir+string(os.PathListSeparator)+ts.Getenv("PATH"))
}

// TestAwsmfaDoesNotLinkTheKeyringLibrary: awsmfa's start-up pays nothing
// for the keyring. The library's package init connects to the D-Bus
// session bus (or runs dbus-launch), so only awsmfa-keyring may link it.
func TestAwsmfaDoesNotLinkTheKeyringLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/99designs/", "github.com/godbus/", "github.com/gsterjov/", "github.com/dvsekhvalnov/", "github.com/awsmfa/awsmfa/internal/keystore/backend"} {
			if strings.HasPrefix(pkg, banned) {
				t.Errorf("awsmfa links %s", pkg)
			}
		}
	}
}

// cmdSessionBus starts a private D-Bus session bus for the script, as a
// desktop session has one, and points DBUS_SESSION_BUS_ADDRESS at it; the
// bus (and the gnome-keyring-daemon that a script registers on it, which
// leaves with the bus) is stopped when the script ends.
//
//	session-bus
func cmdSessionBus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: session-bus")
	}
	dir := ts.MkAbs("bus")
	ts.Check(os.MkdirAll(dir, 0o700))
	sock := filepath.Join(dir, "socket")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1", "--address=unix:path="+sock)
	cmd.Env = []string{"HOME=" + ts.Getenv("HOME"), "PATH=" + ts.Getenv("PATH")}
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	ts.Defer(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line)
	}()
	select {
	case addr := <-ready:
		if addr == "" {
			ts.Fatalf("dbus-daemon printed no address")
		}
		ts.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	case <-time.After(30 * time.Second):
		ts.Fatalf("dbus-daemon did not start listening within 30s")
	}
}

// cmdFakeBus listens on a Unix socket, as a session bus would, and creates
// PATH.connected at the first connection made to it, so a script can
// check that a command never connected to the bus.
//
//	fake-bus PATH     listen on PATH (relative to $WORK) until the script ends
func cmdFakeBus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fake-bus PATH")
	}
	path := ts.MkAbs(args[0])
	l, err := net.Listen("unix", path)
	ts.Check(err)
	ts.Defer(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			os.WriteFile(path+".connected", nil, 0o600)
			c.Close()
		}
	}()
}
