package stsemu

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Signing modes of a fuzzed request.
const (
	fuzzAsIs     = iota // headers exactly as fuzzed
	fuzzSignSTS         // signed by the SDK's signer with the demo keys, scope sts
	fuzzSignIAM         // the same, scope iam
	fuzzSignTemp        // signed with temporary credentials the emulator issued
	fuzzRemote          // as is, from a non-loopback address
	fuzzModes
)

// FuzzServeHTTP sends arbitrary requests to the emulator. It must never
// panic or hang; every AWS answer must be a well-formed XML document (an
// ErrorResponse with a code whenever the status is not 200); no answer may
// contain the demo user's secret key; and a request the SDK's own signer
// signed with valid credentials must never fail signature verification
// (our canonical request agrees with the SDK's). A scope the action does
// not accept (iam for an STS action) is a different refusal and allowed.
func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", "/", "application/x-www-form-urlencoded", "", []byte("Action=GetCallerIdentity&Version=2011-06-15"), uint8(fuzzSignSTS))
	f.Add("POST", "/", "application/x-www-form-urlencoded", "", []byte("Action=GetSessionToken&DurationSeconds=900&Version=2011-06-15"), uint8(fuzzSignSTS))
	f.Add("POST", "/", "application/x-www-form-urlencoded", "", []byte("Action=ListMFADevices&Version=2010-05-08"), uint8(fuzzSignIAM))
	f.Add("GET", "/_emu/log", "", "", []byte(nil), uint8(fuzzAsIs))
	f.Add("GET", `/federation?Action=getSigninToken&SessionDuration=900&Session={"sessionId":"ASIA","sessionKey":"k","sessionToken":"t"}`, "", "", []byte(nil), uint8(fuzzAsIs))
	f.Add("POST", "/federation", "application/x-www-form-urlencoded", "", []byte("Action=login&SigninToken=x&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F"), uint8(fuzzAsIs))
	f.Add("GET", "/federation/console", "", "Cookie: awsmfa-emu-console=x", []byte(nil), uint8(fuzzAsIs))
	f.Add("POST", "/_emu/fault", "application/json", "", []byte(`{"kind":"throttle","count":1}`), uint8(fuzzRemote))
	f.Add("POST", "/", "application/x-www-form-urlencoded",
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAEMULATORDEMO0001/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\nX-Amz-Date: 20260101T000000Z",
		[]byte("Action=AssumeRole&Version=2011-06-15"), uint8(fuzzAsIs))

	f.Fuzz(func(t *testing.T, method, target, ctype, headers string, body []byte, mode uint8) {
		if !validToken(method) || len(body) > 2*maxBody {
			return // net/http rejects these before any handler runs
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || u.Host != "" || u.Scheme != "" {
			return
		}
		fixed := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		s := New(DemoState(), WithClock(func() time.Time { return fixed }))
		req := &http.Request{
			Method:        method,
			URL:           u,
			RequestURI:    target,
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Host:          "127.0.0.1:4566",
			Header:        http.Header{},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
			RemoteAddr:    "127.0.0.1:50000",
		}
		for _, line := range strings.Split(headers, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && validToken(k) && validValue(v) {
				req.Header.Add(k, strings.TrimSpace(v))
			}
		}
		if ctype != "" && validValue(ctype) {
			req.Header.Set("Content-Type", ctype)
		}
		signed := false
		switch mode % fuzzModes {
		case fuzzSignSTS, fuzzSignIAM, fuzzSignTemp:
			c, service := demoKeys, "sts"
			if mode%fuzzModes == fuzzSignIAM {
				service = "iam"
			}
			if mode%fuzzModes == fuzzSignTemp {
				s.mu.Lock()
				tc := s.issue(cred{user: DemoUser, mfa: true}, fixed, 3600)
				s.mu.Unlock()
				c = aws.Credentials{AccessKeyID: tc.id, SecretAccessKey: tc.secret, SessionToken: tc.token}
			}
			sum := sha256.Sum256(body)
			req.Header.Del("Authorization")
			req.Header.Del("X-Amz-Date")
			req.Header.Del("X-Amz-Security-Token")
			if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), service, "us-east-1", fixed); err != nil {
				return
			}
			// The signer may rewrite the query; the server sees what it sent.
			req.RequestURI = req.URL.RequestURI()
			signed = true
		case fuzzRemote:
			req.RemoteAddr = "192.0.2.1:50000"
		}

		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)

		out := w.Body.Bytes()
		if bytes.Contains(out, []byte(DemoSecretAccessKey)) {
			t.Fatalf("response contains the demo secret key: %s", out)
		}
		if strings.HasPrefix(u.Path, controlPrefix) {
			return
		}
		if u.Path == federationPath || u.Path == consolePath {
			// The sign-in service answers JSON, redirects and plain text,
			// not the query protocol's XML.
			switch w.Code {
			case http.StatusOK, http.StatusFound, http.StatusBadRequest, http.StatusForbidden, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge:
			default:
				t.Fatalf("federation endpoint answered HTTP %d: %q", w.Code, out)
			}
			return
		}
		if w.Code != http.StatusOK {
			var re rawError
			if err := xml.Unmarshal(out, &re); err != nil || re.Error.Code == "" || re.Error.Message == "" {
				t.Fatalf("HTTP %d with a body that is not an AWS error document (%v): %q", w.Code, err, out)
			}
			if signed && re.Error.Message == msgSignature {
				t.Fatalf("a request signed by the SDK signer was refused: %s", re.Error.Message)
			}
			return
		}
		if err := xml.Unmarshal(out, new(struct{ XMLName xml.Name })); err != nil {
			t.Fatalf("HTTP 200 with a body that is not XML: %v: %q", err, out)
		}
	})
}

// validToken reports whether s is an HTTP token (a method or header name).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validValue reports whether s may be sent as a header value.
func validValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
