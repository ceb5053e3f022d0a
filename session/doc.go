// Package session turns a resolved profile plan into temporary credentials.
//
// It chooses nothing about the profile itself (package profile did that and
// recorded the STS path in the plan); it carries the path out: it asks an
// mfa.Source for an MFA code only when STS needs one, calls STS through the
// real aws-sdk-go-v2 client, and keeps every session in a cache.Store so that
// one code serves every shell and every role for hours.
//
// The path for a role on an MFA device with a role duration of an hour or
// less is the one that makes refreshing painless: the MFA session (from
// GetSessionToken, with a code) is cached on its own and every role profile
// on the same device mints its role session from it with no code.
package session
