package stsemu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The federation endpoint of the AWS sign-in service, as a console sign-in
// uses it (see doc.go): GET or POST /federation with Action=getSigninToken
// or Action=login, and the console page a login lands on.
const (
	federationPath = "/federation"
	consolePath    = "/federation/console"
	consoleCookie  = "awsmfa-emu-console"
)

// Limits of the federation endpoint.
const (
	signinTokenLifetime  = 15 * time.Minute
	consoleMinDuration   = 900
	consoleMaxDuration   = 43200
	consoleChainedMax    = 3600
	consoleDefaultLength = 3600
)

// signin is an issued sign-in token, or a console session started with one.
type signin struct {
	arn         string // assumed-role ARN of the session
	duration    int    // console session length, seconds
	expires     time.Time
	destination string // the console page asked for (console sessions)
}

// serveFederation answers /federation and the console page.
func (s *Server) serveFederation(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Date", s.Now().Format(http.TimeFormat))
	if r.URL.Path == consolePath {
		s.serveConsole(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad Request: the parameters could not be parsed", http.StatusBadRequest)
		return
	}
	switch action := r.Form.Get("Action"); action {
	case "getSigninToken":
		s.getSigninToken(w, r.Form)
	case "login":
		s.federationLogin(w, r, r.Form)
	default:
		s.count(truncate(action, 128))
		s.recordFederation(Request{Action: truncate(action, 128), Status: http.StatusBadRequest, ErrorCode: "InvalidAction"})
		http.Error(w, "Bad Request: Action must be getSigninToken or login", http.StatusBadRequest)
	}
}

func (s *Server) count(action string) {
	s.mu.Lock()
	s.counts[action]++
	s.mu.Unlock()
}

func (s *Server) recordFederation(e Request) { s.record(&e) }

// getSigninToken checks the Session (a role session this emulator issued,
// not expired, secret and token matching) and returns a sign-in token.
func (s *Server) getSigninToken(w http.ResponseWriter, p url.Values) {
	s.count("getSigninToken")
	e := Request{Action: "getSigninToken"}
	refuse := func(code, msg string) {
		e.Status, e.ErrorCode = http.StatusBadRequest, code
		s.record(&e)
		http.Error(w, "Bad Request: "+msg, http.StatusBadRequest)
	}
	var session struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}
	if err := json.Unmarshal([]byte(p.Get("Session")), &session); err != nil || session.ID == "" {
		refuse("MalformedSession", "Session must be the JSON object {sessionId, sessionKey, sessionToken}")
		return
	}
	e.AccessKeyID = truncate(session.ID, 128)
	duration := 0
	if v := p.Get("SessionDuration"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < consoleMinDuration || d > consoleMaxDuration {
			refuse("InvalidSessionDuration", "SessionDuration must be 900 to 43200 seconds")
			return
		}
		duration = d
	}

	s.mu.Lock()
	now := s.now()
	c, ok := s.keys[session.ID]
	var code, msg string
	switch {
	case !ok || !c.temporary || !sameString(session.Key, c.secret) || !sameString(session.Token, c.token):
		code, msg = "InvalidSession", "the session is not valid"
	case !now.Before(c.expires):
		code, msg = "ExpiredSession", "the session has expired"
	case c.role == "":
		// GetSessionToken credentials: AWS takes only role and federated
		// user sessions here.
		code, msg = "NotRoleSession", "the session is not a role or federated user session"
	case c.chained && duration > consoleChainedMax:
		code, msg = "InvalidSessionDuration", "SessionDuration exceeds the 1 hour limit for sessions from role chaining"
	}
	if code != "" {
		s.mu.Unlock()
		refuse(code, msg)
		return
	}
	if duration == 0 {
		duration = consoleDefaultLength
	}
	token := newToken()
	s.pruneSignins(now)
	s.signins[token] = &signin{arn: s.callerArn(c), duration: duration, expires: now.Add(signinTokenLifetime)}
	s.mu.Unlock()

	e.Status, e.DurationSeconds = http.StatusOK, duration
	s.record(&e)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"SigninToken": token})
}

// federationLogin checks a sign-in token and starts a console session: a
// cookie, and a redirect to the emulator's console page.
func (s *Server) federationLogin(w http.ResponseWriter, r *http.Request, p url.Values) {
	s.count("login")
	e := Request{Action: "login"}
	refuse := func(status int, code, msg string) {
		e.Status, e.ErrorCode = status, code
		s.record(&e)
		http.Error(w, msg, status)
	}
	dest, err := url.Parse(p.Get("Destination"))
	if err != nil || dest.Scheme != "https" || dest.Host == "" {
		refuse(http.StatusBadRequest, "InvalidDestination", "Bad Request: Destination must be an https console URL")
		return
	}
	s.mu.Lock()
	now := s.now()
	t, ok := s.signins[p.Get("SigninToken")]
	if ok && !now.Before(t.expires) {
		ok = false
	}
	var id string
	if ok {
		id = newToken()
		s.consoles[id] = &signin{arn: t.arn, destination: dest.String(), duration: t.duration,
			expires: now.Add(time.Duration(t.duration) * time.Second)}
	}
	s.mu.Unlock()
	if !ok {
		refuse(http.StatusForbidden, "InvalidSigninToken", "Forbidden: the sign-in token is not valid or has expired")
		return
	}
	e.Status = http.StatusFound
	s.record(&e)
	http.SetCookie(w, &http.Cookie{Name: consoleCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, consolePath, http.StatusFound)
}

var consolePage = template.Must(template.New("console").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>STS emulator console</title></head>
<body>
<h1>Signed in to the STS emulator's console</h1>
<p>Role session: <span id="arn">{{.ARN}}</span></p>
<p>Destination: <span id="destination">{{.Destination}}</span></p>
<p>Console session: <span id="duration">{{.Duration}}</span> seconds</p>
</body></html>
`))

// serveConsole is the page a login redirects to: it names the role session
// signed in by the cookie, or refuses.
func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) {
	var sess *signin
	if ck, err := r.Cookie(consoleCookie); err == nil {
		s.mu.Lock()
		if c, ok := s.consoles[ck.Value]; ok && s.now().Before(c.expires) {
			cp := *c
			sess = &cp
		}
		s.mu.Unlock()
	}
	if sess == nil {
		http.Error(w, "Forbidden: not signed in to the STS emulator's console", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	consolePage.Execute(w, struct {
		ARN, Destination string
		Duration         int
	}{sess.arn, sess.destination, sess.duration})
}

// pruneSignins forgets expired sign-in tokens and console sessions.
// s.mu is held.
func (s *Server) pruneSignins(now time.Time) {
	for k, v := range s.signins {
		if !now.Before(v.expires) {
			delete(s.signins, k)
		}
	}
	for k, v := range s.consoles {
		if !now.Before(v.expires) {
			delete(s.consoles, k)
		}
	}
}

func newToken() string {
	b := make([]byte, 48)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
