package acceptance

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/ptytest"
	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/internal/testenv/sandbox"
	"github.com/awsmfa/awsmfa/shellinit"
)

// builds holds the awsmfa binary the shims run, built once for the run.
var builds testenv.Builds

// TestMain runs eight tests at once (unless -parallel says): most of one
// is a sleep until a session is due.
func TestMain(m *testing.M) {
	os.Exit(testenv.Parallel(8, builds.RemoveAfter(m)).Run())
}

var shells = []string{"bash", "zsh", "fish"}

const config = `[profile base]
mfa_serial = arn:aws:iam::123456789012:mfa/demo
region = eu-west-1

[profile admin]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo

[profile admin-short]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo
duration_seconds = 900

[profile short]
mfa_serial = arn:aws:iam::123456789012:mfa/demo
duration_seconds = 900
`

var credentials = fmt.Sprintf(`[base]
aws_access_key_id = %[1]s
aws_secret_access_key = %[2]s

[short]
aws_access_key_id = %[1]s
aws_secret_access_key = %[2]s
`, stsemu.DemoAccessKeyID, stsemu.DemoSecretAccessKey)

// world is one user's machine: config files, a cache, an emulator (the
// sandbox), and a shim named awsmfa first in PATH that records each start
// and runs the real binary. The hooks point at the shim.
type world struct {
	*sandbox.User
	t    *testing.T
	dir  string // the shim's directory and the hooks' files
	bin  string // the real awsmfa
	shim string
}

func newWorld(t *testing.T) *world {
	w := &world{User: sandbox.New(t, stsemu.DemoState(), config, credentials), t: t, dir: t.TempDir(), bin: builds.Command(t, "awsmfa")}
	bin := filepath.Join(w.dir, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	w.shim = filepath.Join(bin, "awsmfa")
	shim := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" >> %s\nexec %s \"$@\"\n", shq(w.shim+".starts"), shq(w.bin))
	if err := os.WriteFile(w.shim, []byte(shim), 0o700); err != nil {
		t.Fatal(err)
	}
	return w
}

// user is the name of the account the tests run as.
func (w *world) user() string {
	w.t.Helper()
	u, err := user.Current()
	if err != nil {
		w.t.Fatalf("cannot tell who runs the tests: %v", err)
	}
	return u.Username
}

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// starts lists the shim's recorded starts.
func (w *world) starts() []string {
	b, err := os.ReadFile(w.shim + ".starts")
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// shell starts an interactive shell with the hook loaded, pointing at the
// shim, in this world; extra is added to its environment.
func (w *world) shell(name string, extra ...string) *ptytest.Shell {
	w.t.Helper()
	sh, err := shellinit.Lookup(name)
	if err != nil {
		w.t.Fatal(err)
	}
	hook := filepath.Join(w.dir, "hook."+name)
	if err := os.WriteFile(hook, []byte(sh.Hook(w.shim)), 0o600); err != nil {
		w.t.Fatal(err)
	}
	rc := "PATH=" + shq(filepath.Dir(w.shim)) + ":$PATH\n. " + shq(hook) + "\n"
	if name == "fish" {
		rc = "set -gx PATH " + sh.Quote(filepath.Dir(w.shim)) + " $PATH\nsource " + sh.Quote(hook) + "\n"
	}
	env := append([]string{
		// The user's real name, as on a real machine: fish replaces a $USER
		// that names no account with the one its uid has, and awsmfa's
		// default role session name (part of the cache key) comes from it.
		"USER=" + w.user(),
		"LOGNAME=" + w.user(),
		"AWS_CONFIG_FILE=" + w.Config(),
		"AWS_SHARED_CREDENTIALS_FILE=" + w.Credentials(),
		"AWS_ENDPOINT_URL_STS=" + w.URL,
		"AWS_ENDPOINT_URL_IAM=" + w.URL,
		"AWS_EC2_METADATA_DISABLED=true",
		"XDG_CACHE_HOME=" + w.Cache,
	}, extra...)
	return ptytest.StartShell(w.t, name, ptytest.Options{Env: env, RC: rc})
}

// code is the demo device's current code by the emulator's clock.
func (w *world) code() string { return w.Code(w.t) }

// issued counts the action's successful calls.
func (w *world) issued(action string) int {
	n := 0
	for _, r := range w.Emu.Log() {
		if r.Action == action && r.Status == 200 && r.ErrorCode == "" {
			n++
		}
	}
	return n
}

// envLine is what the user types to export profile's session.
func envLine(shell, profile, code string) string {
	args := "env " + profile
	if code != "" {
		args += " --code " + code
	}
	if shell == "fish" {
		return "awsmfa " + args + " | source"
	}
	return `eval "$(awsmfa ` + args + `)"`
}

func keyOf(sh *ptytest.Shell) string { return sh.Value(`"$AWS_ACCESS_KEY_ID"`) }

func segmentOf(sh *ptytest.Shell) string {
	if sh.Name == "fish" {
		return sh.Value(`(awsmfa_prompt)`)
	}
	return sh.Value(`"$AWSMFA_PROMPT"`)
}

// refreshAt reads the exported AWSMFA_REFRESH_AT.
func refreshAt(t *testing.T, sh *ptytest.Shell) time.Time {
	t.Helper()
	v := sh.Value(`"$AWSMFA_REFRESH_AT"`)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("AWSMFA_REFRESH_AT = %q: %v", v, err)
	}
	return time.Unix(n, 0)
}

