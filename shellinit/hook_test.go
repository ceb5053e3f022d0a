package shellinit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/ptytest"
)

// These tests drive real interactive shells on a pty with the hook loaded,
// pointing at a fake awsmfa: a /bin/sh script that records each start and
// answers as the test tells it to. They cover the hook's own behaviour; the
// acceptance tests in cmd/awsmfa run it against the real binary and the STS
// emulator.

var shells = []string{"bash", "zsh", "fish"}

// fake is the stand-in awsmfa, controlled through files in dir.
type fake struct {
	t   testing.TB
	dir string
	bin string
}

const fakeScript = `#!/bin/sh
D=%s
printf '%%s\n' "$*" >> "$D/starts"
if [ -f "$D/ask" ]; then
	printf 'MFA code for %%s: ' "$6" >/dev/tty
	IFS= read -r code </dev/tty || exit 3
	printf '%%s\n' "$code" >> "$D/codes"
fi
if [ -f "$D/stderr" ]; then /bin/cat "$D/stderr" >&2; fi
if [ -f "$D/reply" ]; then /bin/cat "$D/reply"; fi
if [ -f "$D/rc" ]; then exit "$(/bin/cat "$D/rc")"; fi
exit 0
`

func newFake(t testing.TB) *fake {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "awsmfa")
	if err := os.MkdirAll(filepath.Dir(bin), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte(fmt.Sprintf(fakeScript, bash{}.Quote(dir))), 0o700); err != nil {
		t.Fatal(err)
	}
	return &fake{t: t, dir: dir, bin: bin}
}

func (f *fake) set(name, content string) {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, name), []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fake) remove(name string) {
	f.t.Helper()
	if err := os.Remove(filepath.Join(f.dir, name)); err != nil && !os.IsNotExist(err) {
		f.t.Fatal(err)
	}
}

