// Package stsemu is a strict emulator of the parts of AWS STS and IAM that
// awsmfa depends on, served over HTTP on loopback so that the real AWS SDK
// (and the AWS CLI) can talk to it as they talk to AWS.
//
// It speaks the AWS query protocol (form POST, XML responses and
// ErrorResponse documents) for STS GetSessionToken, AssumeRole and
// GetCallerIdentity, and IAM ListMFADevices, and it applies AWS's rules
// rather than accepting anything:
//
//   - Every request's SigV4 signature is recomputed from the stored secret
//     (canonical request, string to sign, derived key). An unknown key id
//     or a temporary key with a wrong or missing session token is
//     InvalidClientTokenId; a wrong secret is SignatureDoesNotMatch; expired
//     temporary credentials are ExpiredToken; a signing time more than five
//     minutes from the emulator clock is SignatureDoesNotMatch ("Signature
//     expired"). Any region is accepted; the service in the credential scope
//     must be sts or iam as the action requires.
//   - Virtual MFA devices check TOTP codes (RFC 6238, 30 s, 6 digits, one
//     step of tolerance) by the emulator clock. A wrong code, or a code for
//     a step already accepted on that device, is AccessDenied with AWS's
//     message. A serial that is not the caller's own device is AccessDenied.
//   - GetSessionToken: 900 to 129600 s, default 43200, long-term keys only.
//   - AssumeRole: the role's trust policy (allowed principals, MFA, external
//     id), 900 s up to the role's maximum (default 3600), at most 3600 s
//     when signed with temporary credentials. Credentials from
//     GetSessionToken with a valid code count as MFA-authenticated.
//   - Temporary credentials it issues (ASIA... ids) are remembered, so that
//     requests signed with them verify and GetCallerIdentity names the user
//     or the assumed-role session.
//   - Responses carry a Date header from the emulator clock, as AWS's do;
//     the SDK uses it to correct clock skew.
//
// # Use from tests
//
//	emu := stsemu.New(stsemu.DemoState(), stsemu.WithClock(clock))
//	srv := httptest.NewServer(emu)
//	defer srv.Close()
//	// point the SDK at srv.URL (BaseEndpoint, or AWS_ENDPOINT_URL_STS and
//	// AWS_ENDPOINT_URL_IAM for a child process), sign with
//	// DemoAccessKeyID/DemoSecretAccessKey, and get a valid code with
//	code, _ := emu.CurrentCode(stsemu.DemoSerial, 0)
//
// Each code is accepted once per device: advance the clock by 30 s
// (Advance) before the next one. Log and Count report what clients did
// (never a secret); InjectFault makes the next requests slow, throttled,
// failing with HTTP 500, or dropped. Out of process, the same is available
// under /_emu/ (see the cmd/stsemu command), from loopback clients only.
package stsemu
