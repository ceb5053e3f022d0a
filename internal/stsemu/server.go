package stsemu

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// maxBody is the largest request body the emulator reads. STS and IAM
// requests are a few hundred bytes.
const maxBody = 64 << 10

// maxLog is how many requests the log keeps; older entries are dropped.
const maxLog = 100000

// Server is the emulator: an http.Handler that answers STS and IAM query
// requests for one State, plus control endpoints under /_emu/. Every method
// is safe for concurrent use.
type Server struct {
	mu      sync.Mutex
	account string
	users   map[string]*user
	keys    map[string]*cred // access key id -> long-term or temporary credentials
	devices map[string]*device
	roles   map[string]Role
	clock   func() time.Time
	offset  time.Duration
	shorten int // issued sessions last 1/shorten of their duration; 0 or 1 is as asked
	created time.Time
	faults  []Fault
	log     []Request
	counts  map[string]int
	// signins are the sign-in tokens issued by getSigninToken, consoles
	// the console sessions started with them (federation.go).
	signins  map[string]*signin
	consoles map[string]*signin
}

type user struct {
	name    string
	serials []string
}

type device struct {
	serial   string
	user     string
	seed     string
	lastStep int64 // the newest TOTP step accepted; codes at or before it are replays
}

// cred is one access key the emulator accepts: a user's long-term key, or
// temporary credentials it issued.
type cred struct {
	id        string
	secret    string
	token     string // empty for long-term keys
	expires   time.Time
	user      string // IAM user behind the key; empty for role sessions
	role      string // role name, for AssumeRole sessions
	session   string // role session name
	mfa       bool   // MFA-authenticated (aws:MultiFactorAuthPresent)
	chained   bool   // a role session minted with temporary credentials
	temporary bool
	denied    bool // every action but GetCallerIdentity is denied (Invalidate)
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the emulator read the time from now instead of
// time.Now. Advance moves it further.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.clock = now }
}

// New returns an emulator serving state. It panics if state is invalid (a
// programming error in the caller); validate untrusted input with
// State.Validate, or load it with LoadState, first.
func New(state State, opts ...Option) *Server {
	if err := state.Validate(); err != nil {
		panic("stsemu.New: invalid state: " + err.Error())
	}
	s := &Server{
		account: state.Account,
		users:   map[string]*user{},
		keys:    map[string]*cred{},
		devices: map[string]*device{},
		roles:   map[string]Role{},
		clock:   time.Now,
		counts:  map[string]int{},

		signins:  map[string]*signin{},
		consoles: map[string]*signin{},
	}
	for _, u := range state.Users {
		uu := &user{name: u.Name}
		for _, k := range u.AccessKeys {
			s.keys[k.ID] = &cred{id: k.ID, secret: k.Secret, user: u.Name}
		}
		for _, d := range u.MFADevices {
			uu.serials = append(uu.serials, d.Serial)
			s.devices[d.Serial] = &device{serial: d.Serial, user: u.Name, seed: d.Seed, lastStep: -1}
		}
		s.users[u.Name] = uu
	}
	for _, r := range state.Roles {
		if r.MaxSessionDuration == 0 {
			r.MaxSessionDuration = 3600
		}
		s.roles[r.Name] = r
	}
	for _, o := range opts {
		o(s)
	}
	s.created = s.now().Truncate(time.Second)
	return s
}

// Now returns the emulator's current time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

func (s *Server) now() time.Time { return s.clock().Add(s.offset).UTC() }

// SetClock replaces the emulator's clock and forgets any Advance.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock, s.offset = now, 0
}

// Advance moves the emulator's clock forward by d (backward if negative).
// Issued credentials expire, and TOTP codes change, by this clock.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// ShortenSessions makes every session issued from now on last its
// duration divided by factor: with 150, the shortest session STS grants
// (900 s) expires 6 s after it is issued, and the default GetSessionToken
// session (12 h) after 288 s. Tests use it to see a session come due in
// seconds; the log still records the duration asked for. A factor of 1
// restores AWS's durations for the sessions issued after the call.
func (s *Server) ShortenSessions(factor int) error {
	if factor < 1 || factor > maxShorten {
		return fmt.Errorf("shorten: the factor must be 1 to %d, not %d", maxShorten, factor)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shorten = factor
	return nil
}

// maxShorten is the largest factor ShortenSessions takes: it turns a
// 900 s session into one of a second.
const maxShorten = 900

// CurrentCode returns the TOTP code the device serial shows at the
// emulator's current time plus offset, for tests that need a valid code.
func (s *Server) CurrentCode(serial string, offset time.Duration) (string, error) {
	s.mu.Lock()
	d, ok := s.devices[serial]
	now := s.now()
	s.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("no MFA device %q in the emulator state", serial)
	}
	return Code(d.seed, now.Add(offset))
}