// firstLife is how long soonDue's first sessions last.
const firstLife = 4 * time.Second

// soonDue gives a test a session that comes due in seconds. prepare runs in
// a new world whose emulator shortens sessions to life seconds per 900
// asked for (the shortest STS grants), and a role's MFA session to 48
// times that: it starts the shells it needs with minTTL (a quarter of
// life) as AWSMFA_MIN_TTL, exports a session, notes whatever must be seen
// before the session is due, and returns the session's refresh time
// (AWSMFA_REFRESH_AT). Once prepare has returned, the emulator issues
// sessions of AWS's lengths again, so that a refreshed session is not due
// again during the rest of the test.
//
// On a loaded machine prepare may outlast those seconds; then a prompt may
// have been due already, what prepare noted proves nothing, and soonDue
// tries again in a new world with sessions twice as long, up to 32 s
// (a 23-second wait, twice what a loaded machine was seen to need). The caller checks what prepare noted only after soonDue returns.
func soonDue(t *testing.T, prepare func(w *world, minTTL string) (due time.Time)) (*world, time.Time) {
	t.Helper()
	for life := firstLife; ; life *= 2 {
		w := newWorld(t)
		if err := w.Emu.ShortenSessions(int(900 * time.Second / life)); err != nil {
			t.Fatal(err)
		}
		due := prepare(w, (life / 4).String())
		// The shells read the same clock before each prompt that this
		// reads after the last: every prompt so far came before the due time.
		// due is in whole seconds and awsmfa compares exact instants, so a
		// second is kept in hand.
		if time.Now().Add(time.Second).Before(due) {
			if err := w.Emu.ShortenSessions(1); err != nil {
				t.Fatal(err)
			}
			return w, due
		}
		if life >= 32*time.Second {
			t.Fatalf("even with sessions of %v the session was due before the test had looked at it; is the machine that loaded?", life)
		}
		t.Logf("the session of %v was due before the test had looked at it (a loaded machine); again with one of %v", life, 2*life)
	}
}

// waitUntil sleeps until the wall clock is past at, by awsmfa's reckoning
// too: the hooks compare whole seconds, awsmfa the exact instant.
func waitUntil(at time.Time) {
	time.Sleep(time.Until(at.Add(time.Second)))
}

// TestNotDue: after eval of env output with the hook loaded, 50 prompts
// start no awsmfa, and the segment shows the time left.
func TestNotDue(t *testing.T) {
	t.Parallel()
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			sh := w.shell(shell)
			sh.Run(envLine(shell, "admin", w.code()))
			if key := keyOf(sh); !strings.HasPrefix(key, "ASIA") {
				t.Fatalf("env exported AWS_ACCESS_KEY_ID %q", key)
			}
			before := len(w.starts())
			for range 50 {
				sh.Run("")
			}
			if starts := w.starts()[before:]; len(starts) != 0 {
				t.Errorf("50 prompts started awsmfa %d times: %q", len(starts), starts)
			}
			// A role session of an hour, refreshed 10 minutes early.
			if seg := segmentOf(sh); seg != "admin 59m" && seg != "admin 1h00m" {
				t.Errorf("prompt segment %q, want admin 59m", seg)
			}
			if shell == "fish" {
				m := sh.Value(`"$AWSMFA_MARKER"`)
				fi, err := os.Stat(m)
				if err != nil || !fi.ModTime().Equal(refreshAt(t, sh)) {
					t.Errorf("marker %q: %v; its mtime must be AWSMFA_REFRESH_AT", m, err)
				}
			}
		})
	}
}

