package exporter

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// JSON is the format of the document an AWS SDK reads from a
// credential_process command:
//
//	{"Version":1,"AccessKeyId":"…","SecretAccessKey":"…","SessionToken":"…","Expiration":"2006-01-02T15:04:05Z"}
//
// Write takes the credentials from the AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION
// entries of Changes.Set and ignores every other variable; the document has
// no way to unset anything, so Changes without keys (Clear) are an error.
// SessionToken and Expiration are left out when absent (long-term keys).
type JSON struct{}

// Name returns "json".
func (JSON) Name() string { return "json" }

// Write writes the credential_process document for the credentials in c.
func (JSON) Write(w io.Writer, c Changes) error {
	if err := check(c, jsonValueOK); err != nil {
		return err
	}
	var d document
	for _, v := range c.Set {
		switch v.Name {
		case "AWS_ACCESS_KEY_ID":
			d.id = v.Value
		case "AWS_SECRET_ACCESS_KEY":
			d.secret = v.Value
		case "AWS_SESSION_TOKEN":
			d.token = v.Value
		case "AWS_CREDENTIAL_EXPIRATION":
			if _, err := time.Parse(time.RFC3339, v.Value); err != nil {
				return errors.New("AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time (2006-01-02T15:04:05Z), which the credential_process document needs")
			}
			d.expiration = v.Value
		}
	}
	if d.id == "" || d.secret == "" {
		return errors.New("JSON output needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; it is the credential_process document, which cannot unset variables (use --shell bash, zsh, fish or powershell)")
	}
	_, err := w.Write(d.append(make([]byte, 0, d.size())))
	return err
}

// CredentialProcess writes c as the credential_process document, in one
// Write call. It refuses, naming the field, credentials without an access
// key id or secret, and fields holding a NUL byte or text that is not UTF-8.
func CredentialProcess(w io.Writer, c creds.Credentials) error {
	d := document{id: c.AccessKeyID, secret: c.SecretAccessKey, token: c.SessionToken}
	if !c.Expiration.IsZero() {
		d.expiration = rfc3339(c.Expiration)
	}
	for _, f := range []struct{ name, value string }{
		{"AccessKeyId", d.id}, {"SecretAccessKey", d.secret}, {"SessionToken", d.token},
	} {
		if reason := jsonValueOK(f.value); reason != "" {
			return fmt.Errorf("the %s of these credentials %s", f.name, reason)
		}
	}
	if d.id == "" {
		return errors.New("these credentials have no access key id; the credential_process document needs one")
	}
	if d.secret == "" {
		return errors.New("these credentials have no secret access key; the credential_process document needs one")
	}
	_, err := w.Write(d.append(make([]byte, 0, d.size())))
	return err
}

// jsonValueOK refuses what a JSON string cannot carry byte-exact. (JSON
// could escape NUL, but the value came from or is going to an environment,
// which cannot hold one.)
func jsonValueOK(value string) string {
	if strings.IndexByte(value, 0) >= 0 {
		return "contains a NUL byte, which no environment variable can hold"
	}
	if !utf8.ValidString(value) {
		return "is not valid UTF-8 text, which JSON cannot hold"
	}
	return ""
}

// document is the credential_process document, already validated.
type document struct {
	id, secret, token, expiration string
}

// size is enough room for d as JSON when few bytes need escapes.
func (d document) size() int {
	return len(d.id) + len(d.secret) + len(d.token) + len(d.expiration) + 128
}

// append appends d as one line of JSON, the fields in the order AWS
// documents them.
func (d document) append(b []byte) []byte {
	b = append(b, `{"Version":1,"AccessKeyId":`...)
	b = appendJSONString(b, d.id)
	b = append(b, `,"SecretAccessKey":`...)
	b = appendJSONString(b, d.secret)
	if d.token != "" {
		b = append(b, `,"SessionToken":`...)
		b = appendJSONString(b, d.token)
	}
	if d.expiration != "" {
		b = append(b, `,"Expiration":`...)
		b = appendJSONString(b, d.expiration)
	}
	return append(b, "}\n"...)
}

// appendJSONString appends s, valid UTF-8, as a JSON string: " and \ are
// escaped, and so is every control character below U+0020.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0 // s[start:i] needs no escape and is not yet appended
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
