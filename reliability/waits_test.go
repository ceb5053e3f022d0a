package reliability

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/ptytest"
	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv"
)

// giveUpBound is how long a wait with a deadline of at most 5 s may take
// in these tests: a generous bound, so that a loaded machine never fails
// them, yet far below the ~90 s (three 30 s attempts) of a wait with none.
const giveUpBound = 15 * time.Second

// silentSTS is an endpoint that accepts every connection and never
// answers: STS behind a captive portal, or a black-holed proxy.
func silentSTS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// timed runs awsmfa like run and says how long it took.
func (w *world) timed(extra []string, args ...string) (result, time.Duration) {
	w.t.Helper()
	start := time.Now()
	r := w.run(extra, args...)
	return r, time.Since(start)
}

// lines is text's non-empty lines.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestHookGivesUpOnSilentSTS: the prompt hook's refresh (`env --hook`)
// against an STS that accepts the connection and never answers gives up
// within its 5 s deadline (checked against a wide bound), prints exactly
// one line that names the endpoint it waited for, nothing on stdout, and
// exits non-zero so the hook backs off. A larger AWSMFA_TIMEOUT does not
// stretch the hook's limit.
func TestHookGivesUpOnSilentSTS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  []string
	}{
		{"default", nil},
		{"AWSMFA_TIMEOUT=2m", []string{"AWSMFA_TIMEOUT=2m"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.staleDev()
			url := silentSTS(t)
			r, took := w.timed(append([]string{"AWS_ENDPOINT_URL_STS=" + url}, tc.env...), "env", "--hook", "--shell", "bash", "--", "dev")
			t.Logf("took %v; stderr:\n%s", took, r.stderr)
			if took > giveUpBound {
				t.Errorf("the hook's refresh took %v, want it to give up within its 5 s deadline (bound %v)", took, giveUpBound)
			}
			if r.exit == 0 || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want a failure and nothing to eval", r.exit, r.stdout)
			}
			if l := lines(r.stderr); len(l) != 1 || !strings.HasPrefix(l[0], "awsmfa: ") {
				t.Errorf("want exactly one line on stderr, got %d:\n%s", len(l), r.stderr)
			}
			for _, want := range []string{"gave up after 5s", "STS at " + url, "GetSessionToken"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q", want)
				}
			}
			checkNoSecrets(t, w, r.stderr)
		})
	}
}

// TestInteractiveTimeout: env, exec, write and credential-process against
// a silent STS give up after the limit set by AWSMFA_TIMEOUT or --timeout,
// with an error that names the endpoint and the call it waited for and
// says how to wait longer, and leave the cache as it was.
func TestInteractiveTimeout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"env AWSMFA_TIMEOUT=3s", []string{"AWSMFA_TIMEOUT=3s"}, []string{"env", "--shell", "bash", "dev"}, []string{"gave up after 3s (AWSMFA_TIMEOUT)", "--timeout"}},
		{"env --timeout 2s", nil, []string{"env", "--timeout", "2s", "--shell", "bash", "dev"}, []string{"gave up after 2s (--timeout)"}},
		{"--timeout wins over AWSMFA_TIMEOUT", []string{"AWSMFA_TIMEOUT=10m"}, []string{"env", "--timeout", "2s", "--shell", "bash", "dev"}, []string{"gave up after 2s (--timeout)"}},
		{"exec", []string{"AWSMFA_TIMEOUT=2s"}, []string{"exec", "dev", "--", "true"}, []string{"gave up after 2s"}},
		{"write", []string{"AWSMFA_TIMEOUT=2s"}, []string{"write", "--short-term-suffix", "short", "dev"}, []string{"gave up after 2s"}},
		{"credential-process", []string{"AWSMFA_TIMEOUT=2s"}, []string{"credential-process", "dev"}, []string{"gave up after 2s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.staleDev()
			before := w.sessions()
			url := silentSTS(t)
			r, took := w.timed(append([]string{"AWS_ENDPOINT_URL_STS=" + url}, tc.env...), tc.args...)
			if took > giveUpBound {
				t.Errorf("took %v, want it to give up after its limit (bound %v)", took, giveUpBound)
			}
			checkClearError(t, w, r, append([]string{"waiting for STS at " + url + " to answer GetSessionToken"}, tc.want...)...)
			sameFiles(t, w, before)
		})
	}
}