// lines returns the lines of the file name (starts, codes), none if absent.
func (f *fake) lines(name string) []string {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// session is what `awsmfa env` would export.
type session struct {
	profile, key        string
	expiration, refresh time.Time
	marker              string // fish only; made by Marker
}

func newSession(t testing.TB, key string, now time.Time, left, refreshIn time.Duration) session {
	s := session{profile: "dev", key: key, expiration: now.Add(left).Truncate(time.Second), refresh: now.Add(refreshIn).Truncate(time.Second)}
	var err error
	s.marker, err = Marker(filepath.Join(t.TempDir(), "markers"), key, s.refresh)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// exports is the session as `awsmfa env --shell SHELL` prints it.
func (s session) exports(shell string) string {
	vars := [][2]string{
		{"AWS_ACCESS_KEY_ID", s.key},
		{"AWS_SECRET_ACCESS_KEY", "secret-" + s.key},
		{"AWS_SESSION_TOKEN", "token-" + s.key},
		{"AWSMFA_PROFILE", s.profile},
		{"AWSMFA_EXPIRATION", unix(s.expiration)},
		{"AWSMFA_REFRESH_AT", unix(s.refresh)},
		{"AWSMFA_MARKER", s.marker},
	}
	var b strings.Builder
	for _, v := range vars {
		if shell == "fish" {
			fmt.Fprintf(&b, "set -gx %s %s\n", v[0], fish{}.Quote(v[1]))
		} else {
			fmt.Fprintf(&b, "export %s=%s\n", v[0], bash{}.Quote(v[1]))
		}
	}
	return b.String()
}

// unsets is what `awsmfa env --unset` prints.
func unsets(shell string) string {
	names := "AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWSMFA_PROFILE AWSMFA_EXPIRATION AWSMFA_REFRESH_AT AWSMFA_MARKER"
	if shell == "fish" {
		return "set -e " + names + "\n"
	}
	return "unset " + names + "\n"
}

// load makes shell code that evaluates the contents of file.
func load(shell, file string) string {
	if shell == "fish" {
		return "source " + fish{}.Quote(file)
	}
	return ". " + bash{}.Quote(file)
}

// hookFile writes the hook script for shell, running bin, into a file.
func hookFile(t testing.TB, shell, bin string) string {
	sh, err := Lookup(shell)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "hook."+shell)
	if err := os.WriteFile(p, []byte(sh.Hook(bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// evalFile writes text into a file and returns the command that loads it,
// like eval "$(awsmfa env dev)" would.
func evalFile(t testing.TB, shell, text string) string {
	p := filepath.Join(t.TempDir(), "eval."+shell)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return load(shell, p)
}

// promptVar reads the prompt segment: $AWSMFA_PROMPT, or fish's function.
func promptVar(sh *ptytest.Shell) string {
	if sh.Name == "fish" {
		return sh.Value(`(awsmfa_prompt)`)
	}
	return sh.Value(`"$AWSMFA_PROMPT"`)
}

// statusVar is the shell's last exit status.
func statusVar(shell string) string {
	if shell == "fish" {
		return "$status"
	}
	return "$?"
}

func startHooked(t *testing.T, shell string, f *fake, rc string) *ptytest.Shell {
	rc += "\n" + load(shell, hookFile(t, shell, f.bin)) + "\n"
	return ptytest.StartShell(t, shell, ptytest.Options{RC: rc})
}

// TestNotDueStartsNothing: with a session exported that is not due, 50
// prompts start no awsmfa, and (PATH holding nothing but the fake) no other
// program either, while the prompt segment shows the time left.
func TestNotDueStartsNothing(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			sess := newSession(t, "ASIAFIRST", time.Now(), 2*time.Hour, 2*time.Hour-10*time.Minute)
			sh := startHooked(t, shell, f, "")
			sh.Run(evalFile(t, shell, sess.exports(shell)))
			setPath(sh, filepath.Dir(f.bin))
			for range 50 {
				sh.Run("")
			}
			if starts := f.lines("starts"); len(starts) != 0 {
				t.Errorf("50 prompts started awsmfa %d times: %q", len(starts), starts)
			}
			if out := sh.Output(); strings.Contains(out, "not found") || strings.Contains(out, "Unknown command") {
				t.Errorf("a prompt tried to run a program:\n%s", out)
			}
			checkSegment(t, sh, sess)
		})
	}
}

func setPath(sh *ptytest.Shell, dir string) {
	if sh.Name == "fish" {
		sh.Run("set -gx PATH " + fish{}.Quote(dir))
	} else {
		sh.Run("PATH=" + bash{}.Quote(dir))
	}
}

// checkSegment asserts the shell shows what Segment.String shows for sess,
// allowing for the seconds ticking over between the two.
func checkSegment(t *testing.T, sh *ptytest.Shell, sess session) {
	t.Helper()
	before := time.Now()
	got := promptVar(sh)
	after := time.Now()
	want := map[string]bool{}
	// The hook computed the segment at the last prompt, a moment before.
	for now := before.Add(-3 * time.Second); !now.After(after); now = now.Add(time.Second) {
		want[Segment{Profile: sess.profile, Expiration: sess.expiration, RefreshAt: sess.refresh, Now: now}.String()] = true
	}
	want[Segment{Profile: sess.profile, Expiration: sess.expiration, RefreshAt: sess.refresh, Now: after}.String()] = true
	if !want[got] {
		t.Errorf("prompt segment = %q, want one of %v", got, want)
	}
}

// TestSegmentMatchesGo: the bash and zsh hooks and fish's awsmfa_prompt
// print exactly what `awsmfa prompt` prints, for every case of the table.
func TestSegmentMatchesGo(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.set("rc", "1") // due sessions try a refresh, fail, and back off
			sh := startHooked(t, shell, f, "")
			for _, tc := range segmentCases {
				now := time.Now()
				sess := newSession(t, "ASIA"+strconv.Itoa(int(tc.left)), now, time.Duration(tc.left)*time.Second, time.Duration(tc.refreshIn)*time.Second)
				sh.Run(evalFile(t, shell, sess.exports(shell)))
				checkSegment(t, sh, sess)
			}
		})
	}
}

