package backend

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/keystore"
)

// TestServeFile drives the helper's side in this process with the
// encrypted file backend: set, get, a wrong passphrase, a missing item,
// remove. No response carries the secret except get's.
func TestServeFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keyring")
	pass := "right"
	getenv := func(k string) string {
		switch k {
		case keystore.EnvFileDir:
			return dir
		case keystore.EnvPassphrase:
			return pass
		}
		return ""
	}
	serve := func(req keystore.Request) (keystore.Response, int) {
		in, _ := json.Marshal(req)
		var out bytes.Buffer
		code := Serve(bytes.NewReader(in), &out, getenv)
		var r keystore.Response
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("%s: bad response %q: %v", req.Op, out.String(), err)
		}
		return r, code
	}
	const secret = "s3cret/Value+1"
	steps := []struct {
		name string
		pass string
		req  keystore.Request
		kind keystore.Kind
		code int
	}{
		{"set", "right", keystore.Request{Op: "set", Backend: "file", Key: "AKIA1", Secret: secret}, "", 0},
		{"get", "right", keystore.Request{Op: "get", Backend: "file", Key: "AKIA1"}, "", 0},
		{"get, wrong passphrase", "wrong", keystore.Request{Op: "get", Backend: "file", Key: "AKIA1"}, keystore.Passphrase, 1},
		{"set, wrong passphrase", "wrong", keystore.Request{Op: "set", Backend: "file", Key: "AKIA2", Secret: "x"}, keystore.Passphrase, 1},
		{"get, missing", "right", keystore.Request{Op: "get", Backend: "file", Key: "AKIA2"}, keystore.NotFound, 1},
		{"remove", "right", keystore.Request{Op: "remove", Backend: "file", Key: "AKIA1"}, "", 0},
		{"remove again", "right", keystore.Request{Op: "remove", Backend: "file", Key: "AKIA1"}, keystore.NotFound, 1},
		{"unknown backend", "right", keystore.Request{Op: "get", Backend: "vault", Key: "AKIA1"}, keystore.Failed, 1},
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

// TestServeForeignItem: an item another program wrote under awsmfa's
// name in pass is refused without quoting any of it.
func TestServeForeignItem(t *testing.T) {
	r := fail("pass", json.Unmarshal([]byte("qSecretNotJSON"), new(struct{})), &helper{getenv: func(string) string { return "" }})
	if r.Kind != keystore.Failed || strings.Contains(r.Msg, "'q'") {
		t.Fatalf("response %+v", r)
	}
	if !strings.Contains(r.Msg, "not in awsmfa's format") {
		t.Fatalf("message %q does not say what is wrong", r.Msg)
	}
}
