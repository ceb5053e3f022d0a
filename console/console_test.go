package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/stsemu"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Each partition's sign-in and console hosts, read off the role ARN.
func TestPartitions(t *testing.T) {
	for _, tc := range []struct {
		arn, region           string
		endpoint, destination string
	}{
		{"arn:aws:iam::123456789012:role/admin", "eu-west-1",
			"https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home?region=eu-west-1"},
		{"arn:aws-cn:iam::123456789012:role/admin", "cn-north-1",
			"https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
		{"arn:aws-us-gov:iam::123456789012:role/admin", "us-gov-west-1",
			"https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"arn:aws:iam::123456789012:role/admin", "",
			"https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home"},
	} {
		t.Run(tc.arn+" "+tc.region, func(t *testing.T) {
			p, err := PartitionOf(tc.arn)
			if err != nil {
				t.Fatal(err)
			}
			ep, err := Endpoint(p, env(nil))
			if err != nil || ep != tc.endpoint {
				t.Errorf("Endpoint = %q, %v; want %q", ep, err, tc.endpoint)
			}
			d, err := Destination(p, tc.region, "")
			if err != nil || d != tc.destination {
				t.Errorf("Destination = %q, %v; want %q", d, err, tc.destination)
			}
		})
	}
	for _, arn := range []string{"arn:aws-iso:iam::123456789012:role/x", "arn:aws-eusc:iam::123456789012:role/x", "role/x", ""} {
		if _, err := PartitionOf(arn); err == nil {
			t.Errorf("PartitionOf(%q): no error, want one", arn)
		}
	}
}

func TestEndpointOverride(t *testing.T) {
	aws := partitions[0]
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"signin variable", map[string]string{EnvEndpoint: "http://127.0.0.1:8080"}, "http://127.0.0.1:8080/federation", ""},
		{"trailing slash and a path", map[string]string{EnvEndpoint: "https://proxy.example/aws/"}, "https://proxy.example/aws/federation", ""},
		{"global fallback", map[string]string{"AWS_ENDPOINT_URL": "http://[::1]:9000"}, "http://[::1]:9000/federation", ""},
		{"signin before global", map[string]string{EnvEndpoint: "http://localhost:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://localhost:1/federation", ""},
		{"ignored", map[string]string{EnvEndpoint: "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "https://signin.aws.amazon.com/federation", ""},
		{"http off loopback", map[string]string{EnvEndpoint: "http://signin.example.com"}, "", "plain http is allowed only to 127.0.0.1"},
		{"not a URL", map[string]string{EnvEndpoint: "signin.example.com"}, "", "AWS_ENDPOINT_URL_SIGNIN: not an endpoint URL"},
		{"with a query", map[string]string{"AWS_ENDPOINT_URL": "https://x.example/?a=b"}, "", "AWS_ENDPOINT_URL: not an endpoint URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Endpoint(aws, env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Endpoint = %q, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Endpoint = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDestination(t *testing.T) {
	aws := partitions[0]
	for _, tc := range []struct {
		path, region, want, wantErr string
	}{
		{"ec2/home", "eu-west-1", "https://console.aws.amazon.com/ec2/home?region=eu-west-1", ""},
		{"/s3/buckets", "", "https://console.aws.amazon.com/s3/buckets", ""},
		{"ec2/home#Instances:", "us-east-1", "https://console.aws.amazon.com/ec2/home?region=us-east-1#Instances:", ""},
		{"ec2/home?region=us-west-2", "eu-west-1", "https://console.aws.amazon.com/ec2/home?region=us-west-2", ""},
		{"https://evil.example/", "", "", "not a URL"},
		{"//evil.example/x", "", "", "not a URL"},
		{"javascript:alert(1)", "", "", "not a URL"},
		{"../x", "", "", "no .."},
		{"ec2/home x", "", "", "no spaces"},
	} {
		got, err := Destination(aws, tc.region, tc.path)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Destination(%q) = %q, %v; want error containing %q", tc.path, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Destination(%q, %q) = %q, %v; want %q", tc.path, tc.region, got, err, tc.want)
		}
	}
}

// emulated serves the STS emulator on loopback and returns it, its URL and
// a role session of demo-external.
func emulated(t *testing.T) (*stsemu.Server, string, creds.Credentials) {
	t.Helper()
	emu := stsemu.New(stsemu.DemoState())
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(stsemu.DemoNoMFAAccessKeyID, stsemu.DemoNoMFASecretAccessKey, ""),
	})
	out, err := client.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/demo-external"),
		RoleSessionName: aws.String("console-test"),
		ExternalId:      aws.String(stsemu.DemoExternalID),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return emu, srv.URL, creds.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken, Expiration: *c.Expiration}
}

