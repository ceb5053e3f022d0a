package keystore

import (
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		env, profile, want string
	}{
		{"", "", Auto},
		{"", "true", Auto},
		{"", "AUTO", Auto},
		{"", "pass", "pass"},
		{"file", "pass", "file"},
		{" file ", "", "file"},
		{"auto", "pass", Auto},
	} {
		getenv := func(k string) string {
			if k == EnvBackend {
				return tc.env
			}
			return ""
		}
		if got := Choose(getenv, tc.profile); got != tc.want {
			t.Errorf("Choose(env %q, profile %q) = %q, want %q", tc.env, tc.profile, got, tc.want)
		}
	}
}

func TestCheckBackend(t *testing.T) {
	for _, name := range append([]string{"", "auto", "true"}, Backends...) {
		if err := CheckBackend(name); err != nil {
			t.Errorf("CheckBackend(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"vault", "File", "secretservice"} {
		if err := CheckBackend(name); err == nil || !strings.Contains(err.Error(), "unknown keyring backend") {
			t.Errorf("CheckBackend(%q) = %v, want an unknown-backend error", name, err)
		}
	}
}