// action is one AWS operation the emulator serves.
type action struct {
	service, version, xmlns string
	handle                  func(s *Server, c *cred, p url.Values, e *Request) (any, *apiError)
}

const (
	stsVersion = "2011-06-15"
	iamVersion = "2010-05-08"
	stsXMLNS   = "https://sts.amazonaws.com/doc/2011-06-15/"
	iamXMLNS   = "https://iam.amazonaws.com/doc/2010-05-08/"
)

var actions = map[string]action{
	"GetSessionToken":   {"sts", stsVersion, stsXMLNS, (*Server).getSessionToken},
	"AssumeRole":        {"sts", stsVersion, stsXMLNS, (*Server).assumeRole},
	"GetCallerIdentity": {"sts", stsVersion, stsXMLNS, (*Server).getCallerIdentity},
	"ListMFADevices":    {"iam", iamVersion, iamXMLNS, (*Server).listMFADevices},
}

// ServeHTTP answers one request: control endpoints under /_emu/, and AWS
// query requests (form POST or GET) anywhere else.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	if r.URL.Path == federationPath || r.URL.Path == consolePath {
		s.serveFederation(w, r)
		return
	}
	requestID := newRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	e := Request{Action: "", Status: http.StatusOK}
	if err != nil {
		s.finish(w, &e, nil, &apiError{http.StatusBadRequest, "MalformedQueryString", "The request body could not be read."}, "", requestID)
		return
	}
	if len(body) > maxBody {
		s.finish(w, &e, nil, &apiError{http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("Request body must be at most %d bytes.", maxBody)}, "", requestID)
		return
	}
	params, aerr := parseParams(r, body)
	if aerr != nil {
		s.finish(w, &e, nil, aerr, "", requestID)
		return
	}
	e.Action = truncate(params.Get("Action"), 128)
	if p, aerr := parseAuthorization(r.Header.Get("Authorization")); aerr == nil {
		e.AccessKeyID = truncate(p.accessKeyID, 128)
	}
	e.SerialNumber = truncate(params.Get("SerialNumber"), 256)
	e.CodeSent = params.Get("TokenCode") != ""
	e.RoleArn = truncate(params.Get("RoleArn"), 2048)

	act, known := actions[params.Get("Action")]
	s.mu.Lock()
	if known {
		s.counts[e.Action]++
	}
	s.mu.Unlock()

	if s.fault(w, r, &e, act.xmlns, requestID) {
		return
	}

	switch {
	case e.Action == "":
		s.finish(w, &e, nil, &apiError{http.StatusBadRequest, "MissingAction", "Missing Action"}, "", requestID)
		return
	case !known || params.Get("Version") != act.version:
		s.finish(w, &e, nil, &apiError{http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", e.Action, truncate(params.Get("Version"), 32))}, "", requestID)
		return
	}

	s.mu.Lock()
	now := s.now()
	c, aerr := s.authenticate(r, body, act.service, now)
	var out any
	if aerr == nil && c.denied && e.Action != "GetCallerIdentity" {
		aerr = s.explicitDeny(c, e.Action)
	}
	if aerr == nil {
		out, aerr = act.handle(s, c, params, &e)
	}
	s.mu.Unlock()
	if e.Fault == LoseAnswer.String() {
		// Processed; the answer never reaches the client.
		if aerr != nil {
			e.Status, e.ErrorCode = aerr.status, aerr.code
		}
		s.record(&e)
		dropConnection(w)
		return
	}
	s.finish(w, &e, out, aerr, act.xmlns, requestID)
}

// fault applies the next pending fault, if any, and reports whether it
// answered (or dropped) the request itself.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, e *Request, xmlns, requestID string) bool {
	f, ok := s.takeFault()
	if !ok {
		return false
	}
	e.Fault = f.Kind.String()
	switch f.Kind {
	case Latency:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			// The client gave up during the delay: the request is
			// abandoned, not processed.
			e.Status = 0
			s.record(e)
			return true
		}
	case Throttle:
		s.finish(w, e, nil, &apiError{http.StatusBadRequest, "Throttling", "Rate exceeded"}, xmlns, requestID)
	case InternalError:
		s.finish(w, e, nil, &apiError{http.StatusInternalServerError, "InternalFailure", "An internal error occurred. Try again."}, xmlns, requestID)
	case Drop:
		e.Status = 0
		s.record(e)
		dropConnection(w)
	case LoseAnswer:
		return false // processed by the caller, which then drops the answer
	}
	return true
}

