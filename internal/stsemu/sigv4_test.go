package stsemu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const gciBody = "Action=GetCallerIdentity&Version=2011-06-15"

// signedRequest builds a form POST to the emulator signed by the SDK's own
// SigV4 signer at time at, for service in region.
func signedRequest(t testing.TB, url, body string, c aws.Credentials, service, region string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

// rawError is the decoded error document, to check its exact shape.
type rawError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type, Code, Message string
	}
	RequestID string `xml:"RequestId"`
}

// do sends req and returns the status and decoded error document (if any).
func do(t testing.TB, req *http.Request) (int, rawError, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var re rawError
	if resp.StatusCode != 200 {
		if err := xml.Unmarshal(b, &re); err != nil {
			t.Fatalf("HTTP %d with a body that is not an ErrorResponse document: %v\n%s", resp.StatusCode, err, b)
		}
	}
	return resp.StatusCode, re, resp.Header
}

func TestSignatureRules(t *testing.T) {
	e := newEmulator(t)
	sess := e.mfaSession(t)
	wrongToken := sess
	wrongToken.SessionToken = sess.SessionToken[:len(sess.SessionToken)-4] + "AAAA"
	noToken := sess
	noToken.SessionToken = ""
	longWithToken := demoKeys
	longWithToken.SessionToken = sess.SessionToken
	wrongSecret := demoKeys
	wrongSecret.SecretAccessKey = "not-the-secret-0000000000000000000000000"
	tempWrongSecret := sess
	tempWrongSecret.SecretAccessKey = "not-the-secret-0000000000000000000000000"

	tests := []struct {
		name     string
		creds    aws.Credentials
		code     string
		msg      string
		wantHTTP int
	}{
		{"long-term key", demoKeys, "", "", 200},
		{"temporary key with its token", sess, "", "", 200},
		{"unknown key id", aws.Credentials{AccessKeyID: "AKIAUNKNOWNKEY000000", SecretAccessKey: DemoSecretAccessKey}, "InvalidClientTokenId", msgInvalidToken, 403},
		{"unknown temporary key id", aws.Credentials{AccessKeyID: "ASIAUNKNOWNKEY000000", SecretAccessKey: "x", SessionToken: sess.SessionToken}, "InvalidClientTokenId", msgInvalidToken, 403},
		{"wrong secret", wrongSecret, "SignatureDoesNotMatch", msgSignature, 403},
		{"temporary key, wrong secret", tempWrongSecret, "SignatureDoesNotMatch", msgSignature, 403},
		{"temporary key, wrong token", wrongToken, "InvalidClientTokenId", msgInvalidToken, 403},
		{"temporary key, missing token", noToken, "InvalidClientTokenId", msgInvalidToken, 403},
		{"long-term key with a token", longWithToken, "InvalidClientTokenId", msgInvalidToken, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.sts(tt.creds, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if tt.code == "" {
				wantOK(t, err)
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != tt.wantHTTP {
				t.Errorf("HTTP status: got %v, want %d", err, tt.wantHTTP)
			}
		})
	}
}

func TestExpiredTemporaryCredentials(t *testing.T) {
	start := time.Now().UTC().Truncate(time.Second)
	e := newEmulator(t, WithClock(func() time.Time { return start }))
	out, err := e.sts(demoKeys, noRetry).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	wantOK(t, err)
	sess := toAWS(out.Credentials)
	_, err = e.sts(sess, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)

	// Just before expiry (signed at the emulator's time) it still works.
	e.Advance(899 * time.Second)
	status, re, _ := do(t, signedRequest(t, e.URL, gciBody, sess, "sts", "us-east-1", e.Now()))
	if status != 200 {
		t.Fatalf("1 s before expiry: HTTP %d %s %s", status, re.Error.Code, re.Error.Message)
	}
	e.Advance(time.Second)
	status, re, _ = do(t, signedRequest(t, e.URL, gciBody, sess, "sts", "us-east-1", e.Now()))
	if status != 400 || re.Error.Code != "ExpiredToken" || re.Error.Message != msgExpiredToken {
		t.Fatalf("at expiry: HTTP %d %s %q, want 400 ExpiredToken", status, re.Error.Code, re.Error.Message)
	}
	// Through the SDK too, which signs by the wall clock.
	_, err = e.sts(sess, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", msgExpiredToken)
}

func TestSigningTimeWindow(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		code    string
		prefix  string
	}{
		{"4m ahead", 4 * time.Minute, "", ""},
		{"4m behind", -4 * time.Minute, "", ""},
		{"6m ahead: signature expired", 6 * time.Minute, "SignatureDoesNotMatch", "Signature expired: "},
		{"6m behind: not yet current", -6 * time.Minute, "SignatureDoesNotMatch", "Signature not yet current: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEmulator(t)
			e.Advance(tt.advance)
			_, err := e.sts(demoKeys, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if tt.code == "" {
				wantOK(t, err)
				return
			}
			wantAPIError(t, err, tt.code, "")
			var ae interface{ ErrorMessage() string }
			errors.As(err, &ae)
			if !strings.HasPrefix(ae.ErrorMessage(), tt.prefix) {
				t.Errorf("message %q, want prefix %q", ae.ErrorMessage(), tt.prefix)
			}
		})
	}
}

// The Date header carries the emulator clock, so the SDK's clock-skew
// correction works against it as against AWS: the first attempt is
// rejected, the SDK re-signs with the server's time and succeeds.
func TestDateHeaderFromEmulatorClock(t *testing.T) {
	fake := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
	e := newEmulator(t, WithClock(func() time.Time { return fake }))

	status, _, h := do(t, signedRequest(t, e.URL, gciBody, demoKeys, "sts", "us-east-1", fake))
	if status != 200 {
		t.Fatalf("request signed at the emulator's time: HTTP %d", status)
	}
	if got, want := h.Get("Date"), fake.Format(http.TimeFormat); got != want {
		t.Fatalf("Date header = %q, want the emulator clock %q", got, want)
	}

	out, err := e.sts(demoKeys).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantOK(t, err)
	if aws.ToString(out.Arn) != "arn:aws:iam::123456789012:user/demo" {
		t.Errorf("Arn = %q", aws.ToString(out.Arn))
	}
	log := e.Log()
	if len(log) != 3 || log[1].ErrorCode != "SignatureDoesNotMatch" || log[2].Status != 200 {
		t.Errorf("log = %+v, want: ok, SignatureDoesNotMatch (skewed), ok (corrected)", log)
	}
}

func TestCredentialScope(t *testing.T) {
	e := newEmulator(t)
	now := e.Now()
	tests := []struct {
		name, body, service, region string
		code, msg                   string
	}{
		{"sts in us-east-1", gciBody, "sts", "us-east-1", "", ""},
		{"sts in any region", gciBody, "sts", "ap-southeast-2", "", ""},
		{"iam action scoped to iam", "Action=ListMFADevices&Version=2010-05-08", "iam", "us-east-1", "", ""},
		{"sts action scoped to iam", gciBody, "iam", "us-east-1", "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. "},
		{"iam action scoped to sts", "Action=ListMFADevices&Version=2010-05-08", "sts", "us-east-1", "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'iam'. "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, re, _ := do(t, signedRequest(t, e.URL, tt.body, demoKeys, tt.service, tt.region, now))
			if tt.code == "" {
				if status != 200 {
					t.Fatalf("HTTP %d %s %s", status, re.Error.Code, re.Error.Message)
				}
				return
			}
			if re.Error.Code != tt.code || re.Error.Message != tt.msg {
				t.Fatalf("got %d %s %q, want %s %q", status, re.Error.Code, re.Error.Message, tt.code, tt.msg)
			}
		})
	}
}