// TestRefreshWhenDue: once due, the next prompt runs awsmfa env --hook once
// and holds the new credentials; later prompts start nothing.
func TestRefreshWhenDue(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			now := time.Now()
			old := newSession(t, "ASIAOLD", now, 5*time.Minute, -5*time.Minute)
			fresh := newSession(t, "ASIANEW", now, time.Hour, 50*time.Minute)
			f.set("reply", fresh.exports(shell))
			sh := startHooked(t, shell, f, "")
			sh.Run(evalFile(t, shell, old.exports(shell)))
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIANEW" {
				t.Fatalf("after a due prompt AWS_ACCESS_KEY_ID = %q, want ASIANEW", got)
			}
			for range 5 {
				sh.Run("")
			}
			want := "env --hook --shell " + shell + " -- dev"
			if starts := f.lines("starts"); len(starts) != 1 || starts[0] != want {
				t.Errorf("awsmfa starts = %q, want exactly [%q]", starts, want)
			}
			checkSegment(t, sh, fresh)
		})
	}
}

// TestEmptyPrompts: with nothing typed but Enter, the prompt still shows the
// segment as of that prompt once its text changes, and the prompt after the
// session becomes due refreshes it. (The zsh hook leaves such prompts alone
// until a sched event says something is due; this checks that it comes, and
// that $? survives it.)
// The segment is read from the prompt drawn, not from a command, which would
// run the hook itself (zsh's preexec).
func TestEmptyPrompts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh"} {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			ps := "PS1='[${AWSMFA_PROMPT}]'\"$PS1\""
			if shell == "zsh" {
				ps = "setopt prompt_subst; PROMPT='[${AWSMFA_PROMPT}]'\"$PROMPT\""
			}
			sh := startHooked(t, shell, f, ps)
			now := time.Now()
			// 61-62 seconds left, "dev 1m", under a minute 2-3 seconds on;
			// due 10 seconds on.
			sess := newSession(t, "ASIATICK", now.Add(1500*time.Millisecond), 61*time.Second, 10*time.Second)
			fresh := newSession(t, "ASIANEW", now, time.Hour, 50*time.Minute)
			f.set("reply", fresh.exports(shell))
			sh.Run(evalFile(t, shell, sess.exports(shell)))
			shown := func() string {
				t.Helper()
				sh.Send("\r")
				return sh.Expect(`\[([^][\r\n\x1b]*)\]` + regexp.QuoteMeta(ptytest.Prompt))[1]
			}
			if got := shown(); got != "dev 1m" {
				t.Fatalf("the prompt shows %q, want %q", got, "dev 1m")
			}
			// A command that ends when the segment is all but due: zsh's
			// sched event comes at the prompt after it, and must keep $?.
			wait := time.Until(sess.expiration.Add(-59500 * time.Millisecond)).Seconds()
			sh.Run(fmt.Sprintf("sleep %.3f; false", wait))
			if got := sh.Value(`"$?"`); got != "1" {
				t.Errorf("after `false` $? = %q, want 1", got)
			}
			// Under a minute left, in seconds; a loaded machine may answer
			// the prompt a few seconds late, and the session is due only
			// at 51 s left.
			time.Sleep(time.Until(sess.expiration.Add(-58500 * time.Millisecond)))
			if got, want := shown(), regexp.MustCompile(`^dev 5[0-9]s$`); !want.MatchString(got) {
				t.Errorf("a minute short of the end the prompt shows %q, want %v", got, want)
			}
			if starts := f.lines("starts"); len(starts) != 0 {
				t.Fatalf("refreshed before it was due: %q", starts)
			}
			time.Sleep(time.Until(sess.refresh.Add(1200 * time.Millisecond)))
			if got := shown(); got != "dev 1h00m" && got != "dev 59m" {
				t.Errorf("at the first prompt after the session became due the prompt shows %q, want the new session's", got)
			}
			if starts := f.lines("starts"); len(starts) != 1 {
				t.Errorf("awsmfa started %d times, want 1", len(starts))
			}
		})
	}
}

