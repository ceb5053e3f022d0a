package setup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/awsmfa/awsmfa/internal/cause"
	"github.com/awsmfa/awsmfa/internal/endpoint"
)

// IAMEndpoint returns the IAM endpoint the SDK's own settings name
// (AWS_ENDPOINT_URL_IAM, then AWS_ENDPOINT_URL), or "" for AWS itself.
func IAMEndpoint(getenv func(string) string) string {
	u, _ := endpoint.Configured(getenv, "IAM")
	return u
}

// findDevice lists the MFA devices of the user the keys belong to and
// picks one: the only one, or the user's choice on the terminal.
func findDevice(ctx context.Context, in Input, ans answers, ask *asker) (string, error) {
	devices, err := listMFADevices(ctx, in.IAMEndpoint, ans.keyID, ans.secret)
	if err != nil {
		return "", err
	}
	switch len(devices) {
	case 0:
		return "", fmt.Errorf("IAM user %s has no MFA device; add one in the IAM console (Security credentials, Assign MFA device)\nthen run 'awsmfa setup' again", whoami(ctx, in.STSEndpoint, ans.keyID, ans.secret))
	case 1:
		return devices[0], nil
	}
	t, err := ask.terminal()
	if err != nil {
		return "", fmt.Errorf("these keys have %d MFA devices (%s) and there is no terminal to choose on\npass --device with the one to use", len(devices), strings.Join(devices, ", "))
	}
	return choose(t, devices)
}

// choose asks which of several devices to use, three times at most.
func choose(t Terminal, devices []string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "These keys have %d MFA devices:\n", len(devices))
	for i, d := range devices {
		fmt.Fprintf(&b, "  %d) %s\n", i+1, d)
	}
	t.Say(b.String())
	for try := 0; try < 3; try++ {
		answer, err := t.Ask(fmt.Sprintf("Which one [1-%d]: ", len(devices)))
		if err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(devices) {
			return devices[n-1], nil
		}
		t.Say(fmt.Sprintf("%q is not a number from 1 to %d\n", answer, len(devices)))
	}
	return "", fmt.Errorf("no device chosen\npass --device with the one to use")
}

// listMFADevices calls iam:ListMFADevices signed with the new keys: the
// devices of the user they belong to, every page of them.
//
// This is the one IAM call awsmfa makes, so it is made here in the Query
// protocol, signed by the SDK's SigV4 signer, rather than with the SDK's IAM
// client: the linker keeps all of that client's ~170 operations (3.5 MB of
// code) and their package init, which every start of awsmfa, cache hits
// included, would pay for.
func listMFADevices(ctx context.Context, endpoint, keyID, secret string) ([]string, error) {
	c := iamClient{
		endpoint: endpoint,
		creds:    aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		http:     &http.Client{Timeout: 30 * time.Second},
		signer:   v4.NewSigner(),
	}
	if c.endpoint == "" {
		c.endpoint = "https://iam.amazonaws.com"
	}
	var out []string
	marker := ""
	for page := 0; page < maxIAMPages; page++ {
		form := url.Values{"Action": {"ListMFADevices"}, "Version": {"2010-05-08"}}
		if marker != "" {
			form.Set("Marker", marker)
		}
		var res listMFADevicesResponse
		if err := c.call(ctx, form, &res); err != nil {
			return nil, describeIAM(err, keyID, endpoint)
		}
		for _, d := range res.Devices {
			out = append(out, d.SerialNumber)
		}
		if !res.IsTruncated || res.Marker == "" {
			return out, nil
		}
		marker = res.Marker
	}
	return nil, describeIAM(fmt.Errorf("more than %d pages of MFA devices", maxIAMPages), keyID, endpoint)
}

// maxIAMPages bounds the pages listMFADevices follows (IAM allows eight
// MFA devices a user; a server that never stops paging is an error).
const maxIAMPages = 20

// iamAttempts is how often an IAM call is tried when it is throttled, fails
// with a 5xx or cannot connect, as the SDK's standard retryer does.
const iamAttempts = 3

