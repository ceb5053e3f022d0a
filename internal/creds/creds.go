// Package creds holds the one type every other package passes around: a set
// of AWS credentials. It knows nothing of STS, files or shells.
//
// A Credentials value never prints its secrets: String, GoString, Format and
// LogValue all redact them, so a stray log line or %v cannot leak a key.
package creds

import (
	"fmt"
	"log/slog"
	"time"
)

// Credentials is an AWS access key, its secret, and for temporary
// credentials the session token and expiry.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string    // empty for long-term keys
	Expiration      time.Time // zero for long-term keys; always UTC otherwise
}

// Temporary reports whether c carries a session token.
func (c Credentials) Temporary() bool { return c.SessionToken != "" }

// TTL is the time left before c expires, measured from now. It is negative
// once c has expired, and zero for long-term keys.
func (c Credentials) TTL(now time.Time) time.Duration {
	if c.Expiration.IsZero() {
		return 0
	}
	return c.Expiration.Sub(now)
}

// String shows the access key id and expiry only.
func (c Credentials) String() string {
	if c.Expiration.IsZero() {
		return fmt.Sprintf("{AccessKeyID:%s SecretAccessKey:<redacted>}", c.AccessKeyID)
	}
	return fmt.Sprintf("{AccessKeyID:%s SecretAccessKey:<redacted> SessionToken:<redacted> Expiration:%s}",
		c.AccessKeyID, c.Expiration.UTC().Format(time.RFC3339))
}

// GoString is String, so %#v redacts too.
func (c Credentials) GoString() string { return "creds.Credentials" + c.String() }

// Format makes every fmt verb print the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, c.GoString())
		return
	}
	fmt.Fprint(f, c.String())
}

// LogValue redacts c in structured logs.
func (c Credentials) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("access_key_id", c.AccessKeyID)}
	if !c.Expiration.IsZero() {
		attrs = append(attrs, slog.Time("expiration", c.Expiration.UTC()))
	}
	return slog.GroupValue(attrs...)
}