// TestTimeoutBadValue: a --timeout or AWSMFA_TIMEOUT that is not a
// positive duration is one clear error, before any STS call.
func TestTimeoutBadValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"env", "--timeout", "soon", "dev"}, `--timeout "soon"`},
		{nil, []string{"env", "--timeout", "0s", "dev"}, `--timeout "0s"`},
		{[]string{"AWSMFA_TIMEOUT=-5s"}, []string{"env", "dev"}, `AWSMFA_TIMEOUT "-5s"`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			r := w.run(tc.env, tc.args...)
			checkClearError(t, w, r, tc.want, "30s or 2m")
			if n := len(w.emu.Log()); n != 0 {
				t.Errorf("STS saw %d requests, want none", n)
			}
		})
	}
}

// TestCodeSentOnceWhenAnswerLost: a GetSessionToken that carries a code
// and whose answer is lost (STS processed it and the connection dropped;
// or no answer came within the deadline) is sent once, never retried with
// the same code, and the error says the code counts as used. A second run
// with the same code does not send it again.
func TestCodeSentOnceWhenAnswerLost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault stsemu.Fault
		env   []string
		want  []string
	}{
		{"answer lost after STS processed it", stsemu.Fault{Kind: stsemu.LoseAnswer, Count: 3}, nil,
			[]string{"connection to STS at", "lost after GetSessionToken was sent", "counts as used"}},
		{"no answer within the deadline", stsemu.Fault{Kind: stsemu.Latency, Count: 3, Delay: 20 * time.Second}, []string{"AWSMFA_TIMEOUT=2s"},
			[]string{"gave up after 2s", "GetSessionToken", "counts as used"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.staleDev()
			code, err := w.emu.CurrentCode(stsemu.DemoSerial, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.emu.InjectFault(tc.fault); err != nil {
				t.Fatal(err)
			}
			r := w.run(tc.env, "env", "--shell", "bash", "--code", code, "dev")
			checkClearError(t, w, r, tc.want...)
			if n := w.emu.Count("GetSessionToken"); n != 1 {
				t.Errorf("STS saw %d GetSessionToken requests with the code, want exactly 1", n)
			}

			r = w.run(tc.env, "env", "--shell", "bash", "--code", code, "dev")
			checkClearError(t, w, r, "used already")
			if n := w.emu.Count("GetSessionToken"); n != 1 {
				t.Errorf("after a second run STS saw %d GetSessionToken requests, want still 1: the spent code was sent again", n)
			}
		})
	}
}

// holdLock starts `awsmfa env dev` on w's stale session with an
// mfa_process that hangs, so that it holds the session's lock while it
// asks for a code, and waits until the code source runs. It returns the
// holder's process, whose pid the waiters must name.
func holdLock(t *testing.T, w *world) *exec.Cmd {
	t.Helper()
	pidfile := filepath.Join(w.dir, "hang.pid")
	holder, _, stderr := w.command(context.Background(), []string{helperEnv + "=hang", "HANG_PIDFILE=" + pidfile}, "env", "--shell", "bash", "dev")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		holder.Process.Kill()
		holder.Wait()
	})
	var hangPid int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(pidfile); err == nil {
			hangPid, _ = strconv.Atoi(string(b))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the holder's mfa_process never started; its stderr:\n%s", stderr)
		}
	}
	t.Cleanup(func() {
		if p, err := os.FindProcess(hangPid); err == nil && hangPid > 0 {
			p.Kill()
		}
	})
	return holder
}

