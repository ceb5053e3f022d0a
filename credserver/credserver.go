// Package credserver serves AWS credentials to one child process over
// loopback HTTP, in the format of the ECS container-credentials endpoint:
// the child of `awsmfa exec --server` finds it through [Server.Env], and its
// SDK fetches a new session from the [Provider] whenever the one it holds
// is due, so a run longer than one session needs no restart.
//
// Security: the server listens on 127.0.0.1 only, on a port the system
// picks. Every request must carry a fresh 256-bit random token, compared in
// constant time, and a Host of 127.0.0.1:PORT or localhost:PORT (no DNS
// rebinding); anything else gets 403. Secrets never reach the log, and a
// provider failure reaches the client as a generic 500.
//
// The Expiration it reports is the session's refresh point, not its real
// expiry. README.md in this directory says why, how a failing provider is
// handled, and what the caller must strip from the child's environment.
package credserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
)

// Path is the URL path the server answers on.
const Path = "/credentials"

// Names of the environment variables [Server.Env] sets.
const (
	EnvFullURI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	EnvToken   = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
)

// lateRetry is how far ahead the server reports the expiry of a session that
// is already past its refresh point.
const lateRetry = time.Minute

// Provider returns the current session, refreshing it when it is due. The
// server calls it on every request, one call at a time, so it must be cheap
// when nothing is due. Its error is logged and never shown to the client.
type Provider func(ctx context.Context) (creds.Credentials, error)

// Option configures [Start].
type Option func(*config)

type config struct {
	port   int
	margin time.Duration
	logger *slog.Logger
	now    func() time.Time
}

// WithPort makes the server listen on the given port of 127.0.0.1 instead of
// one the system picks. It exists for tests; a fixed port is one more thing
// that can collide.
func WithPort(port int) Option { return func(c *config) { c.port = port } }

// WithRefreshMargin sets how long before a session's real expiry the server
// reports it as expiring (default 0: the real expiry). Use the same margin
// the provider refreshes by.
func WithRefreshMargin(margin time.Duration) Option {
	return func(c *config) { c.margin = margin }
}

// WithLogger sets where the server logs requests it refuses and provider
// errors (default: nowhere). Nothing logged carries a secret.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithClock sets the clock used to judge whether a session is past its
// refresh point (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Server is a running credentials endpoint. Close it when the child exits.
type Server struct {
	cfg      config
	provider Provider
	token    string
	port     int
	hosts    [2]string
	http     *http.Server
	turn     chan struct{}     // one provider call at a time
	last     creds.Credentials // what the provider last returned; guarded by turn
	retryAt  time.Time         // after a provider failure, when to call it again; guarded by turn
	done     chan struct{}
	serveErr error
}

// Start listens on 127.0.0.1 and serves credentials from p until Close.
func Start(p Provider, opts ...Option) (*Server, error) {
	if p == nil {
		return nil, errors.New("credserver: no credentials provider given")
	}
	cfg := config{logger: slog.New(slog.DiscardHandler), now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.port < 0 || cfg.port > 65535 {
		return nil, fmt.Errorf("credserver: port %d is out of range; use 1-65535, or 0 to let the system choose", cfg.port)
	}
	if cfg.margin < 0 {
		return nil, fmt.Errorf("credserver: refresh margin %v is negative; use a margin of 0 or more", cfg.margin)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}

	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("credserver: cannot make a random token: %v", err)
	}

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.port))
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("credserver: port %d on 127.0.0.1 is already in use; stop what holds it, or let the system pick a free port", cfg.port)
		}
		return nil, fmt.Errorf("credserver: cannot listen on %s: %v", addr, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port

	s := &Server{
		cfg:      cfg,
		provider: p,
		token:    hex.EncodeToString(raw[:]),
		port:     port,
		hosts:    [2]string{"127.0.0.1:" + strconv.Itoa(port), "localhost:" + strconv.Itoa(port)},
		turn:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.logger.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
	}()
	return s, nil
}

// URL is the endpoint's full URL, http://127.0.0.1:PORT/credentials.
func (s *Server) URL() string { return "http://" + s.hosts[0] + Path }

// Env returns the variables that point an SDK at the server, as
// NAME=value strings for exec.Cmd.Env: AWS_CONTAINER_CREDENTIALS_FULL_URI
// and AWS_CONTAINER_AUTHORIZATION_TOKEN. The token is a secret: hand it to
// the child only, and never log it.
func (s *Server) Env() []string {
	return []string{EnvFullURI + "=" + s.URL(), EnvToken + "=" + s.token}
}

