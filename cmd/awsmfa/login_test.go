package main

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// loginConfig adds to demoConfig a role in a partition with no console
// awsmfa knows.
const loginConfig = demoConfig + `
[profile iso]
source_profile = dev
role_arn = arn:aws-iso:iam::123456789012:role/demo-admin
mfa_serial = arn:aws:iam::123456789012:mfa/demo
`

// signinWorld is a world whose federation endpoint is its emulator.
func signinWorld(t *testing.T) *world {
	w := newWorld(t, loginConfig, demoCredentials)
	w.env["AWS_ENDPOINT_URL_SIGNIN"] = w.env["AWS_ENDPOINT_URL_STS"]
	return w
}

// primeAdmin caches a role session for admin.
func (w *world) primeAdmin() {
	w.t.Helper()
	if status, _, stderr := w.run("env", "admin", "--code", w.code()); status != 0 {
		w.t.Fatalf("priming the cache failed: %s", stderr)
	}
}

// Bad input to login: one or two lines on stderr, nothing on stdout, exit
// non-zero, no file changed.
func TestLoginBadInput(t *testing.T) {
	closedPort := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	for _, tc := range []struct {
		name  string
		setup func(w *world)
		args  []string
		want  string // regexp on stderr
		calls bool   // STS may have been called (the cache was primed)
	}{
		{name: "profile without a role", args: []string{"login", "dev", "--code", "123456"},
			want: `^awsmfa: login: profile "dev" has no role, .*refuses an MFA session \(GetSessionToken\).*\n  add a role to a profile .*awsmfa login ROLE_PROFILE\n$`},
		{name: "two profiles", args: []string{"login", "admin", "dev"}, want: `^awsmfa: login takes one profile, got 2 arguments\n$`},
		{name: "a URL for --path", args: []string{"login", "admin", "--path", "https://evil.example/x"},
			want: `^awsmfa: --path "https://evil.example/x": give the page on the console, such as ec2/home, not a URL\n$`},
		{name: "console duration of a chained role", args: []string{"login", "admin", "--console-duration", "90m"},
			want: `^awsmfa: --console-duration "90m": give a length from 15m to 1h \(this role session is minted from an MFA session: AWS caps its console session at 1h\)\n$`},
		{name: "console duration not a duration", args: []string{"login", "admin", "--console-duration", "soon"},
			want: `^awsmfa: --console-duration "soon": give a length from 15m to 1h`},
		{name: "console duration too short", args: []string{"login", "admin", "--console-duration", "14m"},
			want: `^awsmfa: --console-duration "14m"`},
		{name: "partition with no known console", args: []string{"login", "iso"},
			want: `^awsmfa: login: console sign-in is not available for the partition "aws-iso" of arn:aws-iso:iam::123456789012:role/demo-admin; awsmfa knows the consoles of aws, aws-cn and aws-us-gov\n$`},
		{name: "endpoint not a URL", setup: func(w *world) { w.env["AWS_ENDPOINT_URL_SIGNIN"] = "signin.example" },
			args: []string{"login", "admin"}, want: `^awsmfa: AWS_ENDPOINT_URL_SIGNIN: not an endpoint URL such as https://signin.example.com; fix or unset it\n$`},
		{name: "endpoint in clear off loopback", setup: func(w *world) { w.env["AWS_ENDPOINT_URL_SIGNIN"] = "http://10.0.0.1" },
			args: []string{"login", "admin"}, want: `^awsmfa: AWS_ENDPOINT_URL_SIGNIN: plain http is allowed only to 127\.0\.0\.1, ::1 or localhost`},
		{name: "sign-in service unreachable", calls: true, setup: func(w *world) {
			w.primeAdmin()
			w.env["AWS_ENDPOINT_URL_SIGNIN"] = closedPort()
		}, args: []string{"login", "admin", "--stdout"}, want: `^awsmfa: login: cannot reach the AWS sign-in service at 127\.0\.0\.1:[0-9]+: dial tcp 127\.0\.0\.1:[0-9]+: connect: connection refused\n$`},
		{name: "browser command fails", calls: true, setup: func(w *world) {
			w.primeAdmin()
			w.env["BROWSER"] = "false"
		}, args: []string{"login", "admin"}, want: `\nawsmfa: login: the browser command false failed \(exit status 1\); use --stdout to print the URL and open it yourself\n$`},
		{name: "browser command that repeats the URL", calls: true, setup: func(w *world) {
			w.primeAdmin()
			// As xdg-open does when it finds no browser.
			script := filepath.Join(t.TempDir(), "noisy")
			if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\"\necho \"no method available for opening '$1'\" >&2\nexit 3\n"), 0o700); err != nil {
				t.Fatal(err)
			}
			w.env["BROWSER"] = script
		}, args: []string{"login", "admin"}, want: `\nawsmfa: login: the browser command /.*/noisy failed \(exit status 3\); use --stdout to print the URL and open it yourself\n$`},
		{name: "no browser at all", calls: true, setup: func(w *world) {
			w.primeAdmin()
			w.env["BROWSER"] = ""
			w.env["PATH"] = t.TempDir()
		}, args: []string{"login", "admin"}, want: `\nawsmfa: login: cannot start a browser \(tried xdg-open\); set BROWSER to one, or use --stdout to print the URL\n$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := signinWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			before := w.snapshot()
			w.emu.Reset()
			status, stdout, stderr := w.run(tc.args...)
			if status == 0 {
				t.Errorf("exit status 0, want non-zero; stderr:\n%s", stderr)
			}
			if !regexp.MustCompile(tc.want).MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%s", tc.want, stderr)
			}
			// The browser path prints one line before it opens; the error
			// is at most two lines after it.
			msg := stderr
			if i := strings.Index(msg, "awsmfa: login:"); i > 0 {
				msg = msg[i:]
			}
			if n := strings.Count(strings.TrimSpace(msg), "\n"); n > 1 {
				t.Errorf("error is %d lines, want at most 2:\n%s", n+1, stderr)
			}
			if strings.Contains(stderr, "SigninToken") || strings.Contains(stderr, "federation?") {
				t.Errorf("the sign-in URL reached stderr:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout must stay empty on failure, got:\n%s", stdout)
			}
			if diffs := unchanged(before, w.snapshot()); len(diffs) > 0 {
				t.Errorf("files changed on failure:\n%s", strings.Join(diffs, "\n"))
			}
			if n := len(w.emu.Log()); !tc.calls && n != 0 {
				t.Errorf("%d requests reached the emulator, want none: %+v", n, w.emu.Log())
			}
		})
	}
}

// TestLoginDebugHasNoSecrets: at debug level, neither the role session's
// secrets nor the sign-in URL or its token reach stderr, through --stdout
// or through the browser.
func TestLoginDebugHasNoSecrets(t *testing.T) {
	w := signinWorld(t)
	status, stdout, stderr := w.run("env", "admin", "--code", w.code())
	if status != 0 {
		t.Fatal(stderr)
	}
	var secrets []string
	for _, name := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		m := regexp.MustCompile(`(?m)^export ` + name + `='([^']+)'$`).FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("no %s in env's output", name)
		}
		secrets = append(secrets, m[1])
	}
	dir := t.TempDir()
	script := dir + "/browser"
	if err := os.WriteFile(script, []byte("#!/bin/sh\numask 077\nprintf %s \"$1\" > "+dir+"/opened\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	w.env["BROWSER"] = script
	for _, args := range [][]string{
		{"login", "admin", "--stdout", "--log-level", "debug"},
		{"login", "admin", "--log-level", "debug"},
	} {
		status, stdout, stderr := w.run(args...)
		if status != 0 {
			t.Fatalf("%v: status %d: %s", args, status, stderr)
		}
		if !strings.Contains(stderr, "level=") {
			t.Fatalf("%v: no debug output at all, so the test proves nothing:\n%s", args, stderr)
		}
		link := strings.TrimSpace(stdout)
		if len(args) == 4 {
			b, err := os.ReadFile(dir + "/opened")
			if err != nil {
				t.Fatalf("the browser command did not run: %v", err)
			}
			link = string(b)
		}
		u, err := url.Parse(link)
		if err != nil || u.Query().Get("SigninToken") == "" {
			t.Fatalf("%v: no sign-in URL (%q)", args, link)
		}
		for _, s := range append([]string{link, u.Query().Get("SigninToken")}, secrets...) {
			if strings.Contains(stderr, s) || strings.Contains(stderr, s[:16]) {
				t.Errorf("%v: a secret (%.4s…) appears on stderr:\n%s", args, s, stderr)
			}
		}
	}
}

// TestLoginRefusedHint: when the sign-in service refuses a cached role
// session, the error says what to run, with the profile name (from a
// config file) quoted for the user's shell.
func TestLoginRefusedHint(t *testing.T) {
	const name = "it's $(touch pwned)"
	w := newWorld(t, demoConfig+"\n[profile \""+name+"\"]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/demo-admin\nmfa_serial = arn:aws:iam::123456789012:mfa/demo\n", demoCredentials)
	w.env["AWS_ENDPOINT_URL_SIGNIN"] = w.env["AWS_ENDPOINT_URL_STS"]
	status, stdout, stderr := w.run("env", "--shell", "bash", "--code", w.code(), "--", name)
	if status != 0 {
		t.Fatal(stderr)
	}
	m := regexp.MustCompile(`(?m)^export AWS_ACCESS_KEY_ID='(ASIA[A-Z0-9]+)'$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no access key id in %q", stdout)
	}
	if err := w.emu.Invalidate(m[1], stsemu.Revoke); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr = w.run("login", "--stdout", "--", name)
	want := "awsmfa: login: the AWS sign-in service refused the role session (HTTP 400 Bad Request) for " + name +
		"\n  the session may have been revoked or have expired; run: awsmfa login --force 'it'\\''s $(touch pwned)'\n"
	if status == 0 || stdout != "" || stderr != want {
		t.Fatalf("status %d, stdout %q, stderr\n%s\nwant\n%s", status, stdout, stderr, want)
	}
}
