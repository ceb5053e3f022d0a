package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// mintMargin is how much life an MFA session needs left to mint a role
// session from it. It is smaller than the refresh margin on purpose: an MFA
// session with five minutes left still mints a fresh one-hour role session,
// and asking for a code then would be needless.
const mintMargin = time.Minute

// Getter gets the credentials a plan describes, from its cache when a
// usable session is there and from STS otherwise.
type Getter struct {
	// Store caches sessions; required.
	Store *cache.Store
	// Codes supplies MFA codes; nil means mfa.NoCode.
	Codes mfa.Source
	// Getenv reads the SDK's endpoint settings; nil means none are set.
	Getenv func(string) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives progress and warnings, never secrets; nil discards.
	Log *slog.Logger
	// MinTTL is the refresh margin: a cached session is used only while
	// more than this is left.
	MinTTL time.Duration
	// Force ignores the cached sessions and gets new ones all the way
	// down, as aws-mfa's --force does: for a role on an MFA session, a new
	// MFA session (a new code) and a new role session from it.
	Force bool
	// Transport carries STS requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Used remembers the time step of each code STS accepted, so no code
	// is sent twice on one device (withcode.go); nil applies no rule.
	Used *mfa.Ledger
	// Stderr receives the stderr of a credential_process that supplies
	// the long-term keys; nil discards it.
	Stderr io.Writer
	// Secret reads the secret access key of a plan that keeps it in the
	// system keyring (profile.Plan.Keyring). It is called only when STS
	// must be called, before a code is asked for, so a cache hit never
	// touches the keyring; nil refuses such plans (keyring.go).
	Secret func(ctx context.Context, p *profile.Plan) (string, error)
}

// Result is what Get returns: the session as the cache keeps it (its
// RefreshAt says when it is due, with the margin capped at half its
// lifetime as the cache caps it), and where it came from.
type Result struct {
	cache.Session
	// Cached is true when no STS call was made.
	Cached bool
	// NotCached is why the new session could not be cached (the cache
	// directory is read-only or full), nil when it was. Get has warned
	// about it already.
	NotCached error
}

func (g *Getter) getenv(k string) string {
	if g.Getenv == nil {
		return ""
	}
	return g.Getenv(k)
}

func (g *Getter) now() time.Time {
	if g.Now == nil {
		return time.Now()
	}
	return g.Now()
}

func (g *Getter) log() *slog.Logger {
	if g.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return g.Log
}

func (g *Getter) codes() mfa.Source {
	if g.Codes == nil {
		return mfa.NoCode{}
	}
	return g.Codes
}

// Get returns credentials for p, following the STS path p records.
//
// A new session that cannot be cached (the cache directory is read-only or
// full) is returned all the same, with Result.NotCached set and one
// warning: its code is spent, so it must be used.
func (g *Getter) Get(ctx context.Context, p *profile.Plan) (Result, error) {
	s, cached, err := g.get(ctx, p)
	if errors.Is(err, cache.ErrNotSaved) {
		// STS gave a good session and only the disk failed. Hand the
		// session out rather than strand the user, and say plainly why
		// the next run asks again.
		g.log().Warn(fmt.Sprintf("the new session could not be cached, so the next run will need STS (and maybe a code) again: %v", err))
		return Result{Session: s, NotCached: err}, nil
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Session: s, Cached: cached}, nil
}

// get is Get, returning with an error matching cache.ErrNotSaved (and the
// session) when a new session could not be cached.
func (g *Getter) get(ctx context.Context, p *profile.Plan) (cache.Session, bool, error) {
	if err := g.nestedKeys(p); err != nil {
		return cache.Session{}, false, err
	}
	lt := &longTerm{g: g, p: p}
	if len(p.Chain) > 0 {
		return g.hop(ctx, p, lt, len(p.Chain), g.MinTTL, g.Force)
	}
	return g.first(ctx, p, lt, g.MinTTL, g.Force)
}

