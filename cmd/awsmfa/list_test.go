package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/stsemu"
	"github.com/awsmfa/awsmfa/internal/testenv/sandbox"
)

// jsonRig runs the app in this process against an emulator on 127.0.0.1,
// with the files of a small config.
type jsonRig struct {
	emu *stsemu.Server
	env map[string]string
}

func newJSONRig(t *testing.T) *jsonRig {
	t.Helper()
	u := sandbox.New(t, stsemu.DemoState(), `[profile base]
mfa_serial = arn:aws:iam::123456789012:mfa/demo
[profile admin]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/demo-admin
[profile broken]
source_profile = base
role_arn = not-an-arn
`, `[base]
aws_access_key_id = AKIAEMULATORDEMO0001
aws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000
`)
	return &jsonRig{emu: u.Emu, env: u.Vars()}
}

func (r *jsonRig) run(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv:  func(k string) string { return r.env[k] },
		environ: func() []string { return nil },
		now:     time.Now,
	}
	if code := runApp(a, append([]string{"awsmfa"}, args...)); code != 0 {
		t.Fatalf("awsmfa %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	return out.String(), errb.String()
}

// TestListJSON parses `list --json` with unknown fields refused (the field
// names are a contract), checks each row, and checks that neither the
// long-term secret nor the cached session's secret or token is anywhere in
// the output of list --json or explain.
func TestListJSON(t *testing.T) {
	r := newJSONRig(t)
	code, err := r.emu.CurrentCode(stsemu.DemoSerial, 0)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := r.run(t, "env", "admin", "--code", code, "--shell", "json")
	var sess struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	if err := json.Unmarshal([]byte(doc), &sess); err != nil || sess.SecretAccessKey == "" || sess.SessionToken == "" {
		t.Fatalf("env --shell json: %v\n%s", err, doc)
	}

	out, _ := r.run(t, "list", "--json")
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var rows []listRow
	if err := dec.Decode(&rows); err != nil {
		t.Fatalf("list --json is not the documented array: %v\n%s", err, out)
	}
	byName := map[string]listRow{}
	for _, row := range rows {
		byName[row.Name] = row
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want admin, base, broken:\n%s", len(rows), out)
	}
	admin := byName["admin"]
	exp, err := time.Parse(time.RFC3339, admin.Expires)
	if admin.Layout != "config" || admin.Device != stsemu.DemoSerial || admin.Role != "arn:aws:iam::123456789012:role/demo-admin" ||
		admin.Path != "mfa-session+role" || admin.Session != "valid" || err != nil ||
		admin.SecondsLeft < 3500 || admin.SecondsLeft > 3600 || admin.Error != "" {
		t.Errorf("admin row = %+v", admin)
	}
	if d := time.Until(exp); d < 58*time.Minute || d > time.Hour {
		t.Errorf("admin expires in %v, want about an hour", d)
	}
	// base is the MFA session admin's role session was minted from.
	if base := byName["base"]; base.Path != "session-token" || base.Session != "valid" || base.Role != "" || base.SecondsLeft < 12*3600-100 {
		t.Errorf("base row = %+v", base)
	}
	if broken := byName["broken"]; broken.Error == "" || broken.Path != "" || broken.Session != "none" || broken.Expires != "" {
		t.Errorf("broken row = %+v", broken)
	}

	explain, _ := r.run(t, "explain", "admin")
	for name, text := range map[string]string{"list --json": out, "explain": explain} {
		for _, secret := range []string{stsemu.DemoSecretAccessKey, sess.SecretAccessKey, sess.SessionToken} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows a secret:\n%s", name, text)
			}
		}
	}
	if !strings.Contains(explain, sess.AccessKeyId) {
		t.Errorf("explain does not name the cached session's access key id %s:\n%s", sess.AccessKeyId, explain)
	}
}
