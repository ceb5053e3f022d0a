// Package reliability holds tests only: they run the real awsmfa binary,
// built once per run, against the STS emulator served in-process on
// 127.0.0.1, and check what must hold when things go wrong.
//
//   - 64 concurrent `awsmfa env` on an expired cached session make one STS
//     call, ask for one MFA code, and print identical output.
//   - Injected STS faults (2 s latency, throttling, HTTP 500s, dropped
//     connections) on calls without a code end in success after the SDK's
//     retries, or in a clear error with every cache file byte-identical and
//     nothing on stdout.
//   - A process killed with SIGKILL while it holds a session's lock (it is
//     waiting for its mfa_process) does not block the next one.
//   - In a read-only cache directory and on a full disk (a tiny tmpfs) the
//     new session, whose code is spent, is handed out with one warning
//     that it was not cached. Both keep the previous session file
//     byte-identical. These need root (to mount) and skip without it,
//     unless AWSMFA_REQUIRE_ALL=1.
//   - A cached MFA session STS turns away (expired early, revoked,
//     denied) is dropped, and a new one is got with one new code;
//     --force renews the MFA session under a role session too.
//   - A symbolic link where a session or lock file should be is refused,
//     and nothing is read or written through it.
//   - A lock file planted by another user, or open to everyone, is refused.
//   - Every wait has a deadline and says what it waits for: against an
//     STS that accepts connections and never answers, the prompt hook's
//     refresh gives up within 5 s (in real bash, zsh and fish too, which
//     then back off) and env, exec, write and credential-process after
//     AWSMFA_TIMEOUT or --timeout; a waiter on another awsmfa's lock says
//     after a second which process holds it and that it asks for a code,
//     and the hook and credential-process give up at their deadline while
//     an interactive env waits for as long as the other one asks.
//   - A request that carries an MFA code is sent once: a fault is an
//     error, never a resend, and a code whose answer was lost counts as
//     used, so the next run does not send it again.
//
// The test binary doubles as the mfa_process the profiles name (see
// TestMain), so a test can count the codes asked for and make a code
// source that hangs.
package reliability
