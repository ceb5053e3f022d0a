package keystore

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		env, profile, want string
	}{
		{"", "", Auto},
		{"", "true", Auto},
		{"", "AUTO", Auto},
		{"", "pass", "pass"},
		{"file", "pass", "file"},
		{" file ", "", "file"},
		{"auto", "pass", Auto},
	} {
		getenv := func(k string) string {
			if k == EnvBackend {
				return tc.env
			}
			return ""
		}
		if got := Choose(getenv, tc.profile); got != tc.want {
			t.Errorf("Choose(env %q, profile %q) = %q, want %q", tc.env, tc.profile, got, tc.want)
		}
	}
}

func TestCheckBackend(t *testing.T) {
	for _, name := range append([]string{"", "auto", "true"}, Backends...) {
		if err := CheckBackend(name); err != nil {
			t.Errorf("CheckBackend(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"vault", "File", "secretservice"} {
		if err := CheckBackend(name); err == nil || !strings.Contains(err.Error(), "unknown keyring backend") {
			t.Errorf("CheckBackend(%q) = %v, want an unknown-backend error", name, err)
		}
	}
}

// TestServeFile drives the helper's side in this process with the
// encrypted file backend: set, get, a wrong passphrase, a missing item,
// remove. No response carries the secret except get's.
func TestServeFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keyring")
	pass := "right"
	getenv := func(k string) string {
		switch k {
		case EnvFileDir:
			return dir
		case EnvPassphrase:
			return pass
		}
		return ""
	}
	serve := func(req request) (response, int) {
		in, _ := json.Marshal(req)
		var out bytes.Buffer
		code := Serve(bytes.NewReader(in), &out, getenv)
		var r response
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("%s: bad response %q: %v", req.Op, out.String(), err)
		}
		return r, code
	}
	const secret = "s3cret/Value+1"
	steps := []struct {
		name string
		pass string
		req  request
		kind Kind
		code int
	}{
		{"set", "right", request{Op: "set", Backend: "file", Key: "AKIA1", Secret: secret}, "", 0},
		{"get", "right", request{Op: "get", Backend: "file", Key: "AKIA1"}, "", 0},
		{"get, wrong passphrase", "wrong", request{Op: "get", Backend: "file", Key: "AKIA1"}, Passphrase, 1},
		{"set, wrong passphrase", "wrong", request{Op: "set", Backend: "file", Key: "AKIA2", Secret: "x"}, Passphrase, 1},
		{"get, missing", "right", request{Op: "get", Backend: "file", Key: "AKIA2"}, NotFound, 1},
		{"remove", "right", request{Op: "remove", Backend: "file", Key: "AKIA1"}, "", 0},
		{"remove again", "right", request{Op: "remove", Backend: "file", Key: "AKIA1"}, NotFound, 1},
		{"unknown backend", "right", request{Op: "get", Backend: "vault", Key: "AKIA1"}, Failed, 1},
	}
	for _, s := range steps {
		pass = s.pass
		r, code := serve(s.req)
		if r.Kind != s.kind || code != s.code {
			t.Fatalf("%s: kind %q (%s), status %d; want %q, %d", s.name, r.Kind, r.Msg, code, s.kind, s.code)
		}
		if s.name == "get" && r.Secret != secret {
			t.Fatalf("get returned %q", r.Secret)
		}
		if s.name != "get" && (r.Secret != "" || strings.Contains(r.Msg, secret)) {
			t.Fatalf("%s: the secret is in the response: %+v", s.name, r)
		}
	}
}