// first gets the session of p's STS path (the first role of a chain),
// served from the cache while more than margin is left and force is false.
func (g *Getter) first(ctx context.Context, p *profile.Plan, lt *longTerm, margin time.Duration, force bool) (cache.Session, bool, error) {
	keys := g.Keys(p)
	switch p.Path {
	case profile.SessionToken:
		return g.mfaSession(ctx, p, lt, margin, force)
	case profile.ChainedRole:
		var mfaNotSaved error
		s, cached, err := g.cached(ctx, keys.Hops[0], margin, force, func(ctx context.Context) (cache.Session, error) {
			// force renews this session only; the MFA session follows
			// --force.
			s, notSaved, err := g.chainedRole(ctx, p, lt, keys.MFA, g.Force)
			mfaNotSaved = notSaved
			return s, err
		})
		if err == nil && mfaNotSaved != nil {
			err = mfaNotSaved
		}
		return s, cached, err
	case profile.RoleWithMFA:
		return g.cached(ctx, keys.Hops[0], margin, force, func(ctx context.Context) (cache.Session, error) {
			// The keys first: a command that fails spends no code.
			signer, err := roleSigner(ctx, p, lt)
			if err != nil {
				return cache.Session{}, err
			}
			// withCode applies the used-step rule (withcode.go).
			return g.withCode(ctx, p.MFASerial, func(code string) (cache.Session, error) {
				return g.assumeRole(ctx, p, signer, p.MFASerial, code)
			})
		})
	case profile.Role:
		return g.cached(ctx, keys.Hops[0], margin, force, func(ctx context.Context) (cache.Session, error) {
			signer, err := roleSigner(ctx, p, lt)
			if err != nil {
				return cache.Session{}, err
			}
			return g.assumeRole(ctx, p, signer, "", "")
		})
	}
	return cache.Session{}, false, fmt.Errorf("profile %s: no STS path chosen (internal error; please report it)", p.Name)
}

// chainedRole mints a role session from p's MFA session (cached under
// mfaKey). An MFA session that could not be cached is used all the same
// and notSaved says why.
//
// When STS turns away a cached MFA session (it expired early by STS's
// clock, was revoked, or a policy now denies it), waiting will not mend
// it: it is dropped from the cache, with a warning naming it and why, and
// a new MFA session is got (with a new code) to mint the role session.
func (g *Getter) chainedRole(ctx context.Context, p *profile.Plan, lt *longTerm, mfaKey string, force bool) (s cache.Session, notSaved, err error) {
	if p.KeysProcess != "" && !g.usable(mfaKey, mintMargin, force) {
		// The MFA session must be got: the command's keys are needed
		// now, and keys that carry a session token cannot call
		// GetSessionToken. The role is then assumed with them directly.
		signer, err := lt.get(ctx)
		if err != nil {
			return cache.Session{}, nil, err
		}
		if signer.SessionToken != "" {
			g.log().Info("the credential_process keys carry a session token, which GetSessionToken refuses: assuming the role with them and the code", "role", p.RoleARN)
			s, err := g.withCode(ctx, p.MFASerial, func(code string) (cache.Session, error) {
				return g.assumeRole(ctx, p, signer, p.MFASerial, code)
			})
			return s, nil, err
		}
	}
	mfa, cached, err := g.mfaSession(ctx, p, lt, mintMargin, force)
	if errors.Is(err, cache.ErrNotSaved) {
		notSaved, err = err, nil
	}
	if err != nil {
		return cache.Session{}, nil, err
	}
	g.log().Info("assuming role with the MFA session", "role", p.RoleARN, "mfa_session", mfa.Credentials.AccessKeyID, "cached", cached)
	s, err = g.assumeRole(ctx, p, mfa.Credentials, "", "")
	var rej *RejectedSessionError
	if !errors.As(err, &rej) {
		return s, notSaved, err
	}
	rej.Device = p.MFASerial
	if !cached {
		rej.New = true
		return s, notSaved, err
	}
	g.log().Warn(fmt.Sprintf("%v; dropped it from the cache, getting a new MFA session (this needs a code)", rej))
	if err := g.Store.Drop(ctx, mfaKey, mfa.Credentials.AccessKeyID); err != nil {
		// The forced fetch below replaces it anyway when it can.
		g.log().Debug("could not drop the rejected MFA session", "error", err)
	}
	mfa, _, err = g.mfaSession(ctx, p, lt, mintMargin, true)
	notSaved = nil
	if errors.Is(err, cache.ErrNotSaved) {
		notSaved, err = err, nil
	}
	if err != nil {
		return cache.Session{}, nil, err
	}
	g.log().Info("assuming role with the new MFA session", "role", p.RoleARN, "mfa_session", mfa.Credentials.AccessKeyID)
	s, err = g.assumeRole(ctx, p, mfa.Credentials, "", "")
	if errors.As(err, &rej) {
		rej.Device, rej.New = p.MFASerial, true
	}
	return s, notSaved, err
}