// TestBackOff: a failed refresh keeps the old environment and is not
// retried at every prompt; once the back-off ends it is retried, and the
// next back-off is longer. A refresh that succeeds but hands back a session
// that is still due counts as a failure too.
func TestBackOff(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			now := time.Now()
			old := newSession(t, "ASIAOLD", now, 5*time.Minute, -5*time.Minute)
			f.set("rc", "1")
			f.set("stderr", "awsmfa: dev: STS is unreachable\n")
			sh := startHooked(t, shell, f, "")
			out := sh.Run(evalFile(t, shell, old.exports(shell)))
			if !strings.Contains(out, "STS is unreachable") {
				t.Errorf("the failure's message did not reach the terminal:\n%q", out)
			}
			for range 5 {
				sh.Run("")
			}
			if starts := f.lines("starts"); len(starts) != 1 {
				t.Fatalf("after a failure, 6 prompts started awsmfa %d times, want 1", len(starts))
			}
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIAOLD" {
				t.Errorf("AWS_ACCESS_KEY_ID = %q after a failed refresh, want the old ASIAOLD", got)
			}
			if wait := retryIn(t, sh); wait < 55 || wait > 60 {
				t.Errorf("first back-off = %ds, want 60s", wait)
			}

			// The back-off ends: the next prompt tries again, and the
			// refresh "works" but its session is still due.
			stillDue := newSession(t, "ASIASTILLDUE", time.Now(), 5*time.Minute, -time.Second)
			f.remove("rc")
			f.remove("stderr")
			f.set("reply", stillDue.exports(shell))
			endBackOff(sh)
			sh.ExpectString(ptytest.Prompt)
			sh.Run("")
			if starts := f.lines("starts"); len(starts) != 2 {
				t.Fatalf("after the back-off ended awsmfa started %d times in all, want 2", len(starts))
			}
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIASTILLDUE" {
				t.Errorf("AWS_ACCESS_KEY_ID = %q, want ASIASTILLDUE", got)
			}
			if wait := retryIn(t, sh); wait < 115 || wait > 120 {
				t.Errorf("second back-off = %ds, want 120s", wait)
			}
		})
	}
}

// retryIn is how many seconds the hook's back-off has left (white box: it
// reads the hook's own variable).
func retryIn(t *testing.T, sh *ptytest.Shell) int {
	t.Helper()
	v := "$_awsmfa_retry_at"
	if sh.Name == "fish" {
		v = "$__awsmfa_retry_at"
	}
	at, err := strconv.ParseInt(sh.Value(v), 10, 64)
	if err != nil {
		t.Fatalf("reading the back-off: %v", err)
	}
	return int(at - time.Now().Unix())
}

// endBackOff types the command that makes the hook's back-off end now
// (white box); the prompt after it is due again.
func endBackOff(sh *ptytest.Shell) {
	if sh.Name == "fish" {
		sh.Send("set -g __awsmfa_retry_at 0\r")
	} else {
		sh.Send("_awsmfa_retry_at=0 _awsmfa_next=0\r")
	}
}

