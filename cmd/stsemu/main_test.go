package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/awsmfa/awsmfa/internal/stsemu"
)

var fixed = time.Date(2030, 6, 7, 8, 9, 10, 0, time.UTC)

func fixedNow() time.Time { return fixed }

func TestRun(t *testing.T) {
	code, _ := stsemu.Code(stsemu.DemoSeed, fixed)
	next, _ := stsemu.Code(stsemu.DemoSeed, fixed.Add(30*time.Second))
	badState := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(badState, []byte(`{"account":"12"}`), 0o600)
	tests := []struct {
		name     string
		args     []string
		status   int
		stdout   string // exact, when not empty
		stderrIn string // substring of stderr
	}{
		{"no arguments", nil, 2, "", "usage:"},
		{"help", []string{"--help"}, 0, "", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"code from seed", []string{"code", "--seed", stsemu.DemoSeed}, 0, code + "\n", ""},
		{"code with offset", []string{"code", "--seed", stsemu.DemoSeed, "--offset", "30s"}, 0, next + "\n", ""},
		{"code bad seed", []string{"code", "--seed", "not base32!"}, 1, "", "code: TOTP seed: not valid base32"},
		{"code nothing", []string{"code"}, 2, "", "give --seed BASE32"},
		{"code seed and url", []string{"code", "--seed", stsemu.DemoSeed, "--url", "http://127.0.0.1:1"}, 2, "", "not both"},
		{"code bad offset", []string{"code", "--seed", stsemu.DemoSeed, "--offset", "soon"}, 2, "", "invalid value"},
		{"code unreachable emulator", []string{"code", "--url", "http://127.0.0.1:1", "--serial", stsemu.DemoSerial}, 1, "", "cannot reach the emulator"},
		{"state without --demo", []string{"state"}, 2, "", "only --demo"},
		{"serve nothing to serve", []string{"serve"}, 2, "", "give --state FILE or --demo"},
		{"serve both", []string{"serve", "--demo", "--state", "x.json"}, 2, "", "not both"},
		{"serve public address", []string{"serve", "--demo", "--addr", "0.0.0.0:0"}, 1, "", "loopback only"},
		{"serve named host", []string{"serve", "--demo", "--addr", "example.com:80"}, 1, "", "loopback only"},
		{"serve bad address", []string{"serve", "--demo", "--addr", "nonsense"}, 2, "", "not host:port"},
		{"serve missing state", []string{"serve", "--state", filepath.Join(t.TempDir(), "none.json")}, 1, "", "cannot read emulator state"},
		{"serve invalid state", []string{"serve", "--state", badState}, 1, "", "account:"},
		{"stray argument", []string{"state", "--demo", "extra"}, 2, "", `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(context.Background(), tt.args, &out, &errb, fixedNow)
			if got != tt.status {
				t.Fatalf("exit %d, want %d; stderr: %s", got, tt.status, errb.String())
			}
			if tt.stdout != "" && out.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", out.String(), tt.stdout)
			}
			if !strings.Contains(errb.String(), tt.stderrIn) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tt.stderrIn)
			}
			if tt.status == 1 && strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("error is not one line: %q", errb.String())
			}
		})
	}
}

func TestStateDemoLoads(t *testing.T) {
	var out bytes.Buffer
	if st := run(context.Background(), []string{"state", "--demo"}, &out, io.Discard, fixedNow); st != 0 {
		t.Fatalf("exit %d", st)
	}
	st, err := stsemu.ParseState(out.Bytes(), "stdout")
	if err != nil || st.Account != stsemu.DemoAccount {
		t.Fatalf("state --demo output does not load: %v", err)
	}
}

// buildStsemu compiles this command into a temporary directory.
func buildStsemu(t *testing.T) string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin := filepath.Join(t.TempDir(), "stsemu")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestServeProcess(t *testing.T) {
	bin := buildStsemu(t)
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	cmd := exec.Command(bin, "serve", "--demo", "--url-file", urlFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL: %v (stderr %s)", err, stderr.String())
	}
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q, want http://127.0.0.1:PORT", url)
	}
	if b, _ := os.ReadFile(urlFile); strings.TrimSpace(string(b)) != url {
		t.Errorf("--url-file holds %q, want %q", b, url)
	}

	// The real SDK gets a session with a code from `stsemu code --url`.
	codeOut, err := exec.Command(bin, "code", "--url", url, "--serial", stsemu.DemoSerial).Output()
	if err != nil {
		t.Fatalf("stsemu code --url: %v", err)
	}
	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(stsemu.DemoAccessKeyID, stsemu.DemoSecretAccessKey, ""),
		Retryer:      aws.NopRetryer{},
	})
	out, err := client.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(stsemu.DemoSerial), TokenCode: aws.String(strings.TrimSpace(string(codeOut)))})
	if err != nil {
		t.Fatalf("GetSessionToken against the process: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") {
		t.Errorf("AccessKeyId %q", aws.ToString(out.Credentials.AccessKeyId))
	}
	resp, err := http.Get(url + "/_emu/counters")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"GetSessionToken":1`) {
		t.Errorf("counters = %s", body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v (stderr %q), want exit 0", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("stsemu did not exit within 30s of SIGTERM")
	}
	if _, err := http.Get(url + "/_emu/counters"); err == nil {
		t.Error("the emulator still answers after exiting")
	}
}
