package setup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// IAMEndpoint returns the IAM endpoint the SDK's own settings name
// (AWS_ENDPOINT_URL_IAM, then AWS_ENDPOINT_URL), or "" for AWS itself.
func IAMEndpoint(getenv func(string) string) string {
	if getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true" {
		return ""
	}
	if u := getenv("AWS_ENDPOINT_URL_IAM"); u != "" {
		return u
	}
	return getenv("AWS_ENDPOINT_URL")
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
// devices of the user they belong to.
func listMFADevices(ctx context.Context, endpoint, keyID, secret string) ([]string, error) {
	opts := iam.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		HTTPClient:  &http.Client{Timeout: 30 * time.Second},
		Retryer:     retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 }),
	}
	if endpoint != "" {
		opts.BaseEndpoint = aws.String(endpoint)
	}
	client := iam.New(opts)
	var out []string
	pages := iam.NewListMFADevicesPaginator(client, &iam.ListMFADevicesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, describeIAM(err, keyID, endpoint)
		}
		for _, d := range page.MFADevices {
			out = append(out, aws.ToString(d.SerialNumber))
		}
	}
	return out, nil
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
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "InvalidClientTokenId":
			return fmt.Errorf("%s does not know the access key %s\ncopy the key ID again from the IAM console", where, keyID)
		case "SignatureDoesNotMatch":
			return fmt.Errorf("%s says the secret key for %s is wrong\npaste the secret again, exactly as IAM showed it", where, keyID)
		case "AccessDenied", "AccessDeniedException":
			return fmt.Errorf("%s denied iam:ListMFADevices to %s, so the device cannot be found\npass --device with the device ARN (IAM console, Security credentials)", where, keyID)
		}
		return fmt.Errorf("%s failed ListMFADevices: %s: %s", where, ae.ErrorCode(), ae.ErrorMessage())
	}
	var ne net.Error
	if errors.As(err, &ne) || strings.Contains(err.Error(), "connection") {
		return fmt.Errorf("cannot reach %s to find the MFA device: %v\ncheck the network, AWS_ENDPOINT_URL_IAM, or pass --device", where, rootErr(err))
	}
	return fmt.Errorf("%s: ListMFADevices failed: %v", where, rootErr(err))
}

// rootErr is the innermost error err wraps.
func rootErr(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
