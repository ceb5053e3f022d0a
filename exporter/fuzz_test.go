package exporter

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// Seeds shared by the quoting fuzz targets; more are committed under
// testdata/fuzz.
var quoteSeeds = []string{
	"", "'", "''", `\`, `\'`, `'\''`, "a'b", "\n", "$(x)`y`", "\u2018\u2019\u201A\u201B",
	"\xff\xfe", "\uf600", "!!", "\x01\x7f",
}

// fuzzChanges surrounds value with other statements, so a value that broke
// out of its quotes would show up as a changed or extra statement.
func fuzzChanges(value string) Changes {
	return Changes{
		Set:   []Var{{"BEFORE", "b'"}, {"V", value}, {"AFTER", `a\`}},
		Unset: []string{"GONE"},
	}
}

// roundTrip writes value with f and decodes it back with decode. A value f
// may refuse (refuse returns true) must give an error and no output; any
// other value must come back exactly, with the statements around it intact.
func roundTrip(t *testing.T, f Format, decode func(string) ([]stmt, error), value string, refuse func(string) bool) {
	t.Helper()
	c := fuzzChanges(value)
	var b bytes.Buffer
	err := f.Write(&b, c)
	if refuse(value) {
		if err == nil {
			t.Fatalf("%s accepted %q", f.Name(), value)
		}
		if b.Len() != 0 {
			t.Fatalf("%s wrote %q and failed", f.Name(), b.String())
		}
		return
	}
	if err != nil {
		t.Fatalf("%s refused %q: %v", f.Name(), value, err)
	}
	got, err := decode(b.String())
	if err != nil {
		t.Fatalf("%s output for %q does not decode: %v\n%s", f.Name(), value, err, b.String())
	}
	if want := stmts(c); !slices.Equal(got, want) {
		t.Fatalf("%s round trip of %q:\n got %v\nwant %v", f.Name(), value, got, want)
	}
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// FuzzQuotePOSIX checks bash and zsh quoting: every value without a NUL
// comes back byte-exact, and nothing escapes its quotes.
func FuzzQuotePOSIX(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		roundTrip(t, Bash{}, decodePOSIX, value, hasNUL)
		roundTrip(t, Zsh{}, decodePOSIX, value, hasNUL)
	})
}

// FuzzQuoteFish checks fish quoting the same way.
func FuzzQuoteFish(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		roundTrip(t, Fish{}, decodeFish, value, hasNUL)
	})
}

// FuzzQuotePowerShell checks PowerShell quoting: every UTF-8 value without
// a NUL comes back exactly; anything else is refused.
func FuzzQuotePowerShell(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		roundTrip(t, PowerShell{}, decodePowerShell, value, func(s string) bool {
			return hasNUL(s) || !utf8.ValidString(s)
		})
	})
}

// FuzzDotenv checks that dotenv either refuses a value or writes it so
// that it reads back as the same value on its own line.
func FuzzDotenv(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		c := fuzzChanges(value)
		c.Unset = nil // dotenv writes nothing for them
		var b bytes.Buffer
		err := Dotenv{}.Write(&b, c)
		refuse := hasNUL(value) || strings.ContainsAny(value, "\r\n") || !utf8.ValidString(value)
		if refuse {
			if err == nil || b.Len() != 0 {
				t.Fatalf("dotenv accepted %q: %q, %v", value, b.String(), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("dotenv refused %q: %v", value, err)
		}
		got, err := decodeDotenv(b.String())
		if err != nil {
			t.Fatal(err)
		}
		if want := stmts(c); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}

// FuzzCredentialProcess checks that the JSON document decodes, with the
// standard decoder, to exactly the credentials given, or is refused.
func FuzzCredentialProcess(f *testing.F) {
	f.Add("ASIA", "secret", "token", int64(1795617015))
	f.Add("AKIA", "s\"\\\n\x01\u2028", "", int64(0))
	f.Add("A\x00", "\xff", "\xed\xa0\x80", int64(-1))
	f.Fuzz(func(t *testing.T, id, secret, token string, unix int64) {
		c := creds.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
		if unix != 0 {
			c.Expiration = time.Unix(unix, 0).UTC()
		}
		var b bytes.Buffer
		err := CredentialProcess(&b, c)
		bad := func(s string) bool { return hasNUL(s) || !utf8.ValidString(s) }
		if id == "" || secret == "" || bad(id) || bad(secret) || bad(token) {
			if err == nil || b.Len() != 0 {
				t.Fatalf("accepted %q %q %q: %q, %v", id, secret, token, b.String(), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("refused %q %q %q: %v", id, secret, token, err)
		}
		if !json.Valid(b.Bytes()) {
			t.Fatalf("not JSON: %q", b.String())
		}
		d := decodeDoc(t, b.Bytes())
		if d.Version != 1 || d.AccessKeyId != id || d.SecretAccessKey != secret {
			t.Fatalf("got %+v", d)
		}
		if (d.SessionToken == nil) != (token == "") || (d.SessionToken != nil && *d.SessionToken != token) {
			t.Fatalf("token: got %v, want %q", d.SessionToken, token)
		}
		if c.Expiration.IsZero() { // unix -62135596800 is the zero time too
			if d.Expiration != nil {
				t.Fatalf("expiration %q for long-term keys", *d.Expiration)
			}
			return
		}
		if d.Expiration == nil || *d.Expiration != rfc3339(c.Expiration) {
			t.Fatalf("expiration: got %v, want %s", d.Expiration, rfc3339(c.Expiration))
		}
	})
}
