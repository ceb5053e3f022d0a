package session

import "time"

// The refresh margins of the consumers that need more than the user's own
// (--min-ttl, which env, the prompt hook, exec and write use as it is). A
// cached session is served only while more than the margin is left; the
// cache caps any margin at half the session's lifetime, so a short session
// is not refreshed at every use.

// serverExtra is how much earlier than the user's margin exec --server gets
// sessions: botocore's advisory refresh window.
const serverExtra = 15 * time.Minute

// ServerMargin is the margin exec --server gets its sessions with, given
// the user's margin. The endpoint reports each session as expiring at the
// user's margin, and SDKs come back 15 minutes (botocore's advisory window)
// before that: a session got with less would be due at the child's first
// fetch, and be refreshed there (maybe with a question) instead of now,
// while the user is at the prompt.
func ServerMargin(user time.Duration) time.Duration { return user + serverExtra }

// CredentialProcessMargin is the margin credential-process uses when the
// user set none: botocore refreshes 15 minutes before expiry (advisory)
// and fails when a refresh hands back a session inside its 10-minute
// mandatory window, so more than that is kept left.
const CredentialProcessMargin = 20 * time.Minute

// SignInMargin is the margin of a role session that signs in to the AWS
// console: the user's, but at least a sign-in token's lifetime and a
// minute to open it.
func SignInMargin(user, tokenLifetime time.Duration) time.Duration {
	return max(user, tokenLifetime+time.Minute)
}
