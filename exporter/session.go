package exporter

import (
	"strconv"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// SessionInfo is what Session exports beside the credentials themselves.
type SessionInfo struct {
	// Profile is the profile name the user asked for (AWSMFA_PROFILE). The
	// hook passes it back to awsmfa to refresh. Empty unsets AWSMFA_PROFILE.
	Profile string
	// Region, when not empty, is exported as AWS_REGION and
	// AWS_DEFAULT_REGION (and recorded in AWSMFA_REGION). Empty leaves
	// both alone but for StaleRegion: they may be the user's.
	Region string
	// RefreshAt is the instant from which the hook refreshes: the expiry
	// minus the refresh margin (AWSMFA_REFRESH_AT). Zero means the expiry.
	RefreshAt time.Time
	// Marker is the path of the file whose mtime is RefreshAt, which fish's
	// hook reads without starting a process (AWSMFA_MARKER). Empty unsets it.
	Marker string
	// StaleRegion names the region variables to unset when Region is
	// empty: those still holding a region awsmfa exported earlier (see
	// StaleRegion), so the previous profile's region does not linger.
	StaleRegion []string
}

// The AWSMFA_* variables that Session sets and Clear unsets: the contract
// between `awsmfa env`, the child of `awsmfa exec`, the prompt hooks and
// `awsmfa prompt`. This is the one place their names are spelled in Go.
const (
	// EnvProfile is the profile name the user asked for.
	EnvProfile = "AWSMFA_PROFILE"
	// EnvExpiration is the session's expiry, Unix seconds.
	EnvExpiration = "AWSMFA_EXPIRATION"
	// EnvRefreshAt is when the session is due for refresh (expiry minus
	// the margin), Unix seconds: the hook refreshes at or after it.
	EnvRefreshAt = "AWSMFA_REFRESH_AT"
	// EnvMarker is the path of the file whose mtime is EnvRefreshAt (read
	// by the fish hook without starting a process).
	EnvMarker = "AWSMFA_MARKER"
	// EnvRegion records the region awsmfa exported as AWS_REGION and
	// AWS_DEFAULT_REGION, so that a later export for a profile with no
	// region can tell awsmfa's region from one the user set.
	EnvRegion = "AWSMFA_REGION"
)

// SessionNames returns the AWSMFA_* variables of the session contract, in
// the order Session sets them.
func SessionNames() []string {
	return []string{EnvProfile, EnvExpiration, EnvRefreshAt, EnvMarker, EnvRegion}
}

// StaleRegion returns the region variables (AWS_REGION, AWS_DEFAULT_REGION)
// of the environment getenv reads that still hold the region awsmfa
// exported, as recorded in AWSMFA_REGION. A region the user set, or changed
// since, is not among them.
func StaleRegion(getenv func(string) string) []string {
	own := getenv(EnvRegion)
	if own == "" {
		return nil
	}
	var out []string
	for _, name := range [...]string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if getenv(name) == own {
			out = append(out, name)
		}
	}
	return out
}

// Session returns the changes that export c for profile s.Profile, in the
// order of docs/internals.md: the three credential variables, both
// expiration variables (RFC 3339 UTC), the region variables when s.Region is
// set, then AWSMFA_PROFILE, AWSMFA_EXPIRATION and AWSMFA_REFRESH_AT (Unix
// seconds), AWSMFA_MARKER and AWSMFA_REGION (the region it exported; with
// no region, it unsets AWSMFA_REGION and the variables s.StaleRegion names).
// It unsets AWS_SECURITY_TOKEN (botocore prefers
// it to AWS_SESSION_TOKEN), AWS_PROFILE and AWS_DEFAULT_PROFILE.
//
// A variable with nothing to say is unset rather than set empty, so nothing
// of an earlier session lingers: AWS_SESSION_TOKEN for long-term keys, the
// four expiry variables when c has no expiry, AWSMFA_PROFILE,
// AWSMFA_MARKER and AWSMFA_REGION when s leaves them empty.
func Session(c creds.Credentials, s SessionInfo) Changes {
	ch := Changes{
		Set:   make([]Var, 0, 11),
		Unset: make([]string, 0, 9),
	}
	ch.Unset = append(ch.Unset, "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
	ch.Set = append(ch.Set,
		Var{"AWS_ACCESS_KEY_ID", c.AccessKeyID},
		Var{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey})
	ch.setOrUnset("AWS_SESSION_TOKEN", c.SessionToken)
	var exp, expUnix, refreshUnix string
	if !c.Expiration.IsZero() {
		exp = rfc3339(c.Expiration)
		expUnix = strconv.FormatInt(c.Expiration.Unix(), 10)
		refresh := s.RefreshAt
		if refresh.IsZero() {
			refresh = c.Expiration
		}
		refreshUnix = strconv.FormatInt(refresh.Unix(), 10)
	}
	ch.setOrUnset("AWS_CREDENTIAL_EXPIRATION", exp)
	ch.setOrUnset("AWS_SESSION_EXPIRATION", exp)
	if s.Region != "" {
		ch.Set = append(ch.Set,
			Var{"AWS_REGION", s.Region},
			Var{"AWS_DEFAULT_REGION", s.Region})
	}
	ch.setOrUnset(EnvProfile, s.Profile)
	ch.setOrUnset(EnvExpiration, expUnix)
	ch.setOrUnset(EnvRefreshAt, refreshUnix)
	ch.setOrUnset(EnvMarker, s.Marker)
	ch.setOrUnset(EnvRegion, s.Region)
	if s.Region == "" {
		ch.Unset = append(ch.Unset, s.StaleRegion...)
	}
	return ch
}

// Clear returns the changes `awsmfa env --unset` makes: it unsets the
// credential variables (AWS_SECURITY_TOKEN too), both expiration variables,
// every AWSMFA_* variable Session sets, and the region variables named in
// staleRegion (see StaleRegion). It leaves any other AWS_REGION and
// AWS_DEFAULT_REGION alone, since they may be the user's own.
func Clear(staleRegion ...string) Changes {
	unset := []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
		"AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION",
	}
	unset = append(unset, SessionNames()...)
	return Changes{Unset: append(unset, staleRegion...)}
}

// setOrUnset sets name to value, or unsets name when value is empty.
func (c *Changes) setOrUnset(name, value string) {
	if value == "" {
		c.Unset = append(c.Unset, name)
		return
	}
	c.Set = append(c.Set, Var{name, value})
}

// rfc3339 formats t in UTC to the second, as AWS_CREDENTIAL_EXPIRATION and
// credential_process's Expiration expect: 2006-01-02T15:04:05Z.
func rfc3339(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
