// Package endpoint reads the AWS SDKs' endpoint settings: which URL the
// user has configured for a service, so that awsmfa talks to the same place
// as the AWS CLI and the SDKs (and tests to an emulator on loopback).
package endpoint

// Configured returns the endpoint the environment names for a service:
// AWS_ENDPOINT_URL_<SERVICE> (service as the SDKs spell it in that
// variable: STS, IAM, SIGNIN), then AWS_ENDPOINT_URL, along with the
// variable it came from. Both are ignored when
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, as in the SDKs. An empty
// URL means the service's own endpoint.
func Configured(getenv func(string) string, service string) (url, from string) {
	if getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true" {
		return "", ""
	}
	for _, k := range []string{"AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL"} {
		if v := getenv(k); v != "" {
			return v, k
		}
	}
	return "", ""
}
