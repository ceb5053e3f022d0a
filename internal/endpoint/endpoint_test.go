package endpoint

import "testing"

func TestConfigured(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       map[string]string
		url, from string
	}{
		{"none", nil, "", ""},
		{"service", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS"},
		{"global", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:2", "AWS_ENDPOINT_URL"},
		{"another service's", map[string]string{"AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:3"}, "", ""},
		{"ignored", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, from := Configured(func(k string) string { return tc.env[k] }, "STS")
			if url != tc.url || from != tc.from {
				t.Errorf("Configured = %q, %q; want %q, %q", url, from, tc.url, tc.from)
			}
		})
	}
}
