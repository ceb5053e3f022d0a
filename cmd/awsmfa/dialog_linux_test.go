package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/mfa"
)

// The desktop dialog is tested for real: a virtual X display (Xvfb), the
// real zenity window, keys typed into it with xdotool, and a screenshot
// of it kept with ImageMagick's import where AWSMFA_TEST_ARTIFACTS says.

// dialogTitle is the title awsmfa gives every dialog window.
const dialogTitle = "awsmfa: MFA code"

// xvfb starts a virtual X display for the test and returns its DISPLAY.
// Xvfb picks a free display number itself (-displayfd). -noreset keeps it
// from resetting each time its last client disconnects: the tests poll it
// with short-lived xdotool clients, and a dialog that connects while the
// server resets is dropped ("cannot open display") before it is accepted.
func xvfb(t *testing.T) string {
	t.Helper()
	bin := testenv.Need(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if _, err := strconv.Atoi(n); err != nil {
			t.Fatalf("Xvfb did not report its display (got %q): %s", n, stderr.String())
		}
		// The display is reported once its sockets exist; wait (at most
		// 30 s) until a client can really talk to it, so a dialog started
		// next never meets a display that is not there yet.
		display := ":" + n
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := xTry(display, "xdotool", "getdisplaygeometry")
			if err == nil {
				return display
			}
			if time.Now().After(deadline) {
				t.Fatalf("Xvfb reported display %s, but no client could open it within 30s: %v; Xvfb said: %s", display, err, stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not report a display within 30s: %s", stderr.String())
	}
	return ""
}

// dialogRun is awsmfa running in the background with no terminal.
type dialogRun struct {
	proc   *os.Process
	done   chan struct{}
	status int
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// startNoTTY starts awsmfa with args in a new session, so that /dev/tty
// cannot be opened (an IDE's credential_process), with env added to the
// world's environment.
func startNoTTY(t *testing.T, w *world, dir string, env map[string]string, args ...string) *dialogRun {
	t.Helper()
	cmd := exec.Command(builds.Command(t, "awsmfa"), args...)
	for k, v := range w.env {
		if _, ok := env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	r := &dialogRun{done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &r.stdout, &r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.proc = cmd.Process
	go func() {
		defer close(r.done)
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.status = ee.ExitCode()
		} else if err != nil {
			r.status = -1
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-r.done
	})
	return r
}

// wait waits (at most a minute) for awsmfa to exit.
func (r *dialogRun) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(time.Minute):
		t.Fatalf("awsmfa did not exit within a minute; stderr so far:\n%s", r.stderr.String())
	}
}

// x runs an X client (xdotool, import) on display, bounded by 30s.
func x(t *testing.T, display string, name string, args ...string) string {
	t.Helper()
	out, err := xTry(display, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// xTry is x, returning its failure.
func xTry(display string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return "", fmt.Errorf("%s %s: gave up after 30s", name, strings.Join(args, " "))
	}
	if err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// dialogWindow waits for awsmfa's window on display (one shown by another
// process than previous, when given), gives it the keyboard, keeps a
// screenshot of the screen under name, and returns the process id of the
// program showing it. It gives up when awsmfa exits first, or after 30s.
func dialogWindow(t *testing.T, r *dialogRun, display, name, previous string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, shown := "", ""
	for id == "" {
		search := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^"+dialogTitle+"$")
		search.Env = append(os.Environ(), "DISPLAY="+display)
		out, err := search.Output()
		for _, w := range strings.Fields(string(out)) {
			// Window ids are reused; the process behind a window is not.
			if pid, perr := xTry(display, "xdotool", "getwindowpid", w); err == nil && perr == nil && pid != previous {
				id, shown = w, pid
			}
		}
		if id != "" {
			break
		}
		select {
		case <-r.done:
			t.Fatalf("awsmfa exited (status %d) without showing its window; stderr:\n%s", r.status, r.stderr.String())
		case <-ctx.Done():
			t.Fatalf("no awsmfa window on %s within 30s; stderr so far:\n%s", display, r.stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	x(t, display, "xdotool", "windowfocus", "--sync", id)
	// The window is mapped before GTK has drawn its text: give it a moment
	// so the screenshot shows it (nothing is asserted on this pause).
	time.Sleep(500 * time.Millisecond)
	dir := os.Getenv("AWSMFA_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, name+".png")
	x(t, display, testenv.Need(t, "import"), "-window", "root", shot)
	t.Logf("screenshot of the dialog: %s", shot)
	return shown
}

// needDialogTools skips the test (see testenv) unless Xvfb, zenity,
// xdotool and ImageMagick's import are installed.
func needDialogTools(t *testing.T) {
	t.Helper()
	for _, p := range []string{"Xvfb", "zenity", "xdotool", "import"} {
		testenv.Need(t, p)
	}
}

// TestDialogAsksWithoutTerminal: credential-process with no terminal and a
// desktop asks in a zenity window; a malformed answer is asked again; the
// code typed there gets a session, the JSON comes back, and STS saw one
// GetSessionToken.
func TestDialogAsksWithoutTerminal(t *testing.T) {
	t.Parallel()
	needDialogTools(t)
	display := xvfb(t)
	w := newWorld(t, demoConfig, demoCredentials)
	r := startNoTTY(t, w, t.TempDir(), map[string]string{"DISPLAY": display}, "credential-process", "dev")
	first := dialogWindow(t, r, display, "dialog-dev", "")
	x(t, display, "xdotool", "type", "--delay", "20", "12345")
	x(t, display, "xdotool", "key", "Return")
	// A malformed answer is asked again, saying why.
	dialogWindow(t, r, display, "dialog-dev-again", first)
	code := w.code()
	x(t, display, "xdotool", "type", "--delay", "20", code)
	x(t, display, "xdotool", "key", "Return")
	r.wait(t)
	if strings.Contains(r.stderr.String(), code) {
		t.Errorf("the code reached stderr:\n%s", r.stderr.String())
	}
	if r.status != 0 {
		t.Fatalf("status %d, stderr:\n%s", r.status, r.stderr.String())
	}
	var out struct {
		Version                                                int
		AccessKeyID, SecretAccessKey, SessionToken, Expiration string
	}
	if err := json.Unmarshal(r.stdout.Bytes(), &out); err != nil {
		t.Fatalf("stdout is not credential_process JSON (%v):\n%s", err, r.stdout.String())
	}
	if out.Version != 1 || !strings.HasPrefix(out.AccessKeyID, "ASIA") || out.SecretAccessKey == "" || out.SessionToken == "" || out.Expiration == "" {
		t.Fatalf("credential_process JSON lacks fields: %s", r.stdout.String())
	}
	if n := w.emu.Count("GetSessionToken"); n != 1 {
		t.Fatalf("GetSessionToken calls = %d, want 1", n)
	}
	if want := "asking for the MFA code for dev (arn:aws:iam::123456789012:mfa/demo) in a zenity window"; !strings.Contains(r.stderr.String(), want) {
		t.Errorf("stderr does not say what is waited for (%q):\n%s", want, r.stderr.String())
	}
}

// TestDialogCancel: Escape in the window (zenity's or kdialog's) is one
// clear error, a non-zero exit, nothing cached and no call to STS.
func TestDialogCancel(t *testing.T) {
	t.Parallel()
	for _, program := range []string{"zenity", "kdialog"} {
		t.Run(program, func(t *testing.T) {
			needDialogTools(t)
			testenv.Need(t, program)
			display := xvfb(t)
			w := newWorld(t, demoConfig, demoCredentials)
			r := startNoTTY(t, w, t.TempDir(), map[string]string{"DISPLAY": display, "AWSMFA_DIALOG": program}, "credential-process", "dev")
			dialogWindow(t, r, display, "dialog-cancel-"+program, "")
			x(t, display, "xdotool", "key", "Escape")
			r.wait(t)
			if r.status == 0 {
				t.Fatalf("a cancelled dialog exited 0; stdout:\n%s", r.stdout.String())
			}
			want := "awsmfa: cancelled: no MFA code was entered: the " + program + " window was cancelled"
			lines := strings.Split(strings.TrimSpace(r.stderr.String()), "\n")
			if len(lines) != 2 || lines[1] != want {
				t.Fatalf("want the question and one clear line, %q; got:\n%s", want, r.stderr.String())
			}
			if r.stdout.Len() != 0 {
				t.Errorf("stdout after a cancel: %q", r.stdout.String())
			}
			if files := w.cacheFiles(); len(files) != 0 {
				t.Errorf("a cancel cached sessions: %v", files)
			}
			if n := w.emu.Count("GetSessionToken"); n != 0 {
				t.Errorf("GetSessionToken calls = %d after a cancel, want 0", n)
			}
		})
	}
}

// TestDialogHostileProfileName: a profile name that looks like markup and
// a shell command reaches zenity and kdialog as one argument, escaped so it
// shows literally (zenity's entry text expands backslashes and takes _ as
// a mnemonic; kdialog's is rich text that takes & as one), nothing runs
// it, and the code typed gets a session. The screenshots show the name.
func TestDialogHostileProfileName(t *testing.T) {
	t.Parallel()
	const name = `<b>x</b>&amp;_$(touch${IFS}pwned)`
	for _, tc := range []struct {
		program string
		want    string // the text argument
	}{
		{"zenity", "MFA code for profile <b>x</b>&amp;__$(touch${IFS}pwned)\nMFA device arn:aws:iam::123456789012:mfa/demo"},
		{"kdialog", "<qt>MFA code for profile &lt;b&gt;x&lt;/b&gt;&amp;&amp;amp;_$(touch${IFS}pwned)<br>MFA device arn:aws:iam::123456789012:mfa/demo</qt>"},
	} {
		t.Run(tc.program, func(t *testing.T) {
			needDialogTools(t)
			real := testenv.Need(t, tc.program)
			display := xvfb(t)
			config := "[profile " + name + "]\nmfa_serial = arn:aws:iam::123456789012:mfa/demo\nregion = us-east-1\n"
			creds := strings.Replace(demoCredentials, "[dev]", "["+name+"]", 1)
			w := newWorld(t, config, creds)
			// The program, recording its arguments before it runs.
			bin, dir := t.TempDir(), t.TempDir()
			args := filepath.Join(t.TempDir(), "args")
			script := "#!/bin/sh\nprintf '%s\\n--\\n' \"$@\" > '" + args + "'\nexec " + real + " \"$@\"\n"
			if err := os.WriteFile(filepath.Join(bin, tc.program), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			r := startNoTTY(t, w, dir, map[string]string{"DISPLAY": display, "PATH": bin + ":" + os.Getenv("PATH"), "AWSMFA_DIALOG": tc.program}, "credential-process", name)
			dialogWindow(t, r, display, "dialog-hostile-name-"+tc.program, "")
			x(t, display, "xdotool", "type", "--delay", "20", w.code())
			x(t, display, "xdotool", "key", "Return")
			r.wait(t)
			if r.status != 0 {
				t.Fatalf("status %d, stderr:\n%s", r.status, r.stderr.String())
			}
			b, err := os.ReadFile(args)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "--\n"+tc.want+"\n--\n") {
				t.Errorf("%s's text is not the escaped name in one argument; want\n%s\ngot arguments:\n%s", tc.program, tc.want, b)
			}
			if _, err := os.Stat(filepath.Join(dir, "pwned")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the profile name ran as a command (pwned: %v)", err)
			}
		})
	}
}

// TestDialogCannotStart: a dialog that cannot be shown is one clear error,
// with nothing cached and no call to STS; AWSMFA_DIALOG=off keeps the
// error of a machine with no terminal.
func TestDialogCannotStart(t *testing.T) {
	t.Parallel()
	zenity, kdialog := testenv.Need(t, "zenity"), testenv.Need(t, "kdialog")
	empty := t.TempDir()
	noTerminal := "awsmfa: an MFA code is needed for arn:aws:iam::123456789012:mfa/demo but there is no terminal to ask on; pass --code or set mfa_process\n"
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // the whole of stderr, or a part of its one line
		all  bool
	}{
		{"zenity not in PATH", map[string]string{"AWSMFA_DIALOG": "zenity", "DISPLAY": ":0", "PATH": empty},
			"AWSMFA_DIALOG=zenity, but zenity is not in PATH; install it, or set AWSMFA_DIALOG=auto or off", false},
		{"display pointing nowhere", map[string]string{"DISPLAY": ":9999", "PATH": filepath.Dir(zenity)},
			"the zenity window could not be shown (exit status 1: cannot open display: :9999)", false},
		{"kdialog with a display pointing nowhere", map[string]string{"AWSMFA_DIALOG": "kdialog", "DISPLAY": ":9999", "PATH": filepath.Dir(kdialog)},
			"the kdialog window could not be shown (signal: aborted", false},
		{"no desktop for a chosen program", map[string]string{"AWSMFA_DIALOG": "zenity", "PATH": filepath.Dir(zenity)},
			"AWSMFA_DIALOG=zenity, but neither DISPLAY nor WAYLAND_DISPLAY is set", false},
		{"off", map[string]string{"AWSMFA_DIALOG": "off", "DISPLAY": ":9999", "PATH": filepath.Dir(zenity)}, noTerminal, true},
		{"auto without a desktop", map[string]string{"PATH": filepath.Dir(zenity)}, noTerminal, true},
		{"unknown value", map[string]string{"AWSMFA_DIALOG": "yad", "DISPLAY": ":0"},
			`awsmfa: AWSMFA_DIALOG="yad": use auto, zenity, kdialog, osascript or off` + "\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, demoConfig, demoCredentials)
			r := startNoTTY(t, w, t.TempDir(), tc.env, "credential-process", "dev")
			r.wait(t)
			stderr := r.stderr.String()
			if r.status == 0 || r.stdout.Len() != 0 {
				t.Fatalf("status %d, stdout %q", r.status, r.stdout.String())
			}
			switch {
			case tc.all && stderr != tc.want:
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tc.want)
			case !tc.all && (!strings.Contains(stderr, tc.want) || strings.Count(stderr, "awsmfa:") != 1 || strings.Count(stderr, "\n") > 2):
				// The one line before, if any, says what was tried.
				if before, after, ok := strings.Cut(stderr, "\n"); ok && strings.HasPrefix(before, "awsmfa: no terminal; asking for the MFA code") &&
					strings.Contains(after, tc.want) && strings.Count(after, "awsmfa:") == 1 && strings.Count(after, "\n") <= 2 {
					break
				}
				t.Errorf("want one clear error with %q, got:\n%s", tc.want, stderr)
			}
			if files := w.cacheFiles(); len(files) != 0 {
				t.Errorf("cached sessions: %v", files)
			}
			if n := w.emu.Count("GetSessionToken"); n != 0 {
				t.Errorf("GetSessionToken calls = %d, want 0", n)
			}
		})
	}
}

// TestDialogDeadline: a window nobody answers is closed at its deadline,
// and the question counts as cancelled.
func TestDialogDeadline(t *testing.T) {
	t.Parallel()
	needDialogTools(t)
	display := xvfb(t)
	d, err := mfa.DialogFor(func(k string) string {
		return map[string]string{"DISPLAY": display, "PATH": os.Getenv("PATH"), "AWSMFA_DIALOG": "zenity"}[k]
	}, "linux")
	if err != nil || d == nil || d.Unusable != nil {
		t.Fatalf("DialogFor: %+v, %v", d, err)
	}
	d.Env = append(os.Environ(), "DISPLAY="+display)
	d.Timeout = 2 * time.Second
	start := time.Now()
	_, err = d.Code(t.Context(), "arn:aws:iam::123456789012:mfa/demo")
	if !errors.Is(err, mfa.ErrCancelled) || !strings.Contains(err.Error(), "the zenity window had no answer within 2s and was closed") {
		t.Fatalf("err = %v, want a cancel at the deadline", err)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("a 2s deadline took %s", took)
	}
	// The window is gone: zenity was killed, not left on the screen.
	noWindow(t, display)
}

// TestDialogHook: the prompt hook opens a window only when
// AWSMFA_HOOK_MFA=prompt says so outright, and a cancel there is the
// hook's "needs a new code" (exit 3), not a failure.
func TestDialogHook(t *testing.T) {
	t.Parallel()
	needDialogTools(t)
	display := xvfb(t)
	w := newWorld(t, demoConfig, demoCredentials)
	r := startNoTTY(t, w, t.TempDir(), map[string]string{"DISPLAY": display}, "env", "--hook", "dev")
	r.wait(t)
	if want := "awsmfa: an MFA code is needed for arn:aws:iam::123456789012:mfa/demo but there is no terminal to ask on; pass --code or set mfa_process\n"; r.status == 0 || r.stderr.String() != want {
		t.Fatalf("hook with AWSMFA_HOOK_MFA unset: status %d, stderr:\n%s\nwant:\n%s", r.status, r.stderr.String(), want)
	}
	r = startNoTTY(t, w, t.TempDir(), map[string]string{"DISPLAY": display, "AWSMFA_HOOK_MFA": "prompt"}, "env", "--hook", "dev")
	dialogWindow(t, r, display, "dialog-hook", "")
	x(t, display, "xdotool", "key", "Escape")
	r.wait(t)
	if r.status != 3 || !strings.Contains(r.stderr.String(), "dev: the session needs a new MFA code; run: ") || r.stdout.Len() != 0 {
		t.Fatalf("hook cancel: status %d, stdout %q, stderr:\n%s", r.status, r.stdout.String(), r.stderr.String())
	}
	if n := w.emu.Count("GetSessionToken"); n != 0 {
		t.Errorf("GetSessionToken calls = %d, want 0", n)
	}
}

// TestExplainNamesDialog: explain names the window that would ask when
// there is no terminal, or why it cannot.
func TestExplainNamesDialog(t *testing.T) {
	t.Parallel()
	zenity := testenv.Need(t, "zenity")
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"DISPLAY": ":0", "PATH": filepath.Dir(zenity)},
			"MFA code from: a question on the terminal (/dev/tty); with no terminal, a zenity window on the desktop (AWSMFA_DIALOG)\n"},
		{map[string]string{"PATH": filepath.Dir(zenity)},
			"MFA code from: a question on the terminal (/dev/tty)\n"},
		{map[string]string{"AWSMFA_DIALOG": "zenity", "PATH": t.TempDir(), "DISPLAY": ":0"},
			"MFA code from: a question on the terminal (/dev/tty); with no terminal, a zenity window, which cannot be shown here: AWSMFA_DIALOG=zenity, but zenity is not in PATH; install it, or set AWSMFA_DIALOG=auto or off\n"},
	} {
		w := newWorld(t, demoConfig, demoCredentials)
		for k, v := range tc.env {
			w.env[k] = v
		}
		status, stdout, stderr := w.run("explain", "dev")
		if status != 0 || !strings.Contains(stdout, tc.want) {
			t.Errorf("explain with %v: status %d, want %q in:\n%s%s", tc.env, status, tc.want, stdout, stderr)
		}
	}
}

// TestDialogGoneWithAwsmfa: awsmfa killed outright (an IDE giving up on
// credential_process) takes its window with it.
func TestDialogGoneWithAwsmfa(t *testing.T) {
	t.Parallel()
	needDialogTools(t)
	display := xvfb(t)
	w := newWorld(t, demoConfig, demoCredentials)
	r := startNoTTY(t, w, t.TempDir(), map[string]string{"DISPLAY": display}, "credential-process", "dev")
	dialogWindow(t, r, display, "dialog-killed", "")
	if err := r.proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r.wait(t)
	noWindow(t, display)
}

// noWindow waits (at most 10s) until no awsmfa window is shown on display.
func noWindow(t *testing.T, display string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ := xTry(display, "xdotool", "search", "--onlyvisible", "--name", "^"+dialogTitle+"$")
		if out == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window is still shown 10s after awsmfa let it go: %s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDialogUsedCode: a code typed in the window that STS accepted before
// is not sent again: awsmfa says so and asks again, as at the terminal.
func TestDialogUsedCode(t *testing.T) {
	t.Parallel()
	needDialogTools(t)
	display := xvfb(t)
	w := newWorld(t, demoConfig, demoCredentials)
	env := map[string]string{"DISPLAY": display}
	code := w.code()
	r := startNoTTY(t, w, t.TempDir(), env, "credential-process", "dev")
	dialogWindow(t, r, display, "dialog-used-first", "")
	x(t, display, "xdotool", "type", "--delay", "20", code)
	x(t, display, "xdotool", "key", "Return")
	r.wait(t)
	if r.status != 0 {
		t.Fatalf("first run: status %d, stderr:\n%s", r.status, r.stderr.String())
	}
	r = startNoTTY(t, w, t.TempDir(), env, "credential-process", "--force", "dev")
	first := dialogWindow(t, r, display, "dialog-used-same", "")
	x(t, display, "xdotool", "type", "--delay", "20", code)
	x(t, display, "xdotool", "key", "Return")
	dialogWindow(t, r, display, "dialog-used-again", first)
	x(t, display, "xdotool", "type", "--delay", "20", w.code())
	x(t, display, "xdotool", "key", "Return")
	r.wait(t)
	if r.status != 0 {
		t.Fatalf("second run: status %d, stderr:\n%s", r.status, r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "was used already") {
		t.Errorf("stderr does not say the code was used:\n%s", r.stderr.String())
	}
	if n := w.emu.Count("GetSessionToken"); n != 2 {
		t.Errorf("GetSessionToken calls = %d, want 2 (the used code never sent)", n)
	}
}
