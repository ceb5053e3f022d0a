// Package console signs a role session in to the AWS Management Console.
//
// It follows AWS's custom identity broker flow: the role session's three
// parts are sent to the sign-in service's federation endpoint
// (Action=getSigninToken), which answers with a sign-in token; the token
// goes into a login URL (Action=login) whose Destination is the console
// page to open. The token is valid for 15 minutes; the console session it
// starts lasts the SessionDuration asked for.
//
// The federation endpoint accepts only role (AssumeRole) and federated
// user (GetFederationToken) sessions: an MFA session from GetSessionToken
// is refused, so callers check that they hold a role session first.
//
// The login URL and the sign-in token are secrets (whoever opens the URL
// within 15 minutes is signed in as the role): nothing here logs them or
// puts them in an error.
package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/cause"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/endpoint"
)

// Limits of the federation endpoint's SessionDuration, the console
// session's length.
const (
	// MinSessionDuration is the shortest console session AWS grants.
	MinSessionDuration = 900 * time.Second
	// MaxSessionDuration is the longest console session AWS grants for a
	// role session signed with long-term keys.
	MaxSessionDuration = 43200 * time.Second
	// MaxChainedSessionDuration is the longest console session for a role
	// session minted with other temporary credentials (role chaining).
	MaxChainedSessionDuration = 3600 * time.Second
	// TokenLifetime is how long a sign-in token, and so a login URL, can
	// be used.
	TokenLifetime = 15 * time.Minute
)

// EnvEndpoint is the variable that points the federation calls elsewhere
// (an emulator, a proxy): the AWS SDKs' service-specific endpoint name for
// the AWS Sign-In service. AWS_ENDPOINT_URL is the fallback, and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores both, as in the SDKs.
const EnvEndpoint = "AWS_ENDPOINT_URL_SIGNIN"

// DefaultPath is the console page opened when none is asked for.
const DefaultPath = "console/home"

// Partition is one AWS partition's sign-in and console hosts.
type Partition struct {
	// ID is the partition as ARNs name it: aws, aws-cn, aws-us-gov.
	ID string
	// Signin is the host of the sign-in service (federation endpoint).
	Signin string
	// Console is the host of the Management Console.
	Console string
}

// partitions are the partitions with a console reachable by federation.
var partitions = []Partition{
	{ID: "aws", Signin: "signin.aws.amazon.com", Console: "console.aws.amazon.com"},
	{ID: "aws-cn", Signin: "signin.amazonaws.cn", Console: "console.amazonaws.cn"},
	{ID: "aws-us-gov", Signin: "signin.amazonaws-us-gov.com", Console: "console.amazonaws-us-gov.com"},
}

// PartitionOf returns the partition named by an ARN (the role's), or an
// error for a partition whose console awsmfa does not know.
func PartitionOf(arn string) (Partition, error) {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return Partition{}, fmt.Errorf("%q is not an ARN (arn:PARTITION:...)", arn)
	}
	for _, p := range partitions {
		if p.ID == parts[1] {
			return p, nil
		}
	}
	return Partition{}, fmt.Errorf("console sign-in is not available for the partition %q of %s; awsmfa knows the consoles of aws, aws-cn and aws-us-gov", parts[1], arn)
}

