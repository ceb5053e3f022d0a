package awsini

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var (
	newLongTerm = []KV{
		{"aws_access_key_id", "AKIANEW0000000000001"},
		{"aws_secret_access_key", "secret/new"},
		{"aws_mfa_device", "arn:aws:iam::123456789012:mfa/demo"},
	}
	refresh = []KV{
		{"assumed_role", "True"},
		{"aws_access_key_id", "ASIANEW0000000000001"},
		{"aws_secret_access_key", "newsecret"},
		{"aws_session_token", "newtoken"},
		{"aws_security_token", "newtoken"},
		{"expiration", "2026-11-25 23:00:00"},
		{"assumed_role_arn", "arn:aws:iam::123456789012:role/demo"},
	}
)

// golden reads testdata/NAME.txtar: the file "in", and either "want" (the
// file after the edit) or "error" (the message, first line).
func golden(t *testing.T, name string) (in, want []byte, wantErr string) {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range a.Files {
		switch f.Name {
		case "in":
			in = f.Data
		case "want":
			want, found = f.Data, true
		case "error":
			wantErr, found = strings.TrimSpace(string(f.Data)), true
		}
	}
	if !found {
		t.Fatalf("%s.txtar has neither want nor error", name)
	}
	return in, want, wantErr
}

func TestGolden(t *testing.T) {
	set := func(section string, kvs ...KV) func(*File) error {
		return func(f *File) error { return f.Set(section, kvs...) }
	}
	for _, tc := range []struct {
		name   string
		edit   func(*File) error
		noCRLF bool // the input has no line ending to follow
	}{
		{name: "add_section", edit: set("x-long-term", newLongTerm...)},
		{name: "replace_keys", edit: set("x", refresh...)},
		{name: "unset", edit: func(f *File) error {
			if err := f.Set("x", KV{"assumed_role", "False"}); err != nil {
				return err
			}
			return f.Unset("x", "assumed_role_arn", "not_there")
		}},
		{name: "nested", edit: func(f *File) error {
			if err := f.Set("profile dev", KV{"region", "eu-west-1"}, KV{"mfa_serial", "arn:aws:iam::123456789012:mfa/demo"}); err != nil {
				return err
			}
			return f.Set("profile other", KV{"sts", "flat"})
		}},
		{name: "indented", edit: set("x", KV{"c", "3"})},
		{name: "empty_section", edit: set("x", KV{"k", "v"})},
		{name: "duplicate_other", edit: set("b", KV{"k", "4"})},
		{name: "duplicate_target", edit: set("x", KV{"k", "3"})},
		{name: "unclosed", edit: set("x", KV{"k", "3"})},
		{name: "key_before_section", edit: set("x", KV{"k", "3"})},
		{name: "not_a_key", edit: set("x", KV{"k", "3"})},
		{name: "duplicate_key", edit: set("x", KV{"k", "3"})},
		{name: "empty_file", edit: set("x", KV{"k", "v"}), noCRLF: true},
	} {
		for _, crlf := range []bool{false, true} {
			if crlf && tc.noCRLF {
				continue
			}
			name := tc.name
			if crlf {
				name += "/crlf"
			}
			t.Run(name, func(t *testing.T) {
				in, want, wantErr := golden(t, tc.name)
				if crlf {
					in = bytes.ReplaceAll(in, []byte("\n"), []byte("\r\n"))
					want = bytes.ReplaceAll(want, []byte("\n"), []byte("\r\n"))
				}
				orig := bytes.Clone(in)
				f, err := Parse("test", in)
				if err == nil {
					err = tc.edit(f)
				}
				if wantErr != "" {
					if err == nil {
						t.Fatalf("edit succeeded, want error %q; file now:\n%s", wantErr, f.Bytes())
					}
					if first, _, _ := strings.Cut(err.Error(), "\n"); first != wantErr {
						t.Errorf("error = %q, want %q", first, wantErr)
					}
					if !bytes.Equal(in, orig) {
						t.Error("the input bytes were modified")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := f.Bytes(); !bytes.Equal(got, want) {
					t.Errorf("after the edit:\n%q\nwant:\n%q", got, want)
				}
				// The same edit again changes nothing.
				again, err := Parse("test", f.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if err := tc.edit(again); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again.Bytes(), want) {
					t.Errorf("the edit is not idempotent; second result:\n%q", again.Bytes())
				}
			})
		}
	}
}

// TestNoTrailingNewline: a last line without a line ending keeps its bytes;
// what is added after it starts on a line of its own.
func TestNoTrailingNewline(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		set            []KV
		section        string
	}{
		{name: "new section", in: "[a]\nk = 1", section: "b", set: []KV{{"k", "2"}},
			want: "[a]\nk = 1\n\n[b]\nk = 2\n"},
		{name: "new key", in: "[a]\nk = 1", section: "a", set: []KV{{"j", "2"}},
			want: "[a]\nk = 1\nj = 2\n"},
		{name: "replaced last key keeps no newline", in: "[a]\nk = 1", section: "a", set: []KV{{"k", "2"}},
			want: "[a]\nk = 2"},
		{name: "header only", in: "[a]", section: "a", set: []KV{{"k", "v"}},
			want: "[a]\nk = v\n"},
		{name: "crlf", in: "[a]\r\nk = 1", section: "a", set: []KV{{"j", "2"}},
			want: "[a]\r\nk = 1\r\nj = 2\r\n"},
		{name: "comment last", in: "[a]\nk = 1\n# end", section: "b", set: []KV{{"k", "2"}},
			want: "[a]\nk = 1\n# end\n\n[b]\nk = 2\n"},
		{name: "nested last, replaced", in: "[a]\ns3 =\n  x = 1", section: "a", set: []KV{{"s3", "flat"}, {"new", "n"}},
			want: "[a]\ns3 = flat\nnew = n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("test", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Set(tc.section, tc.set...); err != nil {
				t.Fatal(err)
			}
			if got := string(f.Bytes()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestByteOrderMark: a file that starts with a byte-order mark keeps it.
func TestByteOrderMark(t *testing.T) {
	in := "\uFEFF  [a]\nk = 1\n"
	f, err := Parse("test", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.Get("a", "K"); !ok || v != "1" {
		t.Fatalf("Get = %q, %v", v, ok)
	}
	if err := f.Set("b", KV{"k", "2"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("a", KV{"j", "3"}); err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFF  [a]\nk = 1\nj = 3\n\n[b]\nk = 2\n"; string(f.Bytes()) != want {
		t.Errorf("got %q, want %q", f.Bytes(), want)
	}
}

func TestGet(t *testing.T) {
	f, err := Parse("test", []byte("[x]\nKey = v1\nnest =\n  a = 1\n  b = 2\nempty =\n[profile y]\nk: v : w\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		section, key, want string
		ok                 bool
	}{
		{"x", "key", "v1", true},
		{"x", "KEY", "v1", true},
		{"x", "nest", "\na = 1\nb = 2", true},
		{"x", "empty", "", true},
		{"x", "missing", "", false},
		{"profile y", "k", "v : w", true},
		{"y", "k", "", false},
	} {
		got, ok := f.Get(tc.section, tc.key)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Get(%q, %q) = %q, %v; want %q, %v", tc.section, tc.key, got, ok, tc.want, tc.ok)
		}
	}
	if got := f.Sections(); strings.Join(got, ",") != "x,profile y" {
		t.Errorf("Sections = %q", got)
	}
	if !f.Has("x") || f.Has("profile") || f.Line("profile y") != 7 {
		t.Errorf("Has/Line wrong: %v %v %d", f.Has("x"), f.Has("profile"), f.Line("profile y"))
	}
}

// TestRefusesWhatWouldNotReadBack: names, keys and values that would not
// read back as written are refused, the file untouched, and a refused
// value is never shown in the message (it may be a secret).
func TestRefusesWhatWouldNotReadBack(t *testing.T) {
	const in = "[a]\nk = 1\n"
	for _, tc := range []struct {
		name    string
		section string
		kv      KV
	}{
		{"newline in value", "a", KV{"k", "sec\nret"}},
		{"carriage return in value", "a", KV{"k", "sec\rret"}},
		{"leading blank", "a", KV{"k", " secret"}},
		{"trailing blank", "a", KV{"k", "secret\t"}},
		{"key with =", "a", KV{"k=j", "v"}},
		{"key with blank", "a", KV{"k j", "v"}},
		{"empty key", "a", KV{"", "v"}},
		{"key like a header", "a", KV{"[b]", "v"}},
		{"key like a comment", "a", KV{"#k", "v"}},
		{"newline in section", "a\n[b", KV{"k", "v"}},
		{"empty section", "", KV{"k", "v"}},
		{"blank-padded section", " a", KV{"k", "v"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("test", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			err = f.Set(tc.section, tc.kv)
			if err == nil {
				t.Fatalf("Set succeeded; file now %q", f.Bytes())
			}
			if tc.kv.Value != "v" && strings.Contains(err.Error(), strings.TrimSpace(tc.kv.Value)) {
				t.Errorf("the error shows the value: %v", err)
			}
			if string(f.Bytes()) != in {
				t.Errorf("file changed to %q", f.Bytes())
			}
		})
	}
}

// TestUnsetTakesNestedLines: a key's indented lines are part of its value
// (as the AWS CLI reads the file), so Unset removes them with it.
func TestUnsetTakesNestedLines(t *testing.T) {
	f, err := Parse("test", []byte("[a]\n  x = 1\ny = 2\n  z = 3\n  [b]\nw = 4\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("a", "y"); v != "2\nz = 3\n[b]" {
		t.Fatalf("y = %q", v)
	}
	if err := f.Unset("a", "y"); err != nil {
		t.Fatal(err)
	}
	if got := string(f.Bytes()); got != "[a]\n  x = 1\nw = 4\n" {
		t.Errorf("got %q", got)
	}
}

// TestCommitRefusesCollateralChanges: every edit is read back, and a result
// in which anything but the edited keys reads differently is refused. Set
// and Unset cannot produce one (by construction), so the check is driven
// directly with results that are wrong in each way.
func TestCommitRefusesCollateralChanges(t *testing.T) {
	const in = "[a]\nk = 1\n[b]\nk = 2\n"
	for _, tc := range []struct {
		name, out string
	}{
		{"another section's value", "[a]\nk = 9\n[b]\nk = 9\n"},
		{"a section lost", "[b]\nk = 9\n"},
		{"a section gained", "[a]\nk = 1\n[b]\nk = 9\n[c]\n"},
		{"a key of the section lost", "[a]\nk = 1\n[b]\n"},
		{"does not parse", "[a]\nk = 1\n[b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("test", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.commit([]byte(tc.out), "b", []KV{{"k", "9"}}, nil); err == nil {
				t.Fatal("commit accepted it")
			}
			if string(f.Bytes()) != in {
				t.Errorf("file changed to %q", f.Bytes())
			}
		})
	}
	f, _ := Parse("test", []byte(in))
	if err := f.commit([]byte("[a]\nk = 1\n[b]\nk = 9\n"), "b", []KV{{"k", "9"}}, nil); err != nil {
		t.Errorf("commit refused the right result: %v", err)
	}
}

// TestSyntaxErrorsShowNoValue: a malformed line may hold a secret; the
// message names the line and never shows a value.
func TestSyntaxErrorsShowNoValue(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	for _, in := range []string{
		"aws_secret_access_key = " + secret + "\n[x]\n",
		secret + "\n[x]\n",
		"[x]\n" + secret + "\n",
		"[x]\naws_secret_access_key " + secret + "\n",
		"[x = " + secret + "\n",
		"[x]\n= " + secret + "\n",
	} {
		_, err := Parse("test", []byte(in))
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line == 0 {
			t.Errorf("Parse(%q) = %v, want a SyntaxError with a line", in, err)
			continue
		}
		if strings.Contains(err.Error(), secret[:8]) {
			t.Errorf("Parse(%q): the message shows the value: %v", in, err)
		}
	}
}
