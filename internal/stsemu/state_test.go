package stsemu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoStateRoundTrip(t *testing.T) {
	data, err := json.Marshal(DemoState())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatalf("LoadState of the demo state: %v", err)
	}
	again, _ := json.Marshal(st)
	if string(again) != string(data) {
		t.Errorf("round trip changed the state:\n%s\n%s", data, again)
	}
	roles := map[string]Role{}
	for _, r := range st.Roles {
		roles[r.Name] = r
	}
	if !roles["demo-admin"].Trust.RequireMFA || roles["demo-admin"].MaxSessionDuration != 3600 ||
		!roles["demo-readonly"].Trust.RequireMFA || roles["demo-long"].MaxSessionDuration != 43200 ||
		roles["demo-external"].Trust.ExternalID == "" || len(st.Users) != 2 || len(st.Users[1].MFADevices) != 0 {
		t.Errorf("demo state is not as documented: %+v", st)
	}
}

func TestLoadStateErrors(t *testing.T) {
	valid := `{"account":"123456789012","users":[{"name":"u","access_keys":[{"id":"AKIAAAAAAAAAAAAAAAAA","secret":"0123456789abcdef0123"}],"mfa_devices":[{"serial":"arn:aws:iam::123456789012:mfa/u","seed":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}]}],"roles":[{"name":"r","trust":{"principals":["arn:aws:iam::123456789012:user/u"]}}]}`
	tests := []struct {
		name, replace, with string
		want                string // in the error
	}{
		{"valid", "", "", ""},
		{"not JSON", valid, "{", "not a valid emulator state file"},
		{"trailing text", valid, valid + "{}", "text after the JSON object"},
		{"unknown field", `"roles":`, `"rolez":[],"roles":`, `unknown field "rolez"`},
		{"short account", `"123456789012","users"`, `"1234","users"`, "account:"},
		{"bad user name", `"name":"u"`, `"name":"a b"`, "users[0].name"},
		{"bad key id", "AKIAAAAAAAAAAAAAAAAA", "ASIAAAAAAAAAAAAAAAAA", "users[0].access_keys[0].id"},
		{"short secret", "0123456789abcdef0123", "short", "users[0].access_keys[0].secret"},
		{"serial of another account", "arn:aws:iam::123456789012:mfa/u", "arn:aws:iam::999999999999:mfa/u", "users[0].mfa_devices[0].serial"},
		{"seed not base32", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "not-base32!", "users[0].mfa_devices[0].seed: not valid base32"},
		{"seed too short", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "JBSWY3DP", "too short"},
		{"max duration too long", `"name":"r",`, `"name":"r","max_session_duration":43201,`, "roles[0].max_session_duration"},
		{"max duration too short", `"name":"r",`, `"name":"r","max_session_duration":900,`, "roles[0].max_session_duration"},
		{"unknown principal", "arn:aws:iam::123456789012:user/u\"]", "arn:aws:iam::123456789012:user/ghost\"]", "names no user"},
		{"principal not an ARN", "arn:aws:iam::123456789012:user/u\"]", "*\"]", "roles[0].trust.principals[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := valid
			if tt.replace != "" {
				text = strings.Replace(valid, tt.replace, tt.with, 1)
			}
			path := filepath.Join(t.TempDir(), "s.json")
			os.WriteFile(path, []byte(text), 0o600)
			_, err := LoadState(path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("valid state refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tt.want)
			}
			if strings.Count(err.Error(), "\n") > 1 {
				t.Errorf("error is more than two lines: %v", err)
			}
		})
	}
	if _, err := LoadState(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "cannot read emulator state") {
		t.Errorf("missing file: %v", err)
	}
}

func TestNewPanicsOnInvalidState(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "account") {
			t.Errorf("recovered %v, want a panic naming the bad field", r)
		}
	}()
	New(State{Account: "x"})
}