// TestCodeQuestion: a refresh that needs a code asks on the terminal; one
// code typed there gives new credentials. Ctrl-C at the question keeps the
// old environment, and the following prompts do not ask again until the
// back-off ends.
func TestCodeQuestion(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			now := time.Now()
			old := newSession(t, "ASIAOLD", now, 5*time.Minute, -5*time.Minute)
			fresh := newSession(t, "ASIANEW", now, 12*time.Hour, 12*time.Hour-10*time.Minute)
			f.set("ask", "")
			f.set("reply", fresh.exports(shell))
			sh := startHooked(t, shell, f, "")

			sh.Send(evalFile(t, shell, old.exports(shell)) + "\r")
			sh.ExpectString("MFA code for dev: ")
			sh.Send("\x03")
			sh.ExpectString(ptytest.Prompt)
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIAOLD" {
				t.Errorf("after Ctrl-C AWS_ACCESS_KEY_ID = %q, want the old ASIAOLD", got)
			}
			for range 3 {
				if out := sh.Run(""); strings.Contains(out, "MFA code") {
					t.Fatalf("asked again during the back-off:\n%q", out)
				}
			}
			if starts := f.lines("starts"); len(starts) != 1 {
				t.Errorf("awsmfa started %d times, want 1", len(starts))
			}

			endBackOff(sh)
			sh.ExpectString("MFA code for dev: ")
			sh.Send("123456\r")
			sh.ExpectString(ptytest.Prompt)
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIANEW" {
				t.Errorf("after the code AWS_ACCESS_KEY_ID = %q, want ASIANEW", got)
			}
			if codes := f.lines("codes"); len(codes) != 1 || codes[0] != "123456" {
				t.Errorf("codes read = %q, want [123456]", codes)
			}
		})
	}
}

// TestHookMFAOff: with AWSMFA_HOOK_MFA=off the hook keeps quiet about a
// failed refresh; by default its one line reaches the terminal.
func TestHookMFAOff(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.set("rc", "3")
			f.set("stderr", "awsmfa: dev: the session needs a new MFA code\n")
			set := "export AWSMFA_HOOK_MFA=off"
			if shell == "fish" {
				set = "set -gx AWSMFA_HOOK_MFA off"
			}
			sh := startHooked(t, shell, f, set)
			old := newSession(t, "ASIAOLD", time.Now(), 5*time.Minute, -5*time.Minute)
			out := sh.Run(evalFile(t, shell, old.exports(shell)))
			if strings.Contains(out, "needs a new MFA code") {
				t.Errorf("AWSMFA_HOOK_MFA=off, yet the hook printed:\n%q", out)
			}
			if starts := f.lines("starts"); len(starts) != 1 {
				t.Errorf("awsmfa started %d times, want 1", len(starts))
			}
		})
	}
}

// TestUnsetQuiets: after `awsmfa env --unset` the hook does nothing in that
// shell: no segment, no refresh, even though the session was due.
func TestUnsetQuiets(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.set("rc", "1")
			sh := startHooked(t, shell, f, "")
			sess := newSession(t, "ASIAOLD", time.Now(), time.Hour, 50*time.Minute)
			sh.Run(evalFile(t, shell, sess.exports(shell)))
			checkSegment(t, sh, sess)
			sh.Run(evalFile(t, shell, unsets(shell)))
			for range 3 {
				sh.Run("")
			}
			if got := promptVar(sh); got != "" {
				t.Errorf("after --unset the segment is %q, want empty", got)
			}
			if starts := f.lines("starts"); len(starts) != 0 {
				t.Errorf("after --unset awsmfa started %d times, want 0", len(starts))
			}
		})
	}
}