// parseParams merges the query string and, for a form POST, the body.
func parseParams(r *http.Request, body []byte) (url.Values, *apiError) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{http.StatusBadRequest, "MalformedQueryString", "The query string could not be parsed."}
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, &apiError{http.StatusMethodNotAllowed, "InvalidHttpRequest", "The AWS query protocol accepts only GET and POST."}
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		ct := r.Header.Get("Content-Type")
		if mt, _, _ := strings.Cut(ct, ";"); strings.TrimSpace(strings.ToLower(mt)) != "application/x-www-form-urlencoded" {
			return nil, &apiError{http.StatusBadRequest, "InvalidHttpRequest", "A POST body must be application/x-www-form-urlencoded (AWS query protocol)."}
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &apiError{http.StatusBadRequest, "MalformedQueryString", "The request body could not be parsed as a form."}
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	for k, v := range params {
		if len(v) > 1 {
			return nil, &apiError{http.StatusBadRequest, "MalformedQueryString", fmt.Sprintf("Parameter %s appears more than once.", truncate(k, 64))}
		}
	}
	return params, nil
}

// authenticate verifies the SigV4 signature of r and returns the
// credentials that signed it. The checks run in this order: key id,
// session token, expiry (AWS must open the token to find the secret),
// signature, signing time.
func (s *Server) authenticate(r *http.Request, body []byte, service string, now time.Time) (*cred, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Get("X-Amz-Signature") != "" {
			return nil, errIncompleteSignature("Query-string (presigned) authentication is not supported by this emulator; sign with the Authorization header.")
		}
		return nil, &apiError{http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token"}
	}
	p, aerr := parseAuthorization(h)
	if aerr != nil {
		return nil, aerr
	}
	signedAt, amzDate, aerr := requestTime(r)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkScope(p, amzDate, service); aerr != nil {
		return nil, aerr
	}
	c, ok := s.keys[p.accessKeyID]
	if !ok {
		return nil, errInvalidToken()
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if c.temporary != (token != "") || (c.temporary && !sameString(token, c.token)) {
		return nil, errInvalidToken()
	}
	if c.temporary && !now.Before(c.expires) {
		return nil, errExpiredToken()
	}
	if !sameString(signature(r, body, p, amzDate, c.secret), p.signature) {
		return nil, errSignature()
	}
	if aerr := checkTime(signedAt, now); aerr != nil {
		return nil, aerr
	}
	return c, nil
}

// finish writes the response (or error) and records the request.
func (s *Server) finish(w http.ResponseWriter, e *Request, out any, aerr *apiError, xmlns, requestID string) {
	s.mu.Lock()
	now := s.now()
	s.mu.Unlock()
	w.Header().Set("Date", now.Format(http.TimeFormat))
	if aerr != nil {
		e.Status, e.ErrorCode = aerr.status, aerr.code
		s.record(e)
		writeError(w, aerr, xmlns, requestID)
		return
	}
	e.Status = http.StatusOK
	s.record(e)
	setRequestID(out, requestID)
	writeXML(w, http.StatusOK, requestID, out)
}

func (s *Server) record(e *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.Time = s.now()
	if len(s.log) >= maxLog {
		s.log = append(s.log[:0], s.log[len(s.log)-maxLog/2:]...)
	}
	s.log = append(s.log, *e)
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// Without a hijackable connection (HTTP/2), this is the sanctioned way
	// to abort a response: net/http recovers it and resets the stream.
	panic(http.ErrAbortHandler)
}

// newID returns prefix followed by n random base32 characters, the shape
// of AWS access key and unique ids.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + base32.StdEncoding.EncodeToString(b)[:n]
}

// stableID is a deterministic unique id (AIDA..., AROA...) for a name.
func stableID(prefix, name string) string {
	sum := sha256.Sum256([]byte(name))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

func newSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