// TestLockWaitBounded: while another awsmfa holds the session's lock and
// asks for a code, the prompt hook's refresh and credential-process say
// after a second what they wait for (that process, by pid, asking for a
// code for the device) and give up within their deadline, however long
// the other one asks.
func TestLockWaitBounded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.staleDev()
	holder := holdLock(t, w)
	asking := fmt.Sprintf("waiting for another awsmfa (pid %d), which is asking for an MFA code for %s", holder.Process.Pid, stsemu.DemoSerial)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"hook", nil, []string{"env", "--hook", "--shell", "bash", "--", "dev"}, []string{"gave up after 5s", ".lock"}},
		{"credential-process", []string{"AWSMFA_TIMEOUT=3s"}, []string{"credential-process", "dev"}, []string{"gave up after 3s (AWSMFA_TIMEOUT)", ".lock"}},
	} {
		// One after the other, in the test itself: the world (and its
		// run, which fails the test that made it) belongs to this test.
		r, took := w.timed(tc.env, tc.args...)
		t.Logf("%s took %v; stderr:\n%s", tc.name, took, r.stderr)
		if took > giveUpBound {
			t.Errorf("%s took %v, want it to give up within its deadline (bound %v)", tc.name, took, giveUpBound)
		}
		if r.exit == 0 || r.stdout != "" {
			t.Errorf("%s: exit %d, stdout %q; want a failure and nothing on stdout", tc.name, r.exit, r.stdout)
		}
		for _, want := range append([]string{asking}, tc.want...) {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr does not say %q", tc.name, want)
			}
		}
	}
	if n := w.emu.Count("GetSessionToken"); n != 0 {
		t.Errorf("STS saw %d GetSessionToken requests while the lock was held, want none", n)
	}
}

// TestLockWaitInteractive: an interactive env waits on another awsmfa
// that asks for a code for as long as it asks, well past its own 2 s
// limit, and says so; once the other one is gone it gets the lock and
// refreshes the session.
func TestLockWaitInteractive(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	old := w.staleDev()
	holder := holdLock(t, w)

	errFile, err := os.Create(filepath.Join(w.dir, "waiter.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	waiter, stdout, _ := w.command(ctx, []string{"AWSMFA_TIMEOUT=2s"}, "env", "--shell", "bash", "dev")
	waiter.Stderr = errFile
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- waiter.Wait() }()

	want := fmt.Sprintf("waiting for another awsmfa (pid %d), which is asking for an MFA code for %s, for as long as it asks", holder.Process.Pid, stsemu.DemoSerial)
	said := func() string {
		b, _ := os.ReadFile(errFile.Name())
		return string(b)
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(said(), want); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the waiter never said %q; its stderr:\n%s", want, said())
		}
	}
	// Well past its 2 s limit, it is still waiting.
	select {
	case err := <-done:
		t.Fatalf("the waiter gave up (%v) while the other awsmfa was still asking; stderr:\n%s", err, said())
	case <-time.After(4 * time.Second):
	}

	holder.Process.Signal(syscall.SIGKILL)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after the holder was gone the waiter failed: %v; stderr:\n%s", err, said())
		}
	case <-ctx.Done():
		t.Fatalf("the waiter did not finish after the holder was gone; stderr:\n%s", said())
	}
	if got := keyID(t, stdout.String()); got == old {
		t.Errorf("the waiter printed the expired session %s, want a new one", old)
	}
	if l := lines(said()); len(l) != 1 {
		t.Errorf("want the one waiting line on stderr, got:\n%s", said())
	}
}