// TestCoexistence: the hook loaded three times runs once per prompt, keeps
// $? for the hooks and prompt after it, and other hooks still run once per
// prompt, with PROMPT_COMMAND as a string or (bash 5.1+) an array.
func TestCoexistence(t *testing.T) {
	tests := []struct {
		name, shell string
		other       string // installs other_hook, which counts prompts and records the status it saw
		count       string // shell code that prints how many times the hook is installed
	}{
		{"bash string", "bash", `other_hook() { seen=$?; runs=$((runs+1)); }; PROMPT_COMMAND=other_hook` + bashCount, `"$(count_hooks)"`},
		{"bash array", "bash", `other_hook() { seen=$?; runs=$((runs+1)); }; PROMPT_COMMAND=(other_hook 'true')` + bashCount, `"$(count_hooks)"`},
		{"zsh", "zsh", `other_hook() { seen=$?; runs=$((runs+1)); }; precmd_functions+=(other_hook)
count_hooks() { local n=0 f; for f in $precmd_functions $preexec_functions; do [[ $f == _awsmfa_* ]] && ((n++)); done; echo $n; }`, `"$(count_hooks)"`},
		{"fish", "fish", `function other_hook --on-event fish_prompt; set -g seen $status; set -g runs (math $runs + 1); end; set -g runs 0`,
			`(functions --handlers | string match -r '__awsmfa_hook$' | count)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			hook := load(tc.shell, hookFile(t, tc.shell, f.bin))
			sh := ptytest.StartShell(t, tc.shell, ptytest.Options{RC: tc.other + "\n" + hook + "\n" + hook + "\n" + hook + "\n"})
			want := "1"
			switch tc.shell {
			case "zsh":
				want = "2" // precmd and preexec, once each
			case "fish":
				want = "2" // fish_prompt and fish_preexec
			}
			if got := sh.Value(tc.count); got != want {
				t.Errorf("hook installed %s times after loading it three times, want %s", got, want)
			}
			// The hook is live: a not-due session gets its segment.
			sess := newSession(t, "ASIAONE", time.Now(), time.Hour, 50*time.Minute)
			sh.Run(evalFile(t, tc.shell, sess.exports(tc.shell)))
			checkSegment(t, sh, sess)

			for _, code := range []string{"7", "0", "42"} {
				sh.Run(exitWith(tc.shell, code))
				if got := sh.Value(`"$seen"`); got != code {
					t.Errorf("after exit %s the next hook saw status %q", code, got)
				}
			}
			sh.Run("false")
			if got := sh.Value(`"` + statusVar(tc.shell) + `"`); got != "1" {
				t.Errorf("the command after `false` saw status %q, want 1", got)
			}
			runs, _ := strconv.Atoi(sh.Value(`"$runs"`))
			sh.Run("")
			sh.Run("")
			if after, _ := strconv.Atoi(sh.Value(`"$runs"`)); after-runs != 3 {
				t.Errorf("the other hook ran %d times over 3 prompts, want 3", after-runs)
			}
			for _, bad := range []string{"unbound variable", "not found", "rror"} {
				if strings.Contains(sh.Output(), bad) {
					t.Errorf("the shell reported %q:\n%s", bad, sh.Output())
				}
			}
		})
	}
}

// bashCount defines count_hooks: how many times PROMPT_COMMAND, string or
// array, names the hook.
const bashCount = `
count_hooks() { local n=0 e l; for e in "${PROMPT_COMMAND[@]}"; do while IFS= read -r l; do [[ $l == _awsmfa_hook ]] && ((n++)); done <<<"$e"; done; echo $n; }`

func exitWith(shell, code string) string {
	if shell == "fish" {
		return "sh -c 'exit " + code + "'"
	}
	return "(exit " + code + ")"
}

// TestHookScript checks what `awsmfa hook` prints: the binary's path quoted
// so that any path survives, and nothing left unfilled.
func TestHookScript(t *testing.T) {
	bin := `/opt/it's a "dir"/$HOME/awsmfa`
	for _, shell := range Names() {
		sh, err := Lookup(shell)
		if err != nil {
			t.Fatal(err)
		}
		script := sh.Hook(bin)
		if strings.Contains(script, binPlaceholder) {
			t.Errorf("%s: placeholder left in the script", shell)
		}
		if !strings.Contains(script, sh.Quote(bin)) {
			t.Errorf("%s: the script does not hold the quoted path", shell)
		}
	}
	if _, err := Lookup("tcsh"); err == nil || !regexp.MustCompile(`"tcsh".*bash, zsh, fish`).MatchString(err.Error()) {
		t.Errorf("Lookup(tcsh) = %v, want an error naming the shells there are", err)
	}
}

// TestQuoteRoundTrip runs each shell on awkward paths: the hook's variable
// must hold exactly the path.
func TestQuoteRoundTrip(t *testing.T) {
	paths := []string{`/plain/awsmfa`, `/it's/awsmfa`, `/a b/$HOME/awsmfa`, `/back\slash/\'/awsmfa`, "/new\nline/awsmfa", `/*/?/[x]/awsmfa`}
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			sh := ptytest.StartShell(t, shell, ptytest.Options{})
			s, _ := Lookup(shell)
			for _, p := range paths {
				set := "x=" + s.Quote(p)
				if shell == "fish" {
					set = "set x " + s.Quote(p)
				}
				sh.Run(set)
				if got := sh.Value(`"$x"`); strings.ReplaceAll(got, "\r\n", "\n") != p {
					t.Errorf("quoted %q came back as %q", p, got)
				}
			}
		})
	}
}

