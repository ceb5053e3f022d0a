package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdKeyringHelper builds awsmfa-keyring, the helper awsmfa uses the
// keyring through, and puts it first in PATH, as an install puts it
// beside awsmfa.
//
//	keyring-helper
func cmdKeyringHelper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: keyring-helper")
	}
	helper, err := builds.Build("awsmfa-keyring")
	ts.Check(err)
	// A directory of its own: the builds' one may hold an awsmfa too,
	// which must not stand in for the script's.
	dir := ts.MkAbs(".keyring-bin")
	ts.Check(os.MkdirAll(dir, 0o700))
	ts.Check(os.Symlink(helper, filepath.Join(dir, "awsmfa-keyring")))
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
