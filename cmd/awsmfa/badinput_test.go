package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/internal/testenv/sandbox"
)

// world is one user's files and environment, with an emulator behind STS.
type world struct {
	t     *testing.T
	home  string
	cache string
	emu   *stsemu.Server
	env   map[string]string
}

const (
	demoConfig = `[profile dev]
mfa_serial = arn:aws:iam::123456789012:mfa/demo
region = us-east-1

[profile admin]
source_profile = dev
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo
`
	demoCredentials = `[dev]
aws_access_key_id = AKIAEMULATORDEMO0001
aws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000
`
)

func newWorld(t *testing.T, config, credentials string) *world {
	t.Helper()
	u := sandbox.New(t, stsemu.DemoState(), "", "")
	w := &world{t: t, home: u.Home, cache: u.Cache, emu: u.Emu, env: u.Vars()}
	// Both files, even empty ones.
	w.write(".aws/config", config)
	w.write(".aws/credentials", credentials)
	return w
}

func (w *world) write(rel, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.home, rel), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// code returns a code the emulator accepts now, moving its clock on a step
// first so that no two calls in a test share one.
func (w *world) code() string {
	w.emu.Advance(30 * time.Second)
	c, err := w.emu.CurrentCode(stsemu.DemoSerial, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// run runs awsmfa in-process and returns its exit status, stdout and stderr.
func (w *world) run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	a := w.app(strings.NewReader(""), &stdout, &stderr, time.Now)
	status := runApp(a, append([]string{"awsmfa"}, args...))
	return status, stdout.String(), stderr.String()
}

// app is awsmfa with the world's environment, these streams and clock.
func (w *world) app(stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) *app {
	return &app{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: func(k string) string { return w.env[k] },
		environ: func() []string {
			var env []string
			for k, v := range w.env {
				env = append(env, k+"="+v)
			}
			return env
		},
		now:        now,
		executable: os.Executable,
	}
}

// snapshot describes every file and directory under the world: mode,
// owner, mtime and a hash of the content, by path.
func (w *world) snapshot() map[string]string {
	w.t.Helper()
	out := map[string]string{}
	for _, root := range []string{w.home, w.cache} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			fi, err := os.Lstat(p)
			if err != nil {
				return nil
			}
			desc := fmt.Sprintf("%v %s %s", fi.Mode(), owner(fi), fi.ModTime().Format(time.RFC3339Nano))
			if fi.Mode().IsRegular() {
				b, _ := os.ReadFile(p)
				desc += fmt.Sprintf(" %x", sha256.Sum256(b))
			}
			if fi.IsDir() {
				desc = fmt.Sprintf("%v %s", fi.Mode(), owner(fi)) // its mtime moves with lock files
			}
			out[p] = desc
			return nil
		})
	}
	return out
}

