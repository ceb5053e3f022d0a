package session

import (
	"fmt"
	"strings"

	"github.com/awsmfa/awsmfa/internal/cause"
)

// RejectedSessionError means STS turned away a request signed with an MFA
// session (GetSessionToken credentials), or a role session of a chain,
// that awsmfa holds: the session expired
// early by STS's clock, STS no longer knows it, or a policy denies it.
// Get drops such a session from the cache and gets a new one, once; this
// error reaches the caller only when the new session is turned away too.
type RejectedSessionError struct {
	// Action is the STS action that was refused (AssumeRole).
	Action string
	// Where names the endpoint ("STS", or "STS at URL").
	Where string
	// AccessKeyID is the session's access key id (not a secret).
	AccessKeyID string
	// Device is the MFA device the session was made with.
	Device string
	// Code is STS's error code: ExpiredToken, InvalidClientTokenId or
	// AccessDenied.
	Code string
	// Message is STS's message.
	Message string
	// New is true when the session had just been made for this request,
	// with a new code, rather than taken from the cache.
	New bool
	// Session names the session when it is no MFA session: a role chain's
	// cached role session ("the cached role session of profile \"jump\"").
	Session string
}

func (e *RejectedSessionError) Error() string {
	what := "the cached MFA session"
	if e.New {
		what = "the new MFA session"
	}
	if e.Device != "" {
		what += " of " + e.Device
	}
	if e.Session != "" {
		what = e.Session
	}
	msg := fmt.Sprintf("%s rejected %s (%s) for %s: %s", e.Where, what, e.AccessKeyID, e.Action, e.Reason())
	if e.New {
		switch e.Code {
		case "AccessDenied":
			msg += "\nan MFA session made just now is denied too, so it is not the session: check that the role's trust policy lets your user assume it with MFA, and that no policy denies it"
		case "ExpiredToken":
			msg += "\nSTS's clock and this machine's disagree: sync the clock (e.g. timedatectl set-ntp true) and try again"
		default:
			msg += "\ntry again; if it keeps happening, check with your AWS administrator that your access key is active"
		}
	}
	return msg
}

// Reason says in words why STS turned the session away.
func (e *RejectedSessionError) Reason() string {
	switch e.Code {
	case "ExpiredToken":
		return "STS says it has expired, although this machine's clock gives it time left (ExpiredToken)"
	case "InvalidClientTokenId":
		return "STS no longer knows it: it was revoked, or the access key it was made with was deactivated or deleted (InvalidClientTokenId)"
	default:
		return fmt.Sprintf("a policy denies it, as when sessions issued before now are revoked (%s: %s)", e.Code, e.Message)
	}
}

// rejection returns a *RejectedSessionError when err is STS turning away
// the temporary credentials keyID that signed action, or nil.
func rejection(err error, action, keyID, endpoint string) *RejectedSessionError {
	code, msg, ok := cause.API(err)
	if !ok {
		return nil
	}
	// An AccessDenied is about the session only when a policy denies it
	// explicitly (how sessions are revoked); the role's trust policy not
	// naming the user is not, and a new session would not help.
	if code == "ExpiredToken" || code == "InvalidClientTokenId" ||
		code == "AccessDenied" && strings.Contains(msg, "explicit deny") {
		return &RejectedSessionError{Action: action, Where: stsAt(endpoint), AccessKeyID: keyID, Code: code, Message: msg}
	}
	return nil
}