// Endpoint returns the federation endpoint's URL for partition p: the
// override from EnvEndpoint (or AWS_ENDPOINT_URL) followed by /federation,
// else https://SIGNIN-HOST/federation. An override must be https, or http
// to a loopback address only: the session's secret key travels in it.
func Endpoint(p Partition, getenv func(string) string) (string, error) {
	base, from := endpoint.Configured(getenv, "SIGNIN")
	if base == "" {
		return "https://" + p.Signin + "/federation", nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%s: not an endpoint URL such as https://signin.example.com; fix or unset it", from)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return "", fmt.Errorf("%s: plain http is allowed only to 127.0.0.1, ::1 or localhost (the session's secret key is sent there); use https", from)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/") + "/federation", nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Destination is the console URL for page path in region (added as
// ?region=, unless path already names one; "" leaves the console's own
// choice). path is relative to the console host, such as "ec2/home" or
// "s3/buckets"; "" is DefaultPath. A full URL is refused: the page must be
// on the partition's console.
func Destination(p Partition, region, path string) (string, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		path = DefaultPath
	}
	if strings.ContainsAny(path, "\x00\r\n\t ") {
		return "", fmt.Errorf("--path %q: a console page has no spaces or control characters (e.g. ec2/home)", path)
	}
	if strings.HasPrefix(path, "//") || strings.Contains(path, "://") {
		return "", fmt.Errorf("--path %q: give the page on the console, such as ec2/home, not a URL", path)
	}
	rel, err := url.Parse(strings.TrimPrefix(path, "/"))
	if err != nil || rel.Scheme != "" || rel.Host != "" {
		return "", fmt.Errorf("--path %q: give the page on the console, such as ec2/home, not a URL", path)
	}
	for _, seg := range strings.Split(rel.Path, "/") {
		if seg == ".." {
			return "", fmt.Errorf("--path %q: a console page has no .. in it (e.g. ec2/home)", path)
		}
	}
	u := &url.URL{Scheme: "https", Host: p.Console, Path: "/" + rel.Path, RawQuery: rel.RawQuery, Fragment: rel.Fragment}
	if region != "" {
		q := u.Query()
		if q.Get("region") == "" {
			q.Set("region", region)
			u.RawQuery = q.Encode()
		}
	}
	return u.String(), nil
}

// Login is one console sign-in: a role session and where it goes.
type Login struct {
	// Session is the role session (AssumeRole credentials).
	Session creds.Credentials
	// Endpoint is the federation endpoint (see Endpoint).
	Endpoint string
	// Destination is the console page (see Destination).
	Destination string
	// Duration is the console session's length, SessionDuration; zero
	// leaves the choice to AWS.
	Duration time.Duration
	// Issuer names who made the URL; AWS shows it when the console session
	// ends.
	Issuer string
}

// ErrRefused wraps the federation endpoint's refusal of the session.
var ErrRefused = errors.New("the AWS sign-in service refused the role session")

// maxAnswer bounds the federation endpoint's answer; a token is ~1 KB.
const maxAnswer = 64 << 10

// URL exchanges l.Session for a sign-in token at l.Endpoint and returns the
// login URL. Errors never contain the URL, the token or the session.
func (l Login) URL(ctx context.Context, client *http.Client) (string, error) {
	if !l.Session.Temporary() {
		return "", errors.New("console sign-in needs a role session, not long-term keys")
	}
	if l.Duration != 0 && (l.Duration < MinSessionDuration || l.Duration > MaxSessionDuration) {
		return "", fmt.Errorf("console session of %s: AWS allows %s to %s", l.Duration, MinSessionDuration, MaxSessionDuration)
	}
	session, err := json.Marshal(struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}{l.Session.AccessKeyID, l.Session.SecretAccessKey, l.Session.SessionToken})
	if err != nil {
		return "", err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if l.Duration != 0 {
		q.Set("SessionDuration", strconv.Itoa(int(l.Duration/time.Second)))
	}
	// A GET, as AWS documents it; over https, the query is as private as
	// a body would be.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.Endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return "", errors.New("cannot build the request to the AWS sign-in service")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot reach the AWS sign-in service at %s: %w", hostOf(l.Endpoint), cause.Request(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return "", fmt.Errorf("the AWS sign-in service's answer was cut short: %w", cause.Request(err))
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%w (HTTP %s)", ErrRefused, resp.Status)
	}
	var answer struct {
		SigninToken string
	}
	if len(body) > maxAnswer || json.Unmarshal(body, &answer) != nil || answer.SigninToken == "" {
		return "", errors.New("the AWS sign-in service answered without a sign-in token")
	}
	login := url.Values{
		"Action":      {"login"},
		"Destination": {l.Destination},
		"SigninToken": {answer.SigninToken},
	}
	if l.Issuer != "" {
		login.Set("Issuer", l.Issuer)
	}
	return l.Endpoint + "?" + login.Encode(), nil
}

// hostOf is the host of an endpoint URL, for messages.
func hostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		return u.Host
	}
	return "the endpoint"
}
