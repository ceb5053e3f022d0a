package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa/awsmfa/internal/cause"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/endpoint"
	"github.com/awsmfa/awsmfa/mfa"
)

// maxSkew is how far the local clock may be from STS's before we warn.
const maxSkew = time.Minute

// Endpoint returns the STS endpoint the SDK's own settings name
// (AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL), or "" for AWS itself.
func Endpoint(getenv func(string) string) string {
	u, _ := endpoint.Configured(getenv, "STS")
	return u
}

// stsAt names STS in messages: "STS", or "STS at URL" for an endpoint
// other than AWS's own.
func stsAt(endpoint string) string {
	if endpoint == "" {
		return "STS"
	}
	return "STS at " + endpoint
}

// stsRegion picks the region for STS calls: the profile's, else the
// partition's main region, read off the device or role ARN.
func stsRegion(region string, arns ...string) string {
	if region != "" {
		return region
	}
	for _, a := range arns {
		switch {
		case strings.HasPrefix(a, "arn:aws-cn:"):
			return "cn-north-1"
		case strings.HasPrefix(a, "arn:aws-us-gov:"):
			return "us-gov-west-1"
		}
	}
	return "us-east-1"
}

// newClient builds an STS client signed with signer. It never reads the
// environment's credential variables: those are usually the stale session
// that is being replaced. Its HTTP client has no timeout of its own: the
// command's deadline (package wait) is on the context of every call.
func (g *Getter) newClient(signer creds.Credentials, region string, skew *skewWatch) *sts.Client {
	opts := sts.Options{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(signer.AccessKeyID, signer.SecretAccessKey, signer.SessionToken),
		HTTPClient:  &http.Client{Transport: skew},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = g.maxAttempts()
			o.MaxBackoff = 5 * time.Second
			o.RateLimiter = ratelimit.None
		}),
	}
	if ep := Endpoint(g.getenv); ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	return sts.New(opts)
}

func (g *Getter) maxAttempts() int {
	if n, err := strconv.Atoi(g.getenv("AWS_MAX_ATTEMPTS")); err == nil && n > 0 && n <= 10 {
		return n
	}
	return retry.DefaultMaxAttempts
}

// skewWatch is an http.RoundTripper that remembers the Date header of the
// last response, so the caller can warn about a wrong local clock. (The SDK
// corrects its signatures for skew on its own; expiry times and TOTP codes
// still depend on the clock being right.) It also remembers where the last
// request went and whether it was sent whole: a request carrying an MFA
// code that was sent but never answered may have spent the code.
type skewWatch struct {
	base http.RoundTripper
	now  func() time.Time

	mu   sync.Mutex
	skew time.Duration
	seen bool
	url  string // scheme://host of the last request
	sent bool   // a request was written whole
}

func (s *skewWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.url = req.URL.Scheme + "://" + req.URL.Host
	s.mu.Unlock()
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				s.mu.Lock()
				s.sent = true
				s.mu.Unlock()
			}
		},
	}))
	resp, err := s.base.RoundTrip(req)
	if err == nil {
		if d, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
			s.mu.Lock()
			s.skew, s.seen = s.now().Sub(d), true
			s.mu.Unlock()
		}
	}
	return resp, err
}

// warn logs once if the last response showed a skew past maxSkew.
func (s *skewWatch) warn(log *slog.Logger) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.seen {
		return
	}
	d := s.skew
	dir := "ahead of"
	if d < 0 {
		d, dir = -d, "behind"
	}
	if d > maxSkew {
		log.Warn(fmt.Sprintf("this machine's clock is %s %s AWS's; expiry times will be off: sync the clock (e.g. timedatectl set-ntp true)",
			d.Round(time.Second), dir))
	}
	s.seen = false
}

// describe turns an STS failure into a message that says what to do.
// action is the STS action, signer names the keys that signed the call;
// once is true for a request that carried an MFA code, which is sent once
// and never retried (sendOnce).
func describe(err error, action, signer, endpoint string, once bool) error {
	retried := "even after retries"
	if once {
		retried = "and a request with an MFA code is not retried"
	}
	if errors.Is(err, context.Canceled) {
		return mfa.ErrCancelled
	}
	where := stsAt(endpoint)
	if code, msg, ok := cause.API(err); ok {
		switch {
		case code == "AccessDenied" && strings.Contains(msg, "MultiFactor Authentication failed"):
			return &CodeRejectedError{Action: action}
		case code == "InvalidClientTokenId":
			return fmt.Errorf("%s does not know the access key %s (%s)\n"+
				"check the aws_access_key_id in your credentials file, or run 'awsmfa setup'", where, signer, code)
		case code == "SignatureDoesNotMatch" && strings.Contains(strings.ToLower(msg), "expired"):
			return fmt.Errorf("%s refused the request because this machine's clock is wrong (%s)\n"+
				"sync the clock (e.g. timedatectl set-ntp true) and try again", where, code)
		case code == "SignatureDoesNotMatch":
			return fmt.Errorf("%s says the secret key for %s is wrong (%s)\n"+
				"check the aws_secret_access_key in your credentials file, or run 'awsmfa setup'", where, signer, code)
		case code == "ExpiredToken":
			return fmt.Errorf("%s says the credentials that signed %s have expired (%s)\nsync the clock (e.g. timedatectl set-ntp true) and try again", where, action, code)
		case code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded":
			return fmt.Errorf("%s is throttling %s, %s (%s)\nwait a minute and try again", where, action, retried, code)
		case code == "InternalFailure" || code == "InternalError" || code == "ServiceUnavailable" || code == "ServiceFailure":
			return fmt.Errorf("%s failed %s, %s (%s)\nthis is on AWS's side: try again in a minute", where, action, retried, code)
		case code == "ValidationError":
			return fmt.Errorf("%s rejected %s: %s", where, action, msg)
		case code == "AccessDenied":
			return fmt.Errorf("%s denied %s: %s", where, action, msg)
		default:
			return fmt.Errorf("%s failed %s: %s: %s", where, action, code, msg)
		}
	}
	if cause.Network(err) {
		return fmt.Errorf("cannot reach %s for %s, %s: %v\ncheck the network, a proxy, or AWS_ENDPOINT_URL_STS", where, action, retried, cause.Root(err))
	}
	return fmt.Errorf("%s: %s failed: %v", where, action, cause.Root(err))
}

// CodeRejectedError means STS refused the MFA code: wrong, expired, or used
// already.
type CodeRejectedError struct{ Action string }

func (e *CodeRejectedError) Error() string {
	return "STS rejected the MFA code (wrong, expired, or used already)\nwait for the next code on your device and try again"
}