// unchanged reports how after differs from before, allowing only what a
// failed attempt may leave: the private cache directory it created and the
// empty lock file it took (removing lock files safely is racy), or the
// modification time of a lock file it held (the holder records in it what
// it does, for those that wait, and empties it when it lets go). Every
// config, credentials and session file must be exactly as it was.
func unchanged(before, after map[string]string) []string {
	var diffs []string
	for p, d := range before {
		if after[p] != d && !(strings.HasSuffix(p, ".lock") && sameButTime(d, after[p])) {
			diffs = append(diffs, fmt.Sprintf("%s: %q -> %q", p, d, after[p]))
		}
	}
	for p, d := range after {
		if _, ok := before[p]; ok {
			continue
		}
		allowed := strings.HasPrefix(d, "drwx------") ||
			(strings.HasSuffix(p, ".lock") && strings.HasSuffix(d, fmt.Sprintf("%x", sha256.Sum256(nil))))
		if !allowed {
			diffs = append(diffs, fmt.Sprintf("%s: new: %s", p, d))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// sameButTime reports whether two snapshot descriptions differ at most in
// their modification time.
func sameButTime(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) != 4 || len(fb) != 4 {
		return false
	}
	return fa[0] == fb[0] && fa[1] == fb[1] && fa[3] == fb[3]
}

// cacheFiles are the session files in the cache.
func (w *world) cacheFiles() []string {
	m, _ := filepath.Glob(filepath.Join(w.cache, "awsmfa", "*.json"))
	return m
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	closedPort := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	const chainBase = `[profile jump]
source_profile = dev
role_arn = arn:aws:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo
`
	cpKeys := func(command string) string {
		return "[profile keys]\ncredential_process = " + command + "\n\n[profile cp]\nsource_profile = keys\nmfa_serial = arn:aws:iam::123456789012:mfa/demo\nregion = us-east-1\n"
	}
	for _, tc := range []struct {
		name   string
		config string // default demoConfig
		creds  string // default demoCredentials
		setup  func(w *world)
		args   []string
		want   string // regexp on stderr
		status int
		noSTS  bool // no request reaches STS: no code is spent
	}{
		{name: "unknown profile lists the known ones", args: []string{"env", "prod"},
			want: `no profile named "prod".*\n.*admin, dev`, status: 1},
		{name: "role chain that loops", config: demoConfig + chainBase +
			"[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n" +
			"[profile b]\nsource_profile = a\nrole_arn = arn:aws:iam::123456789012:role/demo-chain-deep\n",
			args: []string{"env", "a", "--code", "123456"}, want: `^awsmfa: .*role chain loop: a → b → a \(source_profile at ~/\.aws/config:\d+\)\n.*long-term keys`, status: 1, noSTS: true},
		{name: "role chain of six roles", config: demoConfig + chainBase +
			"[profile r1]\nsource_profile = r2\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n" +
			"[profile r2]\nsource_profile = r3\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n" +
			"[profile r3]\nsource_profile = r4\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n" +
			"[profile r4]\nsource_profile = r5\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n" +
			"[profile r5]\nsource_profile = jump\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n",
			args: []string{"env", "r1", "--code", "123456"}, want: `role chain r1 → r2 → r3 → r4 → r5 → jump … has more than 5 roles`, status: 1, noSTS: true},
		{name: "chained role for two hours", config: demoConfig + chainBase +
			"[profile prod]\nsource_profile = jump\nrole_arn = arn:aws:iam::123456789012:role/demo-chain\n",
			args: []string{"env", "prod", "--duration", "7200", "--code", "123456"}, want: `AWS caps a chained role session \(jump → prod\) at 3600 s`, status: 1, noSTS: true},
		{name: "credential_process that prints garbage", config: cpKeys("echo not-json"),
			args: []string{"env", "cp", "--code", "123456"}, want: `^awsmfa: .*profile "keys": credential_process printed no JSON credentials .*: echo not-json\n$`, status: 1, noSTS: true},
		{name: "credential_process that exits non-zero", config: cpKeys("echo vault is locked >&2; exit 3"),
			args: []string{"env", "cp", "--code", "123456"}, want: `^vault is locked\nawsmfa: .*profile "keys": credential_process failed \(exit status 3\): echo vault`, status: 1, noSTS: true},
		{name: "credential_process that hangs", config: cpKeys("sleep 60"),
			args: []string{"env", "cp", "--code", "123456", "--timeout", "2s"}, want: `gave up after 2s \(--timeout\) waiting for the credential_process of profile "keys"`, status: 1, noSTS: true},
		{name: "credential_process with Version 2", config: cpKeys(`echo '{"Version":2,"AccessKeyId":"AKIAEMULATORDEMO0001","SecretAccessKey":"x"}'`),
			args: []string{"env", "cp", "--code", "123456"}, want: `credential_process printed Version 2, not 1`, status: 1, noSTS: true},
		{name: "credential_process without a secret key", config: cpKeys(`echo '{"Version":1,"AccessKeyId":"AKIAEMULATORDEMO0001"}'`),
			args: []string{"env", "cp", "--code", "123456"}, want: `credential_process printed no AccessKeyId or no SecretAccessKey`, status: 1, noSTS: true},
		{name: "credential_process with expired keys", config: cpKeys(`echo '{"Version":1,"AccessKeyId":"AKIAEMULATORDEMO0001","SecretAccessKey":"x","SessionToken":"t","Expiration":"2020-01-01T00:00:00Z"}'`),
			args: []string{"env", "cp", "--code", "123456"}, want: `credential_process printed keys that expired at 2020-01-01T00:00:00Z`, status: 1, noSTS: true},
		{name: "missing keys", creds: "[other]\naws_access_key_id = AKIAOTHER0000000001\naws_secret_access_key = x\n",
			args: []string{"env", "dev"}, want: `(?i)no long-term keys|aws_access_key_id`, status: 1},
		{name: "malformed device ARN", args: []string{"env", "dev", "--device", "arn:aws:iam::12345:mfa/demo"},
			want: `(?i)arn:aws:iam::12345:mfa/demo.*(12-digit|account)|(?i)(device|serial).*arn:aws:iam::12345`, status: 1},
		{name: "duration 899", args: []string{"env", "dev", "--duration", "899"}, want: `899.*900|900.*899`, status: 1},
		{name: "duration 129601", args: []string{"env", "dev", "--duration", "129601"}, want: `129601.*129600|129600.*129601`, status: 1},
		{name: "duration past int64 nanoseconds", args: []string{"env", "dev", "--duration", "36028797018967568"}, want: `--duration 36028797018967568 is out of range.*129600`, status: 1},
		{name: "duration that wraps negative", args: []string{"env", "dev", "--duration", "1099511627776"}, want: `--duration 1099511627776 is out of range.*129600`, status: 1},
		{name: "duration past int64", args: []string{"env", "dev", "--duration", "99999999999999999999"}, want: `"99999999999999999999" for flag -duration: value out of range`, status: 2},
		{name: "MFA_STS_DURATION past int64 nanoseconds", setup: func(w *world) { w.env["MFA_STS_DURATION"] = "36028797018967568" },
			args: []string{"env", "dev"}, want: `duration 36028797018967568 s \(env MFA_STS_DURATION\) is out of range.*129600`, status: 1},
		{name: "role duration 43201", args: []string{"env", "admin", "--duration", "43201"}, want: `43201.*43200|43200.*43201`, status: 1},
		{name: "code 12345", args: []string{"env", "dev", "--code", "12345"}, want: `6 digits`, status: 1},
		{name: "code abcdef", args: []string{"env", "dev", "--code", "abcdef"}, want: `6 digits`, status: 1},
		{name: "code rejected by STS", setup: func(w *world) {
			good := w.code()
			bad := fmt.Sprintf("%06d", (int(good[0]-'0')+1)%10*100000+123)
			w.env["BAD_CODE"] = bad
		}, args: []string{"env", "dev", "--code", "$BAD_CODE"}, want: `STS rejected the MFA code.*\n.*next code`, status: 1},
		{name: "STS refuses connections", setup: func(w *world) {
			w.env["AWS_ENDPOINT_URL_STS"] = closedPort()
		}, args: []string{"env", "dev", "--code", "123456"}, want: `cannot reach STS at http://127\.0\.0\.1:[0-9]+ for GetSessionToken, and a request with an MFA code is not retried`, status: 1},
		{name: "throttling that does not clear", setup: func(w *world) {
			if err := w.emu.InjectFault(stsemu.Fault{Kind: stsemu.Throttle, Count: 100}); err != nil {
				t.Fatal(err)
			}
		}, args: []string{"env", "dev", "--code", "123456"}, want: `throttling GetSessionToken.*not retried.*\n.*wait a minute`, status: 1},
		{name: "cache file mode 0644", setup: func(w *world) {
			w.prime()
			for _, f := range w.cacheFiles() {
				if err := os.Chmod(f, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}, args: []string{"env", "dev"}, want: `mode 0644.*\n?.*(chmod 600|remove)`, status: 1},
		{name: "cache file owned by another user", setup: func(w *world) {
			testenv.NeedRoot(t, "give a cache file to another user")
			w.prime()
			for _, f := range w.cacheFiles() {
				if err := os.Chown(f, 65534, 65534); err != nil {
					t.Fatal(err)
				}
			}
		}, args: []string{"env", "dev"}, want: `belongs to uid 65534, not to you`, status: 1},
		{name: "cache directory mode 0777", setup: func(w *world) {
			w.prime()
			if err := os.Chmod(filepath.Join(w.cache, "awsmfa"), 0o777); err != nil {
				t.Fatal(err)
			}
		}, args: []string{"env", "dev"}, want: `0777.*\n?.*chmod 700`, status: 1},
		{name: "config syntax error names file and line", config: "[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/demo\n[profile broken\nregion = x\n",
			args: []string{"env", "dev"}, want: `config:3`, status: 1},
		{name: "config file is /dev/zero", setup: func(w *world) { w.env["AWS_CONFIG_FILE"] = "/dev/zero" },
			args: []string{"env", "dev"}, want: `cannot read /dev/zero: is a character device, not a regular file\n.*AWS_CONFIG_FILE`, status: 1},
		{name: "credentials file is /dev/zero", setup: func(w *world) { w.env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/zero" },
			args: []string{"env", "dev"}, want: `cannot read /dev/zero: is a character device, not a regular file\n.*AWS_SHARED_CREDENTIALS_FILE`, status: 1},
		{name: "config pipe with no end of line", setup: func(w *world) {
			w.env["AWS_CONFIG_FILE"] = endlessPipe(t, "[profile dev]\nregion = ")
		}, args: []string{"env", "dev"}, want: `endless:2: line longer than 1048576 bytes, so this is no AWS config file\n.*AWS_CONFIG_FILE`, status: 1},
		{name: "config with a 2 MiB line", setup: func(w *world) {
			w.write(".aws/config", demoConfig+"\n# "+strings.Repeat("x", 2<<20)+"\n")
		}, args: []string{"env", "dev"}, want: `config:10: line longer than 1048576 bytes`, status: 1},
		{name: "unknown shell", args: []string{"env", "dev", "--shell", "tcsh"}, want: `tcsh.*bash`, status: 1},
		{name: "bad min-ttl", args: []string{"env", "dev", "--min-ttl", "soon"}, want: `--min-ttl "soon"`, status: 1},
		{name: "two profiles", args: []string{"env", "dev", "--profile", "admin"}, want: `two profiles`, status: 1},
		{name: "unknown flag: one line on stderr, no help page on stdout", args: []string{"env", "dev", "--bogus"}, want: `flag provided but not defined: -bogus \(see 'awsmfa env --help'\)`, status: 2},
		{name: "unknown command", args: []string{"evn", "dev"}, want: `unknown command "evn"; see 'awsmfa --help'`, status: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			config, creds := demoConfig, demoCredentials
			if tc.config != "" {
				config = tc.config
			}
			if tc.creds != "" {
				creds = tc.creds
			}
			w := newWorld(t, config, creds)
			if tc.setup != nil {
				tc.setup(w)
			}
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = os.Expand(a, func(k string) string { return w.env[k] })
			}
			before := w.snapshot()
			status, stdout, stderr := w.run(args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, stderr)
			}
			if !regexp.MustCompile(tc.want).MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%s", tc.want, stderr)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 1 {
				t.Errorf("error is %d lines, want at most 2:\n%s", n+1, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("a Go panic reached the user:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout must stay empty on failure (it is eval'd), got:\n%s", stdout)
			}
			if diffs := unchanged(before, w.snapshot()); len(diffs) > 0 {
				t.Errorf("files changed on failure:\n%s", strings.Join(diffs, "\n"))
			}
			if n := len(w.emu.Log()); tc.noSTS && n > 0 {
				t.Errorf("%d requests reached STS; want none (no code spent)", n)
			}
		})
	}
}

// prime fills the cache with a dev session.
func (w *world) prime() {
	w.t.Helper()
	if status, _, stderr := w.run("env", "dev", "--code", w.code()); status != 0 {
		w.t.Fatalf("priming the cache failed: %s", stderr)
	}
	if len(w.cacheFiles()) == 0 {
		w.t.Fatal("priming left no cache file")
	}
}

// TestCorruptCacheIsAMiss: a corrupt cache file is a miss; the next
// session overwrites it.
func TestCorruptCacheIsAMiss(t *testing.T) {
	t.Parallel()
	w := newWorld(t, demoConfig, demoCredentials)
	w.prime()
	files := w.cacheFiles()
	for _, f := range files {
		if err := os.WriteFile(f, []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	status, stdout, stderr := w.run("env", "dev", "--code", w.code())
	if status != 0 || !strings.Contains(stdout, "AWS_SESSION_TOKEN") {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	if n := w.emu.Count("GetSessionToken"); n != 2 {
		t.Errorf("GetSessionToken calls = %d, want 2 (the corrupt file is a miss)", n)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.HasPrefix(b, []byte("{not json")) {
			t.Errorf("%s still corrupt: it was not overwritten", f)
		}
	}
}

// TestDebugLogHasNoSecrets runs the whole flow with --log-level debug and
// searches stderr for every secret involved.
func TestDebugLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	w := newWorld(t, demoConfig, demoCredentials)
	var secrets []string
	for _, args := range [][]string{
		{"env", "dev", "--log-level", "debug", "--code", w.code()},
		{"env", "admin", "--log-level", "debug"},
		{"env", "admin", "--log-level", "debug", "--force", "--code", w.code()},
		{"env", "dev", "--log-level", "debug"},
	} {
		status, stdout, stderr := w.run(args...)
		if status != 0 {
			t.Fatalf("%v: status %d: %s", args, status, stderr)
		}
		if !strings.Contains(stderr, "level=") {
			t.Fatalf("%v: no debug output at all, so the test proves nothing:\n%s", args, stderr)
		}
		for _, name := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
			m := regexp.MustCompile(`(?m)^export ` + name + `='([^']+)'$`).FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("%v: no %s in stdout", args, name)
			}
			secrets = append(secrets, m[1])
		}
		secrets = append(secrets, stsemu.DemoSecretAccessKey)
		for _, s := range secrets {
			if strings.Contains(stderr, s) || strings.Contains(stderr, s[:16]) {
				t.Errorf("%v: a secret (%.4s…) appears on stderr:\n%s", args, s, stderr)
			}
		}
	}
}
