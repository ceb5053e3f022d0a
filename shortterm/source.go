package shortterm

import (
	"time"

	"github.com/awsmfa/awsmfa/internal/awsini"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/profile"
)

// Found is what Lookup finds in a profile's short-term section.
type Found struct {
	// Section names the section ("x"); "" when the plan has none.
	Section string
	// Credentials are the section's session; set only when Reason is "".
	Credentials creds.Credentials
	// Expiration is the section's expiry, UTC, when it has a readable one.
	Expiration time.Time
	// Reason says why the section cannot serve the request ("" when it
	// can): the reasons of Due, or that the file could not be read.
	Reason string
}

// Usable reports whether the section can serve the request.
func (f Found) Usable() bool { return f.Section != "" && f.Reason == "" }

// Lookup reads the profile's short-term section from the credentials file
// at path (display names it in reasons) and says whether it can serve as
// the session for the plan: it holds every key aws-mfa writes, is for the
// same role (or, like the plan, for none) and has more than margin left.
// aws-mfa writes such a section (and so does `awsmfa write`); using it
// means a user switching tools is not asked for a code while it is good.
//
// A file that cannot be read or parsed is not an error: the section is
// then only not usable, and the session comes from the cache or STS.
func Lookup(path, display string, p *profile.Plan, now time.Time, margin time.Duration) Found {
	if p.ShortTerm == "" {
		return Found{Reason: "the plan has no short-term section"}
	}
	out := Found{Section: p.ShortTerm}
	if !p.ShortTermFound {
		// The resolver saw no such section: no need to read the file.
		out.Reason = "no such section"
		return out
	}
	f, err := awsini.Read(path, awsini.Options{Display: display})
	if err != nil {
		out.Reason = "unreadable: " + err.Error()
		return out
	}
	exp, reason := Due(f, p, now, margin)
	out.Expiration, out.Reason = exp, reason
	if reason != "" {
		return out
	}
	// Due checked that every key is there.
	id, _ := f.Get(p.ShortTerm, "aws_access_key_id")
	secret, _ := f.Get(p.ShortTerm, "aws_secret_access_key")
	token, _ := f.Get(p.ShortTerm, "aws_session_token")
	if id == "" || secret == "" || token == "" {
		out.Reason = "an empty key"
		return out
	}
	out.Credentials = creds.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token, Expiration: exp}
	return out
}