func TestSignatureCoversRequest(t *testing.T) {
	e := newEmulator(t)
	tests := []struct {
		name   string
		mutate func(*http.Request)
		code   string
		prefix string // of the message, when it matters
	}{
		{"untouched", func(*http.Request) {}, "", ""},
		{"body changed after signing", func(r *http.Request) {
			b := "Action=GetCallerIdentity&Version=2011-06-15&X=1"
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
		}, "SignatureDoesNotMatch", ""},
		{"signed header changed", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}, "SignatureDoesNotMatch", ""},
		{"query added", func(r *http.Request) { r.URL.RawQuery = "a=b" }, "SignatureDoesNotMatch", ""},
		{"path changed", func(r *http.Request) { r.URL.Path = "/x" }, "SignatureDoesNotMatch", ""},
		{"no authorization", func(r *http.Request) { r.Header.Del("Authorization") }, "MissingAuthenticationToken", ""},
		{"no date", func(r *http.Request) { r.Header.Del("X-Amz-Date") }, "IncompleteSignature", ""},
		{"other algorithm", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1))
		}, "IncompleteSignature", ""},
		{"host not signed", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";host", "", 1))
		}, "SignatureDoesNotMatch", "'Host' or ':authority' must be a 'SignedHeader'"},
		{"scope date differs", func(r *http.Request) {
			r.Header.Set("X-Amz-Date", e.Now().Add(48*time.Hour).Format(amzDateFmt))
		}, "SignatureDoesNotMatch", "Date in Credential scope does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signedRequest(t, e.URL, gciBody, demoKeys, "sts", "us-east-1", e.Now())
			tt.mutate(req)
			status, re, _ := do(t, req)
			if tt.code == "" && status != 200 || tt.code != "" && re.Error.Code != tt.code ||
				!strings.HasPrefix(re.Error.Message, tt.prefix) {
				t.Fatalf("got HTTP %d %s %q, want %q", status, re.Error.Code, re.Error.Message, tt.code)
			}
		})
	}
}