func TestLoginURL(t *testing.T) {
	emu, base, role := emulated(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	dest := "https://console.aws.amazon.com/console/home?region=eu-west-1"
	l := Login{Session: role, Endpoint: base + "/federation", Destination: dest, Duration: 30 * time.Minute, Issuer: "awsmfa"}
	got, err := l.URL(context.Background(), noRedirect)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/federation" || q.Get("Action") != "login" || q.Get("Destination") != dest || q.Get("Issuer") != "awsmfa" || len(q.Get("SigninToken")) < 40 {
		t.Fatalf("login URL %s lacks its parts", got)
	}
	log := emu.Log()
	if last := log[len(log)-1]; last.Action != "getSigninToken" || last.DurationSeconds != 1800 || last.Status != 200 {
		t.Fatalf("emulator logged %+v, want getSigninToken for 1800 s", last)
	}

	// Refusals carry neither the session nor a URL.
	for _, tc := range []struct {
		name string
		l    Login
		want string
	}{
		{"wrong secret", Login{Session: creds.Credentials{AccessKeyID: role.AccessKeyID, SecretAccessKey: "wrong" + role.SecretAccessKey, SessionToken: role.SessionToken}, Endpoint: l.Endpoint, Destination: dest},
			"refused the role session (HTTP 400 Bad Request)"},
		{"no server", Login{Session: role, Endpoint: "http://127.0.0.1:1/federation", Destination: dest}, "cannot reach the AWS sign-in service at 127.0.0.1:1"},
		{"long-term keys", Login{Session: creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "s"}, Endpoint: l.Endpoint}, "needs a role session"},
		{"too long", Login{Session: role, Endpoint: l.Endpoint, Duration: 13 * time.Hour}, "AWS allows 15m0s to 12h0m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.l.URL(context.Background(), noRedirect)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			for _, secret := range []string{role.SecretAccessKey, role.SessionToken, "federation?", "Session="} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q carries %q", err, secret)
				}
			}
		})
	}
}

func TestBrowserCommands(t *testing.T) {
	const u = "https://signin.example/federation?Action=login&SigninToken=abc"
	for _, tc := range []struct {
		goos, browser string
		want          [][]string
	}{
		{"linux", "", [][]string{{"xdg-open", u}}},
		{"freebsd", "", [][]string{{"xdg-open", u}}},
		{"darwin", "", [][]string{{"open", u}}},
		{"windows", "", [][]string{{"rundll32", "url.dll,FileProtocolHandler", u}}},
		{"linux", "firefox", [][]string{{"firefox", u}}},
		{"linux", "firefox --new-window:w3m", [][]string{{"firefox", "--new-window", u}, {"w3m", u}}},
		{"linux", "chromium --app=%s", [][]string{{"chromium", "--app=" + u}}},
		{"windows", `C:\b\a.exe;edge`, [][]string{{`C:\b\a.exe`, u}, {"edge", u}}},
	} {
		o := Opener{Getenv: env(map[string]string{EnvBrowser: tc.browser}), GOOS: tc.goos}
		got := o.commands(u)
		if len(got) != len(tc.want) {
			t.Errorf("%s BROWSER=%q: commands %q, want %q", tc.goos, tc.browser, got, tc.want)
			continue
		}
		for i := range got {
			if strings.Join(got[i], "\x00") != strings.Join(tc.want[i], "\x00") {
				t.Errorf("%s BROWSER=%q: commands %q, want %q", tc.goos, tc.browser, got, tc.want)
			}
		}
	}
}

// Open runs the real command: a script that records its argument.
func TestOpenRunsBrowser(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\numask 077\nprintf '%s\\n' \"$1\" > "+rec+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	const u = "http://127.0.0.1:1/federation?Action=login&SigninToken=secret-token"
	o := Opener{Getenv: env(map[string]string{EnvBrowser: "/no/such/browser:" + script})}
	if err := o.Open(u); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(rec)
	if err != nil || string(got) != u+"\n" {
		t.Fatalf("the browser got %q (%v), want the URL", got, err)
	}

	o = Opener{Getenv: env(map[string]string{EnvBrowser: "/no/such/browser"})}
	err = o.Open(u)
	if err == nil || strings.Contains(err.Error(), "secret-token") || !strings.Contains(err.Error(), "tried /no/such/browser") {
		t.Fatalf("Open with no browser: %v; want an error naming the command and not the URL", err)
	}
}