// TestRoleRefresh: once a role session is due, the next prompt holds a new
// one, minted from the cached MFA session with no code.
func TestRoleRefresh(t *testing.T) {
	t.Parallel()
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			var sh *ptytest.Shell
			var old, seg string
			w, due := soonDue(t, func(w *world, minTTL string) time.Time {
				sh = w.shell(shell, "AWSMFA_MIN_TTL="+minTTL)
				sh.Run(envLine(shell, "admin-short", w.code()))
				old = keyOf(sh)
				seg = segmentOf(sh)
				return refreshAt(t, sh)
			})
			if !regexp.MustCompile(`^admin-short [0-9]+s$`).MatchString(seg) {
				t.Errorf("before it is due the segment is %q, want admin-short and the seconds left", seg)
			}
			waitUntil(due)
			out := sh.Run("")
			if strings.Contains(out, "MFA code") {
				t.Errorf("a role refresh asked for a code:\n%q", out)
			}
			if key := keyOf(sh); key == old || !strings.HasPrefix(key, "ASIA") {
				t.Errorf("after the due prompt AWS_ACCESS_KEY_ID = %q (was %q), want a new session", key, old)
			}
			if got := w.issued("GetSessionToken"); got != 1 {
				t.Errorf("GetSessionToken calls = %d, want 1 (the refresh must reuse the MFA session)", got)
			}
			if got := w.issued("AssumeRole"); got != 2 {
				t.Errorf("AssumeRole calls = %d, want 2", got)
			}
			if hookStarts := hookStarts(w.starts()); hookStarts != 1 {
				t.Errorf("the hook started awsmfa %d times, want 1: %q", hookStarts, w.starts())
			}
		})
	}
}

// TestCodeRefresh: an expired MFA session asks for one code at the
// terminal. Ctrl-C there keeps the old environment and the following prompts
// do not ask until the back-off ends; then one code typed gives a new session.
func TestCodeRefresh(t *testing.T) {
	t.Parallel()
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			var sh *ptytest.Shell
			var old string
			w, due := soonDue(t, func(w *world, minTTL string) time.Time {
				sh = w.shell(shell, "AWSMFA_MIN_TTL="+minTTL)
				sh.Run(envLine(shell, "short", w.code()))
				old = keyOf(sh)
				return refreshAt(t, sh)
			})
			w.Emu.Advance(30 * time.Second) // the next code is a new one
			waitUntil(due)

			sh.Send("\r")
			sh.ExpectString("MFA code for")
			sh.Send("\x03")
			sh.ExpectString(ptytest.Prompt)
			if key := keyOf(sh); key != old {
				t.Errorf("after Ctrl-C AWS_ACCESS_KEY_ID = %q, want the old %q", key, old)
			}
			for range 3 {
				if out := sh.Run(""); strings.Contains(out, "MFA code") {
					t.Fatalf("asked again during the back-off:\n%q", out)
				}
			}
			if got := w.issued("GetSessionToken"); got != 1 {
				t.Errorf("GetSessionToken calls = %d after Ctrl-C, want 1", got)
			}

			// The back-off ends (white box: its variable), and the
			// question comes back; one code answers it.
			if shell == "fish" {
				sh.Send("set -g __awsmfa_retry_at 0\r")
			} else {
				sh.Send("_awsmfa_retry_at=0 _awsmfa_next=0\r")
			}
			sh.ExpectString("MFA code for")
			sh.Send(w.code() + "\r")
			sh.ExpectString(ptytest.Prompt)
			if key := keyOf(sh); key == old || !strings.HasPrefix(key, "ASIA") {
				t.Errorf("after the code AWS_ACCESS_KEY_ID = %q (was %q), want a new session", key, old)
			}
			if got := w.issued("GetSessionToken"); got != 2 {
				t.Errorf("GetSessionToken calls = %d, want 2", got)
			}
		})
	}
}

