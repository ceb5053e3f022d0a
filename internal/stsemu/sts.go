package stsemu

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Limits STS applies.
const (
	gstMinDuration     = 900
	gstMaxDuration     = 129600
	gstDefaultDuration = 43200
	arMinDuration      = 900
	arMaxDuration      = 43200
	arDefaultDuration  = 3600
	chainedMaxDuration = 3600
)

var (
	tokenCodeRE   = regexp.MustCompile(`^[0-9]*$`)
	serialRE      = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	roleArnRE     = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]{1,64})$`)
)

type responseMetadata struct {
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

func (m *responseMetadata) setRequestID(id string) { m.RequestID = id }

func setRequestID(v any, id string) {
	if m, ok := v.(interface{ setRequestID(string) }); ok {
		m.setRequestID(id)
	}
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

type getSessionTokenResponse struct {
	XMLName     xml.Name       `xml:"GetSessionTokenResponse"`
	Xmlns       string         `xml:"xmlns,attr"`
	Credentials credentialsXML `xml:"GetSessionTokenResult>Credentials"`
	responseMetadata
}

type assumedRoleUserXML struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string
}

type assumeRoleResponse struct {
	XMLName         xml.Name           `xml:"AssumeRoleResponse"`
	Xmlns           string             `xml:"xmlns,attr"`
	Credentials     credentialsXML     `xml:"AssumeRoleResult>Credentials"`
	AssumedRoleUser assumedRoleUserXML `xml:"AssumeRoleResult>AssumedRoleUser"`
	responseMetadata
}

type getCallerIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	UserID  string   `xml:"GetCallerIdentityResult>UserId"`
	Account string   `xml:"GetCallerIdentityResult>Account"`
	Arn     string   `xml:"GetCallerIdentityResult>Arn"`
	responseMetadata
}

// getSessionToken is STS GetSessionToken: long-term keys only, 900 to
// 129600 s (default 43200), with an optional MFA code.
func (s *Server) getSessionToken(c *cred, p url.Values, e *Request) (any, *apiError) {
	duration, aerr := durationParam(p, gstDefaultDuration, gstMinDuration, gstMaxDuration)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := validateMFAParams(p); aerr != nil {
		return nil, aerr
	}
	if c.temporary {
		return nil, errAccessDenied(msgSessionGST)
	}
	mfa, aerr := s.verifyMFA(c, p.Get("SerialNumber"), p.Get("TokenCode"), e)
	if aerr != nil {
		return nil, aerr
	}
	now := s.now()
	nc := s.issue(cred{user: c.user, mfa: mfa}, now, duration)
	e.DurationSeconds = duration
	return &getSessionTokenResponse{Xmlns: stsXMLNS, Credentials: credentialsOf(nc)}, nil
}

// assumeRole is STS AssumeRole with the role's trust policy (principals,
// MFA, external id) and duration limits, including the one-hour cap for
// callers signing with temporary credentials.
func (s *Server) assumeRole(c *cred, p url.Values, e *Request) (any, *apiError) {
	roleArn := p.Get("RoleArn")
	switch {
	case !p.Has("RoleArn"):
		return nil, errValidation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	case len(roleArn) < 20:
		return nil, errConstraint("roleArn", "Member must have length greater than or equal to 20")
	case len(roleArn) > 2048:
		return nil, errConstraint("roleArn", "Member must have length less than or equal to 2048")
	}
	name := p.Get("RoleSessionName")
	switch {
	case !p.Has("RoleSessionName"):
		return nil, errValidation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case len(name) < 2:
		return nil, errConstraint("roleSessionName", "Member must have length greater than or equal to 2")
	case len(name) > 64:
		return nil, errConstraint("roleSessionName", "Member must have length less than or equal to 64")
	case !sessionNameRE.MatchString(name):
		return nil, errConstraint("roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	duration, aerr := durationParam(p, arDefaultDuration, arMinDuration, arMaxDuration)
	if aerr != nil {
		return nil, aerr
	}
	ext := p.Get("ExternalId")
	if p.Has("ExternalId") {
		switch {
		case len(ext) < 2:
			return nil, errConstraint("externalId", "Member must have length greater than or equal to 2")
		case len(ext) > 1224:
			return nil, errConstraint("externalId", "Member must have length less than or equal to 1224")
		case !externalIDRE.MatchString(ext):
			return nil, errConstraint("externalId", `Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`)
		}
	}
	if aerr := validateMFAParams(p); aerr != nil {
		return nil, aerr
	}
	m := roleArnRE.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, errValidation(fmt.Sprintf("%s is invalid", truncate(roleArn, 128)))
	}

	mfa, aerr := s.verifyMFA(c, p.Get("SerialNumber"), p.Get("TokenCode"), e)
	if aerr != nil {
		return nil, aerr
	}
	mfa = mfa || c.mfa

	caller := s.callerArn(c)
	role, ok := s.roles[m[2]]
	if !ok || m[1] != s.account || !s.trusts(role, c) ||
		(role.Trust.RequireMFA && !mfa) ||
		(role.Trust.ExternalID != "" && !sameString(ext, role.Trust.ExternalID)) {
		return nil, errNotAuthorized(caller, "sts:AssumeRole", roleArn)
	}
	if c.temporary && duration > chainedMaxDuration {
		return nil, errValidation(msgRoleChaining)
	}
	if duration > role.MaxSessionDuration {
		return nil, errValidation(msgRoleMaxSession)
	}
	now := s.now()
	nc := s.issue(cred{role: role.Name, session: name, mfa: mfa, chained: c.temporary}, now, duration)
	e.DurationSeconds = duration
	return &assumeRoleResponse{
		Xmlns:       stsXMLNS,
		Credentials: credentialsOf(nc),
		AssumedRoleUser: assumedRoleUserXML{
			AssumedRoleID: stableID("AROA", s.account+":role/"+role.Name) + ":" + name,
			Arn:           s.callerArn(nc),
		},
	}, nil
}

// getCallerIdentity is STS GetCallerIdentity: who signed the request.
func (s *Server) getCallerIdentity(c *cred, _ url.Values, _ *Request) (any, *apiError) {
	id := stableID("AIDA", s.account+":user/"+c.user)
	if c.role != "" {
		id = stableID("AROA", s.account+":role/"+c.role) + ":" + c.session
	}
	return &getCallerIdentityResponse{Xmlns: stsXMLNS, UserID: id, Account: s.account, Arn: s.callerArn(c)}, nil
}

// trusts reports whether role's trust policy names the caller: any user of
// the account when it lists no principals, else a listed user or role.
func (s *Server) trusts(role Role, c *cred) bool {
	if len(role.Trust.Principals) == 0 {
		return c.user != ""
	}
	want := "arn:aws:iam::" + s.account + ":user/" + c.user
	if c.role != "" {
		want = "arn:aws:iam::" + s.account + ":role/" + c.role
	}
	for _, p := range role.Trust.Principals {
		if p == want {
			return true
		}
	}
	return false
}

// callerArn is the ARN GetCallerIdentity reports for c.
func (s *Server) callerArn(c *cred) string {
	if c.role != "" {
		return "arn:aws:sts::" + s.account + ":assumed-role/" + c.role + "/" + c.session
	}
	return "arn:aws:iam::" + s.account + ":user/" + c.user
}

// verifyMFA checks an MFA serial and code against the caller's devices.
// It returns false, nil when neither was sent. A code is accepted once.
func (s *Server) verifyMFA(c *cred, serial, code string, e *Request) (bool, *apiError) {
	if serial == "" && code == "" {
		return false, nil
	}
	d, ok := s.devices[serial]
	if serial == "" || !ok || c.user == "" || d.user != c.user {
		return false, errAccessDenied(msgUnknownSerial)
	}
	if code == "" {
		return false, errAccessDenied(msgInvalidCode)
	}
	step, ok := matchCode(d.seed, code, s.now(), d.lastStep)
	if !ok {
		return false, errAccessDenied(msgInvalidCode)
	}
	d.lastStep = step
	e.CodeAccepted = true
	return true, nil
}

// validateMFAParams applies the field constraints of SerialNumber and
// TokenCode.
func validateMFAParams(p url.Values) *apiError {
	if p.Has("SerialNumber") {
		sn := p.Get("SerialNumber")
		switch {
		case len(sn) < 9:
			return errConstraint("serialNumber", "Member must have length greater than or equal to 9")
		case len(sn) > 256:
			return errConstraint("serialNumber", "Member must have length less than or equal to 256")
		case !serialRE.MatchString(sn):
			return errConstraint("serialNumber", `Member must satisfy regular expression pattern: [\w+=/:,.@-]*`)
		}
	}
	if p.Has("TokenCode") {
		tc := p.Get("TokenCode")
		switch {
		case len(tc) < 6:
			return errConstraint("tokenCode", "Member must have length greater than or equal to 6")
		case len(tc) > 6:
			return errConstraint("tokenCode", "Member must have length less than or equal to 6")
		case !tokenCodeRE.MatchString(tc):
			return errConstraint("tokenCode", `Member must satisfy regular expression pattern: [\d]*`)
		}
	}
	return nil
}

// durationParam reads DurationSeconds with its default and bounds.
func durationParam(p url.Values, def, lo, hi int) (int, *apiError) {
	if !p.Has("DurationSeconds") {
		return def, nil
	}
	d, err := strconv.Atoi(strings.TrimSpace(p.Get("DurationSeconds")))
	switch {
	case err != nil:
		return 0, errValidation(fmt.Sprintf("Value '%s' for parameter DurationSeconds is invalid. It must be an integer.", truncate(p.Get("DurationSeconds"), 32)))
	case d < lo:
		return 0, errValidation(fmt.Sprintf("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", d, lo))
	case d > hi:
		return 0, errValidation(fmt.Sprintf("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", d, hi))
	}
	return d, nil
}

// issue creates temporary credentials from template, valid for duration
// seconds from now (shortened as ShortenSessions says), and remembers them
// so requests signed with them verify.
func (s *Server) issue(template cred, now time.Time, duration int) *cred {
	c := template
	c.temporary = true
	c.secret = newSecret(30)
	c.token = "FwoGZXIvYXdzEmu" + newSecret(190)
	life := time.Duration(duration) * time.Second
	if s.shorten > 1 {
		life /= time.Duration(s.shorten)
	}
	c.expires = now.Add(life).Truncate(time.Second)
	id := newID("ASIA", 16)
	for s.keys[id] != nil {
		id = newID("ASIA", 16)
	}
	s.keys[id] = &c
	c.id = id
	return &c
}

func credentialsOf(c *cred) credentialsXML {
	return credentialsXML{
		AccessKeyID:     c.id,
		SecretAccessKey: c.secret,
		SessionToken:    c.token,
		Expiration:      c.expires.UTC().Format(time.RFC3339),
	}
}