// Close stops the server at once, dropping any request in progress. It is
// safe to call more than once.
func (s *Server) Close() error {
	err := s.http.Close()
	<-s.done
	if err == nil {
		err = s.serveErr
	}
	return err
}

// document is the body of a successful answer, in the ECS format.
type document struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

// failure is the body of an error answer, in the shape the SDKs parse.
type failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// serve answers one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")

	if host := strings.ToLower(r.Host); host != s.hosts[0] && host != s.hosts[1] {
		s.cfg.logger.Warn("credserver: refused a request for another host (DNS rebinding?)", "host", r.Host, "remote", r.RemoteAddr)
		writeJSON(w, http.StatusForbidden, failure{"AccessDenied", "this endpoint only answers requests for " + s.hosts[0]})
		return
	}
	if r.URL.Path != Path {
		writeJSON(w, http.StatusNotFound, failure{"NotFound", "no such path; credentials are served at " + Path})
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		writeJSON(w, http.StatusMethodNotAllowed, failure{"MethodNotAllowed", "use GET"})
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(s.token)) != 1 {
		s.cfg.logger.Warn("credserver: refused a request without the right token", "remote", r.RemoteAddr)
		writeJSON(w, http.StatusForbidden, failure{"AccessDenied", "missing or wrong Authorization token; use the value of " + EnvToken})
		return
	}

	c, err := s.current(r.Context())
	if err != nil {
		s.cfg.logger.Error("credserver: could not get credentials for the child", "err", err)
		writeJSON(w, http.StatusInternalServerError, failure{"CredentialsUnavailable", "awsmfa could not get credentials; its log on stderr says why"})
		return
	}
	doc := document{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken}
	if !c.Expiration.IsZero() {
		doc.Expiration = s.reportedExpiry(c.Expiration).Format(time.RFC3339)
	}
	s.cfg.logger.Debug("credserver: served credentials", "creds", c, "reported_expiration", doc.Expiration)
	writeJSON(w, http.StatusOK, doc)
}

// current calls the provider, one call at a time, giving up when ctx ends.
// When the provider fails but the session it last returned is good for more
// than lateRetry, it logs the failure and returns that session again, and
// keeps returning it without calling the provider for lateRetry.
func (s *Server) current(ctx context.Context) (creds.Credentials, error) {
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return creds.Credentials{}, ctx.Err()
	}
	defer func() { <-s.turn }()

	now := s.cfg.now()
	if now.Before(s.retryAt) && s.last.TTL(now) > lateRetry {
		// The provider failed less than lateRetry ago: serve what it last
		// gave without asking again, so an SDK that fetches before every
		// call does not turn one failing refresh into an STS call, an MFA
		// prompt or an mfa_process run per call.
		return s.last, nil
	}
	c, err := s.provider(ctx)
	if err == nil && (c.AccessKeyID == "" || c.SecretAccessKey == "") {
		err = fmt.Errorf("the provider returned credentials without keys: %v", c)
	}
	if err == nil {
		s.last, s.retryAt = c, time.Time{}
		return c, nil
	}
	if ctx.Err() == nil && s.last.AccessKeyID != "" && s.last.TTL(now) > lateRetry {
		s.cfg.logger.Warn("credserver: could not refresh the session; serving the previous one while it lasts, and trying again in a minute",
			"err", err, "creds", s.last)
		s.retryAt = now.Add(lateRetry)
		return s.last, nil
	}
	return creds.Credentials{}, err
}

// reportedExpiry is the Expiration to report for a session that really
// expires at exp. It is the refresh point, exp minus the margin, rounded up
// to a whole second (the RFC 3339 form the SDKs parse has no fraction, and
// an SDK that comes back at the reported time must find the session due),
// but never after exp. When the refresh point has passed, it is lateRetry
// from now, or exp if sooner.
func (s *Server) reportedExpiry(exp time.Time) time.Time {
	exp = exp.UTC()
	at := exp.Add(-s.cfg.margin)
	if now := s.cfg.now(); !at.After(now) {
		at = now.UTC().Add(lateRetry)
	}
	if up := at.Truncate(time.Second); up.Before(at) {
		at = up.Add(time.Second)
	}
	if at.After(exp) {
		at = exp.Truncate(time.Second)
	}
	return at
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // cannot happen for the types above
		status, body = http.StatusInternalServerError, []byte(`{"code":"InternalError","message":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