// TestTwoShells: two shells hold the same session; the first to reach a due
// prompt refreshes it, and the second's next due prompt takes that session
// from the cache with no STS request of any kind, in each pair of shells.
func TestTwoShells(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]string{{"bash", "zsh"}, {"zsh", "fish"}, {"fish", "bash"}} {
		first, second := pair[0], pair[1]
		t.Run(first+"-"+second, func(t *testing.T) {
			t.Parallel()
			var a, b *ptytest.Shell
			var old, got string
			w, due := soonDue(t, func(w *world, minTTL string) time.Time {
				a = w.shell(first, "AWSMFA_MIN_TTL="+minTTL)
				b = w.shell(second, "AWSMFA_MIN_TTL="+minTTL)
				a.Run(envLine(first, "admin-short", w.code()))
				b.Run(envLine(second, "admin-short", ""))
				old, got = keyOf(a), keyOf(b)
				return refreshAt(t, a)
			})
			if got != old {
				t.Fatalf("the second shell got %q, want the cached %q", got, old)
			}
			waitUntil(due)
			a.Run("")
			fresh := keyOf(a)
			if fresh == old {
				t.Fatalf("the first shell did not refresh")
			}
			hits, logged, starts := w.Hits(), len(w.Emu.Log()), len(w.starts())
			b.Run("")
			if got := keyOf(b); got != fresh {
				t.Errorf("the second shell holds %q, want the first shell's new %q", got, fresh)
			}
			// The second shell's hook did run awsmfa (else the checks
			// below prove nothing), and awsmfa answered from the cache.
			if got := hookStarts(w.starts()[starts:]); got != 1 {
				t.Errorf("the second shell's due prompt started awsmfa --hook %d times, want 1: %q", got, w.starts()[starts:])
			}
			if got := w.Hits() - hits; got != 0 {
				t.Errorf("the second shell's refresh sent %d requests to STS, want none: %+v", got, w.Emu.Log()[logged:])
			} else if got := w.Emu.Log()[logged:]; len(got) != 0 {
				t.Errorf("the second shell's refresh is in the emulator's log, want nothing: %+v", got)
			}
			if got := w.issued("GetSessionToken"); got != 1 {
				t.Errorf("GetSessionToken calls = %d, want 1", got)
			}
		})
	}
}

// hookStarts counts the starts the prompt hook made (awsmfa env --hook).
func hookStarts(starts []string) int {
	n := 0
	for _, s := range starts {
		if strings.Contains(s, "--hook") {
			n++
		}
	}
	return n
}

// TestUnset: after awsmfa env --unset the hook is quiet in that shell.
func TestUnset(t *testing.T) {
	t.Parallel()
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			var sh *ptytest.Shell
			var before int
			w, due := soonDue(t, func(w *world, minTTL string) time.Time {
				sh = w.shell(shell, "AWSMFA_MIN_TTL="+minTTL)
				sh.Run(envLine(shell, "admin-short", w.code()))
				due := refreshAt(t, sh)
				if shell == "fish" {
					sh.Run("awsmfa env --unset --shell fish | source")
				} else {
					sh.Run(`eval "$(awsmfa env --unset --shell ` + shell + `)"`)
				}
				before = len(w.starts())
				return due
			})
			waitUntil(due)
			for range 3 {
				sh.Run("")
			}
			if starts := w.starts()[before:]; len(starts) != 0 {
				t.Errorf("after --unset the hook started awsmfa: %q", starts)
			}
			if seg := segmentOf(sh); seg != "" {
				t.Errorf("after --unset the segment is %q, want empty", seg)
			}
			if key := keyOf(sh); key != "" {
				t.Errorf("after --unset AWS_ACCESS_KEY_ID = %q", key)
			}
		})
	}
}

