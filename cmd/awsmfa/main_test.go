package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv"
	"github.com/awsmfa/awsmfa/internal/testenv/sandbox"
)

// inProcess makes tests that run awsmfa in this process take turns:
// urfave/cli v2 writes to its package-level HelpFlag on every run, which
// the binary (one run per process) never notices but tests running apps
// at once would race on.
var inProcess sync.Mutex

// runApp runs a with args (args[0] is the program name) in this process.
func runApp(a *app, args []string) int {
	inProcess.Lock()
	defer inProcess.Unlock()
	return a.run(args)
}

// builds holds the commands the tests run as processes of their own:
// awsmfa (for a terminal or a dialog) and awsmfa-keyring.
var builds testenv.Builds

// TestMain lets testscript run this test binary as the programs a script
// calls: awsmfa itself (also under the name aws-mfa), and totp-code, a stand-in for an mfa_process (it
// prints the demo device's current code and records each call). The tests
// run four at once (unless -parallel says): many wait on a window, a
// deadline or the next TOTP step.
func TestMain(m *testing.M) {
	testscript.Main(testenv.Parallel(4, builds.RemoveAfter(m)), map[string]func(){
		"awsmfa": func() { os.Exit(newApp().run(os.Args)) },
		// The same binary under aws-mfa's name, as a symlink makes it.
		"aws-mfa": func() { os.Exit(newApp().run(os.Args)) },
		"totp-code": func() {
			if log := os.Getenv("CODE_LOG"); log != "" {
				f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
				if err == nil {
					fmt.Fprintln(f, os.Getenv("AWSMFA_MFA_SERIAL"))
					f.Close()
				}
			}
			code, err := stsemu.Code(stsemu.DemoSeed, time.Now())
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			fmt.Println(code)
			os.Exit(0)
		},
	})
}

// TestScripts runs every testdata/script/*.txtar: each reads as a user's
// session against a fresh STS emulator on 127.0.0.1.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams())
}

type emuKey struct{}

// awsCLIv2 is where Debian's awscli package puts the AWS CLI v2.
const awsCLIv2 = "/usr/bin/aws"

func scriptParams() testscript.Params {
	return testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			emu := stsemu.New(stsemu.DemoState())
			srv := httptest.NewServer(emu)
			env.Defer(srv.Close)
			env.Values[emuKey{}] = emu
			home := filepath.Join(env.WorkDir, "home")
			if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
				return err
			}
			// The AWS CLI v2 is Debian's /usr/bin/aws; an older aws earlier
			// in PATH (a pip-installed v1, say) must not stand in for it.
			if _, err := os.Stat(awsCLIv2); err == nil {
				dir := filepath.Join(env.WorkDir, ".awscli")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				if err := os.Symlink(awsCLIv2, filepath.Join(dir, "aws")); err != nil {
					return err
				}
				env.Setenv("PATH", dir+string(os.PathListSeparator)+env.Getenv("PATH"))
			}
			for _, kv := range append(sandbox.Environ(home, filepath.Join(env.WorkDir, "cache"), srv.URL),
				"EMU_URL="+srv.URL,
				"CODE_LOG="+filepath.Join(env.WorkDir, "codes.log"),
				"DEMO_KEY="+stsemu.DemoAccessKeyID,
				"DEMO_SECRET="+stsemu.DemoSecretAccessKey,
				"DEMO_SERIAL="+stsemu.DemoSerial,
				"DEMO_SEED="+stsemu.DemoSeed,
				"NOMFA_KEY="+stsemu.DemoNoMFAAccessKeyID,
				"NOMFA_SECRET="+stsemu.DemoNoMFASecretAccessKey,
			) {
				k, v, _ := strings.Cut(kv, "=")
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emu": cmdEmu,
			"utc": cmdUTC,
			// keyring_test.go
			"session-bus":    cmdSessionBus,
			"fake-bus":       cmdFakeBus,
			"keyring-helper": cmdKeyringHelper,
		},
		Condition: func(cond string) (bool, error) {
			// [have:PROG] is true when PROG is installed; with
			// AWSMFA_REQUIRE_ALL=1 a missing PROG is a failure instead.
			if prog, ok := strings.CutPrefix(cond, "have:"); ok {
				if prog == "aws" {
					prog = awsCLIv2
				}
				if _, err := lookPath(prog); err == nil {
					return true, nil
				}
				if os.Getenv("AWSMFA_REQUIRE_ALL") == "1" {
					return false, fmt.Errorf("%s is required (AWSMFA_REQUIRE_ALL=1) but not installed", prog)
				}
				return false, nil
			}
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	}
}

// cmdEmu drives and checks the script's emulator:
//
//	emu code [VAR]            set $VAR (default CODE) to the demo device's current code
//	emu advance DURATION      move the emulator's clock (and its TOTP step) forward
//	emu count ACTION N        assert ACTION was called N times
//	emu codes N               assert N requests carried an MFA code
//	emu fault KIND COUNT [D]  fail the next COUNT requests (latency, throttle, internal_error, drop)
//	emu reset                 clear the log and counters
//	emu log                   print the request log as JSON
func cmdEmu(ts *testscript.TestScript, neg bool, args []string) {
	emu := ts.Value(emuKey{}).(*stsemu.Server)
	if len(args) == 0 {
		ts.Fatalf("usage: emu code|advance|count|codes|fault|reset|log ...")
	}
	if neg && args[0] != "count" {
		ts.Fatalf("emu %s does not support !", args[0])
	}
	switch args[0] {
	case "code":
		name := "CODE"
		if len(args) > 1 {
			name = args[1]
		}
		code, err := emu.CurrentCode(stsemu.DemoSerial, 0)
		ts.Check(err)
		ts.Setenv(name, code)
	case "advance":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		emu.Advance(d)
	case "count":
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		if got := emu.Count(args[1]); (got == n) == neg {
			ts.Fatalf("emulator saw %d %s requests, want %s%d", got, args[1], map[bool]string{true: "not ", false: ""}[neg], n)
		}
	case "codes":
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		got := 0
		for _, r := range emu.Log() {
			if r.CodeSent {
				got++
			}
		}
		if got != n {
			ts.Fatalf("emulator saw %d requests with an MFA code, want %d", got, n)
		}
	case "fault":
		var kind stsemu.FaultKind
		ts.Check(kind.UnmarshalText([]byte(args[1])))
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		f := stsemu.Fault{Kind: kind, Count: n}
		if len(args) > 3 {
			f.Delay, err = time.ParseDuration(args[3])
			ts.Check(err)
		}
		ts.Check(emu.InjectFault(f))
	case "reset":
		emu.Reset()
	case "log":
		b, err := json.MarshalIndent(emu.Log(), "", "  ")
		ts.Check(err)
		ts.Stdout().Write(append(b, '\n'))
	default:
		ts.Fatalf("unknown emu command %q", args[0])
	}
}

// cmdUTC sets $VAR to the wall clock plus DURATION (negative for the past),
// in UTC and in aws-mfa's expiration format, 2006-01-02 15:04:05:
//
//	utc VAR DURATION
func cmdUTC(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: utc VAR DURATION")
	}
	d, err := time.ParseDuration(args[1])
	ts.Check(err)
	ts.Setenv(args[0], time.Now().Add(d).UTC().Format("2006-01-02 15:04:05"))
}
