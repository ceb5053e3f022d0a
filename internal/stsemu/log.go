package stsemu

import (
	"maps"
	"time"
)

// Request is one entry of the emulator's request log. It never holds a
// secret: no secret key, session token, TOTP code or external id.
type Request struct {
	// Time is the emulator clock when the response was sent.
	Time time.Time `json:"time"`
	// Action is the query Action parameter (GetSessionToken, AssumeRole,
	// ...), or the federation endpoint's (getSigninToken, login).
	Action string `json:"action"`
	// AccessKeyID is the key id named in the signature, valid or not (for
	// getSigninToken, the Session's sessionId).
	AccessKeyID string `json:"access_key_id,omitempty"`
	// SerialNumber is the MFA device the request named, if any.
	SerialNumber string `json:"serial_number,omitempty"`
	// RoleArn is the role an AssumeRole request named.
	RoleArn string `json:"role_arn,omitempty"`
	// DurationSeconds is the session length granted, for successful calls.
	DurationSeconds int `json:"duration_seconds,omitempty"`
	// CodeSent says the request carried a TokenCode.
	CodeSent bool `json:"code_sent"`
	// CodeAccepted says the code was valid and not a replay.
	CodeAccepted bool `json:"code_accepted"`
	// Status is the HTTP status sent; 0 when no response was sent (a
	// dropped connection, or a client that gave up during added latency).
	Status int `json:"status"`
	// ErrorCode is the AWS error code returned, empty on success. The
	// federation endpoint answers errors in plain text with no code; its
	// entries carry a code of the emulator's own (InvalidSession,
	// ExpiredSession, NotRoleSession, InvalidSessionDuration,
	// InvalidSigninToken, ...).
	ErrorCode string `json:"error_code,omitempty"`
	// Fault names the injected fault applied to this request, if any.
	Fault string `json:"fault,omitempty"`
}

// Log returns a copy of the request log, oldest first. Requests to the
// control endpoints are not logged.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count returns how many requests for action (one the emulator serves)
// have arrived since the last Reset, whatever their outcome: rejected and
// faulted ones are counted too.
func (s *Server) Count(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[action]
}

// Counts returns every per-action counter (see Count).
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// Reset empties the request log and the counters and drops pending faults.
// Accounts, issued sessions, used codes and the clock are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.counts = map[string]int{}
	s.faults = nil
}
