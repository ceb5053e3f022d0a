// Package stsemu is a strict emulator of the parts of AWS STS and IAM that
// awsmfa depends on, served over HTTP on loopback so that the real AWS SDK
// (and the AWS CLI) talk to it exactly as they talk to AWS.
//
// It speaks the AWS query protocol that aws-sdk-go-v2 (sts v1.52, iam
// v1.64) and the AWS CLI send: a form POST (or GET) to "/", XML responses,
// and ErrorResponse/Error/{Type,Code,Message} plus RequestId documents
// that the SDK decodes into smithy.APIError values. It serves STS
// GetSessionToken, AssumeRole and GetCallerIdentity and IAM ListMFADevices,
// and it applies AWS's rules rather than accepting anything:
//
//   - SigV4 is verified on every request by recomputing it (canonical
//     request, string to sign, derived key) from the stored secret. In
//     order: an unknown key id, a temporary key with a wrong or missing
//     session token, or a long-term key with one, is InvalidClientTokenId;
//     expired temporary credentials are ExpiredToken; a wrong secret (or any
//     change to the signed request) is SignatureDoesNotMatch; a signing time
//     more than five minutes from the emulator clock is
//     SignatureDoesNotMatch "Signature expired" / "Signature not yet
//     current". Any region is accepted; the service in the credential scope
//     must be sts or iam as the action requires.
//   - Virtual MFA devices check TOTP codes (RFC 6238, 30 s, 6 digits, one
//     step of tolerance each way) by the emulator clock. A wrong code, or a
//     code for a step at or before the last one accepted on that device, is
//     AccessDenied "MultiFactor Authentication failed with invalid MFA one
//     time pass code."; of several concurrent calls with one code, one wins.
//     A serial that is not the caller's own device is AccessDenied too.
//   - GetSessionToken: 900 to 129600 s, default 43200; refused ("Cannot
//     call GetSessionToken with session credentials") unless signed with
//     long-term keys.
//   - AssumeRole: the role's trust policy (allowed principals, MFA, external
//     id), RoleSessionName 2-64 of [\w+=,.@-], 900 s up to the role's
//     maximum (default 3600), at most 3600 s when signed with temporary
//     credentials. Credentials from GetSessionToken with a valid code count
//     as MFA-authenticated.
//   - ListMFADevices: the caller's devices, or a named user's (no IAM
//     policies are modelled: any principal of the account may list any
//     user). Role sessions must name the user; GetSessionToken credentials
//     obtained without MFA are refused, as IAM refuses them.
//   - Temporary credentials it issues (ASIA... ids, random secrets and
//     tokens) are remembered, so that requests signed with them verify and
//     GetCallerIdentity names the user or the assumed-role session
//     (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).
//   - Every response carries a Date header from the emulator clock, as
//     AWS's do; the SDK corrects its clock skew from it.
//   - The sign-in service's federation endpoint, at /federation:
//     Action=getSigninToken takes Session={"sessionId","sessionKey",
//     "sessionToken"} and an optional SessionDuration (900 to 43200 s, at
//     most 3600 for a role session minted with temporary credentials) and
//     answers {"SigninToken": ...} for a role session it issued that has
//     not expired; anything else (unknown, wrong secret or token,
//     long-term keys, expired, a GetSessionToken session) is HTTP 400.
//     The token is valid 15 minutes. Action=login with SigninToken and an
//     https Destination sets a cookie and redirects to /federation/console,
//     a page that names the signed-in assumed-role ARN in
//     <span id="arn">; without a valid console session it is HTTP 403.
//
// Not emulated: other actions (InvalidAction), presigned (query-string)
// signatures, SigV4a, IAM permission policies, session policies and tags.
//
// # Use from tests
//
//	emu := stsemu.New(stsemu.DemoState())
//	srv := httptest.NewServer(emu)
//	defer srv.Close()
//	// Point the SDK at srv.URL (BaseEndpoint, or AWS_ENDPOINT_URL_STS and
//	// AWS_ENDPOINT_URL_IAM for a child process), sign with
//	// DemoAccessKeyID/DemoSecretAccessKey, and get a valid code with
//	code, err := emu.CurrentCode(stsemu.DemoSerial, 0)
//
// Each code is accepted once per device: Advance the clock by 30 s before
// asking for the next one (a few such steps stay inside the SDK's 5-minute
// signing window; beyond that the SDK corrects its skew from the Date header
// after one rejected attempt). WithClock injects the clock. Log and Count
// report what clients did, never a secret; Reset empties them. InjectFault
// makes the next requests slow, throttled, failing with HTTP 500, or
// dropped. ShortenSessions makes issued sessions last a fraction of their
// duration, so that a test sees one come due in seconds. Invalidate makes
// issued credentials expire early (ExpiredToken), be forgotten
// (InvalidClientTokenId) or be denied (AccessDenied).
//
// Out of process (cmd/stsemu), the same is available from loopback clients
// under /_emu/: GET log, counters, time and code?serial=ARN[&offset=30s];
// POST advance?d=30s, shorten?factor=150, fault (JSON {"kind":"throttle","count":3}),
// invalidate?access_key_id=ASIA...&how=expire|revoke|deny and reset.
package stsemu