// TestOldBashClocks runs the bash hook as bash 4.2-4.4 runs it (no
// $EPOCHSECONDS: printf '%(%s)T') and as bash 3.2 does (nor that: one
// `date`, then $SECONDS), emulated in this bash by unsetting EPOCHSECONDS
// and shadowing printf's time format.
func TestOldBashClocks(t *testing.T) {
	tests := []struct{ name, rc string }{
		{"bash 4.2", "unset EPOCHSECONDS"},
		{"bash 3.2", `unset EPOCHSECONDS; printf() { [[ $* == *'%(%s)T'* ]] && return 1; builtin printf "$@"; }`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			now := time.Now()
			notDue := newSession(t, "ASIAONE", now, 2*time.Hour, 2*time.Hour-10*time.Minute)
			sh := startHooked(t, "bash", f, tc.rc)
			sh.Run(evalFile(t, "bash", notDue.exports("bash")))
			for range 5 {
				sh.Run("")
			}
			checkSegment(t, sh, notDue)
			if starts := f.lines("starts"); len(starts) != 0 {
				t.Fatalf("not due, yet awsmfa started: %q", starts)
			}
			fresh := newSession(t, "ASIANEW", now, time.Hour, 50*time.Minute)
			f.set("reply", fresh.exports("bash"))
			due := newSession(t, "ASIAOLD", now, 5*time.Minute, -time.Minute)
			sh.Run(evalFile(t, "bash", due.exports("bash")))
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIANEW" {
				t.Errorf("after a due prompt AWS_ACCESS_KEY_ID = %q, want ASIANEW", got)
			}
			checkSegment(t, sh, fresh)
		})
	}
}