// TestHookMFAModes: with AWSMFA_HOOK_MFA=warn or off, an MFA session that
// needs a new code is never asked for: no question on the terminal, nothing
// read from it, no STS request. warn prints one line, off nothing; an
// unknown value is refused by name. In each case the old environment stays
// and the hook backs off.
func TestHookMFAModes(t *testing.T) {
	t.Parallel()
	// Typed ahead at the due prompt, it must reach the shell as a command,
	// not awsmfa as a code.
	const typed = `printf '%s-%s\n' typed ahead`
	typedOut := regexp.MustCompile(`(?:^|[\r\n])typed-ahead\r?\n`)
	for _, mode := range []string{"warn", "off", "maybe"} {
		for _, shell := range shells {
			t.Run(mode+"/"+shell, func(t *testing.T) {
				t.Parallel()
				var sh *ptytest.Shell
				var old string
				w, due := soonDue(t, func(w *world, minTTL string) time.Time {
					sh = w.shell(shell, "AWSMFA_MIN_TTL="+minTTL, "AWSMFA_HOOK_MFA="+mode)
					sh.Run(envLine(shell, "short", w.code()))
					old = keyOf(sh)
					return refreshAt(t, sh)
				})
				waitUntil(due)

				hits, logged, starts := w.Hits(), len(w.Emu.Log()), len(w.starts())
				sh.Send("\r" + typed + "\r")
				out := sh.Expect(`(?s)^(.*?)` + regexp.QuoteMeta(ptytest.Prompt))[1]
				next := sh.Expect(`(?s)^(.*?)` + regexp.QuoteMeta(ptytest.Prompt))[1]
				if strings.Contains(out+next, "MFA code for") {
					t.Errorf("AWSMFA_HOOK_MFA=%s asked for a code:\n%q", mode, out+next)
				}
				if !typedOut.MatchString(next) {
					t.Errorf("the line typed ahead did not run as a command (was it read as a code?):\n%q\n%q", out, next)
				}
				var lines []string
				for _, l := range strings.Split(out, "\n") {
					if strings.Contains(l, "awsmfa") {
						lines = append(lines, strings.TrimSpace(l))
					}
				}
				switch mode {
				case "warn":
					fix := `eval "$(awsmfa env short)"`
					if shell == "fish" {
						fix = "awsmfa env short | source"
					}
					if len(lines) != 1 || !strings.Contains(lines[0], "short: the session needs a new MFA code; run: "+fix) {
						t.Errorf("warn printed %q, want one line saying the session needs a code and to run %s", lines, fix)
					}
				case "off":
					if len(lines) != 0 {
						t.Errorf("off printed %q, want nothing", lines)
					}
				default:
					if len(lines) != 1 || !strings.Contains(lines[0], `AWSMFA_HOOK_MFA="maybe": use prompt, warn or off`) {
						t.Errorf("AWSMFA_HOOK_MFA=maybe printed %q, want one line naming the value and the choices", lines)
					}
				}
				if got := hookStarts(w.starts()[starts:]); got != 1 {
					t.Fatalf("the due prompt started awsmfa --hook %d times, want 1: %q", got, w.starts()[starts:])
				}
				if key := keyOf(sh); key != old {
					t.Errorf("AWS_ACCESS_KEY_ID = %q, want the old %q", key, old)
				}
				// Backing off: the session is still due, yet the next
				// prompts start nothing and say nothing.
				for range 3 {
					if out := sh.Run(""); strings.Contains(out, "awsmfa") {
						t.Errorf("a prompt during the back-off printed:\n%q", out)
					}
				}
				if got := w.starts()[starts:]; len(got) != 1 {
					t.Errorf("during the back-off awsmfa started again: %q", got)
				}
				for _, r := range w.Emu.Log()[logged:] {
					if r.CodeSent {
						t.Errorf("an STS request carried a code: %+v", r)
					}
				}
				if got := w.Hits() - hits; got != 0 {
					t.Errorf("%d requests reached STS, want none: %+v", got, w.Emu.Log()[logged:])
				}
			})
		}
	}
}

// TestNoEnvNoStarts: a shell with the hook loaded where awsmfa env was
// never evaluated starts no awsmfa, prompt after prompt.
func TestNoEnvNoStarts(t *testing.T) {
	t.Parallel()
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			sh := w.shell(shell)
			for range 20 {
				sh.Run("")
			}
			if starts := w.starts(); len(starts) != 0 {
				t.Errorf("20 prompts with no session started awsmfa %d times: %q", len(starts), starts)
			}
			// The hook is live: a due session in the environment makes the
			// next prompt start it (else the check above proves nothing).
			vars := "AWSMFA_HOOK_MFA=off AWSMFA_PROFILE=short AWSMFA_REFRESH_AT=1 AWSMFA_EXPIRATION=2"
			if shell == "fish" {
				sh.Run("for v in " + vars + "; set -gx (string split -m1 = $v); end")
			} else {
				sh.Run("export " + vars)
			}
			sh.Run("")
			if got := hookStarts(w.starts()); got != 1 {
				t.Errorf("with a due session in the environment the hook started awsmfa --hook %d times, want 1: %q", got, w.starts())
			}
		})
	}
}
