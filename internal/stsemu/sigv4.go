package stsemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	amzDateFmt   = "20060102T150405Z"
	// maxSkew is how far the signing time may be from the server clock.
	maxSkew = 5 * time.Minute
)

// sigParts is a parsed SigV4 Authorization header.
type sigParts struct {
	accessKeyID, date, region, service, terminator string
	signedHeaders                                  []string
	signature                                      string
}

var (
	regionRE    = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	sigHexRE    = regexp.MustCompile(`^[0-9a-f]{64}$`)
	headerRE    = regexp.MustCompile(`^[a-z0-9!#$%&'*+.^_|~-]+$`)
	scopeDateRE = regexp.MustCompile(`^[0-9]{8}$`)
)

// parseAuthorization splits an Authorization header, or says what is wrong
// with it in the words AWS uses.
func parseAuthorization(h string) (sigParts, *apiError) {
	var p sigParts
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != sigAlgorithm {
		return p, errIncompleteSignature(fmt.Sprintf("Unsupported AWS 'algorithm': '%s'. Only %s is supported.", truncate(alg, 64), sigAlgorithm))
	}
	fields := map[string]string{}
	for _, kv := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return p, errIncompleteSignature("Authorization header requires each component to be of the form key=value.")
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if _, ok := fields[k]; !ok {
			return p, errIncompleteSignature(fmt.Sprintf("Authorization header requires '%s' parameter.", k))
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" {
		return p, errIncompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.")
	}
	p.accessKeyID, p.date, p.region, p.service, p.terminator = scope[0], scope[1], scope[2], scope[3], scope[4]
	p.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	for _, name := range p.signedHeaders {
		if !headerRE.MatchString(name) {
			return p, errIncompleteSignature("SignedHeaders must be lower-case header names separated by ';'.")
		}
	}
	if !sort.StringsAreSorted(p.signedHeaders) {
		return p, errSignature()
	}
	p.signature = fields["Signature"]
	if !sigHexRE.MatchString(p.signature) {
		return p, errSignature()
	}
	return p, nil
}

// requestTime returns the signing time the client claims, from X-Amz-Date
// or else Date, and the exact text that went into the string to sign.
func requestTime(r *http.Request) (time.Time, string, *apiError) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(amzDateFmt, v)
		if err != nil {
			return time.Time{}, "", errIncompleteSignature("X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z'.")
		}
		return t, v, nil
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return time.Time{}, "", errIncompleteSignature("Date header is not a valid HTTP date.")
		}
		return t.UTC(), t.UTC().Format(amzDateFmt), nil
	}
	return time.Time{}, "", errIncompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
}

// checkScope verifies the credential scope against the request time and
// the service the action belongs to. Any region is accepted.
func checkScope(p sigParts, amzDate, service string) *apiError {
	if !scopeDateRE.MatchString(p.date) {
		return errIncompleteSignature("Credential scope date must be YYYYMMDD.")
	}
	if p.date != amzDate[:8] {
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch",
			fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", p.date, amzDate[:8], amzDate)}
	}
	if !regionRE.MatchString(p.region) {
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to a valid region."}
	}
	if p.service != service {
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", service)}
	}
	if p.terminator != "aws4_request" {
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", truncate(p.terminator, 64))}
	}
	hasHost := false
	for _, h := range p.signedHeaders {
		hasHost = hasHost || h == "host"
	}
	if !hasHost {
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."}
	}
	return nil
}

// signature recomputes the SigV4 signature of r with secret.
func signature(r *http.Request, body []byte, p sigParts, amzDate, secret string) string {
	canonical := canonicalRequest(r, body, p.signedHeaders)
	scope := strings.Join([]string{p.date, p.region, p.service, p.terminator}, "/")
	sum := sha256.Sum256([]byte(canonical))
	toSign := sigAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+secret), p.date)
	key = hmacSHA256(key, p.region)
	key = hmacSHA256(key, p.service)
	key = hmacSHA256(key, p.terminator)
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalRequest builds the SigV4 canonical request of r, as a non-S3
// service does: the path escaped once more, the query sorted and escaped,
// the signed headers trimmed, and the hash of the body that arrived.
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(escape(path, true))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	sum := sha256.Sum256(body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.String()
}

// headerValue is the canonical value of one signed header. Go's server
// moves Host and Content-Length out of r.Header, so they come from r.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if r.ContentLength < 0 {
			return ""
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := r.Header[textproto.CanonicalMIMEHeaderKey(name)]
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.TrimSpace(collapseSpaces(v))
	}
	return strings.Join(out, ",")
}

// collapseSpaces turns each run of spaces into one space (SigV4 "trimall";
// like the SDK, only the space character counts).
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	prev := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && prev {
			continue
		}
		prev = s[i] == ' '
		b.WriteByte(s[i])
	}
	return b.String()
}

// canonicalQuery encodes each name and value, then sorts the encoded
// pairs: SigV4 sorts after encoding.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	var pairs [][2]string
	for k, vals := range q {
		for _, v := range vals {
			pairs = append(pairs, [2]string{escape(k, false), escape(v, false)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, "&")
}

// escape is RFC 3986 percent-encoding of everything but unreserved
// characters (and '/' when keepSlash is set), with upper-case hex.
func escape(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// sameString compares secrets in constant time.
func sameString(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// checkTime rejects a signing time more than maxSkew from now, with the
// message AWS query services send.
func checkTime(signed, now time.Time) *apiError {
	now = now.UTC().Truncate(time.Second)
	switch {
	case signed.Before(now.Add(-maxSkew)):
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch",
			fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)",
				signed.Format(amzDateFmt), now.Add(-maxSkew).Format(amzDateFmt), now.Format(amzDateFmt))}
	case signed.After(now.Add(maxSkew)):
		return &apiError{http.StatusForbidden, "SignatureDoesNotMatch",
			fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)",
				signed.Format(amzDateFmt), now.Add(maxSkew).Format(amzDateFmt), now.Format(amzDateFmt))}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