// cached is Store.Fetch with a debug line saying where the session came
// from. An error matching cache.ErrNotSaved comes with a good session.
func (g *Getter) cached(ctx context.Context, key string, margin time.Duration, force bool, f func(context.Context) (cache.Session, error)) (cache.Session, bool, error) {
	s, cached, err := g.Store.Fetch(ctx, key, margin, force, f)
	if err != nil {
		return s, false, err
	}
	if cached {
		g.log().Debug("session served from the cache", "session", s.Label, "access_key_id", s.Credentials.AccessKeyID, "left", s.Credentials.TTL(g.now()).Round(time.Second))
	} else {
		g.log().Debug("new session cached", "session", s.Label, "access_key_id", s.Credentials.AccessKeyID, "expires", s.Credentials.Expiration)
	}
	return s, cached, nil
}

// mfaSession returns the GetSessionToken session of p's device, asking for
// a code only when the cache has none with more than margin left.
func (g *Getter) mfaSession(ctx context.Context, p *profile.Plan, lt *longTerm, margin time.Duration, force bool) (cache.Session, bool, error) {
	return g.cached(ctx, g.Keys(p).MFA, margin, force, func(ctx context.Context) (cache.Session, error) {
		// The keys first: a command that fails spends no code.
		signer, err := lt.get(ctx)
		if err != nil {
			return cache.Session{}, err
		}
		if signer.SessionToken != "" {
			return cache.Session{}, fmt.Errorf("the credential_process of profile %q printed temporary keys (with a SessionToken), and GetSessionToken cannot be called with them\n"+
				"give profile %q a role_arn to assume with them and the code, or have the command print the long-term keys", p.KeysFrom, p.Name)
		}
		// withCode applies the used-step rule (withcode.go).
		return g.withCode(ctx, p.MFASerial, func(code string) (cache.Session, error) {
			return g.getSessionToken(ctx, p, signer, code)
		})
	})
}

// roleSigner returns the long-term keys that sign p's AssumeRole, after
// temporaryCap has checked them.
func roleSigner(ctx context.Context, p *profile.Plan, lt *longTerm) (creds.Credentials, error) {
	signer, err := lt.get(ctx)
	if err == nil {
		err = temporaryCap(p, signer)
	}
	return signer, err
}

// temporaryCap refuses, before any code is asked for, a role session of
// more than an hour to be assumed with temporary keys (a credential_process
// that prints a session token): AWS caps such a session at one hour.
func temporaryCap(p *profile.Plan, signer creds.Credentials) error {
	if signer.SessionToken == "" || p.RoleDuration <= time.Hour {
		return nil
	}
	name := p.Name
	if p.RoleProfile != "" {
		name = p.RoleProfile // the first role of a chain
	}
	return fmt.Errorf("the credential_process of profile %q printed temporary keys (with a SessionToken), and AWS caps a role session assumed with them at 3600 s; profile %q asks for %d s\n"+
		"set duration_seconds to 3600 or less, or have the command print the long-term keys", p.KeysFrom, name, p.RoleDuration/time.Second)
}

// usable reports whether the cache holds a session under key with more
// than margin left that Get would serve (force serves none).
func (g *Getter) usable(key string, margin time.Duration, force bool) bool {
	if force {
		return false
	}
	s, found, err := g.load(key)
	return err == nil && found && s.Usable(g.now(), margin)
}

// Keys are the cache keys of a plan's sessions.
type Keys struct {
	// Session is the key of the session Get returns.
	Session string
	// MFA is the key of the MFA session (GetSessionToken) the plan's
	// session is or is minted from: equal to Session on the SessionToken
	// path, "" on the paths that have none (RoleWithMFA, Role).
	MFA string
	// Hops are the keys of a role chain's sessions, the first role's
	// first; each includes the key of the one before it. The last is
	// Session. Without a chain it is just Session.
	Hops []string
}

// Keys returns the cache keys g.Get uses for p: KeysOf with the STS
// endpoint g's environment sets.
func (g *Getter) Keys(p *profile.Plan) Keys { return KeysOf(p, Endpoint(g.getenv)) }

// KeysOf returns the cache keys of p's sessions when STS is reached at
// endpoint ("" for AWS's own; see Endpoint): the one place they are made,
// so list, clear and explain find exactly the sessions Get keeps.
//
// Keys from a credential_process are keyed by the profile that runs it and
// its command, not by the access key it prints: the command runs only on a
// cache miss.
func KeysOf(p *profile.Plan, endpoint string) Keys {
	k := firstKeys(p, endpoint)
	k.Hops = []string{k.Session}
	for _, h := range p.Chain {
		k.Session = cache.Key("role-chain", endpoint, k.Session, h.RoleARN, h.ExternalID, h.RoleSessionName, secs(h.Duration))
		k.Hops = append(k.Hops, k.Session)
	}
	return k
}

