package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/internal/testenv/sandbox"
	"github.com/awsmfa/awsmfa/mfa"
)

// helperEnv selects what the test binary does when a profile's
// mfa_process runs it: "code" prints the emulator's current code, "hang"
// records its pid and sleeps.
const helperEnv = "AWSMFA_RELIABILITY_HELPER"

// builds holds the awsmfa binary under test, built once for the run.
var builds testenv.Builds

// TestMain runs the tests, eight at once unless -parallel says (most of
// one waits for a deadline to pass), or, when a profile's mfa_process runs
// this binary, acts as that code source.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(testenv.Parallel(8, builds.RemoveAfter(m)).Run())
}

// helper is the mfa_process side of the tests. In mode "code" it asks the
// emulator at $EMU_URL for the current code of $AWSMFA_MFA_SERIAL, waits
// $CODE_DELAY if set, appends "SERIAL CODE" to $CODE_LOG and prints the
// code. In mode "hang" it writes its pid to $HANG_PIDFILE and sleeps for
// a minute (awsmfa's mfa_process timeout), holding its caller in the lock.
func helper(mode string) int {
	switch mode {
	case "code":
		serial := os.Getenv("AWSMFA_MFA_SERIAL")
		resp, err := http.Get(os.Getenv("EMU_URL") + "/_emu/code?serial=" + url.QueryEscape(serial))
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		defer resp.Body.Close()
		var body struct{ Code, Error string }
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Code == "" {
			fmt.Fprintln(os.Stderr, "helper: no code from the emulator:", err, body.Error)
			return 1
		}
		if d, err := time.ParseDuration(os.Getenv("CODE_DELAY")); err == nil {
			time.Sleep(d)
		}
		f, err := os.OpenFile(os.Getenv("CODE_LOG"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		fmt.Fprintf(f, "%s %s\n", serial, body.Code)
		f.Close()
		fmt.Println(body.Code)
		return 0
	case "hang":
		p := os.Getenv("HANG_PIDFILE")
		if err := os.WriteFile(p+".tmp", []byte(fmt.Sprint(os.Getpid())), 0o600); err != nil {
			return 1
		}
		if err := os.Rename(p+".tmp", p); err != nil {
			return 1
		}
		time.Sleep(time.Minute)
		return 1
	}
	fmt.Fprintf(os.Stderr, "helper: unknown mode %q\n", mode)
	return 2
}

// world is one isolated user: a home with an AWS config naming profile
// "dev" (GetSessionToken on the demo device, codes from the helper) and
// "admin" (a role minted from dev's MFA session), a cache directory, and
// an emulator of its own on 127.0.0.1.
type world struct {
	t        *testing.T
	dir      string
	cacheDir string // XDG_CACHE_HOME; the store is cacheDir/awsmfa
	codeLog  string
	emu      *stsemu.Server
	url      string
	env      []string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("[profile dev]\nmfa_serial = %[1]s\nmfa_process = '%[2]s'\n\n"+
		"[profile admin]\nsource_profile = dev\nrole_arn = arn:aws:iam::%[3]s:role/demo-admin\nmfa_serial = %[1]s\nmfa_process = '%[2]s'\n",
		stsemu.DemoSerial, self, stsemu.DemoAccount)
	credentials := fmt.Sprintf("[dev]\naws_access_key_id = %s\naws_secret_access_key = %s\n", stsemu.DemoAccessKeyID, stsemu.DemoSecretAccessKey)
	u := sandbox.New(t, stsemu.DemoState(), config, credentials)
	dir := filepath.Dir(u.Home)
	w := &world{
		t:        t,
		dir:      dir,
		cacheDir: u.Cache,
		codeLog:  filepath.Join(dir, "codes.log"),
		emu:      u.Emu,
		url:      u.URL,
	}
	w.env = append(u.Env(),
		"EMU_URL="+u.URL,
		"CODE_LOG="+w.codeLog,
		helperEnv+"=code",
	)
	return w
}

// store is the cache directory awsmfa uses.
func (w *world) store() string { return filepath.Join(w.cacheDir, "awsmfa") }

// result is what one awsmfa process did.
type result struct {
	stdout, stderr string
	exit           int
}

// command returns an awsmfa process in the world, with extra environment
// variables (which win over the world's).
func (w *world) command(ctx context.Context, extra []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, builds.Command(w.t, "awsmfa"), args...)
	cmd.Env = append(append([]string(nil), w.env...), extra...)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// run runs awsmfa to completion (at most 30 s) and returns what it did.
func (w *world) run(extra []string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, stdout, stderr := w.command(ctx, extra, args...)
	err := cmd.Run()
	if ctx.Err() != nil {
		w.t.Fatalf("awsmfa %s did not finish within 30 s; stderr:\n%s", strings.Join(args, " "), stderr)
	}
	return result{stdout.String(), stderr.String(), exitCode(w.t, err)}
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Fatalf("cannot run awsmfa: %v", err)
	return -1
}

// envDev is `awsmfa env --shell bash dev`, which must succeed.
func (w *world) envDev() string {
	w.t.Helper()
	r := w.run(nil, "env", "--shell", "bash", "dev")
	if r.exit != 0 || r.stderr != "" {
		w.t.Fatalf("awsmfa env dev: exit %d, stderr:\n%s", r.exit, r.stderr)
	}
	return r.stdout
}

// sessions returns the session files of the store by name, with their
// bytes.
func (w *world) sessions() map[string][]byte {
	w.t.Helper()
	names, err := filepath.Glob(filepath.Join(w.store(), "*.json"))
	if err != nil {
		w.t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, n := range names {
		// A symbolic link is recorded as its target, never followed.
		if fi, err := os.Lstat(n); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(n)
			if err != nil {
				w.t.Fatal(err)
			}
			m[filepath.Base(n)] = []byte("symlink to " + target)
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			w.t.Fatal(err)
		}
		m[filepath.Base(n)] = b
	}
	return m
}

// session returns the path of the store's only session file.
func (w *world) session() string {
	w.t.Helper()
	names, err := filepath.Glob(filepath.Join(w.store(), "*.json"))
	if err != nil || len(names) != 1 {
		w.t.Fatalf("want one session file in %s, found %v (%v)", w.store(), names, err)
	}
	return names[0]
}

// expire rewrites every cached session as one that expired a minute ago
// (issued 12 hours before), keeping everything else, so the next env must
// refresh it.
func (w *world) expire() {
	w.t.Helper()
	now := time.Now().UTC()
	for name, b := range w.sessions() {
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			w.t.Fatalf("session file %s: %v", name, err)
		}
		f["Expiration"] = now.Add(-time.Minute).Format(time.RFC3339)
		f["Issued"] = now.Add(-12*time.Hour - time.Minute).Format(time.RFC3339)
		out, err := json.Marshal(f)
		if err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(w.store(), name), out, 0o600); err != nil {
			w.t.Fatal(err)
		}
	}
}

