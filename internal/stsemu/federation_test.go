package stsemu

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// signinToken asks the emulator's federation endpoint for a sign-in token
// for c, returning the status and the token (empty unless 200).
func (e *emulator) signinToken(t *testing.T, c aws.Credentials, duration string) (int, string) {
	t.Helper()
	session, _ := json.Marshal(map[string]string{"sessionId": c.AccessKeyID, "sessionKey": c.SecretAccessKey, "sessionToken": c.SessionToken})
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if duration != "" {
		q.Set("SessionDuration", duration)
	}
	resp, err := http.Get(e.URL + "/federation?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, ""
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		t.Fatalf("getSigninToken answered 200 with %q, want {\"SigninToken\": ...}", body)
	}
	return resp.StatusCode, out.SigninToken
}

func (e *emulator) lastFederation(t *testing.T) Request {
	t.Helper()
	log := e.Log()
	if len(log) == 0 {
		t.Fatal("empty request log")
	}
	return log[len(log)-1]
}

func TestGetSigninToken(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		caller   caller // how the role session was minted
		session  func(e *emulator, c aws.Credentials) aws.Credentials
		duration string
		wantCode string // "" for success
	}{
		{name: "role signed with long-term keys, 12 h console", caller: longCode, duration: "43200"},
		{name: "role signed with long-term keys, no SessionDuration", caller: longCode},
		{name: "chained role, 1 h console", caller: mfaSess, duration: "3600"},
		{name: "chained role, more than 1 h", caller: mfaSess, duration: "3601", wantCode: "InvalidSessionDuration"},
		{name: "below 900 s", caller: longCode, duration: "899", wantCode: "InvalidSessionDuration"},
		{name: "above 43200 s", caller: longCode, duration: "43201", wantCode: "InvalidSessionDuration"},
		{name: "wrong secret", caller: longCode, wantCode: "InvalidSession",
			session: func(_ *emulator, c aws.Credentials) aws.Credentials { c.SecretAccessKey += "x"; return c }},
		{name: "wrong token", caller: longCode, wantCode: "InvalidSession",
			session: func(_ *emulator, c aws.Credentials) aws.Credentials { c.SessionToken += "x"; return c }},
		{name: "long-term keys", caller: longCode, wantCode: "InvalidSession",
			session: func(_ *emulator, _ aws.Credentials) aws.Credentials { return demoKeys }},
		{name: "expired", caller: longCode, wantCode: "ExpiredSession",
			session: func(e *emulator, c aws.Credentials) aws.Credentials { e.Advance(2 * time.Hour); return c }},
		{name: "revoked", caller: longCode, wantCode: "InvalidSession",
			session: func(e *emulator, c aws.Credentials) aws.Credentials {
				if err := e.Invalidate(c.AccessKeyID, Revoke); err != nil {
					panic(err)
				}
				return c
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulator(t)
			signer, in := e.creds(t, tc.caller)
			in.RoleArn = roleArn("demo-admin")
			out, err := e.sts(signer, noRetry).AssumeRole(ctx, in)
			wantOK(t, err)
			role := toAWS(out.Credentials)
			if tc.session != nil {
				role = tc.session(e, role)
			}
			status, token := e.signinToken(t, role, tc.duration)
			got := e.lastFederation(t)
			if got.Action != "getSigninToken" || got.AccessKeyID != role.AccessKeyID {
				t.Errorf("logged %+v, want action getSigninToken for %s", got, role.AccessKeyID)
			}
			if tc.wantCode == "" {
				if status != http.StatusOK || token == "" {
					t.Fatalf("status %d, want 200 and a token", status)
				}
				return
			}
			if status != http.StatusBadRequest || got.ErrorCode != tc.wantCode {
				t.Fatalf("status %d, logged error %q; want 400 %s", status, got.ErrorCode, tc.wantCode)
			}
		})
	}
}

// An MFA session (GetSessionToken) is not a role session: the federation
// endpoint refuses it, as AWS's does.
func TestGetSigninTokenRefusesSessionToken(t *testing.T) {
	e := newEmulator(t)
	status, _ := e.signinToken(t, e.mfaSession(t), "")
	if got := e.lastFederation(t); status != http.StatusBadRequest || got.ErrorCode != "NotRoleSession" {
		t.Fatalf("status %d, logged %q; want 400 NotRoleSession", status, got.ErrorCode)
	}
	if n := e.Count("getSigninToken"); n != 1 {
		t.Fatalf("Count(getSigninToken) = %d, want 1", n)
	}
}

func TestFederationLogin(t *testing.T) {
	const dest = "https://console.aws.amazon.com/ec2/home?region=eu-west-1"
	for _, tc := range []struct {
		name       string
		token      func(good string) string
		advance    time.Duration // between the token and the login
		dest       string
		wantStatus int
	}{
		{name: "valid", token: func(g string) string { return g }, dest: dest, wantStatus: http.StatusFound},
		{name: "14 minutes on", token: func(g string) string { return g }, advance: 14 * time.Minute, dest: dest, wantStatus: http.StatusFound},
		{name: "15 minutes on", token: func(g string) string { return g }, advance: 15 * time.Minute, dest: dest, wantStatus: http.StatusForbidden},
		{name: "unknown token", token: func(g string) string { return g + "x" }, dest: dest, wantStatus: http.StatusForbidden},
		{name: "no token", token: func(string) string { return "" }, dest: dest, wantStatus: http.StatusForbidden},
		{name: "http destination", token: func(g string) string { return g }, dest: "http://console.aws.amazon.com/", wantStatus: http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulator(t)
			signer, in := e.creds(t, nomfaUser)
			in.RoleArn, in.ExternalId = roleArn("demo-external"), aws.String(DemoExternalID)
			out, err := e.sts(signer, noRetry).AssumeRole(context.Background(), in)
			wantOK(t, err)
			_, good := e.signinToken(t, toAWS(out.Credentials), "1800")
			e.Advance(tc.advance)

			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			q := url.Values{"Action": {"login"}, "Issuer": {"test"}, "Destination": {tc.dest}, "SigninToken": {tc.token(good)}}
			resp, err := client.Get(e.URL + "/federation?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("login: status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			page, err := client.Get(e.URL + "/federation/console")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(page.Body)
			page.Body.Close()
			if tc.wantStatus != http.StatusFound {
				if page.StatusCode != http.StatusForbidden {
					t.Fatalf("console page after a refused login: status %d, want 403", page.StatusCode)
				}
				return
			}
			if loc := resp.Header.Get("Location"); loc != "/federation/console" {
				t.Errorf("redirect to %q, want /federation/console", loc)
			}
			wantArn := `<span id="arn">arn:aws:sts::123456789012:assumed-role/demo-external/test-session</span>`
			if page.StatusCode != http.StatusOK || !strings.Contains(string(body), wantArn) || !strings.Contains(string(body), ">1800<") {
				t.Fatalf("console page: status %d, body\n%s\nwant 200 naming %s for 1800 s", page.StatusCode, body, wantArn)
			}
			// The console session ends after SessionDuration.
			e.Advance(1800 * time.Second)
			again, err := client.Get(e.URL + "/federation/console")
			if err != nil {
				t.Fatal(err)
			}
			again.Body.Close()
			if again.StatusCode != http.StatusForbidden {
				t.Fatalf("console page after SessionDuration: status %d, want 403", again.StatusCode)
			}
		})
	}
}