func firstKeys(p *profile.Plan, endpoint string) Keys {
	id := p.LongTerm.AccessKeyID
	if p.KeysProcess != "" {
		id = "credential_process [" + p.KeysFrom + "] " + p.KeysProcess
	}
	mfa := cache.Key("mfa-session", endpoint, id, p.MFASerial, secs(p.SessionDuration))
	role := func(how string) string {
		return cache.Key("role-session", how, endpoint, id, p.MFASerial,
			p.RoleARN, p.ExternalID, p.RoleSessionName, secs(p.RoleDuration), secs(p.SessionDuration))
	}
	switch p.Path {
	case profile.SessionToken:
		return Keys{Session: mfa, MFA: mfa}
	case profile.ChainedRole:
		return Keys{Session: role("chained"), MFA: mfa}
	case profile.RoleWithMFA:
		return Keys{Session: role("mfa")}
	default:
		return Keys{Session: role("plain")}
	}
}

func (g *Getter) load(key string) (cache.Session, bool, error) {
	s, err := g.Store.Load(key)
	if errors.Is(err, cache.ErrNotFound) {
		return cache.Session{}, false, nil
	}
	if err != nil {
		return cache.Session{}, false, err
	}
	return s, true, nil
}

func secs(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

func (g *Getter) getSessionToken(ctx context.Context, p *profile.Plan, signer creds.Credentials, code string) (cache.Session, error) {
	ctx, cancel := wait.Ensure(ctx)
	defer cancel()
	watch := &skewWatch{base: g.transport(), now: g.now}
	client := g.newClient(signer, stsRegion(p.Region, p.MFASerial), watch)
	g.log().Info("calling GetSessionToken", "device", p.MFASerial, "duration", p.SessionDuration, "access_key_id", signer.AccessKeyID)
	out, err := client.GetSessionToken(ctx, &sts.GetSessionTokenInput{
		DurationSeconds: aws.Int32(int32(p.SessionDuration / time.Second)),
		SerialNumber:    aws.String(p.MFASerial),
		TokenCode:       aws.String(code),
	}, sendOnce)
	watch.warn(g.log())
	if err != nil {
		return cache.Session{}, stsFailure(ctx, err, "GetSessionToken", watch, true, func(err error) error {
			return describe(err, "GetSessionToken", signer.AccessKeyID, Endpoint(g.getenv), true)
		})
	}
	return g.session(out.Credentials, "mfa "+p.MFASerial)
}

func (g *Getter) assumeRole(ctx context.Context, p *profile.Plan, signer creds.Credentials, serial, code string) (cache.Session, error) {
	ctx, cancel := wait.Ensure(ctx)
	defer cancel()
	watch := &skewWatch{base: g.transport(), now: g.now}
	client := g.newClient(signer, stsRegion(p.Region, p.RoleARN, p.MFASerial), watch)
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(p.RoleARN),
		RoleSessionName: aws.String(p.RoleSessionName),
		DurationSeconds: aws.Int32(int32(p.RoleDuration / time.Second)),
	}
	if p.ExternalID != "" {
		in.ExternalId = aws.String(p.ExternalID)
	}
	var once []func(*sts.Options)
	if serial != "" {
		in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
		once = append(once, sendOnce)
	}
	g.log().Info("calling AssumeRole", "role", p.RoleARN, "duration", p.RoleDuration, "with_code", serial != "", "access_key_id", signer.AccessKeyID)
	out, err := client.AssumeRole(ctx, in, once...)
	watch.warn(g.log())
	if err != nil {
		if signer.SessionToken != "" {
			// Signed with an MFA session: say so if STS turned it away.
			if rej := rejection(err, "AssumeRole", signer.AccessKeyID, Endpoint(g.getenv)); rej != nil {
				return cache.Session{}, rej
			}
		}
		return cache.Session{}, stsFailure(ctx, err, "AssumeRole", watch, serial != "", func(err error) error {
			return describe(err, "AssumeRole", signer.AccessKeyID, Endpoint(g.getenv), serial != "")
		})
	}
	return g.session(out.Credentials, "role "+p.RoleARN)
}

func (g *Getter) transport() http.RoundTripper {
	if g.Transport != nil {
		return g.Transport
	}
	return http.DefaultTransport
}

func (g *Getter) session(c *ststypes.Credentials, label string) (cache.Session, error) {
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil || c.Expiration == nil {
		return cache.Session{}, fmt.Errorf("STS answered without complete credentials (%s)", label)
	}
	return cache.Session{
		Credentials: creds.Credentials{
			AccessKeyID:     *c.AccessKeyId,
			SecretAccessKey: *c.SecretAccessKey,
			SessionToken:    *c.SessionToken,
			Expiration:      c.Expiration.UTC(),
		},
		Issued: g.now().UTC(),
		Label:  label,
	}, nil
}