// The error document has AWS's shape, and the SDK finds the request id.
func TestErrorDocument(t *testing.T) {
	e := newEmulator(t)
	bad := aws.Credentials{AccessKeyID: "AKIANOSUCHKEY0000000", SecretAccessKey: "x"}
	status, re, h := do(t, signedRequest(t, e.URL, gciBody, bad, "sts", "us-east-1", e.Now()))
	if status != 403 || re.Error.Type != "Sender" || re.Error.Code != "InvalidClientTokenId" ||
		re.Error.Message != msgInvalidToken || re.RequestID == "" || h.Get("X-Amzn-Requestid") != re.RequestID {
		t.Fatalf("got %d %+v (header id %q)", status, re, h.Get("X-Amzn-Requestid"))
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "text/xml") {
		t.Errorf("Content-Type = %q", h.Get("Content-Type"))
	}

	_, err := e.sts(bad, noRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", msgInvalidToken)
	var re2 *awshttp.ResponseError
	if !errors.As(err, &re2) || re2.ServiceRequestID() == "" {
		t.Errorf("SDK error carries no request id: %v", err)
	}
}

func TestRequestParsing(t *testing.T) {
	e := newEmulator(t)
	tests := []struct {
		name     string
		method   string
		path     string
		ctype    string
		body     string
		wantCode string
		wantHTTP int
	}{
		{"no action", "POST", "/", "application/x-www-form-urlencoded", "Version=2011-06-15", "MissingAction", 400},
		{"unknown action", "POST", "/", "application/x-www-form-urlencoded", "Action=GetFederationToken&Version=2011-06-15", "InvalidAction", 400},
		{"wrong version", "POST", "/", "application/x-www-form-urlencoded", "Action=GetCallerIdentity&Version=2010-05-08", "InvalidAction", 400},
		{"json body", "POST", "/", "application/json", `{"Action":"GetCallerIdentity"}`, "InvalidHttpRequest", 400},
		{"repeated parameter", "POST", "/", "application/x-www-form-urlencoded", gciBody + "&Action=GetCallerIdentity", "MalformedQueryString", 400},
		{"bad escape", "POST", "/", "application/x-www-form-urlencoded", "Action=%zz", "MalformedQueryString", 400},
		{"PUT", "PUT", "/", "application/x-www-form-urlencoded", gciBody, "InvalidHttpRequest", 405},
		{"too large", "POST", "/", "application/x-www-form-urlencoded", gciBody + "&P=" + strings.Repeat("a", maxBody), "RequestEntityTooLarge", 413},
		{"unsigned", "POST", "/", "application/x-www-form-urlencoded", gciBody, "MissingAuthenticationToken", 403},
		{"unsigned GET", "GET", "/?" + gciBody, "", "", "MissingAuthenticationToken", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			var re rawError
			if err := xml.Unmarshal(w.Body.Bytes(), &re); err != nil {
				t.Fatalf("HTTP %d, body not an error document: %v", w.Code, err)
			}
			if w.Code != tt.wantHTTP || re.Error.Code != tt.wantCode {
				t.Fatalf("got %d %s %q, want %d %s", w.Code, re.Error.Code, re.Error.Message, tt.wantHTTP, tt.wantCode)
			}
		})
	}
}

// A GET with everything in the query string, names and values that need
// escaping, signed by the SDK's signer: the canonical query must match.
func TestSignedQueryString(t *testing.T) {
	e := newEmulator(t)
	tests := []string{
		"Action=GetCallerIdentity&Version=2011-06-15",
		"Version=2011-06-15&Action=GetCallerIdentity&b=2&a=1&A=0&a~=x&a%21=y&z=%20sp%2Bplus%2F&%E2%82%AC=euro",
	}
	for _, q := range tests {
		req, err := http.NewRequest(http.MethodGet, e.URL+"/?"+q, nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(nil)
		if err := v4.NewSigner().SignHTTP(ctx, demoKeys, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", e.Now()); err != nil {
			t.Fatal(err)
		}
		if status, re, _ := do(t, req); status != 200 {
			t.Errorf("GET ?%s: HTTP %d %s %s", q, status, re.Error.Code, re.Error.Message)
		}
	}
}
