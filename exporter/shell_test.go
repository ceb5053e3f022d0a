package exporter

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// dumpEnv makes the test binary, run as a child of a shell, print its
// environment instead of running tests: it is a program that shows exactly
// which bytes a shell exported, with no other tool involved.
const dumpEnv = "AWSMFA_EXPORTER_TEST_DUMP_ENV"

func TestMain(m *testing.M) {
	if os.Getenv(dumpEnv) == "1" {
		var b bytes.Buffer
		for _, kv := range os.Environ() {
			b.WriteString(kv)
			b.WriteByte(0)
		}
		os.Stdout.Write(b.Bytes())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// awkwardVars holds one variable per class of awkward value, one with every
// byte from 0x01 to 0xFF, and a long one.
func awkwardVars() []Var {
	all := make([]byte, 255)
	for i := range all {
		all[i] = byte(i + 1)
	}
	var long strings.Builder
	for long.Len() < 64<<10 {
		long.Write(all)
		long.WriteString("'\\\n")
	}
	return []Var{
		{"V_ALL_BYTES", string(all)},
		{"V_HIGH_BYTES", string(all[0x7F:])},
		{"V_CONTROL", string(all[:0x1F]) + "\x7f\x1b[31mred\x1b[0m"},
		{"V_NEWLINES", "\nfirst\n\nlast\n"},
		{"V_ONLY_NEWLINE", "\n"},
		{"V_SINGLE_QUOTE", "'"},
		{"V_QUOTES", `'' " "" '` + "\u2018\u2019\u201A\u201B\u201C\u201D\u201E`"},
		{"V_BACKSLASHES", `\ \\ \' \" \n \x41 \u0041 \$HOME \`},
		{"V_TRAILING_BACKSLASH", `abc\`},
		{"V_SUBSTITUTION", "$(touch pwned) `touch pwned` ${HOME} $HOME $((1+1)) <(touch pwned) ; touch pwned & | && || > pwned"},
		{"V_HISTORY", "!! !$ !-1 !touch ^a^b"},
		{"V_GLOB", "* ? [a-z] ~ ~root {a,b} **/* =ls =(touch pwned)"},
		{"V_FISH_SYNTAX", "(touch pwned) $argv %self {a,b} ; and or not end"},
		{"V_EMPTY", ""},
		{"V_SPACES", "  leading and trailing \t "},
		{"V_UNICODE", "日本語 é 🙂 \u200b \u2028 \ufeff"},
		{"V_FISH_INTERNAL", "\uf600\uf6ff\uf641\ufdd0\ufdef\ufffe\uffff"},
		{"V_INVALID_UTF8", "\xff\xfe\x80\xc3 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf"},
		{"V_LONG", long.String()},
	}
}

// shellCase is one way a real shell loads the output of a format.
type shellCase struct {
	name    string
	program string
	format  Format
	args    []string // before -c
	prelude string   // shell code run first
	// load is the code that loads one export file; %s is the name of the
	// environment variable holding its path. Empty for interactive cases,
	// which get the export text pasted on stdin.
	load string
}

// interactive reports whether the export is pasted into an interactive
// shell, where history expansion is on.
func (sc shellCase) interactive() bool { return sc.load == "" }

func posixCases() []shellCase {
	return []shellCase{
		{name: "bash eval", program: "bash", format: Bash{}, args: []string{"--norc", "--noprofile"}, load: `eval "$(cat "$%s")"`},
		{name: "bash source", program: "bash", format: Bash{}, args: []string{"--norc", "--noprofile"}, load: `. "$%s"`},
		{name: "bash posix mode", program: "bash", format: Bash{}, args: []string{"--posix", "--norc", "--noprofile"}, load: `eval "$(cat "$%s")"`},
		{name: "bash nounset extglob", program: "bash", format: Bash{}, args: []string{"--norc", "--noprofile"}, prelude: "set -u; shopt -s extglob nullglob", load: `eval "$(cat "$%s")"`},
		{name: "bash interactive paste", program: "bash", format: Bash{}, args: []string{"--norc", "--noprofile", "--noediting", "-i"}, prelude: "set -o history -H"},
		{name: "zsh eval", program: "zsh", format: Zsh{}, args: []string{"-f"}, load: `eval "$(cat "$%s")"`},
		{name: "zsh source", program: "zsh", format: Zsh{}, args: []string{"-f"}, load: `source "$%s"`},
		{name: "zsh rc_quotes", program: "zsh", format: Zsh{}, args: []string{"-f"}, prelude: "setopt rc_quotes extended_glob", load: `eval "$(cat "$%s")"`},
		{name: "zsh sh emulation", program: "zsh", format: Zsh{}, args: []string{"-f"}, prelude: "emulate sh", load: `eval "$(cat "$%s")"`},
		{name: "zsh interactive paste", program: "zsh", format: Zsh{}, args: []string{"-f", "-i"}, prelude: "setopt bang_hist"},
	}
}

func fishCases() []shellCase {
	return []shellCase{
		{name: "fish pipe to source", program: "fish", format: Fish{}, args: []string{"--no-config"}, load: `cat $%s | source`},
		{name: "fish source file", program: "fish", format: Fish{}, args: []string{"--no-config"}, load: `source $%s`},
		{name: "fish source in a function", program: "fish", format: Fish{}, args: []string{"--no-config"},
			prelude: "function load; source $argv[1]; end", load: `load $%s`},
	}
}

// shellResult is what a shell held after loading the exports.
type shellResult struct {
	status string            // the status of the last load
	shell  map[string]string // the variables, as the shell's printf shows them
	child  map[string]string // the environment of a child process
}

// runShell starts sc's shell with a small, fixed environment plus extra,
// loads each export in order, and reports the variables in names as the
// shell sees them and as its child process sees them.
func runShell(t *testing.T, sc shellCase, locale string, extra []string, names []string, exports ...[]byte) shellResult {
	t.Helper()
	path := testenv.Need(t, sc.program)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"TERM=dumb",
		"LC_ALL=" + locale,
		"DUMP_FILE=" + filepath.Join(dir, "shell.dump"),
		"CHILD_FILE=" + filepath.Join(dir, "child.dump"),
		"TEST_BINARY=" + self,
	}
	env = append(env, extra...)
	fish := sc.program == "fish"

	var script strings.Builder
	script.WriteString(sc.prelude + "\n")
	if !sc.interactive() {
		script.WriteString("false\n") // loading must leave status 0 even so
	}
	for i, e := range exports {
		if sc.interactive() {
			script.Write(e)
			continue
		}
		file := filepath.Join(dir, fmt.Sprintf("export%d", i))
		if err := os.WriteFile(file, e, 0o600); err != nil {
			t.Fatal(err)
		}
		env = append(env, fmt.Sprintf("EXPORT_%d=%s", i, file))
		fmt.Fprintf(&script, sc.load+"\n", fmt.Sprintf("EXPORT_%d", i))
	}
	if fish {
		script.WriteString(`printf 'STATUS=%s\0' $status > $DUMP_FILE` + "\n")
		for _, n := range names {
			fmt.Fprintf(&script, "set -q %[1]s; and printf '%%s=%%s\\0' %[1]s $%[1]s >> $DUMP_FILE\n", n)
		}
		script.WriteString(dumpEnv + "=1 $TEST_BINARY > $CHILD_FILE\n")
	} else {
		script.WriteString(`printf 'STATUS=%s\0' "$?" > "$DUMP_FILE"` + "\n")
		for _, n := range names {
			fmt.Fprintf(&script, "if [ -n \"${%[1]s+set}\" ]; then printf '%%s=%%s\\0' %[1]s \"$%[1]s\" >> \"$DUMP_FILE\"; fi\n", n)
		}
		script.WriteString(dumpEnv + `=1 "$TEST_BINARY" > "$CHILD_FILE"` + "\n")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var cmd *exec.Cmd
	if sc.interactive() {
		cmd = exec.CommandContext(ctx, path, sc.args...)
		cmd.Stdin = strings.NewReader(script.String() + "exit\n")
	} else {
		cmd = exec.CommandContext(ctx, path, append(slices.Clone(sc.args), "-c", script.String())...)
	}
	cmd.Dir = work
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", sc.name, err, stderr.String())
	}
	if pwned, _ := os.ReadDir(work); len(pwned) != 0 {
		t.Errorf("%s ran code from a value: it created %v", sc.name, pwned[0].Name())
	}
	if !sc.interactive() && stderr.Len() != 0 {
		t.Errorf("%s wrote to stderr:\n%s", sc.name, stderr.String())
	}

	res := shellResult{shell: readDump(t, filepath.Join(dir, "shell.dump")), child: map[string]string{}}
	res.status = res.shell["STATUS"]
	delete(res.shell, "STATUS")
	for k, v := range readDump(t, filepath.Join(dir, "child.dump")) {
		if slices.Contains(names, k) {
			res.child[k] = v
		}
	}
	return res
}

// readDump reads NAME=value entries separated by NUL bytes.
func readDump(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the shell did not finish its script: %v", err)
	}
	m := map[string]string{}
	for _, kv := range strings.Split(string(b), "\x00") {
		if name, value, ok := strings.Cut(kv, "="); ok {
			m[name] = value
		}
	}
	return m
}

// compareVars reports every difference between got and want, showing
// where a value first differs rather than the whole value.
func compareVars(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[name]
		w := want[name]
		switch {
		case !ok:
			t.Errorf("%s: %s is not set, want %d bytes", what, name, len(w))
		case g != w:
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Errorf("%s: %s differs at byte %d of %d (got %d bytes): got %.16q, want %.16q",
				what, name, i, len(w), len(g), g[i:], w[i:])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s is set, want it unset", what, name)
		}
	}
}

// TestRoundTripInRealShells loads every awkward value into real bash, zsh
// and fish, in the ways users load them and in two locales, and checks that
// each comes back byte-exact both inside the shell and in a child's
// environment, and that the stale variables are gone.
func TestRoundTripInRealShells(t *testing.T) {
	vars := awkwardVars()
	stale := []string{"AWS_PROFILE", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE"}
	c := Changes{Set: vars, Unset: append(slices.Clone(stale), "V_NEVER_SET")}
	names := append(slices.Clone(stale), "V_NEVER_SET")
	want := map[string]string{}
	for _, v := range vars {
		names = append(names, v.Name)
		want[v.Name] = v.Value
	}
	extra := []string{"AWS_PROFILE=stale", "AWS_SECURITY_TOKEN=stale", "AWS_DEFAULT_PROFILE=stale", "V_EMPTY=stale"}

	for _, sc := range append(posixCases(), fishCases()...) {
		for _, locale := range []string{"C.UTF-8", "C"} {
			t.Run(sc.name+"/"+locale, func(t *testing.T) {
				var out bytes.Buffer
				if err := sc.format.Write(&out, c); err != nil {
					t.Fatal(err)
				}
				res := runShell(t, sc, locale, extra, names, out.Bytes())
				if !sc.interactive() && res.status != "0" {
					t.Errorf("status after loading is %q, want 0", res.status)
				}
				compareVars(t, "in the shell", res.shell, want)
				compareVars(t, "in a child's environment", res.child, want)
			})
		}
	}
}

// TestSessionAndClearInRealShells exports a whole session, then clears it,
// and checks that exactly the documented variables are set and then gone,
// AWS_REGION and AWS_DEFAULT_REGION staying.
func TestSessionAndClearInRealShells(t *testing.T) {
	c := sampleCreds()
	session := Session(c, SessionInfo{Profile: "dev's", Region: "ap-northeast-1", RefreshAt: c.Expiration.Add(-10 * time.Minute), Marker: "/tmp/a b/marker"})
	names := []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"}
	afterSession := map[string]string{}
	for _, v := range session.Set {
		names = append(names, v.Name)
		afterSession[v.Name] = v.Value
	}
	afterClear := map[string]string{"AWS_REGION": "ap-northeast-1", "AWS_DEFAULT_REGION": "ap-northeast-1"}
	extra := []string{"AWS_PROFILE=old", "AWS_DEFAULT_PROFILE=old", "AWS_SECURITY_TOKEN=old", "AWS_SESSION_TOKEN=old"}

	cases := []shellCase{posixCases()[0], posixCases()[5], fishCases()[0]}
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			var s, cl bytes.Buffer
			if err := sc.format.Write(&s, session); err != nil {
				t.Fatal(err)
			}
			if err := sc.format.Write(&cl, Clear()); err != nil {
				t.Fatal(err)
			}
			res := runShell(t, sc, "C.UTF-8", extra, names, s.Bytes())
			if res.status != "0" {
				t.Errorf("status after the session is %q, want 0", res.status)
			}
			compareVars(t, "after the session, in the shell", res.shell, afterSession)
			compareVars(t, "after the session, in a child", res.child, afterSession)

			res = runShell(t, sc, "C.UTF-8", extra, names, s.Bytes(), cl.Bytes())
			compareVars(t, "after --unset, in the shell", res.shell, afterClear)
			compareVars(t, "after --unset, in a child", res.child, afterClear)
		})
	}
}

// TestFishKeepsUniversalVariables checks that exporting a session in fish
// hides nothing permanently: a universal AWS_PROFILE the user set survives,
// in the file fish keeps universal variables in.
func TestFishKeepsUniversalVariables(t *testing.T) {
	sc := fishCases()[0]
	sc.args = nil // universal variables need fish's normal start-up
	sc.prelude = "set -Ux AWS_PROFILE mine"
	var s bytes.Buffer
	if err := sc.format.Write(&s, Session(sampleCreds(), SessionInfo{Profile: "dev"})); err != nil {
		t.Fatal(err)
	}
	res := runShell(t, sc, "C.UTF-8", nil, []string{"AWS_PROFILE", "AWSMFA_PROFILE"}, s.Bytes())
	want := map[string]string{"AWS_PROFILE": "mine", "AWSMFA_PROFILE": "dev"}
	compareVars(t, "in the shell", res.shell, want)
}