// staleDev gives the world a cached session for dev that has expired, then
// moves the emulator to the next TOTP step (so a new code is not a replay)
// and empties its log. It returns the expired session's key id.
//
// awsmfa records the time step of the last code STS accepted and waits for
// the next step rather than send a code twice; as the session now looks 12
// hours old, that record goes too (else every test would wait up to 30 s).
func (w *world) staleDev() string {
	w.t.Helper()
	old := keyID(w.t, w.envDev())
	w.expire()
	if err := os.Remove(filepath.Join(w.store(), mfa.LedgerFile)); err != nil && !os.IsNotExist(err) {
		w.t.Fatal(err)
	}
	w.emu.Advance(30 * time.Second)
	w.emu.Reset()
	return old
}

// codes returns the lines the code helper logged: "SERIAL CODE".
func (w *world) codes() []string {
	w.t.Helper()
	b, err := os.ReadFile(w.codeLog)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// secrets returns every secret the world knows: the long-term secret key,
// the codes handed out, and the secret parts of the cached sessions.
func (w *world) secrets() []string {
	w.t.Helper()
	s := []string{stsemu.DemoSecretAccessKey}
	for _, line := range w.codes() {
		if _, code, ok := strings.Cut(line, " "); ok {
			s = append(s, code)
		}
	}
	for _, b := range w.sessions() {
		var f struct{ SecretAccessKey, SessionToken string }
		if json.Unmarshal(b, &f) == nil {
			s = append(s, f.SecretAccessKey, f.SessionToken)
		}
	}
	return s
}

// tempFiles lists files in the store other than sessions, locks and the
// markers directory: what a failed save might leave behind.
func (w *world) tempFiles() []string {
	w.t.Helper()
	ents, err := os.ReadDir(w.store())
	if err != nil {
		w.t.Fatal(err)
	}
	var left []string
	for _, e := range ents {
		n := e.Name()
		if n == "markers" || n == mfa.LedgerFile || strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".lock") {
			continue
		}
		left = append(left, n)
	}
	return left
}

// keyID returns the AWS_ACCESS_KEY_ID that bash output from env exports.
func keyID(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "export AWS_ACCESS_KEY_ID="); ok {
			return strings.Trim(v, "'")
		}
	}
	t.Fatalf("no AWS_ACCESS_KEY_ID in env output:\n%s", out)
	return ""
}

// checkClearError asserts r is a failure a person can act on: non-zero
// exit, nothing on stdout (an eval of it must do nothing), one or two
// lines (plus any warnings) on stderr starting "awsmfa: ", every phrase of
// want in it, and no panic or secret.
func checkClearError(t *testing.T, w *world, r result, want ...string) {
	t.Helper()
	t.Logf("awsmfa said:\n%s", r.stderr)
	if r.exit == 0 {
		t.Errorf("exit 0, want a failure; stdout:\n%s", r.stdout)
	}
	if r.stdout != "" {
		t.Errorf("stdout on failure (an eval would run it):\n%s", r.stdout)
	}
	var msg []string
	for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if !strings.Contains(line, "level=WARN") {
			msg = append(msg, line)
		}
	}
	if len(msg) == 0 || len(msg) > 2 || !strings.HasPrefix(msg[0], "awsmfa: ") {
		t.Errorf("want a one- or two-line error starting \"awsmfa: \", got:\n%s", r.stderr)
	}
	for _, p := range want {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("error does not say %q:\n%s", p, r.stderr)
		}
	}
	checkNoSecrets(t, w, r.stderr)
}

// checkNoSecrets fails when text holds any secret the world knows, or a
// Go panic.
func checkNoSecrets(t *testing.T, w *world, text string) {
	t.Helper()
	for _, s := range w.secrets() {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("stderr holds a secret (%.4s…):\n%s", s, text)
		}
	}
	if strings.Contains(text, "panic") || strings.Contains(text, "goroutine ") {
		t.Errorf("stderr shows a panic:\n%s", text)
	}
}

// sameFiles fails unless the store's session files are byte-identical to
// before, and no temporary file was left.
func sameFiles(t *testing.T, w *world, before map[string][]byte) {
	t.Helper()
	after := w.sessions()
	if len(after) != len(before) {
		t.Errorf("session files changed: %d before, %d after", len(before), len(after))
	}
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("session file %s changed:\nbefore %s\nafter  %s", name, b, after[name])
		}
	}
	if left := w.tempFiles(); len(left) > 0 {
		t.Errorf("files left behind in the cache: %v", left)
	}
}
