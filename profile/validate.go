package profile

import (
	"fmt"
	"strings"
	"time"
)

// Limits that STS enforces, checked here so that a bad value is reported
// before any code is asked for or any call made.
const (
	// GetSessionToken DurationSeconds: 900–129600, default 43200.
	minSession     = 900 * time.Second
	maxSession     = 129600 * time.Second
	defaultSession = 43200 * time.Second
	// AssumeRole DurationSeconds: 900–43200 (the role's own maximum may be
	// lower; only STS knows it), default 3600. A role session signed with
	// session credentials (role chaining) is capped at 3600.
	minRole     = 900 * time.Second
	maxRole     = 43200 * time.Second
	defaultRole = 3600 * time.Second
	maxChained  = 3600 * time.Second
)

// partitions are the AWS partitions an IAM ARN may name.
var partitions = [...]string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// iamARN splits "arn:PARTITION:iam::ACCOUNT:RESOURCE" and returns the
// resource, or a reason the ARN is malformed.
func iamARN(s string) (resource, problem string) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "it is not of the form arn:aws:iam::ACCOUNT:..."
	}
	known := false
	for _, p := range partitions {
		known = known || parts[1] == p
	}
	if !known {
		return "", fmt.Sprintf("%q is not an AWS partition (aws, aws-cn, aws-us-gov, ...)", parts[1])
	}
	if parts[2] != "iam" {
		return "", fmt.Sprintf("it names the service %q, not iam", parts[2])
	}
	if parts[3] != "" {
		return "", "an IAM ARN has no region (arn:aws:iam::ACCOUNT:...)"
	}
	if !isAccountID(parts[4]) {
		return "", fmt.Sprintf("the account id %q is not 12 digits", parts[4])
	}
	return parts[5], ""
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isNameChar reports whether c may appear in an IAM name or role session
// name: the API's pattern [\w+=,.@-].
func isNameChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.ContainsRune("_+=,.@-", c)
}

// checkPathName checks "path/name" after "mfa/" or "role/": segments of
// IAM name characters, the last (the name) 1–maxName long.
func checkPathName(s string, maxName int) string {
	if s == "" {
		return "the name after the / is empty"
	}
	segs := strings.Split(s, "/")
	for _, seg := range segs {
		if seg == "" {
			return "it has an empty path segment (//, or a trailing /)"
		}
		for _, c := range seg {
			if !isNameChar(c) {
				return fmt.Sprintf("%q may not appear in an IAM name (letters, digits and _+=,.@- only)", c)
			}
		}
	}
	if n := len(segs[len(segs)-1]); n > maxName {
		return fmt.Sprintf("the name is %d characters, more than the %d IAM allows", n, maxName)
	}
	return ""
}

// checkMFASerial validates an MFA device: the ARN of a virtual device
// (arn:aws:iam::123456789012:mfa/NAME, in any partition) or the serial
// number of a hardware TOTP token (such as GAHT12345678). The STS API
// reference for GetSessionToken and AssumeRole gives SerialNumber a length
// of 9–256 and the pattern [\w+=/:,.@-]*; hardware serials are upper-case
// letters and digits. FIDO security keys (u2f ARNs) cannot sign API calls:
// IAM supports them for the console only.
func checkMFASerial(s string) string {
	if strings.HasPrefix(s, "arn:") {
		res, problem := iamARN(s)
		if problem != "" {
			return problem
		}
		if strings.HasPrefix(res, "u2f/") {
			return "it is a FIDO security key, which AWS accepts for console sign-in only; register a virtual or hardware TOTP device for the CLI"
		}
		if !strings.HasPrefix(res, "mfa/") {
			return "the resource must be mfa/DEVICE-NAME"
		}
		if p := checkPathName(res[len("mfa/"):], 128); p != "" {
			return p
		}
		if len(s) > 256 {
			return fmt.Sprintf("it is %d characters, more than the 256 STS allows", len(s))
		}
		return ""
	}
	if len(s) < 9 || len(s) > 256 {
		return fmt.Sprintf("a hardware token serial is 9 to 256 letters and digits; this is %d characters", len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "it is neither a device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) nor a hardware token serial (upper-case letters and digits)"
		}
	}
	return ""
}

// checkRoleARN validates arn:PARTITION:iam::ACCOUNT:role/PATH/NAME. The API
// allows a RoleArn of 20–2048 characters and role names of 1–64.
func checkRoleARN(s string) string {
	res, problem := iamARN(s)
	if problem != "" {
		return problem
	}
	if !strings.HasPrefix(res, "role/") {
		return "the resource must be role/ROLE-NAME"
	}
	if p := checkPathName(res[len("role/"):], 64); p != "" {
		return p
	}
	if len(s) > 2048 {
		return fmt.Sprintf("it is %d characters, more than the 2048 STS allows", len(s))
	}
	return ""
}

// checkSessionName validates a role session name: 2–64 characters of
// [\w+=,.@-] (AssumeRole RoleSessionName).
func checkSessionName(s string) string {
	if len(s) < 2 || len(s) > 64 {
		return fmt.Sprintf("it is %d characters; STS wants 2 to 64", len(s))
	}
	for _, c := range s {
		if !isNameChar(c) {
			return fmt.Sprintf("%q is not allowed (letters, digits and _+=,.@- only)", c)
		}
	}
	return ""
}

// checkExternalID validates an external id: 2–1224 characters of
// [\w+=,.@:/-] (AssumeRole ExternalId).
func checkExternalID(s string) string {
	if len(s) < 2 || len(s) > 1224 {
		return fmt.Sprintf("it is %d characters; STS wants 2 to 1224", len(s))
	}
	for _, c := range s {
		if !isNameChar(c) && c != ':' && c != '/' {
			return fmt.Sprintf("%q is not allowed (letters, digits and _+=,.@:/- only)", c)
		}
	}
	return ""
}

// DefaultSessionName is the role session name used when none is given:
// "awsmfa-" and the user name, with every character STS does not allow
// replaced by '-', cut to 64 characters. It is deterministic because it is
// part of the cache key.
func DefaultSessionName(username string) string {
	var b strings.Builder
	b.WriteString("awsmfa-")
	for _, c := range username {
		if b.Len() >= 64 {
			break
		}
		if !isNameChar(c) {
			c = '-'
		}
		b.WriteRune(c)
	}
	s := b.String()
	if s == "awsmfa-" {
		return "awsmfa"
	}
	return s
}

// CheckRoleARN says why s is not a role ARN
// (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME), or returns nil.
func CheckRoleARN(s string) error {
	if p := checkRoleARN(s); p != "" {
		return fmt.Errorf("role %q is not a role ARN: %s\ngive it as arn:aws:iam::123456789012:role/NAME", s, p)
	}
	return nil
}