// TestPlantedLockFileRefused: a session's lock file that another user owns,
// or that anyone may write, is refused like an unsafe session file: a clear
// error naming it, no STS call, nothing on stdout. Whoever planted it could
// otherwise hold the lock forever.
func TestPlantedLockFileRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		root  bool
		plant func(t *testing.T, p string)
		want  []string
	}{
		{"mode 0666", false, func(t *testing.T, p string) {
			if err := os.Chmod(p, 0o666); err != nil {
				t.Fatal(err)
			}
		}, []string{"mode 0666"}},
		{"owned by another user", true, func(t *testing.T, p string) {
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, []string{"belongs to uid 65534"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.root {
				testenv.NeedRoot(t, "give the lock file to another user")
			}
			w := newWorld(t)
			w.envDev()
			w.expire()
			p := w.session()
			lock := strings.TrimSuffix(p, ".json") + ".lock"
			tc.plant(t, lock)
			w.emu.Reset()
			r := w.run(nil, "env", "--shell", "bash", "dev")
			checkClearError(t, w, r, append([]string{"refusing lock file " + lock, "remove it"}, tc.want...)...)
			if n := len(w.emu.Log()); n != 0 {
				t.Errorf("STS saw %d requests, want none", n)
			}
		})
	}
}

// TestHookShellSilentSTS: in a real interactive shell with the hook
// loaded, a due session whose refresh meets an STS that never answers
// gives the prompt back within the hook's deadline, with one line saying
// what it waited for, and backs off: the following prompts do not try
// again.
func TestHookShellSilentSTS(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			url := silentSTS(t)
			hook, err := exec.Command(builds.Command(t, "awsmfa"), "hook", shell).Output()
			if err != nil {
				t.Fatal(err)
			}
			hookFile := filepath.Join(w.dir, "hook."+shell)
			if err := os.WriteFile(hookFile, hook, 0o600); err != nil {
				t.Fatal(err)
			}
			var env []string
			for _, kv := range w.env {
				if k, _, _ := strings.Cut(kv, "="); k != "PATH" && k != "HOME" && k != "SHELL" {
					env = append(env, kv)
				}
			}
			env = append(env, "AWS_ENDPOINT_URL_STS="+url)
			rc := ". '" + hookFile + "'"
			set := fmt.Sprintf("export AWSMFA_PROFILE=dev AWSMFA_EXPIRATION=%d AWSMFA_REFRESH_AT=1000", time.Now().Add(time.Hour).Unix())
			retry := "$_awsmfa_retry_at"
			if shell == "fish" {
				rc = "source '" + hookFile + "'"
				set = fmt.Sprintf("set -gx AWSMFA_PROFILE dev; set -gx AWSMFA_EXPIRATION %d; set -gx AWSMFA_REFRESH_AT 1000; set -gx AWSMFA_MARKER %s", time.Now().Add(time.Hour).Unix(), filepath.Join(w.dir, "no-marker"))
				retry = "$__awsmfa_retry_at"
			}
			sh := ptytest.StartShell(t, shell, ptytest.Options{Env: env, RC: rc})
			start := time.Now()
			out := sh.Run(set)
			took := time.Since(start)
			t.Logf("took %v; the terminal showed:\n%s", took, out)
			if took > giveUpBound {
				t.Errorf("the prompt came back after %v, want within the hook's 5 s deadline (bound %v)", took, giveUpBound)
			}
			// (fish draws escape sequences around the line: count, do not
			// split.)
			if n := strings.Count(out, "awsmfa: "); n != 1 || !strings.Contains(out, "gave up after 5s") || !strings.Contains(out, "STS at "+url) {
				t.Errorf("want one line (got %d) saying the refresh gave up waiting for STS at %s", n, url)
			}
			at, err := strconv.ParseInt(sh.Value(retry), 10, 64)
			if err != nil || at < time.Now().Unix()+30 {
				t.Errorf("the hook set no back-off after the timeout: retry at %d (%v)", at, err)
			}
			for range 3 {
				if out := sh.Run(""); strings.Contains(out, "awsmfa") {
					t.Errorf("a prompt during the back-off tried again:\n%s", out)
				}
			}
		})
	}
}