type listMFADevicesResponse struct {
	Devices []struct {
		SerialNumber string
	} `xml:"ListMFADevicesResult>MFADevices>member"`
	IsTruncated bool   `xml:"ListMFADevicesResult>IsTruncated"`
	Marker      string `xml:"ListMFADevicesResult>Marker"`
}

type iamErrorResponse struct {
	Code    string `xml:"Error>Code"`
	Message string `xml:"Error>Message"`
}

// iamClient makes signed IAM Query requests.
type iamClient struct {
	endpoint string
	creds    aws.Credentials
	http     *http.Client
	signer   *v4.Signer
}

// call POSTs form, decoding a 200 response into out and any other into a
// smithy.APIError with IAM's code and message, retrying what may pass.
func (c iamClient) call(ctx context.Context, form url.Values, out any) error {
	var err error
	for attempt := 1; ; attempt++ {
		var retry bool
		retry, err = c.try(ctx, form, out)
		if !retry || attempt == iamAttempts || ctx.Err() != nil {
			return err
		}
		select {
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		case <-ctx.Done():
			return err
		}
	}
}

func (c iamClient) try(ctx context.Context, form url.Values, out any) (retry bool, err error) {
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("the IAM endpoint %q is not a URL: %w", c.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := c.signer.SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now()); err != nil {
		return false, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return true, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return true, err
	}
	if res.StatusCode == http.StatusOK {
		if err := xml.Unmarshal(data, out); err != nil {
			return false, fmt.Errorf("the IAM response is not ListMFADevices XML: %v", err)
		}
		return false, nil
	}
	var e iamErrorResponse
	if xml.Unmarshal(data, &e) != nil || e.Code == "" {
		e.Code, e.Message = http.StatusText(res.StatusCode), fmt.Sprintf("HTTP %d with no IAM error document", res.StatusCode)
	}
	retry = res.StatusCode >= 500 || e.Code == "Throttling" || e.Code == "ThrottlingException" || e.Code == "RequestLimitExceeded"
	return retry, &smithy.GenericAPIError{Code: e.Code, Message: e.Message}
}

// whoami names the IAM user the keys belong to, for messages; "with key
// KEYID" when STS cannot say.
func whoami(ctx context.Context, endpoint, keyID, secret string) string {
	opts := sts.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		HTTPClient:  &http.Client{Timeout: 10 * time.Second},
	}
	if endpoint != "" {
		opts.BaseEndpoint = aws.String(endpoint)
	}
	out, err := sts.New(opts).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "with key " + keyID
	}
	return userName(aws.ToString(out.Arn))
}

// userName is the user's name in an IAM user ARN, without its path; any
// other ARN as it is.
func userName(arn string) string {
	if i := strings.Index(arn, ":user/"); i >= 0 {
		name := arn[i+len(":user/"):]
		return name[strings.LastIndexByte(name, '/')+1:]
	}
	return arn
}

// describeIAM turns a ListMFADevices failure into what to do about it.
func describeIAM(err error, keyID, endpoint string) error {
	where := "IAM"
	if endpoint != "" {
		where = "IAM at " + endpoint
	}
	if code, msg, ok := cause.API(err); ok {
		switch code {
		case "InvalidClientTokenId":
			return fmt.Errorf("%s does not know the access key %s\ncopy the key ID again from the IAM console", where, keyID)
		case "SignatureDoesNotMatch":
			return fmt.Errorf("%s says the secret key for %s is wrong\npaste the secret again, exactly as IAM showed it", where, keyID)
		case "AccessDenied", "AccessDeniedException":
			return fmt.Errorf("%s denied iam:ListMFADevices to %s, so the device cannot be found\npass --device with the device ARN (IAM console, Security credentials)", where, keyID)
		}
		return fmt.Errorf("%s failed ListMFADevices: %s: %s", where, code, msg)
	}
	if cause.Network(err) {
		return fmt.Errorf("cannot reach %s to find the MFA device: %v\ncheck the network, AWS_ENDPOINT_URL_IAM, or pass --device", where, cause.Root(err))
	}
	return fmt.Errorf("%s: ListMFADevices failed: %v", where, cause.Root(err))
}