// TestOldFishClock runs the fish hook as fish 3.5 runs it: the path
// builtin is there but has no mtime subcommand (emulated by a function that
// shadows it), so the hook must take the clock from date at each prompt,
// never print an error, and still refresh when due. A date shim records each
// start, and the same shim shows that fish 3.6+ never runs it, whether it
// tells the time from a file in XDG_RUNTIME_DIR or, without one, from
// `path mtime -R` on the marker.
func TestOldFishClock(t *testing.T) {
	const fish35 = `function path
    if test "$argv[1]" = mtime
        echo "path: mtime: invalid subcommand" >&2
        return 2
    end
    builtin path $argv
end`
	for _, tc := range []struct {
		name, rc  string
		wantDates bool
		nowFile   bool // the fast path reads the clock from a file in XDG_RUNTIME_DIR
	}{
		{"fish 3.5", fish35, true, false},
		{"fish 3.6", "", false, true},
		{"fish 3.6 without XDG_RUNTIME_DIR", "set -e XDG_RUNTIME_DIR", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			date, err := exec.LookPath("date")
			if err != nil {
				t.Skip("no date program")
			}
			shim := filepath.Join(filepath.Dir(f.bin), "date")
			script := fmt.Sprintf("#!/bin/sh\nprintf 'date\\n' >> %s\nexec %s \"$@\"\n", bash{}.Quote(filepath.Join(f.dir, "dates")), bash{}.Quote(date))
			if err := os.WriteFile(shim, []byte(script), 0o700); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			notDue := newSession(t, "ASIAONE", now, 2*time.Hour, 2*time.Hour-10*time.Minute)
			sh := startHooked(t, "fish", f, tc.rc+"\nset -gx PATH "+fish{}.Quote(filepath.Dir(f.bin)))
			sh.Run(evalFile(t, "fish", notDue.exports("fish")))
			for range 5 {
				sh.Run("")
			}
			if starts := f.lines("starts"); len(starts) != 0 {
				t.Fatalf("not due, yet awsmfa started: %q", starts)
			}
			if dates := f.lines("dates"); (len(dates) > 0) != tc.wantDates {
				t.Errorf("date started %d times over 6 prompts; want it started: %v", len(dates), tc.wantDates)
			}
			if out := sh.Output(); strings.Contains(out, "invalid subcommand") {
				t.Errorf("the hook called path mtime on a fish without it:\n%s", out)
			}
			if got := sh.Value(`"$__awsmfa_now"`) != ""; got != tc.nowFile {
				t.Errorf("the hook reads the clock from a file: %v, want %v", got, tc.nowFile)
			}
			checkSegment(t, sh, notDue)
			fresh := newSession(t, "ASIANEW", now, time.Hour, 50*time.Minute)
			f.set("reply", fresh.exports("fish"))
			due := newSession(t, "ASIAOLD", now, 5*time.Minute, -time.Minute)
			sh.Run(evalFile(t, "fish", due.exports("fish")))
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIANEW" {
				t.Errorf("after a due prompt AWS_ACCESS_KEY_ID = %q, want ASIANEW", got)
			}
		})
	}
}

// TestPreexec: in zsh and fish a command typed after the session became due
// while the prompt waited runs with the new credentials (bash has no
// preexec; its next prompt refreshes).
func TestPreexec(t *testing.T) {
	for _, shell := range []string{"zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			now := time.Now()
			soon := newSession(t, "ASIAOLD", now, time.Hour, 2*time.Second)
			fresh := newSession(t, "ASIANEW", now, 2*time.Hour, 2*time.Hour-10*time.Minute)
			f.set("reply", fresh.exports(shell))
			sh := startHooked(t, shell, f, "")
			sh.Run(evalFile(t, shell, soon.exports(shell)))
			if starts := f.lines("starts"); len(starts) != 0 {
				t.Fatalf("refreshed before it was due: %q", starts)
			}
			time.Sleep(time.Until(soon.refresh.Add(1500 * time.Millisecond)))
			if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIANEW" {
				t.Errorf("the first command after the session became due saw AWS_ACCESS_KEY_ID = %q, want ASIANEW", got)
			}
			if starts := f.lines("starts"); len(starts) != 1 {
				t.Errorf("awsmfa started %d times, want 1", len(starts))
			}
		})
	}
}

// TestBashNounset: the bash hook works in a shell with set -u, with no
// PROMPT_COMMAND before it, through a refresh and an unset.
func TestBashNounset(t *testing.T) {
	f := newFake(t)
	now := time.Now()
	fresh := newSession(t, "ASIANEW", now, time.Hour, 50*time.Minute)
	f.set("reply", fresh.exports("bash"))
	sh := startHooked(t, "bash", f, "set -u")
	sh.Run("")
	sh.Run(evalFile(t, "bash", newSession(t, "ASIAOLD", now, 5*time.Minute, -time.Minute).exports("bash")))
	if got := sh.Value(`"$AWS_ACCESS_KEY_ID"`); got != "ASIANEW" {
		t.Errorf("AWS_ACCESS_KEY_ID = %q, want ASIANEW", got)
	}
	checkSegment(t, sh, fresh)
	sh.Run(evalFile(t, "bash", unsets("bash")))
	sh.Run("")
	if out := sh.Output(); strings.Contains(out, "unbound variable") {
		t.Errorf("set -u: the hook used an unset variable:\n%s", out)
	}
}
