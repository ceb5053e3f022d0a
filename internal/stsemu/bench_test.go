package stsemu

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// BenchmarkGetCallerIdentitySDK is the emulator's bare round trip through
// the real SDK over loopback: the yardstick for a role refresh.
func BenchmarkGetCallerIdentitySDK(b *testing.B) {
	e := newEmulator(b)
	c := e.sts(demoKeys, noRetry)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeHTTP is the handler alone on a signed request: signature
// verification, dispatch, response encoding and logging.
func BenchmarkServeHTTP(b *testing.B) {
	e := newEmulator(b)
	req := signedRequest(b, "http://127.0.0.1:1", gciBody, demoKeys, "sts", "us-east-1", e.Now())
	req.RemoteAddr = "127.0.0.1:1"
	body := []byte(gciBody)
	b.ReportAllocs()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("HTTP %d: %s", w.Code, w.Body)
		}
	}
}
