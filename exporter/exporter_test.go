package exporter

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// simple is the golden input: a set, an unset, a value with a quote.
var simple = Changes{
	Set:   []Var{{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"}, {"AWSMFA_PROFILE", "it's dev"}},
	Unset: []string{"AWS_PROFILE"},
}

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		format Format
		want   string
	}{
		{Bash{}, "unset AWS_PROFILE\n" +
			"export AWS_ACCESS_KEY_ID='AKIAEXAMPLE'\n" +
			"export AWSMFA_PROFILE='it'\\''s dev'\n"},
		{Zsh{}, "unset AWS_PROFILE\n" +
			"export AWS_ACCESS_KEY_ID='AKIAEXAMPLE'\n" +
			"export AWSMFA_PROFILE='it'\\''s dev'\n"},
		{Fish{}, "set -e -g AWS_PROFILE\n" +
			"set -gx AWS_ACCESS_KEY_ID 'AKIAEXAMPLE'\n" +
			"set -gx AWSMFA_PROFILE 'it\\'s dev'\n" +
			"true\n"},
		{PowerShell{}, "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n" +
			"$Env:AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE'\n" +
			"$Env:AWSMFA_PROFILE = 'it''s dev'\n"},
		{Dotenv{}, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE\n" +
			"AWSMFA_PROFILE=it's dev\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format.Name(), func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.format.Write(&b, simple); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestQuoting(t *testing.T) {
	tests := []struct {
		name, value             string
		posix, fish, powerShell string
	}{
		{"empty", "", `''`, `''`, `''`},
		{"plain", "abc", `'abc'`, `'abc'`, `'abc'`},
		{"single quote", "'", `''\'''`, `'\''`, `''''`},
		{"two quotes", "''", `''\'''\'''`, `'\'\''`, `''''''`},
		{"backslash", `a\b`, `'a\b'`, `'a\\b'`, `'a\b'`},
		{"trailing backslash", `a\`, `'a\'`, `'a\\'`, `'a\'`},
		{"escaped quote", `\'`, `'\'\'''`, `'\\\''`, `'\'''`},
		{"double quote and dollar", `"$(x)` + "`y`", `'"$(x)` + "`y`'", `'"$(x)` + "`y`'", `'"$(x)` + "`y`'"},
		{"newline", "a\nb", "'a\nb'", "'a\nb'", "'a\nb'"},
		{"U+2018", "\u2018", "'\u2018'", "'\u2018'", "'\u2018\u2018'"},
		{"U+2019", "\u2019", "'\u2019'", "'\u2019'", "'\u2019\u2019'"},
		{"U+201A", "\u201A", "'\u201A'", "'\u201A'", "'\u201A\u201A'"},
		{"U+201B", "\u201B", "'\u201B'", "'\u201B'", "'\u201B\u201B'"},
		{"double typographic quotes are not doubled", "\u201C\u201D\u201E", "'\u201C\u201D\u201E'", "'\u201C\u201D\u201E'", "'\u201C\u201D\u201E'"},
		{"mixed quotes", "a'\u2019b", `'a'\''` + "\u2019b'", `'a\'` + "\u2019b'", "'a''\u2019\u2019b'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendPOSIXQuoted(nil, tt.value)); got != tt.posix {
				t.Errorf("POSIX: got %s, want %s", got, tt.posix)
			}
			if got := string(appendFishQuoted(nil, tt.value)); got != tt.fish {
				t.Errorf("fish: got %s, want %s", got, tt.fish)
			}
			if got := string(appendPowerShellQuoted(nil, tt.value)); got != tt.powerShell {
				t.Errorf("PowerShell: got %s, want %s", got, tt.powerShell)
			}
		})
	}
}

func TestWriteRefuses(t *testing.T) {
	shells := []Format{Bash{}, Zsh{}, Fish{}, PowerShell{}, Dotenv{}}
	all := append(slices.Clone(shells), JSON{})
	keys := []Var{{"AWS_ACCESS_KEY_ID", "AKIA"}, {"AWS_SECRET_ACCESS_KEY", "s3cr3t"}}
	with := func(v ...Var) Changes { return Changes{Set: append(slices.Clone(keys), v...)} }
	tests := []struct {
		name    string
		formats []Format
		c       Changes
		wantErr string // a part of the message
	}{
		{"NUL in a value", all, with(Var{"X", "a\x00b"}), "X contains a NUL byte"},
		{"empty name", all, with(Var{"", "v"}), `invalid variable name ""`},
		{"name with a dash", all, with(Var{"A-B", "v"}), `invalid variable name "A-B"`},
		{"name with a space", all, with(Var{"A B", "v"}), `invalid variable name "A B"`},
		{"name starting with a digit", all, with(Var{"1A", "v"}), `invalid variable name "1A"`},
		{"name with shell code", all, with(Var{"A=$(x)", "v"}), "invalid variable name"},
		{"non-ASCII name", all, with(Var{"É", "v"}), "invalid variable name"},
		{"invalid unset name", all, Changes{Set: keys, Unset: []string{"a;b"}}, `invalid variable name "a;b"`},
		{"name set twice", all, with(Var{"X", "1"}, Var{"X", "2"}), "X is named twice"},
		{"name set and unset", all, Changes{Set: keys, Unset: []string{"AWS_ACCESS_KEY_ID"}}, "AWS_ACCESS_KEY_ID is named twice"},
		{"dotenv newline", []Format{Dotenv{}}, with(Var{"X", "a\nb"}), "X contains a line break"},
		{"dotenv carriage return", []Format{Dotenv{}}, with(Var{"X", "a\rb"}), "X contains a line break"},
		{"dotenv invalid UTF-8", []Format{Dotenv{}}, with(Var{"X", "\xff"}), "X is not valid UTF-8"},
		{"PowerShell invalid UTF-8", []Format{PowerShell{}}, with(Var{"X", "a\xc3"}), "X is not valid UTF-8"},
		{"JSON invalid UTF-8", []Format{JSON{}}, with(Var{"AWS_SESSION_TOKEN", "\xed\xa0\x80"}), "AWS_SESSION_TOKEN is not valid UTF-8"},
		{"JSON without keys", []Format{JSON{}}, Clear(), "JSON output needs AWS_ACCESS_KEY_ID"},
		{"JSON without secret", []Format{JSON{}}, Changes{Set: keys[:1]}, "needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
		{"JSON bad expiration", []Format{JSON{}}, with(Var{"AWS_CREDENTIAL_EXPIRATION", "tomorrow"}), "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time"},
	}
	for _, tt := range tests {
		for _, f := range tt.formats {
			t.Run(tt.name+"/"+f.Name(), func(t *testing.T) {
				var b bytes.Buffer
				err := f.Write(&b, tt.c)
				if err == nil {
					t.Fatalf("no error; wrote %q", b.String())
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not say %q", err, tt.wantErr)
				}
				if b.Len() != 0 {
					t.Errorf("wrote %q before failing; a failed Write must write nothing", b.String())
				}
				for _, v := range tt.c.Set {
					if len(v.Value) > 2 && strings.Contains(err.Error(), v.Value) {
						t.Errorf("error %q shows the value of %s", err, v.Name)
					}
				}
			})
		}
	}
}

func TestWriteAcceptsAwkwardNames(t *testing.T) {
	for _, name := range []string{"_", "a", "_1", "A_B_9", "awsmfa_x"} {
		var b bytes.Buffer
		if err := (Bash{}).Write(&b, Changes{Set: []Var{{name, "v"}}}); err != nil {
			t.Errorf("name %q: %v", name, err)
		}
	}
}

// failWriter fails every write, counting the calls.
type failWriter struct{ calls int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.calls++
	return 0, errors.New("disk full")
}

func TestWriteReportsWriterErrorAndWritesOnce(t *testing.T) {
	for _, f := range []Format{Bash{}, Zsh{}, Fish{}, PowerShell{}, Dotenv{}, JSON{}} {
		w := &failWriter{}
		err := f.Write(w, Session(sampleCreds(), SessionInfo{Profile: "dev", Region: "eu-west-1"}))
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error %v, want the writer's", f.Name(), err)
		}
		if w.calls != 1 {
			t.Errorf("%s: %d writes, want 1", f.Name(), w.calls)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ name, want string }{
		{"bash", "bash"}, {"zsh", "zsh"}, {"fish", "fish"},
		{"powershell", "powershell"}, {"pwsh", "powershell"}, {"PowerShell", "powershell"},
		{"dotenv", "dotenv"}, {"json", "json"}, {"BASH", "bash"},
	}
	for _, tt := range tests {
		f, err := Lookup(tt.name)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tt.name, err)
			continue
		}
		if f.Name() != tt.want {
			t.Errorf("Lookup(%q) = %s, want %s", tt.name, f.Name(), tt.want)
		}
	}
	for _, bad := range []string{"", "tcsh", "sh ", "cmd", "bash\n"} {
		f, err := Lookup(bad)
		if err == nil {
			t.Errorf("Lookup(%q) = %v, want an error", bad, f)
			continue
		}
		for _, n := range Names() {
			if !strings.Contains(err.Error(), n) {
				t.Errorf("Lookup(%q) error %q does not list %s", bad, err, n)
			}
		}
	}
	for _, n := range Names() {
		if f, err := Lookup(n); err != nil || f.Name() != n {
			t.Errorf("Names lists %q but Lookup gives %v, %v", n, f, err)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ shell, want string }{
		{"", "bash"},
		{"/bin/bash", "bash"},
		{"/usr/bin/zsh", "zsh"},
		{"/bin/zsh", "zsh"},
		{"/opt/homebrew/bin/fish", "fish"},
		{"/usr/local/bin/fish", "fish"},
		{"-bash", "bash"},
		{"-zsh", "zsh"},
		{"-fish", "fish"},
		{"zsh", "zsh"},
		{"fish", "fish"},
		{"/usr/bin/zsh-5.9", "zsh"},
		{"/usr/local/bin/bash5", "bash"},
		{"/usr/bin/pwsh", "powershell"},
		{"/usr/local/microsoft/powershell/7/pwsh", "powershell"},
		{`C:\Program Files\PowerShell\7\pwsh.exe`, "powershell"},
		{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "powershell"},
		{"/bin/sh", "bash"},
		{"/bin/dash", "bash"},
		{"/bin/ksh", "bash"},
		{"/usr/bin/tcsh", "bash"},
		{"/usr/bin/", "bash"},
		{"/home/fish/bin/bash", "bash"},
		{"/home/zsh/bin/fish", "fish"},
		{"/usr/bin/FISH", "fish"},
	}
	for _, tt := range tests {
		if got := Detect(tt.shell).Name(); got != tt.want {
			t.Errorf("Detect(%q) = %s, want %s", tt.shell, got, tt.want)
		}
	}
}

// sampleCreds is a temporary session with an expiry that has nanoseconds
// and a zone, to check that exports are UTC to the second.
func sampleCreds() creds.Credentials {
	return creds.Credentials{
		AccessKeyID:     "ASIAEXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "FwoGZXIvYXdzEXAMPLE//////////wEaDA+token=",
		Expiration:      time.Date(2026, 11, 25, 23, 30, 15, 999_000_000, time.FixedZone("JST", 9*3600)),
	}
}

func TestSession(t *testing.T) {
	c := sampleCreds()
	refresh := c.Expiration.Add(-10 * time.Minute)
	tests := []struct {
		name      string
		c         creds.Credentials
		s         SessionInfo
		wantSet   []Var
		wantUnset []string
	}{
		{
			name: "full",
			c:    c,
			s:    SessionInfo{Profile: "dev", Region: "ap-northeast-1", RefreshAt: refresh, Marker: "/run/user/1000/awsmfa/m"},
			wantSet: []Var{
				{"AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"},
				{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
				{"AWS_SESSION_TOKEN", c.SessionToken},
				{"AWS_CREDENTIAL_EXPIRATION", "2026-11-25T14:30:15Z"},
				{"AWS_SESSION_EXPIRATION", "2026-11-25T14:30:15Z"},
				{"AWS_REGION", "ap-northeast-1"},
				{"AWS_DEFAULT_REGION", "ap-northeast-1"},
				{"AWSMFA_PROFILE", "dev"},
				{"AWSMFA_EXPIRATION", "1795617015"},
				{"AWSMFA_REFRESH_AT", "1795616415"},
				{"AWSMFA_MARKER", "/run/user/1000/awsmfa/m"},
				{"AWSMFA_REGION", "ap-northeast-1"},
			},
			wantUnset: []string{"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"},
		},
		{
			name: "no region leaves the region variables alone; no refresh time means the expiry",
			c:    c,
			s:    SessionInfo{Profile: "dev", Marker: "/m"},
			wantSet: []Var{
				{"AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"},
				{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
				{"AWS_SESSION_TOKEN", c.SessionToken},
				{"AWS_CREDENTIAL_EXPIRATION", "2026-11-25T14:30:15Z"},
				{"AWS_SESSION_EXPIRATION", "2026-11-25T14:30:15Z"},
				{"AWSMFA_PROFILE", "dev"},
				{"AWSMFA_EXPIRATION", "1795617015"},
				{"AWSMFA_REFRESH_AT", "1795617015"},
				{"AWSMFA_MARKER", "/m"},
			},
			wantUnset: []string{"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWSMFA_REGION"},
		},
		{
			name: "no region unsets the region awsmfa exported earlier",
			c:    c,
			s:    SessionInfo{Profile: "dev", RefreshAt: refresh, Marker: "/m", StaleRegion: []string{"AWS_REGION"}},
			wantSet: []Var{
				{"AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"},
				{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
				{"AWS_SESSION_TOKEN", c.SessionToken},
				{"AWS_CREDENTIAL_EXPIRATION", "2026-11-25T14:30:15Z"},
				{"AWS_SESSION_EXPIRATION", "2026-11-25T14:30:15Z"},
				{"AWSMFA_PROFILE", "dev"},
				{"AWSMFA_EXPIRATION", "1795617015"},
				{"AWSMFA_REFRESH_AT", "1795616415"},
				{"AWSMFA_MARKER", "/m"},
			},
			wantUnset: []string{"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWSMFA_REGION", "AWS_REGION"},
		},
		{
			name: "long-term keys and empty info unset what they cannot fill",
			c:    creds.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"},
			wantSet: []Var{
				{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"},
				{"AWS_SECRET_ACCESS_KEY", "secret"},
			},
			wantUnset: []string{"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
				"AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION",
				"AWSMFA_PROFILE", "AWSMFA_EXPIRATION", "AWSMFA_REFRESH_AT", "AWSMFA_MARKER", "AWSMFA_REGION"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Session(tt.c, tt.s)
			if !slices.Equal(got.Set, tt.wantSet) {
				t.Errorf("Set:\n got %v\nwant %v", got.Set, tt.wantSet)
			}
			if !slices.Equal(got.Unset, tt.wantUnset) {
				t.Errorf("Unset:\n got %v\nwant %v", got.Unset, tt.wantUnset)
			}
			for _, f := range []Format{Bash{}, Fish{}, PowerShell{}, Dotenv{}, JSON{}} {
				if err := f.Write(&bytes.Buffer{}, got); err != nil {
					t.Errorf("%s cannot write a session: %v", f.Name(), err)
				}
			}
			for _, v := range got.Set {
				if v.Name == "AWS_VAULT" {
					t.Error("Session sets AWS_VAULT, which makes aws-vault refuse to run")
				}
			}
		})
	}
}

func TestStaleRegion(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing recorded", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"}, nil},
		{"both still awsmfa's", map[string]string{"AWSMFA_REGION": "eu-west-1", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"}, []string{"AWS_REGION", "AWS_DEFAULT_REGION"}},
		{"the user changed one", map[string]string{"AWSMFA_REGION": "eu-west-1", "AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "eu-west-1"}, []string{"AWS_DEFAULT_REGION"}},
		{"the user unset both", map[string]string{"AWSMFA_REGION": "eu-west-1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StaleRegion(func(k string) string { return tt.env[k] }); !slices.Equal(got, tt.want) {
				t.Errorf("StaleRegion = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClear(t *testing.T) {
	c := Clear()
	if len(c.Set) != 0 {
		t.Errorf("Clear sets %v", c.Set)
	}
	s := Session(sampleCreds(), SessionInfo{Profile: "p", Region: "r", Marker: "m"})
	for _, v := range s.Set {
		isRegion := v.Name == "AWS_REGION" || v.Name == "AWS_DEFAULT_REGION"
		if cleared := slices.Contains(c.Unset, v.Name); cleared == isRegion {
			t.Errorf("Session sets %s; Clear unsets it: %v", v.Name, cleared)
		}
	}
	if !slices.Contains(c.Unset, "AWS_SECURITY_TOKEN") {
		t.Error("Clear leaves AWS_SECURITY_TOKEN")
	}
	var b bytes.Buffer
	if err := (Dotenv{}).Write(&b, c); err != nil || b.Len() != 0 {
		t.Errorf("dotenv Clear: %q, %v; want nothing written and no error", b.String(), err)
	}
}

func TestEnviron(t *testing.T) {
	base := []string{"PATH=/bin", "AWS_PROFILE=old", "AWS_ACCESS_KEY_ID=OLD", "AWS_REGION=us-east-1", "AWS_SECURITY_TOKEN=stale", "EMPTY=", "NOEQUALS"}
	baseCopy := slices.Clone(base)
	c := Changes{Set: []Var{{"AWS_ACCESS_KEY_ID", "NEW"}, {"AWS_SESSION_TOKEN", "tok=en"}}, Unset: []string{"AWS_PROFILE", "AWS_SECURITY_TOKEN"}}
	got, err := c.Environ(base)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PATH=/bin", "AWS_REGION=us-east-1", "EMPTY=", "NOEQUALS", "AWS_ACCESS_KEY_ID=NEW", "AWS_SESSION_TOKEN=tok=en"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !slices.Equal(base, baseCopy) {
		t.Errorf("Environ modified its argument: %q", base)
	}
	if _, err := (Changes{Set: []Var{{"X", "a\x00"}}}).Environ(nil); err == nil || !strings.Contains(err.Error(), "X contains a NUL") {
		t.Errorf("NUL value: error %v", err)
	}
	if _, err := (Changes{Unset: []string{"A=B"}}).Environ(nil); err == nil {
		t.Error("invalid name: no error")
	}
}

// credentialProcessDoc is the document as the AWS SDKs read it.
type credentialProcessDoc struct {
	Version         int
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    *string
	Expiration      *string
}

func decodeDoc(t *testing.T, b []byte) credentialProcessDoc {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d credentialProcessDoc
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("output %q is not the credential_process document: %v", b, err)
	}
	return d
}

func TestCredentialProcess(t *testing.T) {
	c := sampleCreds()
	var b bytes.Buffer
	if err := CredentialProcess(&b, c); err != nil {
		t.Fatal(err)
	}
	want := `{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",` +
		`"SessionToken":"FwoGZXIvYXdzEXAMPLE//////////wEaDA+token=","Expiration":"2026-11-25T14:30:15Z"}` + "\n"
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
	var viaFormat bytes.Buffer
	if err := (JSON{}).Write(&viaFormat, Session(c, SessionInfo{Profile: "dev", Region: "eu-west-1"})); err != nil {
		t.Fatal(err)
	}
	if viaFormat.String() != want {
		t.Errorf("--shell json of a session:\n got %s\nwant %s", viaFormat.String(), want)
	}

	b.Reset()
	longTerm := creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "s\"\\\n\x01é"}
	if err := CredentialProcess(&b, longTerm); err != nil {
		t.Fatal(err)
	}
	d := decodeDoc(t, b.Bytes())
	if d.Version != 1 || d.AccessKeyId != "AKIA" || d.SecretAccessKey != longTerm.SecretAccessKey || d.SessionToken != nil || d.Expiration != nil {
		t.Errorf("long-term keys: got %+v from %s", d, b.String())
	}
}

func TestCredentialProcessRefuses(t *testing.T) {
	ok := sampleCreds()
	tests := []struct {
		name    string
		mutate  func(*creds.Credentials)
		wantErr string
	}{
		{"no key id", func(c *creds.Credentials) { c.AccessKeyID = "" }, "no access key id"},
		{"no secret", func(c *creds.Credentials) { c.SecretAccessKey = "" }, "no secret access key"},
		{"NUL in token", func(c *creds.Credentials) { c.SessionToken = "a\x00b" }, "SessionToken of these credentials contains a NUL"},
		{"invalid UTF-8 secret", func(c *creds.Credentials) { c.SecretAccessKey = "\xffxyz" }, "SecretAccessKey of these credentials is not valid UTF-8"},
		{"invalid UTF-8 id", func(c *creds.Credentials) { c.AccessKeyID = "AKIA\x80" }, "AccessKeyId of these credentials is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mutate(&c)
			var b bytes.Buffer
			err := CredentialProcess(&b, c)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %q before failing", b.String())
			}
			for _, secret := range []string{c.SecretAccessKey, c.SessionToken} {
				if len(secret) > 3 && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a secret", err)
				}
			}
		})
	}
}

func TestDecodersAgreeWithFormats(t *testing.T) {
	c := Session(sampleCreds(), SessionInfo{Profile: "it's", Region: "r", Marker: `C:\m 'x'`})
	want := stmts(c)
	decoders := []struct {
		f      Format
		decode func(string) ([]stmt, error)
	}{
		{Bash{}, decodePOSIX}, {Zsh{}, decodePOSIX}, {Fish{}, decodeFish}, {PowerShell{}, decodePowerShell},
	}
	for _, d := range decoders {
		var b bytes.Buffer
		if err := d.f.Write(&b, c); err != nil {
			t.Fatal(err)
		}
		got, err := d.decode(b.String())
		if err != nil {
			t.Fatalf("%s: %v", d.f.Name(), err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", d.f.Name(), got, want)
		}
	}
}

// TestDecodersRefuseUnquoted proves the reference decoders can fail: text a
// shell would expand or split is an error, not a pass.
func TestDecodersRefuseUnquoted(t *testing.T) {
	tests := []struct {
		name   string
		decode func(string) ([]stmt, error)
		script string
	}{
		{"posix dollar", decodePOSIX, "export A=$(x)\n"},
		{"posix space", decodePOSIX, "export A='a' b\n"},
		{"posix semicolon", decodePOSIX, "export A='a';b\n"},
		{"posix unterminated", decodePOSIX, "export A='a\n"},
		{"posix no newline", decodePOSIX, "export A='a'"},
		{"fish unquoted", decodeFish, "set -gx A a\ntrue\n"},
		{"fish unterminated", decodeFish, "set -gx A 'a\\'\ntrue\n"},
		{"fish paren", decodeFish, "set -gx A 'a'(x)\ntrue\n"},
		{"fish without the closing true", decodeFish, "set -gx A 'a'\n"},
		{"powershell unterminated", decodePowerShell, "$Env:A = 'a''\n"},
		{"powershell trailing", decodePowerShell, "$Env:A = 'a'+$x\n"},
		{"powershell typographic end", decodePowerShell, "$Env:A = 'a\u2019; rm x\n"},
	}
	for _, tt := range tests {
		if got, err := tt.decode(tt.script); err == nil {
			t.Errorf("%s: %q decoded to %v, want an error", tt.name, tt.script, got)
		}
	}
}
