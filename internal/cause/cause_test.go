package cause

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/aws/smithy-go"
)

func TestCause(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	viaURL := &url.Error{Op: "Post", URL: "https://sts.example/?X=secret", Err: refused}
	sdk := fmt.Errorf("operation error STS: GetSessionToken, exceeded maximum number of attempts, 3, %w", viaURL)
	api := fmt.Errorf("operation error STS: AssumeRole: %w", &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"})
	plain := errors.New("the answer was cut short")

	for _, tc := range []struct {
		name        string
		err         error
		root, req   error
		network     bool
		code, msg   string
		fromService bool
	}{
		{"network via SDK", sdk, syscall.ECONNREFUSED, refused, true, "", "", false},
		{"url error", viaURL, syscall.ECONNREFUSED, refused, true, "", "", false},
		{"api answer", api, api.(interface{ Unwrap() error }).Unwrap(), api, false, "AccessDenied", "no", true},
		{"plain", plain, plain, plain, false, "", "", false},
		{"plain about the connection", errors.New("connection reset"), nil, nil, true, "", "", false},
	} {
		if tc.root != nil {
			if got := Root(tc.err); got != tc.root {
				t.Errorf("%s: Root = %v, want %v", tc.name, got, tc.root)
			}
			if got := Request(tc.err); got != tc.req {
				t.Errorf("%s: Request = %v, want %v", tc.name, got, tc.req)
			}
		}
		if got := Network(tc.err); got != tc.network {
			t.Errorf("%s: Network = %v, want %v", tc.name, got, tc.network)
		}
		code, msg, ok := API(tc.err)
		if code != tc.code || msg != tc.msg || ok != tc.fromService {
			t.Errorf("%s: API = %q, %q, %v; want %q, %q, %v", tc.name, code, msg, ok, tc.code, tc.msg, tc.fromService)
		}
	}
}
